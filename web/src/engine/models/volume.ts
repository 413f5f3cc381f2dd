// A volume and a container's mount, as Docker's API shows them (plain data).

export interface Volume {
  Name: string;
  Driver: 'local';
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Scope: 'local';
  Options: Record<string, string> | null;
  /** Made for one container (`-v /path`, or a VOLUME in its image): `rm -v` and `--rm` remove it. */
  anonymous: boolean;
}

/** A container's mount, as `docker inspect` shows it under Mounts. */
export interface ContainerMount {
  Type: 'volume' | 'bind' | 'tmpfs';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: 'local';
  Mode: string;
  RW: boolean;
  Propagation: string;
  /** tmpfs mount options (size=…, mode=…). */
  TmpfsOptions?: string;
}
