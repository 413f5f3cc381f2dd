// An image as the daemon records it (plain data): its config (whose digest is its ID), its
// layers by diffID, and the names that point at it.

export interface ImageConfig {
  architecture: string;
  os: string;
  created?: string;
  config: {
    Env?: string[];
    Cmd?: string[];
    Entrypoint?: string[];
    WorkingDir?: string;
    User?: string;
    ExposedPorts?: Record<string, object>;
    StopSignal?: string;
    Volumes?: Record<string, object>;
    Labels?: Record<string, string>;
    Shell?: string[];
    OnBuild?: string[];
    Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number };
  };
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: Array<{ created?: string; created_by?: string; empty_layer?: boolean; comment?: string }>;
}

export interface ImageLayer {
  /** The compressed blob's digest, as the registry names it. */
  digest: string;
  /** The uncompressed tar's digest: what the image config lists. */
  diffId: string;
  /** Uncompressed size in bytes. */
  size: number;
}

export interface Image {
  id: string;
  config: ImageConfig;
  layers: ImageLayer[];
  repoTags: string[];
  repoDigests: string[];
}

export interface CachedStep {
  layer: ImageLayer;
  created: string;
}

/** An image's size as Docker reports it: the bytes of its layers. */
export const imageSize = (image: Pick<Image, 'layers'>): number => image.layers.reduce((n, l) => n + l.size, 0);
