// `-v`, `--mount` and `--tmpfs` specs read as Docker reads them (pure), with Docker's messages.
import { cleanPath } from './path-match';

/** A mount as asked for, before volumes are found or made. */
export type MountRequest =
  | { type: 'volume'; name?: string; target: string; readOnly: boolean; mode: string }
  | { type: 'bind'; source: string; target: string; readOnly: boolean; mode: string; createSource: boolean }
  | { type: 'tmpfs'; target: string; options: string };

/** A mount target as Docker cleans it: "/a/../b/" is "/b", and ".." cannot climb out of "/". */
const cleanTarget = (target: string) => `/${cleanPath(target)}`;
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export class MountSpecError extends Error {
  override name = 'MountSpecError';
}

export function checkVolumeName(name: string): void {
  if (!VOLUME_NAME.test(name)) {
    throw new MountSpecError(`create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
}

/** `-v` / `--volume`: `name:/path[:ro]`, `/host:/path[:ro]`, or `/path` (an anonymous volume). */
export function parseBind(spec: string): MountRequest {
  const parts = spec.split(':');
  const invalid = () => new MountSpecError(`invalid volume specification: '${spec}'`);
  if (parts.length > 3 || parts.some((p) => p === '')) throw invalid();
  if (parts.length === 1) {
    if (!parts[0]!.startsWith('/')) throw new MountSpecError(`invalid volume specification: '${spec}': invalid mount config for type "volume": invalid mount path: '${parts[0]}' mount path must be absolute`);
    return { type: 'volume', target: cleanTarget(parts[0]!), readOnly: false, mode: '' };
  }
  const [source, target, mode = ''] = parts as [string, string, string?];
  const modes = mode.split(',').filter(Boolean);
  if (modes.some((m) => !['ro', 'rw', 'z', 'Z', 'nocopy', 'rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave'].includes(m))) throw new MountSpecError(`invalid mode: ${mode}`);
  if (!target.startsWith('/')) {
    throw new MountSpecError(`invalid volume specification: '${spec}': invalid mount config for type "${source.startsWith('/') ? 'bind' : 'volume'}": invalid mount path: '${target}' mount path must be absolute`);
  }
  const readOnly = modes.includes('ro');
  if (source.startsWith('/')) return { type: 'bind', source, target: cleanTarget(target), readOnly, mode, createSource: true };
  checkVolumeName(source);
  return { type: 'volume', name: source, target: cleanTarget(target), readOnly, mode };
}

/** `--mount type=volume|bind|tmpfs,source=…,target=…,readonly,…` */
export function parseMount(spec: string): MountRequest {
  const fields = new Map<string, string>();
  for (const field of spec.split(',')) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? 'true' : field.slice(eq + 1);
    fields.set(key, value);
  }
  const type = fields.get('type') ?? 'volume';
  const source = fields.get('source') ?? fields.get('src');
  const target = fields.get('target') ?? fields.get('destination') ?? fields.get('dst');
  const readOnly = ['readonly', 'ro'].some((k) => fields.has(k) && fields.get(k) !== 'false' && fields.get(k) !== '0');
  const bad = (why: string) => new MountSpecError(`invalid argument "${spec}" for "--mount" flag: ${why}`);
  for (const key of fields.keys()) {
    if (!['type', 'source', 'src', 'target', 'destination', 'dst', 'readonly', 'ro', 'volume-nocopy', 'bind-propagation', 'tmpfs-size', 'tmpfs-mode', 'consistency', 'volume-label'].includes(key)) throw bad(`unexpected key '${key}' in '${key}=${fields.get(key)}'`);
  }
  if (!['volume', 'bind', 'tmpfs'].includes(type)) throw bad(`invalid type "${type}"`);
  if (!target) throw new MountSpecError(`invalid mount config for type "${type}": field Target must not be empty`);
  if (!target.startsWith('/')) throw new MountSpecError(`invalid mount config for type "${type}": invalid mount path: '${target}' mount path must be absolute`);
  const clean = cleanTarget(target);
  if (type === 'tmpfs') {
    if (source) throw new MountSpecError(`invalid mount config for type "tmpfs": field Source must not be specified`);
    const options = [fields.has('tmpfs-size') ? `size=${fields.get('tmpfs-size')}` : '', fields.has('tmpfs-mode') ? `mode=${fields.get('tmpfs-mode')}` : 'mode=1777'].filter(Boolean).join(',');
    return { type: 'tmpfs', target: clean, options };
  }
  if (type === 'bind') {
    if (!source) throw new MountSpecError(`invalid mount config for type "bind": field Source must not be empty`);
    if (!source.startsWith('/')) throw new MountSpecError(`invalid mount config for type "bind": invalid mount path: '${source}' mount path must be absolute`);
    return { type: 'bind', source, target: clean, readOnly, mode: readOnly ? 'ro' : '', createSource: false };
  }
  if (source) checkVolumeName(source);
  return { type: 'volume', ...(source ? { name: source } : {}), target: clean, readOnly, mode: readOnly ? 'ro' : 'z' };
}

/** `--tmpfs /run[:size=64m]` */
export function parseTmpfs(spec: string): MountRequest {
  const colon = spec.indexOf(':');
  const target = colon < 0 ? spec : spec.slice(0, colon);
  if (!target.startsWith('/')) throw new MountSpecError(`invalid mount config for type "tmpfs": invalid mount path: '${target}' mount path must be absolute`);
  const options = colon < 0 ? '' : spec.slice(colon + 1);
  return { type: 'tmpfs', target: cleanTarget(target), options: options.includes('mode=') ? options : [options, 'mode=1777'].filter(Boolean).join(',') };
}
