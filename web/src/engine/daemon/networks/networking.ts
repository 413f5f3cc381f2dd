// ContainerNetworking: what the daemon does to network a container — its endpoints (an
// address from the network's IPAM, a MAC, a veth) when it starts, its published ports, its
// /etc/hosts with the names of its peers on user-defined networks, and giving it all back when
// it stops. The guest work (bridges, veths, proxies) is the runtime's.
import type { Container, PortBinding } from '../../models/container';
import type { ContainerStore } from '../containers/container-store';
import type { Image } from '../../models/image';
import { packageHostEntries } from '../package-world';
import { macFor, NetworkError, NetworkStore } from './network-store';
import type { EndpointSettings, Network } from '../../models/network';
import { hostsFile } from '../../formats/hosts-file';
import type { NetworkInterface, NetworkPlan, NetworkRuntime, PortProxy } from '../../runtime/runtime';
import { randomHex } from '../../lib/digest';
import { linkEnv, linkHostNames, parseLink } from '../../formats/links';

/** Docker's ephemeral range for -P and `-p 80` (net.ipv4.ip_local_port_range). */
const EPHEMERAL_FIRST = 32768;
const EPHEMERAL_LAST = 60999;

export function emptyEndpoint(network: Network, aliases: string[] = [], ip = '', links: string[] = []): EndpointSettings {
  return {
    IPAMConfig: ip ? { IPv4Address: ip } : null,
    Links: links.length ? links : null,
    Aliases: aliases.length ? aliases : null,
    MacAddress: '',
    NetworkID: network.Id,
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DriverOpts: null,
    DNSNames: null,
  };
}

const isUserBridge = (network: Network | undefined) => !!network && network.Driver === 'bridge' && network.bridge !== 'docker0';

export class ContainerNetworking {
  constructor(
    readonly networks: NetworkStore,
    private readonly containers: ContainerStore,
    private readonly runtime: () => NetworkRuntime,
  ) {}

  /** The network a `--network` value names; Docker's message when there is none. */
  resolve(name: string): Network {
    const network = this.networks.find(name === 'default' ? 'bridge' : name);
    if (!network) throw new NetworkError(404, `network ${name} not found`);
    return network;
  }

  /** A new container's networks: the one of its network mode, with its aliases and fixed IP. */
  atCreate(mode: string, options: { aliases?: string[]; ip?: string; links?: string[] }): Record<string, EndpointSettings> {
    if (mode.startsWith('container:')) throw new NetworkError(400, 'Drydock does not share network namespaces between containers (--network container:…) yet');
    const network = this.resolve(mode);
    const user = isUserBridge(network);
    if (options.ip && !user) throw new NetworkError(400, 'user specified IP address is supported on user defined networks only');
    if (options.aliases?.length && !user) throw new NetworkError(400, 'network-scoped alias is supported only for containers in user defined networks');
    // On a user network a link is only another name for a peer, seen by this container alone.
    return { [network.Name]: emptyEndpoint(network, options.aliases, options.ip, user ? options.links : []) };
  }

  /**
   * The legacy links of a container on the default bridge (`hostConfig.Links`, kept as
   * `/db:/web/db`): each child still there, with the link's full name and alias.
   */
  private legacyLinks(container: Container): Array<{ child: Container; linkName: string; alias: string }> {
    if (!Object.values(container.networks).some((e) => this.networks.find(e.NetworkID)?.bridge === 'docker0')) return [];
    return (container.hostConfig.Links ?? []).flatMap((link) => {
      const [name, alias] = parseLink(link);
      const child = this.containers.find(name);
      return child ? [{ child, linkName: link.slice(link.indexOf(':') + 1), alias }] : [];
    });
  }

  private bridgeAddress(container: Container): string | undefined {
    return Object.values(container.networks).find((e) => this.networks.find(e.NetworkID)?.bridge === 'docker0')?.IPAddress;
  }

  /** The variables a starting container gets from its links; Docker's errors for a child that cannot be linked. */
  private linkedEnv(container: Container): string[] {
    const links = this.legacyLinks(container);
    for (const { child } of links) {
      if (this.bridgeAddress(child) === undefined) throw new NetworkError(500, `Cannot link to /${child.name}, as it does not belong to the default network`);
    }
    return links.flatMap(({ child, linkName }) => {
      if (child.state.status !== 'running') throw new NetworkError(500, `Cannot link to a non running container: /${child.name} AS ${linkName}`);
      return linkEnv(linkName, this.bridgeAddress(child) ?? '', child.config.Env, Object.keys(child.config.ExposedPorts ?? {}));
    });
  }

  private networksOf(container: Container): Array<[Network, EndpointSettings]> {
    return Object.entries(container.networks).flatMap(([name, endpoint]) => {
      const network = this.networks.find(endpoint.NetworkID) ?? this.networks.find(name);
      return network ? [[network, endpoint] as [Network, EndpointSettings]] : [];
    });
  }

  /** Gives a starting container its addresses and ports; the plan drydock-run carries out. */
  async prepare(container: Container, image: Image): Promise<NetworkPlan> {
    const attached = Object.keys(container.networks);
    for (const name of attached) {
      const endpoint = container.networks[name]!;
      if (!this.networks.find(endpoint.NetworkID)) throw new NetworkError(404, `network ${name} not found`);
    }
    const first = this.networksOf(container)[0]?.[0];
    const mode: NetworkPlan['mode'] = !first || first.Driver === 'null' ? 'none' : first.Driver === 'host' ? 'host' : 'bridge';
    const interfaces: NetworkInterface[] = [];
    const env = this.linkedEnv(container);
    try {
      if (mode === 'bridge') {
        for (const [network, endpoint] of this.networksOf(container)) interfaces.push(await this.join(container, network, endpoint, interfaces.length));
      }
      const ports = mode === 'bridge' ? this.publish(container, image, interfaces[0]!) : [];
      if (mode !== 'bridge') container.ports = {};
      return { mode, interfaces, ports, hosts: this.hostsFor(container), ...(env.length ? { env } : {}) };
    } catch (error) {
      this.release(container);
      throw error;
    }
  }

  /** An address, a MAC and a veth name on one network (its bridge made if needed). */
  private async join(container: Container, network: Network, endpoint: EndpointSettings, index: number): Promise<NetworkInterface> {
    const lease = this.networks.allocate(network, endpoint.IPAMConfig?.IPv4Address);
    try {
      await this.runtime().createBridge(network.bridge, lease.gateway, lease.prefixLen);
    } catch (error) {
      this.networks.release(network, lease.address);
      throw error;
    }
    const iface: NetworkInterface = {
      bridge: network.bridge,
      hostInterface: `veth${randomHex(4).slice(0, 7)}`,
      name: `eth${index}`,
      address: lease.address,
      prefixLen: lease.prefixLen,
      gateway: network.Internal ? '' : lease.gateway,
      mac: macFor(lease.address),
    };
    Object.assign(endpoint, {
      EndpointID: randomHex(32),
      Gateway: network.Internal ? '' : lease.gateway,
      IPAddress: lease.address,
      IPPrefixLen: lease.prefixLen,
      MacAddress: iface.mac,
      DNSNames: isUserBridge(network) ? [container.name, ...(endpoint.Aliases ?? []), container.id.slice(0, 12)] : null,
      hostInterface: iface.hostInterface,
      interfaceName: iface.name,
    });
    return iface;
  }

  /** The container's published ports, free host ports picked; Docker's error for a taken one. */
  private publish(container: Container, image: Image, iface: NetworkInterface): PortProxy[] {
    const exposed = { ...image.config.config.ExposedPorts, ...container.config.ExposedPorts };
    const bindings: Record<string, PortBinding[]> = {};
    for (const [key, list] of Object.entries(container.hostConfig.PortBindings ?? {})) bindings[key] = list.map((b) => ({ ...b }));
    if (container.hostConfig.PublishAllPorts) {
      for (const key of Object.keys(exposed)) bindings[key] ??= [{ HostIp: '', HostPort: '' }];
    }
    const taken = this.takenPorts(container);
    const proxies: PortProxy[] = [];
    const ports: Record<string, PortBinding[] | null> = {};
    for (const key of Object.keys(exposed)) ports[key] = null;
    for (const [key, list] of Object.entries(bindings)) {
      const containerPort = Number(key.split('/')[0]);
      ports[key] = [];
      for (const b of list) {
        const hostIp = b.HostIp || '0.0.0.0';
        const clash = (port: number) => taken.some((t) => t.port === port && (t.ip === '0.0.0.0' || hostIp === '0.0.0.0' || t.ip === hostIp));
        let hostPort: number | undefined;
        const range = /^(\d+)-(\d+)$/.exec(b.HostPort);
        if (b.HostPort && !range) {
          hostPort = Number(b.HostPort);
          if (clash(hostPort)) {
            throw new NetworkError(500, `driver failed programming external connectivity on endpoint ${container.name} (${randomHex(32)}): Bind for ${hostIp}:${hostPort} failed: port is already allocated`);
          }
        } else {
          const [low, high] = range ? [Number(range[1]), Number(range[2])] : [EPHEMERAL_FIRST, EPHEMERAL_LAST];
          for (let p = low; p <= high && hostPort === undefined; p++) if (!clash(p)) hostPort = p;
          if (hostPort === undefined) throw new NetworkError(500, `Bind for ${hostIp}:${b.HostPort || 'any port'} failed: port is already allocated`);
        }
        taken.push({ ip: hostIp, port: hostPort });
        ports[key]!.push({ HostIp: hostIp, HostPort: String(hostPort) });
        proxies.push({ hostIp, hostPort, containerIp: iface.address, containerPort });
      }
    }
    container.ports = ports;
    return proxies;
  }

  /** Host ports the other running containers hold. */
  private takenPorts(except: Container): Array<{ ip: string; port: number }> {
    return this.containers
      .list()
      .filter((c) => c !== except && ['running', 'paused', 'restarting'].includes(c.state.status))
      .flatMap((c) => Object.values(c.ports).flatMap((list) => (list ?? []).map((b) => ({ ip: b.HostIp, port: Number(b.HostPort) }))));
  }

  /** Gives back a stopped container's addresses; it keeps its networks for its next start. */
  release(container: Container): void {
    for (const [network, endpoint] of this.networksOf(container)) {
      this.networks.release(network, endpoint.IPAddress);
      Object.assign(endpoint, { EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '', DNSNames: null, hostInterface: undefined, interfaceName: undefined });
    }
    container.ports = {};
  }

  /** /etc/hosts for a container: itself, `--add-host` entries, and its user-network peers. */
  hostsFor(container: Container): string {
    const mine = this.networksOf(container);
    const address = mine.find(([n]) => n.Driver === 'bridge')?.[1].IPAddress ?? '';
    const gateway = mine.find(([n]) => n.Driver === 'bridge')?.[1].Gateway ?? '';
    const peers: Array<{ address: string; names: string[] }> = [];
    for (const [network, own] of mine.filter(([n]) => isUserBridge(n))) {
      const links = (own.Links ?? []).map(parseLink);
      for (const other of this.containers.list()) {
        if (other === container || other.state.status !== 'running') continue;
        const endpoint = Object.values(other.networks).find((e) => e.NetworkID === network.Id);
        // `--link other:alias` on this network: one more name for it, for this container.
        const linked = links.filter(([name]) => name === other.name || (name.length >= 3 && other.id.startsWith(name))).map(([, alias]) => alias);
        // Its current name (after a rename too), its aliases on this network, its short ID.
        if (endpoint?.IPAddress) peers.push({ address: endpoint.IPAddress, names: [other.name, ...(endpoint.Aliases ?? []), other.id.slice(0, 12), ...linked.filter((a) => a !== other.name)] });
      }
    }
    const extra = (container.hostConfig.ExtraHosts ?? []).map((e) => {
      const at = e.lastIndexOf(':');
      const ip = e.slice(at + 1);
      return { host: e.slice(0, at), address: ip === 'host-gateway' ? gateway || '172.17.0.1' : ip };
    });
    // The package managers' hosts name the lab's package server, on the gateway (none on an
    // internal network, which has no gateway), after the learner's own --add-host entries.
    extra.push(...packageHostEntries(gateway));
    // Legacy links come after --add-host entries, as Docker writes them.
    for (const { child, alias } of this.legacyLinks(container)) {
      const childAddress = this.bridgeAddress(child);
      if (childAddress) extra.push({ host: linkHostNames(alias, child.name, child.config.Hostname), address: childAddress });
    }
    return hostsFile({ hostname: container.config.Hostname, address }, peers, extra);
  }

  /** Rewrites /etc/hosts of every running container on these networks (peers came or went). */
  async refreshPeers(networkIds: string[]): Promise<void> {
    const ids = new Set(networkIds.filter((id) => isUserBridge(this.networks.find(id))));
    if (!ids.size) return;
    const files = this.containers
      .list()
      .filter((c) => c.state.status === 'running' && Object.values(c.networks).some((e) => ids.has(e.NetworkID)))
      .map((c) => ({ container: c, hosts: this.hostsFor(c) }));
    await this.runtime().writeHosts(files);
  }

  networkIdsOf(container: Container): string[] {
    return Object.values(container.networks).map((e) => e.NetworkID);
  }

  /** `docker network connect`: recorded, and live when the container runs. */
  async connect(container: Container, network: Network, options: { aliases?: string[]; ip?: string }): Promise<void> {
    const current = this.networksOf(container);
    if (network.Driver === 'host' || current.some(([n]) => n.Driver === 'host')) {
      throw new NetworkError(400, 'container cannot be disconnected from host network or connected to host network');
    }
    if (network.Driver === 'null' || current.some(([n]) => n.Driver === 'null')) {
      throw new NetworkError(400, 'container cannot be connected to multiple networks with one of the networks in private (none) mode');
    }
    if (current.some(([n]) => n.Id === network.Id)) {
      throw new NetworkError(403, `endpoint with name ${container.name} already exists in network ${network.Name}`);
    }
    if (options.ip && !isUserBridge(network)) throw new NetworkError(400, 'user specified IP address is supported on user defined networks only');
    const endpoint = emptyEndpoint(network, options.aliases, options.ip);
    container.networks[network.Name] = endpoint;
    if (container.state.status !== 'running' && container.state.status !== 'paused') return;
    try {
      const used = new Set(Object.values(container.networks).map((e) => e.interfaceName));
      let index = 0;
      while (used.has(`eth${index}`)) index++;
      const iface = await this.join(container, network, endpoint, index);
      await this.runtime().connectInterface(container, iface);
    } catch (error) {
      this.networks.release(network, endpoint.IPAddress);
      delete container.networks[network.Name];
      throw error;
    }
    await this.refreshPeers([network.Id]);
  }

  /** `docker network disconnect`. */
  async disconnect(container: Container, network: Network): Promise<void> {
    const entry = Object.entries(container.networks).find(([, e]) => e.NetworkID === network.Id);
    if (!entry) throw new NetworkError(400, `container ${container.id} is not connected to network ${network.Name}`);
    const [name, endpoint] = entry;
    if (network.Driver === 'host') throw new NetworkError(400, 'container cannot be disconnected from host network or connected to host network');
    if (endpoint.hostInterface) {
      await this.runtime().disconnectInterface(container, {
        bridge: network.bridge, hostInterface: endpoint.hostInterface, name: endpoint.interfaceName ?? '', address: endpoint.IPAddress,
        prefixLen: endpoint.IPPrefixLen, gateway: endpoint.Gateway, mac: endpoint.MacAddress,
      });
    }
    this.networks.release(network, endpoint.IPAddress);
    delete container.networks[name];
    await this.refreshPeers([network.Id]);
    if (container.state.status === 'running') await this.runtime().writeHosts([{ container, hosts: this.hostsFor(container) }]);
  }
}
