// NetworkStore: the daemon's networks (what `docker network ls` lists) and their IP address
// management. A bridge network is a Linux bridge in the guest (`docker0` for the default one,
// `br-<id>` for user-defined ones) with the gateway address on it; containers join it through
// veth pairs made by drydock-run. Addresses are handed out when a container starts and given
// back when it stops, as Docker's IPAM does.
import { randomHex } from '../../lib/digest';
import type { Network, NetworkStoreState } from '../../models/network';

export class NetworkError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const ipToInt = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
export const intToIp = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/** "172.18.0.0/16" → its first address and prefix length; throws on anything else. */
export function parseCidr(cidr: string): { base: number; prefix: number } {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  const prefix = m ? Number(m[2]) : NaN;
  if (!m || !m[1]!.split('.').every((p) => Number(p) <= 255) || !(prefix >= 8 && prefix <= 30)) {
    throw new NetworkError(400, `invalid CIDR address: ${cidr}`);
  }
  const size = 2 ** (32 - prefix);
  return { base: Math.floor(ipToInt(m[1]!) / size) * size, prefix };
}

const inSubnet = (ip: number, subnet: { base: number; prefix: number }) => ip >= subnet.base && ip < subnet.base + 2 ** (32 - subnet.prefix);

/** Docker's MAC for an address: 02:42 and the address's four bytes. */
export function macFor(ip: string): string {
  return ['02', '42', ...ip.split('.').map((p) => Number(p).toString(16).padStart(2, '0'))].join(':');
}

const now = () => new Date().toISOString();

function builtin(name: 'bridge' | 'host' | 'none'): Network {
  const bridge = name === 'bridge';
  return {
    Name: name,
    Id: randomHex(32),
    Created: now(),
    Scope: 'local',
    Driver: name === 'none' ? 'null' : name,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: bridge ? [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] : [] },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Options: bridge
      ? {
          'com.docker.network.bridge.default_bridge': 'true',
          'com.docker.network.bridge.enable_icc': 'true',
          'com.docker.network.bridge.enable_ip_masquerade': 'true',
          'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
          'com.docker.network.bridge.name': 'docker0',
          'com.docker.network.driver.mtu': '1500',
        }
      : {},
    Labels: {},
    bridge: bridge ? 'docker0' : '',
  };
}

export class NetworkStore {
  private readonly networks = new Map<string, Network>();
  /** Addresses in use per network ID (the gateway included). */
  private readonly used = new Map<string, Set<number>>();
  private readonly lastGiven = new Map<string, number>();

  constructor() {
    for (const name of ['bridge', 'host', 'none'] as const) this.add(builtin(name));
  }

  /** Networks and their address books, as plain data (saved with the lab). */
  saveState(): NetworkStoreState {
    return {
      networks: structuredClone(this.list()),
      used: [...this.used].map(([id, set]) => [id, [...set]]),
      lastGiven: [...this.lastGiven],
    };
  }

  restoreState(state: NetworkStoreState): void {
    this.networks.clear();
    for (const n of state.networks) this.networks.set(n.Id, n);
    this.used.clear();
    for (const [id, addresses] of state.used) this.used.set(id, new Set(addresses));
    this.lastGiven.clear();
    for (const [id, last] of state.lastGiven) this.lastGiven.set(id, last);
  }

  private add(network: Network): void {
    this.networks.set(network.Id, network);
    const gateway = network.IPAM.Config[0]?.Gateway;
    this.used.set(network.Id, new Set(gateway ? [ipToInt(gateway)] : []));
  }

  list(): Network[] {
    return [...this.networks.values()];
  }

  /** By name, full ID or an unambiguous ID prefix (names first, as Docker looks them up). */
  find(idOrName: string): Network | undefined {
    const all = this.list();
    const byName = all.find((n) => n.Name === idOrName);
    if (byName) return byName;
    const byId = all.find((n) => n.Id === idOrName);
    if (byId) return byId;
    const prefixed = idOrName.length ? all.filter((n) => n.Id.startsWith(idOrName)) : [];
    return prefixed.length === 1 ? prefixed[0] : undefined;
  }

  static isBuiltin(network: Network): boolean {
    return ['bridge', 'host', 'none'].includes(network.Name) && (network.Driver !== 'bridge' || network.bridge === 'docker0');
  }

  /** `docker network create`: a user-defined bridge on the subnet asked for, or the next free one. */
  create(options: { name: string; subnet?: string; gateway?: string; internal?: boolean; attachable?: boolean; labels?: Record<string, string> }): Network {
    if (this.list().some((n) => n.Name === options.name)) throw new NetworkError(409, `network with name ${options.name} already exists`);
    const taken = this.list().flatMap((n) => n.IPAM.Config.map((c) => parseCidr(c.Subnet)));
    const overlaps = (s: { base: number; prefix: number }) =>
      taken.some((t) => inSubnet(s.base, t) || inSubnet(t.base, s));
    let subnet: { base: number; prefix: number };
    if (options.subnet) {
      subnet = parseCidr(options.subnet);
      if (overlaps(subnet)) throw new NetworkError(403, 'invalid pool request: Pool overlaps with other one on this address space');
    } else {
      if (options.gateway) throw new NetworkError(400, 'a gateway needs a subnet (--subnet)');
      // Docker's default pools: 172.17–31.0.0/16, then 192.168.0.0/20 steps.
      const pools = [
        ...Array.from({ length: 14 }, (_, k) => `172.${18 + k}.0.0/16`),
        ...Array.from({ length: 16 }, (_, k) => `192.168.${k * 16}.0/20`),
      ].map(parseCidr);
      const free = pools.find((p) => !overlaps(p));
      if (!free) throw new NetworkError(400, 'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
      subnet = free;
    }
    const cidr = `${intToIp(subnet.base)}/${subnet.prefix}`;
    const gateway = options.gateway ?? intToIp(subnet.base + 1);
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(gateway) || !inSubnet(ipToInt(gateway), subnet)) {
      throw new NetworkError(400, `invalid gateway address ${gateway}: it is not in subnet ${cidr}`);
    }
    const id = randomHex(32);
    const network: Network = {
      ...builtin('bridge'),
      Name: options.name,
      Id: id,
      IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: cidr, Gateway: gateway }] },
      Internal: !!options.internal,
      Attachable: !!options.attachable,
      Options: {},
      Labels: options.labels ?? {},
      bridge: `br-${id.slice(0, 12)}`,
    };
    this.add(network);
    return network;
  }

  remove(network: Network): void {
    this.networks.delete(network.Id);
    this.used.delete(network.Id);
    this.lastGiven.delete(network.Id);
  }

  /** An address for a starting container: the one asked for (user networks only), else the next free. */
  allocate(network: Network, requested?: string): { address: string; prefixLen: number; gateway: string } {
    const config = network.IPAM.Config[0];
    if (!config) throw new NetworkError(500, `network ${network.Name} has no addresses`);
    const subnet = parseCidr(config.Subnet);
    const used = this.used.get(network.Id)!;
    const size = 2 ** (32 - subnet.prefix);
    let ip: number | undefined;
    if (requested) {
      ip = ipToInt(requested);
      if (!inSubnet(ip, subnet)) throw new NetworkError(400, `no configured subnet or ip-range contain the IP address ${requested}`);
      if (used.has(ip)) throw new NetworkError(400, `Address already in use`);
    } else {
      // Sequential from the last one given, wrapping, as Docker's allocator does.
      const start = (this.lastGiven.get(network.Id) ?? subnet.base + 1) - subnet.base;
      for (let k = 1; k < size - 1 && ip === undefined; k++) {
        const candidate = subnet.base + ((start + k - 1) % (size - 2)) + 1;
        if (!used.has(candidate)) ip = candidate;
      }
      if (ip === undefined) throw new NetworkError(503, `no available IPv4 addresses on this network's address pools: ${network.Name} (${network.Id})`);
      this.lastGiven.set(network.Id, ip);
    }
    used.add(ip);
    return { address: intToIp(ip), prefixLen: subnet.prefix, gateway: config.Gateway };
  }

  release(network: Network | undefined, address: string): void {
    if (network && address) this.used.get(network.Id)?.delete(ipToInt(address));
  }
}
