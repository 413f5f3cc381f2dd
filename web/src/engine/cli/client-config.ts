// The client's own configuration, as the real CLI keeps it: ~/.docker/config.json on the
// machine the client runs on (the guest). A login keeps the registry's token there — never
// the password (Docker itself keeps base64 "user:password" unless a credential helper is set).
import { readTar } from '../formats/tar';
import type { CliIO } from './context';

export const HUB_SERVER = 'https://index.docker.io/v1/';
const CONFIG = '/root/.docker/config.json';

interface ClientConfig {
  auths?: Record<string, { auth?: string; identitytoken?: string }>;
  [key: string]: unknown;
}

async function readConfig(io: CliIO): Promise<ClientConfig> {
  const found = await io.archiveLocal(CONFIG);
  const entry = found ? readTar(found.tar).find((e) => e.type === 'file') : undefined;
  if (!entry || entry.type !== 'file') return {};
  try {
    return JSON.parse(new TextDecoder().decode(entry.data)) as ClientConfig;
  } catch {
    return {};
  }
}

/** Who the client is logged in as on Docker Hub (the lab's registry), and its token. */
export async function storedLogin(io: CliIO): Promise<{ username: string; token: string } | null> {
  const entry = (await readConfig(io)).auths?.[HUB_SERVER];
  if (!entry?.auth || !entry.identitytoken) return null;
  const username = atob(entry.auth).split(':')[0] ?? '';
  return { username, token: entry.identitytoken };
}

export async function storeLogin(io: CliIO, login: { username: string; token: string } | null): Promise<void> {
  const config = await readConfig(io);
  const auths = { ...config.auths };
  if (login) auths[HUB_SERVER] = { auth: btoa(`${login.username}:`), identitytoken: login.token };
  else delete auths[HUB_SERVER];
  await io.writeLocal(CONFIG, new TextEncoder().encode(`${JSON.stringify({ ...config, auths }, null, '\t')}\n`), 0o600);
}
