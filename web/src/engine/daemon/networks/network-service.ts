// The network endpoints (/networks…): user-defined bridges, their inspection with the running
// containers on them, removal and prune, and connecting containers (ContainerNetworking does
// the addresses, veths and hosts files).
import type { Container } from '../../models/container';
import type { Network } from '../../models/network';
import { ApiError } from '../endpoints';
import { containerOrThrow, type DaemonParts } from '../parts';
import { NetworkError, NetworkStore } from './network-store';

/** A NetworkError (IPAM, connect) as the API's error. */
export async function networkCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof NetworkError ? new ApiError(error.status, error.message) : error;
  }
}

export class NetworkService {
  constructor(private readonly parts: DaemonParts) {}

  private get networks() {
    return this.parts.networking.networks;
  }

  private networkOrThrow(idOrName: string): Network {
    const network = this.networks.find(idOrName);
    if (!network) throw new ApiError(404, `network ${idOrName} not found`);
    return network;
  }

  /** POST /networks/create */
  networkCreate(options: { name: string; driver?: string; subnet?: string; gateway?: string; internal?: boolean; attachable?: boolean; labels?: Record<string, string> }) {
    return this.parts.calls.serve('POST', '/networks/create', () =>
      networkCall(async () => {
        const driver = options.driver ?? 'bridge';
        if (driver === 'overlay') {
          throw new ApiError(503, 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.');
        }
        if (driver === 'host' || driver === 'null') throw new ApiError(403, `only one instance of "${driver}" network is allowed`);
        if (driver !== 'bridge') throw new ApiError(404, `plugin "${driver}" not found`);
        if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(options.name)) throw new ApiError(400, `invalid network name "${options.name}"`);
        return { Id: this.networks.create(options).Id, Warning: '' };
      }),
    );
  }

  networkList() {
    return this.parts.calls.serve('GET', '/networks', async () => this.networks.list());
  }

  /** A network with the containers attached to it (running ones, with their addresses). */
  networkInspect(idOrName: string) {
    return this.parts.calls.serve('GET', `/networks/${idOrName}`, async () => {
      const network = this.networkOrThrow(idOrName);
      const containers: Record<string, { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }> = {};
      for (const c of this.parts.containers.list()) {
        const e = Object.values(c.networks).find((n) => n.NetworkID === network.Id);
        if (!e || c.state.status !== 'running') continue;
        containers[c.id] = { Name: c.name, EndpointID: e.EndpointID, MacAddress: e.MacAddress, IPv4Address: e.IPAddress ? `${e.IPAddress}/${e.IPPrefixLen}` : '', IPv6Address: '' };
      }
      return { network, containers };
    });
  }

  private users(network: Network): Container[] {
    return this.parts.containers.list().filter((c) => ['running', 'paused', 'restarting'].includes(c.state.status) && Object.values(c.networks).some((e) => e.NetworkID === network.Id));
  }

  /** DELETE /networks/{id}: not a predefined one, not while running containers use it. */
  networkDelete(idOrName: string) {
    return this.parts.calls.serve('DELETE', `/networks/${idOrName}`, async () => {
      const network = this.networkOrThrow(idOrName);
      if (NetworkStore.isBuiltin(network)) throw new ApiError(403, `${network.Name} is a pre-defined network and cannot be removed`);
      const users = this.users(network);
      if (users.length) {
        throw new ApiError(403, `error while removing network: network ${network.Name} has active endpoints (${users.map((c) => `name:"${c.name}" id:"${c.id.slice(0, 12)}"`).join(', ')})`);
      }
      this.networks.remove(network);
      await this.parts.runtime.removeBridge(network.bridge);
    });
  }

  /** POST /networks/prune: user networks no container uses. */
  networkPrune() {
    return this.parts.calls.serve('POST', '/networks/prune', async () => {
      const deleted: string[] = [];
      for (const network of this.networks.list()) {
        if (NetworkStore.isBuiltin(network)) continue;
        if (this.parts.containers.list().some((c) => Object.values(c.networks).some((e) => e.NetworkID === network.Id))) continue;
        this.networks.remove(network);
        await this.parts.runtime.removeBridge(network.bridge);
        deleted.push(network.Name);
      }
      return { NetworksDeleted: deleted };
    });
  }

  /** POST /networks/{id}/connect */
  networkConnect(idOrName: string, container: string, options: { aliases?: string[]; ip?: string } = {}) {
    return this.parts.calls.serve('POST', `/networks/${idOrName}/connect`, () =>
      networkCall(async () => this.parts.networking.connect(containerOrThrow(this.parts, container), this.networkOrThrow(idOrName), options)),
    );
  }

  /** POST /networks/{id}/disconnect */
  networkDisconnect(idOrName: string, container: string, force = false) {
    return this.parts.calls.serve('POST', `/networks/${idOrName}/disconnect`, () =>
      networkCall(async () => {
        const network = this.networkOrThrow(idOrName);
        const c = this.parts.containers.find(container);
        if (!c) {
          if (force) return;
          throw new ApiError(404, `No such container: ${container}`);
        }
        await this.parts.networking.disconnect(c, network);
      }),
    );
  }
}
