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

/** "80/tcp" → [80, 'tcp']: an EXPOSE entry or a key of ExposedPorts. */
export function splitProto(text: string): [string, Protocol] {
  const [port = '', proto = 'tcp'] = text.split('/');
  const lower = proto.toLowerCase();
  if (lower !== 'tcp' && lower !== 'udp' && lower !== 'sctp') throw new PortSpecError(`invalid proto: ${proto}`);
  return [port, lower];
}

/** One `-p` value as the mappings it stands for. */
export function parsePortSpec(spec: string): PortMapping[] {
  const [body, proto] = splitProto(spec);
  let ip = '';
  let rest = body;
  const bracketed = /^\[([^\]]*)\]:(.*)$/.exec(body);
  if (bracketed) {
    ip = bracketed[1]!;
    rest = bracketed[2]!;
  }
  const parts = rest.split(':');
  let hostPort = '';
  let containerPort: string;
  if (bracketed) {
    if (parts.length !== 2) throw new PortSpecError(`invalid port format for --publish: ${spec}`);
    [hostPort, containerPort] = parts as [string, string];
  } else if (parts.length === 1) {
    containerPort = parts[0]!;
  } else if (parts.length === 2) {
    [hostPort, containerPort] = parts as [string, string];
  } else if (parts.length === 3) {
    [ip, hostPort, containerPort] = parts as [string, string, string];
  } else {
    throw new PortSpecError(`invalid IP address: ${parts.slice(0, -2).join(':')}`);
  }
  if (ip && !isIPv4(ip)) {
    throw new PortSpecError(ip.includes(':') ? `invalid IP address ${ip}: Drydock's guest has no IPv6` : `invalid IP address: ${ip}`);
  }
  if (!containerPort) throw new PortSpecError(`no port specified: ${spec}<empty>`);
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
