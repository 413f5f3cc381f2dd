// A network and a container's endpoint on it, as Docker's API shows them (plain data).

export interface IpamConfig {
  Subnet: string;
  Gateway: string;
}

export interface Network {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: 'bridge' | 'host' | 'null';
  EnableIPv6: false;
  IPAM: { Driver: 'default'; Options: Record<string, string> | null; Config: IpamConfig[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: false;
  ConfigFrom: { Network: string };
  ConfigOnly: false;
  Options: Record<string, string>;
  Labels: Record<string, string>;
  /** The bridge's name in the guest ('' for host and none). */
  bridge: string;
}

/** A container's place on one network, as `docker inspect` shows it under NetworkSettings.Networks. */
export interface EndpointSettings {
  IPAMConfig: { IPv4Address: string } | null;
  /** `--link name:alias` on a user network (names for peers); null elsewhere. */
  Links: string[] | null;
  Aliases: string[] | null;
  MacAddress: string;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  DriverOpts: null;
  DNSNames: string[] | null;
  /** The veth end on the guest's side while the container runs (not shown by inspect). */
  hostInterface?: string;
  /** The interface's name inside the container (eth0, eth1, …). */
  interfaceName?: string;
}

export interface NetworkStoreState {
  networks: Network[];
  used: Array<[string, number[]]>;
  lastGiven: Array<[string, number]>;
}
