import type { CliIO, Command } from '../context';
import { daemonError } from '../output';
import { HUB_SERVER, storedLogin, storeLogin } from '../client-config';
import { readStdin } from '../local-files';

const HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', HUB_SERVER, 'https://index.docker.io/v1']);

/**
 * Reads typed lines from the client's terminal (in raw mode: the client echoes nothing, so a
 * password is simply not echoed). null: end of input or Ctrl-C.
 */
function terminalLines(io: CliIO) {
  const lines: Array<string | null> = [];
  let waiting: ((line: string | null) => void) | null = null;
  let buffer = '';
  let echo = true;
  const deliver = (line: string | null) => {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w(line);
    } else lines.push(line);
  };
  io.startStdin(io.stdinTty);
  io.onStdin((bytes) => {
    if (!bytes.length) return deliver(null);
    for (const ch of new TextDecoder().decode(bytes)) {
      if (ch === '\r' || ch === '\n') {
        io.out('\r\n');
        deliver(buffer);
        buffer = '';
      } else if (ch === '\x7f' || ch === '\b') {
        if (buffer && echo) io.out('\b \b');
        buffer = buffer.slice(0, -1);
      } else if (ch === '\x03') {
        deliver(null);
      } else if (ch >= ' ') {
        buffer += ch;
        if (echo) io.out(ch);
      }
    }
  });
  return (prompt: string, echoOn: boolean) =>
    new Promise<string | null>((resolve) => {
      echo = echoOn;
      io.out(prompt);
      if (lines.length) resolve(lines.shift()!);
      else waiting = resolve;
    });
}

export const login: Command = {
  name: 'login',
  usage: 'docker login [OPTIONS] [SERVER]',
  description: 'Authenticate to a registry',
  flags: [
    { long: 'username', short: 'u', kind: 'string', description: 'Username' },
    { long: 'password', short: 'p', kind: 'string', description: 'Password or Personal Access Token (PAT)' },
    { long: 'password-stdin', kind: 'bool', description: 'Take the Password or Personal Access Token (PAT) from stdin' },
  ],
  maxArgs: 1,
  async run({ io, daemon, flags, args }) {
    const server = args[0];
    if (server && !HUB_NAMES.has(server)) {
      const host = server.replace(/^https?:\/\//, '').split('/')[0]!;
      io.err(`Error response from daemon: Get "https://${host}/v2/": dial tcp: lookup ${host.split(':')[0]}: no such host\n`);
      return 1;
    }
    let username = flags.username as string | undefined;
    let password = flags.password as string | undefined;
    if (flags['password-stdin']) {
      if (password !== undefined) {
        io.err('Error: --password and --password-stdin are mutually exclusive\n');
        return 1;
      }
      if (!username) {
        io.err('Error: Must provide --username with --password-stdin\n');
        return 1;
      }
      password = new TextDecoder().decode(await readStdin(io)).replace(/\r?\n$/, '');
    } else if (password !== undefined) {
      io.err('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    }
    if (username === undefined || password === undefined) {
      if (!io.stdinTty) {
        io.err('Error: Cannot perform an interactive login from a non TTY device\n');
        return 1;
      }
      const ask = terminalLines(io);
      if (username === undefined) {
        io.out("\r\nLog in with your Docker ID to push and pull images from this lab's registry (kept in your browser).\r\nA name that is new here becomes a new ID: 4 to 30 lowercase letters or digits.\r\n\r\n");
        const line = await ask('Username: ', true);
        if (line === null) return 130;
        username = line.trim();
      }
      if (!username) {
        io.err('Error: Non-null Username Required\n');
        return 1;
      }
      const secret = await ask('Password: ', false);
      if (secret === null) return 130;
      password = secret;
    }
    if (!password) {
      io.err('Error: Password Required\n');
      return 1;
    }
    try {
      const { IdentityToken } = await daemon.auth(username!, password);
      await storeLogin(io, { username: username!, token: IdentityToken });
      io.out('Login Succeeded\n');
      return 0;
    } catch (error) {
      io.err(`${daemonError(error)}\n`);
      return 1;
    }
  },
};

export const logout: Command = {
  name: 'logout',
  usage: 'docker logout [SERVER]',
  description: 'Log out from a registry',
  flags: [],
  maxArgs: 1,
  async run({ io, daemon, args }) {
    const server = args[0] ?? HUB_SERVER;
    const current = HUB_NAMES.has(server) ? await storedLogin(io) : null;
    if (!current) {
      io.out(`Not logged in to ${server}\n`);
      return 0;
    }
    io.out(`Removing login credentials for ${HUB_SERVER}\n`);
    await daemon.forgetToken(current.token);
    await storeLogin(io, null);
    return 0;
  },
};
