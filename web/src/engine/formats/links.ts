// Legacy container links (`docker run --link name[:alias]`) on the default bridge, as Docker
// keeps them: the child's name and alias in the parent's /etc/hosts and the `<ALIAS>_PORT_…`,
// `<ALIAS>_NAME`, `<ALIAS>_ENV_…` variables in the parent's environment. Pure code.

export class LinkFormatError extends Error {
  override name = 'LinkFormatError';
}

/** `db`, `db:alias`, or the stored `/db:/web/db` → [name, alias] (Docker's opts.ParseLink). */
export function parseLink(value: string): [string, string] {
  if (value === '') throw new LinkFormatError('empty string specified for links');
  const parts = value.split(':');
  if (parts.length > 2) throw new LinkFormatError(`bad format for links: ${value}`);
  if (parts.length === 1) return [value, value];
  const [name, alias] = parts as [string, string];
  if (name.startsWith('/')) return [name.slice(1), alias.slice(alias.lastIndexOf('/') + 1)];
  return [name, alias];
}

/** "80/tcp" → [80, "tcp"]. */
function splitPort(key: string): [number, string] {
  const [port = '', proto = 'tcp'] = key.split('/');
  return [Number(port.split('-')[0]), proto || 'tcp'];
}

/** TCP ports first, each protocol by number (Docker's withTCPPriority order). */
function sortPorts(keys: string[]): Array<[number, string]> {
  return keys.map(splitPort).sort(([pa, ea], [pb, eb]) => {
    if (ea.toLowerCase() === eb.toLowerCase()) return pa - pb;
    if (ea.toLowerCase() === 'tcp') return -1;
    if (eb.toLowerCase() === 'tcp') return 1;
    return ea.toLowerCase() < eb.toLowerCase() ? -1 : 1;
  });
}

/**
 * The variables a parent gets for one link. `linkName` is the link's full name
 * (`/web/db`), whose last element is the alias; runs of consecutive ports also get
 * `_START`/`_END` entries, as Docker writes them.
 */
export function linkEnv(linkName: string, childIp: string, childEnv: string[], exposedPorts: string[]): string[] {
  const prefix = linkName.slice(linkName.lastIndexOf('/') + 1).toUpperCase().replace(/-/g, '_');
  const ports = sortPorts(exposedPorts);
  const env: string[] = [];
  if (ports.length) env.push(`${prefix}_PORT=${ports[0]![1]}://${childIp}:${ports[0]![0]}`);
  for (let i = 0; i < ports.length; ) {
    // The end of the run from i, found as Docker's nextContiguous does: it stops only at a
    // number above the next expected one (a lower one, of another protocol, continues it).
    let j = i;
    for (let value = ports[i]![0]; j + 1 < ports.length && ports[j + 1]![0] <= value + 1; value++) j++;
    if (j > i + 1) {
      const [port, proto] = ports[i]!;
      const [endPort, endProto] = ports[j]!;
      const key = `${prefix}_PORT_${port}_${proto.toUpperCase()}`;
      env.push(`${key}_START=${proto}://${childIp}:${port}`, `${key}_ADDR=${childIp}`, `${key}_PROTO=${proto}`, `${key}_PORT_START=${port}`);
      const endKey = `${prefix}_PORT_${port}_${endProto.toUpperCase()}`;
      env.push(`${endKey}_END=${endProto}://${childIp}:${endPort}`, `${endKey}_PORT_END=${endPort}`);
      i = j + 1;
    } else {
      i++;
    }
  }
  for (const [port, proto] of ports) {
    const key = `${prefix}_PORT_${port}_${proto.toUpperCase()}`;
    env.push(`${key}=${proto}://${childIp}:${port}`, `${key}_ADDR=${childIp}`, `${key}_PORT=${port}`, `${key}_PROTO=${proto}`);
  }
  env.push(`${prefix}_NAME=${linkName}`);
  for (const entry of childEnv) {
    const eq = entry.indexOf('=');
    if (eq < 0) continue;
    const name = entry.slice(0, eq);
    // Docker leaves out what every image sets and says nothing of the child.
    if (name === 'HOME' || name === 'PATH') continue;
    env.push(`${prefix}_ENV_${name}=${entry.slice(eq + 1)}`);
  }
  return env;
}

/** The names a link gives the child in the parent's /etc/hosts: alias, hostname, and its name if it differs. */
export function linkHostNames(alias: string, childName: string, childHostname: string): string {
  return alias === childName ? `${alias} ${childHostname}` : `${alias} ${childHostname} ${childName}`;
}
