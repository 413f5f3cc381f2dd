// The typed API between the page and the lab worker (carried by comlink). The page imports
// only this file from the engine: everything it knows about the guest comes through here.

export type LabStage =
  | 'idle'
  | 'downloading' // fetching the guest image
  | 'starting' // the emulator is being created
  | 'restoring' // a saved lab is being resumed instead of booting
  | 'firmware' // SeaBIOS
  | 'kernel' // Linux is booting (first bytes on the serial console)
  | 'userland' // /init ran and the guest agent answered
  | 'ready' // the learner's shell printed its first prompt
  | 'crashed';

export interface DownloadProgress {
  /** Bytes fetched so far, over every guest file. */
  loaded: number;
  /** Bytes expected in all (from the manifest), 0 if not known yet. */
  total: number;
  file: string;
}

export interface LabStatus {
  stage: LabStage;
  /** Milliseconds since boot() was called. */
  atMs: number;
  progress?: DownloadProgress;
  /** Why the guest crashed, in words for the learner. */
  reason?: string;
}

/** What the last save of the lab did (or why it could not). */
export interface SaveInfo {
  /** When it was saved (ms since the epoch); absent when the save failed. */
  savedAt?: number;
  /** Bytes this save wrote, and bytes the saved lab takes in the browser's storage. */
  bytesWritten?: number;
  bytesStored?: number;
  ms?: number;
  /** Why it was not saved, in words for the learner (what was saved before is kept). */
  error?: string;
  /** Another tab owns the lab now: this one no longer saves. */
  takenOver?: boolean;
  /** The lab changed and will be saved in a moment (nothing else is set). */
  pending?: boolean;
  /** The lab changed again while this save was being written: another one follows. */
  changedSince?: boolean;
}

export interface ExecRequestOptions {
  env?: Record<string, string>;
  cwd?: string;
  stdin?: string;
  timeoutMs?: number;
}

export interface ExecResponse {
  exitCode: number;
  signal: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Events the worker sends to the page (the page passes them as a comlink proxy). */
export interface LabEvents {
  console(bytes: Uint8Array): void;
  status(status: LabStatus): void;
  saved(info: SaveInfo): void;
  /** The engine served an API call (what the docker client asked); the lab's state may have changed. */
  api(call: ApiCall): void;
}

export interface BootOptions {
  /** Where the guest files are served (public/guest/ in the build), relative to the worker. */
  guestBaseUrl: string;
  /** The built-in image registry (public/registry/ in the build). */
  registryBaseUrl: string;
  memoryMiB?: number;
  /**
   * Whether to keep the lab across visits (a snapshot of the machine and the engine's records
   * in the browser's storage), and the token of the tab that holds the lab's lock: saves from a
   * tab that lost it are refused.
   */
  persist?: { owner: string };
}

/** A port a running container publishes (what the preview can open). */
export interface PublishedPort {
  container: string;
  /** "80/tcp" */
  containerPort: string;
  hostIp: string;
  hostPort: number;
}

/** An HTTP request from the page's preview to a port of the guest. */
export interface PreviewRequest {
  method: string;
  /** Path and query, starting with "/". */
  path: string;
  headers: Array<[string, string]>;
  body?: Uint8Array;
}

export interface PreviewResponse {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

/** An image in the lab, for the page's images panel. */
export interface ImageSummary {
  id: string;
  /** Familiar names ("app:1.0"); empty when untagged. */
  tags: string[];
  /** Bytes of its layers. */
  size: number;
  /** "linux/386" */
  platform: string;
}

/** One call the engine served (the architecture lesson's API log). */
export interface ApiCall {
  method: string;
  path: string;
  status: number;
  ms: number;
  at: number;
  /** The socket client's User-Agent (`curl/7.88.1`); undefined for the lab's own `docker`. */
  client?: string;
}

/** The Docker objects in the lab, for the page's pictures of them and for lesson checks. */
export interface LabState {
  images: Array<{ id: string; tags: string[]; layers: Array<{ diffId: string; size: number }>; size: number }>;
  containers: Array<{
    id: string;
    name: string;
    image: string;
    imageId: string;
    status: string;
    exitCode: number;
    ports: Array<{ containerPort: string; hostPort: number }>;
    mounts: Array<{ type: string; name?: string; source: string; destination: string; readOnly: boolean }>;
    networks: string[];
  }>;
  volumes: Array<{ name: string; usedBy: string[] }>;
  networks: Array<{ name: string; driver: string; containers: string[] }>;
  /**
   * The containers a terminal is connected to now (`docker run -it`, `attach`, `exec -it` from
   * the learner's shell), by name: empty while the learner is at the machine's own prompt.
   */
  terminalsInside: string[];
}

/**
 * A lesson step's check: a condition on the lab's real state, written as data in the lesson.
 * Every field given must hold; a check with several kinds needs all of them.
 */
export interface LessonCheck {
  /** An image with this tag exists ("hello-world", "myapp:1.0"). */
  image?: string;
  /** No image has this tag. */
  noImage?: string;
  /** An image whose layers add this path (a built image: "myapp:1.0 adds /app"). */
  imageAdds?: { image: string; path: string };
  /** An image's configuration, as `docker inspect` shows it under Config. */
  imageConfig?: { image: string; exposes?: string; env?: string; cmd?: string[]; entrypoint?: string[]; workdir?: string };
  /** Two images compared: fewer bytes, or layers in common (the same diffIDs). */
  imageCompare?: { image: string; smallerThan?: string; sharesLayersWith?: string };
  /** Some container matches every field given. */
  container?: { name?: string; image?: string; status?: string; exitCode?: number; publishes?: number; volume?: string; bind?: string; readOnly?: boolean; network?: string };
  /** No container matches (e.g. after docker rm). */
  noContainer?: { name?: string; image?: string };
  /** At least this many containers match `container` (default 1). */
  count?: number;
  volume?: string;
  noVolume?: string;
  network?: string;
  /** A file on the guest (the learner's machine), optionally containing a text. */
  file?: { path: string; contains?: string };
  /** A file inside a volume's data. */
  volumeFile?: { volume: string; path: string; contains?: string };
  /** The lab's registry holds this repository and tag ("alice/app:1.0"): it was pushed. */
  pushed?: string;
  /** A container's output (what `docker logs` shows) contains a text. */
  logs?: { container: string; contains: string };
  /**
   * Where the learner's terminal is: inside a container (attached to it with a terminal, as
   * after `docker run -it` or `docker attach`), or at the machine's own shell (`machine: true`:
   * inside no container — after `exit` or Ctrl-P Ctrl-Q).
   */
  terminal?: { inside?: string; machine?: boolean };
  /** The daemon answered this API request (method and path, without the query): the client's calls, as the API panel shows them. */
  /** `client`: the start of the socket client's User-Agent (`curl`), as the API panel shows it. */
  apiCall?: { method?: string; path: string; status?: number; client?: string };
}

/** What the lab worker offers the page. */
export interface LabWorkerApi {
  boot(options: BootOptions, events: LabEvents): Promise<void>;
  /** A fresh guest after a crash; the engine's images, containers and volumes are kept. */
  restartGuest(): Promise<void>;
  writeConsole(data: Uint8Array | string): void;
  resizeConsole(cols: number, rows: number): void;
  /** Runs a command in the guest (outside the learner's shell), e.g. for lesson checks. */
  exec(argv: string[], options?: ExecRequestOptions): Promise<ExecResponse>;
  /**
   * Sends an HTTP request to a port of the guest (where `-p` publishes) and returns the
   * answer: how the page shows what a container serves. Rejects when nothing listens there.
   */
  httpRequest(port: number, request: PreviewRequest): Promise<PreviewResponse>;
  /** Ports published by running containers. */
  publishedPorts(): Promise<PublishedPort[]>;
  /** The lab's images. */
  images(): Promise<ImageSummary[]>;
  /** An image as `docker save` writes it (a tar archive), for the page to offer as a download. */
  saveImage(name: string): Promise<Uint8Array>;
  /** `docker load` of an archive the learner chose; resolves with what was loaded ("Loaded image: …"). */
  loadImage(archive: Uint8Array): Promise<string[]>;
  /**
   * Saves the lab now if it is at a quiet moment (else soon): the page asks when it is hidden.
   * Resolves with what the save did, or null if there was nothing to save yet.
   */
  saveNow(): Promise<SaveInfo | null>;
  /** Deletes everything saved (images, containers, volumes, files, pushed images, progress). */
  resetLab(): Promise<void>;
  /** The Docker objects in the lab now. */
  labState(): Promise<LabState>;
  /** Evaluates lesson checks on the lab's real state, in order. */
  check(checks: LessonCheck[]): Promise<boolean[]>;
  /** Answers at once; the page uses it to notice a frozen worker. */
  ping(): Promise<number>;
  shutdown(): Promise<void>;
}
