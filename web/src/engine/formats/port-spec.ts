// Published-port specs as `docker run -p` reads them (Docker's go-connections/nat rules and
// messages): [IP:][HOST_PORT:]CONTAINER_PORT[/PROTO], with ranges (8000-8002:80-82). Pure code.

export type Protocol = 'tcp' | 'udp' | 'sctp';

/** One container port and where it is published ("" host port: any free one). */
export interface PortMapping {
  containerPort: number;
  proto: Protocol;
  hostIp: string;
  hostPort: string;
}

export class PortSpecError extends Error {
  override name = 'PortSpecError';
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

/** "80" → [80, 80]; "8000-8002" → [8000, 8002]. */
function portRange(text: string, what: 'containerPort' | 'hostPort'): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const start = m ? Number(m[1]) : NaN;
  const end = m?.[2] !== undefined ? Number(m[2]) : start;
  if (!m || start > 65535 || end > 65535 || end < start || (what === 'containerPort' && start === 0)) {
    throw new PortSpecError(`invalid ${what}: ${text}`);
  }
  return [start, end];
}

/** IPv6 as Go's net.ParseIP reads it (hex groups, one `::`, an IPv4 tail). */
function isIPv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const all = [...groups(halves[0]!), ...(halves.length === 2 ? groups(halves[1]!) : [])];
  let count = all.length;
  if (all.length && isIPv4(all[all.length - 1]!)) {
    all.pop();
    count++;
  }
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? count < 8 : count === 8;
}

/**
 * "80/tcp" → ["80", "tcp"] as go-connections' SplitProtoPort cuts it (at the first `/`; no
 * protocol is tcp), then the protocol checked: `80/tcp/extra` has protocol `tcp/extra`.
 */
export function splitProto(text: string): [string, Protocol] {
  const slash = text.indexOf('/');
  const port = slash < 0 ? text : text.slice(0, slash);
  const proto = (slash < 0 ? '' : text.slice(slash + 1)).toLowerCase() || 'tcp';
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') throw new PortSpecError(`invalid proto: ${proto}`);
  return [port, proto];
}

/** `[::1]` → `::1`, with the message Go's net.SplitHostPort gives for anything else. */
function unbracket(ip: string): string {
  const hostport = `${ip}:`;
  const end = hostport.indexOf(']');
  const fail = (why: string) => new PortSpecError(`invalid IP address ${ip}: address ${hostport}: ${why}`);
  if (end < 0) throw fail("missing ']' in address");
  if (end + 1 !== hostport.length - 1) throw fail(hostport[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
  const host = hostport.slice(1, end);
  if (host.includes('[')) throw fail("unexpected '[' in address");
  return host;
}

/** One `-p` value as the mappings it stands for (go-connections' ParsePortSpec, in its order of checks). */
export function parsePortSpec(spec: string): PortMapping[] {
  const parts = spec.split(':');
  const n = parts.length;
  let ip = n > 2 ? parts.slice(0, n - 2).join(':') : '';
  const hostPort = n > 1 ? parts[n - 2]! : '';
  const last = parts[n - 1]!;
  if (last === '' || last.startsWith('/')) throw new PortSpecError(`no port specified: ${spec}<empty>`);
  const [containerPort, proto] = splitProto(last);
  if (ip.startsWith('[')) ip = unbracket(ip);
  if (ip && !isIPv4(ip)) {
    throw new PortSpecError(isIPv6(ip) ? `invalid IP address ${ip}: Drydock's guest has no IPv6` : `invalid IP address: ${ip}`);
  }
  const [cStart, cEnd] = portRange(containerPort, 'containerPort');
  const [hStart, hEnd] = hostPort ? portRange(hostPort, 'hostPort') : [0, 0];
  const count = cEnd - cStart + 1;
  if (hostPort && hEnd - hStart + 1 !== count && !(cStart === cEnd)) {
    throw new PortSpecError(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
  }
  const mappings: PortMapping[] = [];
  for (let k = 0; k < count; k++) {
    // A single container port with a host range takes one free port of the range (Docker
    // keeps the range; Drydock picks the first free one at start).
    const host = !hostPort ? '' : cStart === cEnd && hEnd > hStart ? `${hStart}-${hEnd}` : String(hStart + k);
    mappings.push({ containerPort: cStart + k, proto, hostIp: ip, hostPort: host });
  }
  return mappings;
}

/** "0.0.0.0:8080->80/tcp, 443/tcp": the PORTS column of `docker ps`. */
export function formatPorts(ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null>): string {
  const entries: string[] = [];
  const keys = Object.keys(ports).sort((a, b) => Number(a.split('/')[0]) - Number(b.split('/')[0]));
  for (const key of keys) {
    const bindings = ports[key];
    if (!bindings?.length) entries.push(key);
    else for (const b of bindings) entries.push(`${b.HostIp || '0.0.0.0'}:${b.HostPort}->${key}`);
  }
  return entries.join(', ');
}
