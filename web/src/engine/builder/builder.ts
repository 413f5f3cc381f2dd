// ImageBuilder: `docker build` as BuildKit's Dockerfile frontend does it, on the engine. Each
// RUN runs in a real container on the layers so far and its filesystem changes become a layer;
// COPY/ADD layers are made from the build context; metadata instructions change the config.
// Steps are cached by their parent's key and what they do (for COPY/ADD: the content of what
// they copy), so an unchanged rebuild is all CACHED and one changed file rebuilds from its step.
// One file past ~500 lines: the stage loop, the step cache and BuildKit's progress vertices are
// one state machine (each step reads the key, layers and vertex the previous one left); the
// config instructions (config-instructions.ts) and COPY's planning (copy-plan.ts) are apart.
import { newContainer, type Container } from '../models/container';
import type { CachedStep, Image, ImageConfig, ImageLayer } from '../models/image';
import { RuntimeError, type ContainerRuntime, type NetworkPlan } from '../runtime/runtime';
import { hostsFile } from '../formats/hosts-file';
import { offlineHint, packageHostEntries } from '../daemon/package-world';
import { gunzip, sha256Digest, randomHex } from '../lib/digest';
import { parseDockerfile, parseOnbuildTrigger } from '../formats/dockerfile/parse';
import { expandHeredocBody, expandWord, expandWords } from '../formats/dockerfile/expand';
import { DockerfileParseError, type CommandForm, type Dockerfile, type Instruction } from '../formats/dockerfile/types';
import { cleanPath, compilePattern, IgnoreMatcher } from '../formats/path-match';
import { humanSize } from '../formats/human';
import { parseReference } from '../formats/reference';
import { createTar, readTar, type TarEntry } from '../formats/tar';
import { ancestors, planCopy, tarEntriesIfArchive } from './copy-plan';
import { BuildError, type BuildEvent } from './events';
import { absolute, applyConfigInstruction, commandArgv, DEFAULT_SHELL, type ConfigScope } from './config-instructions';

export interface BuildRequest {
  /** The build context, .dockerignore already applied (the client sends only what is left). */
  context: TarEntry[];
  dockerfile: string;
  /** How the Dockerfile is named in messages ("Dockerfile", "app.Dockerfile"). */
  dockerfileName: string;
  buildArgs: Record<string, string>;
  target?: string;
  noCache: boolean;
  labels: Record<string, string>;
  signal?: AbortSignal;
  /** The .dockerignore's size, for the progress line (BuildKit reports 2B without one). */
  dockerignoreSize?: number;
}

/** What the builder needs from the daemon. */
export interface BuildHost {
  runtime: ContainerRuntime;
  /** A base image, pulled first if missing; `pulled` says whether it was. */
  baseImage(reference: string): Promise<{ image: Image; pulled: boolean }>;
  /** Stores a layer (digest, blob) and unpacks it where containers run. */
  storeLayer(tar: Uint8Array): Promise<ImageLayer>;
  /** Step cache: cache key → the layer the step made, and when. */
  cache: Map<string, CachedStep>;
}

export interface BuildResult {
  config: ImageConfig;
  layers: ImageLayer[];
}

interface StageState {
  config: ImageConfig;
  layers: ImageLayer[];
  key: string;
  shell: string[];
  /** ARG values in scope in this stage. */
  args: Map<string, string>;
  /** Whether this stage set CMD (else an ENTRYPOINT clears the base image's). */
  cmdSet?: boolean;
  /**
   * When the newest layer was made. Metadata steps take it as their time too, so that a fully
   * cached rebuild makes the very same config, hence the same image ID, as in Docker.
   */
  created: string;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** The platform ARGs BuildKit defines (the guest is linux/386). */
const PLATFORM_ARGS: Record<string, string> = {
  TARGETPLATFORM: 'linux/386', TARGETOS: 'linux', TARGETARCH: '386', TARGETVARIANT: '',
  BUILDPLATFORM: 'linux/386', BUILDOS: 'linux', BUILDARCH: '386', BUILDVARIANT: '',
};
/** Filesystem steps: numbered in the progress ([2/5]) and cached. */
const FS_STEPS = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR']);

const goQuote = (words: string[]) => `[${words.map((w) => JSON.stringify(w)).join(' ')}]`;
const seconds = (ms: number) => Math.round(ms / 100) / 10;

export class ImageBuilder {
  private nextVertex = 1;
  private readonly stageResults = new Map<number, StageState>();
  private readonly usedArgs = new Set<string>();

  constructor(
    private readonly host: BuildHost,
    private readonly request: BuildRequest,
    private readonly emit: (event: BuildEvent) => void,
  ) {}

  async build(): Promise<BuildResult> {
    const file = this.loadDefinition();
    this.escape = file.escape;
    const globals = this.globalArgs(file);
    const target = this.targetStage(file);
    const needed = this.neededStages(file, target, globals);
    await this.loadMetadata(file, needed, globals);
    const contextVertex = { loaded: false };
    for (const index of needed) {
      this.stageResults.set(index, await this.buildStage(file, index, globals, contextVertex));
    }
    const final = this.stageResults.get(target)!;
    final.config.created = final.created;
    // This build's metadata steps take the time of its newest layer (see StageState.created).
    for (const h of final.config.history ?? []) if (this.metadataSteps.has(h)) h.created = final.created;
    const unused = Object.keys(this.request.buildArgs).filter((a) => !this.usedArgs.has(a) && !(a in PLATFORM_ARGS));
    if (unused.length) this.note(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed`);
    return { config: final.config, layers: final.layers };
  }

  // ---- vertices

  /** The step vertex last opened (a failure is reported on it, or on a new one of its name). */
  private lastVertex: { id: number; name: string } | null = null;

  private vertex(name: string): { id: number; started: number } {
    const id = this.nextVertex++;
    this.emit({ kind: 'vertex', id, name });
    this.lastVertex = { id, name };
    return { id, started: performance.now() };
  }

  private done(v: { id: number; started: number }): void {
    this.emit({ kind: 'done', id: v.id, seconds: seconds(performance.now() - v.started) });
  }

  private note(text: string): void {
    this.emit({ kind: 'status', id: 0, text });
  }

  private checkAborted(): void {
    if (this.request.signal?.aborted) throw new BuildError('failed to solve: Canceled: context canceled');
  }

  // ---- the definition, stages and base images

  private loadDefinition(): Dockerfile {
    const v = this.vertex(`[internal] load build definition from ${this.request.dockerfileName}`);
    this.emit({ kind: 'status', id: v.id, text: `transferring dockerfile: ${new TextEncoder().encode(this.request.dockerfile).length}B done` });
    let file: Dockerfile;
    try {
      file = parseDockerfile(this.request.dockerfile);
    } catch (error) {
      if (error instanceof DockerfileParseError) {
        this.done(v);
        // An empty file has no line to point at; BuildKit says just that.
        if (!this.request.dockerfile.trim()) throw new BuildError(`failed to solve: ${error.detail}`);
        throw new BuildError(`failed to solve: ${error.message}`, { name: '', tail: [], range: { startLine: error.line, endLine: error.line } });
      }
      throw error;
    }
    this.done(v);
    for (const w of file.warnings) this.note(`[Warning] ${w.message} (line ${w.line})`);
    return file;
  }

  private globalArgs(file: Dockerfile): Map<string, string> {
    const values = new Map<string, string>(Object.entries(PLATFORM_ARGS));
    for (const ins of file.globalArgs) {
      for (const arg of ins.args) {
        const given = this.request.buildArgs[arg.name];
        if (given !== undefined) this.usedArgs.add(arg.name);
        const value = given ?? (arg.default !== undefined ? this.expand(arg.default, (n) => values.get(n)) : undefined);
        if (value !== undefined) values.set(arg.name, value);
      }
    }
    return values;
  }

  private stageName(file: Dockerfile, index: number): string {
    return file.stages[index]!.from.stage ?? `stage-${index}`;
  }

  private findStage(file: Dockerfile, name: string, before: number): number | undefined {
    const lower = name.toLowerCase();
    const byName = file.stages.findIndex((s, i) => i < before && s.from.stage?.toLowerCase() === lower);
    if (byName >= 0) return byName;
    if (/^\d+$/.test(name) && Number(name) < before) return Number(name);
    return undefined;
  }

  private targetStage(file: Dockerfile): number {
    const target = this.request.target;
    if (!target) return file.stages.length - 1;
    const index = file.stages.findIndex((s) => s.from.stage?.toLowerCase() === target.toLowerCase());
    if (index < 0) throw new BuildError(`failed to solve: target stage "${target}" could not be found`);
    return index;
  }

  /** The stages the target depends on (FROM a stage, COPY --from), in file order. */
  private neededStages(file: Dockerfile, target: number, globals: Map<string, string>): number[] {
    const needed = new Set<number>();
    const visit = (index: number) => {
      if (needed.has(index)) return;
      needed.add(index);
      const stage = file.stages[index]!;
      const base = this.findStage(file, this.expand(stage.from.image, (n) => globals.get(n)), index);
      if (base !== undefined) visit(base);
      for (const ins of stage.instructions) {
        const from = (ins.kind === 'COPY' || ins.kind === 'ADD') && ins.flags.from;
        const dep = from ? this.findStage(file, from, index) : undefined;
        if (dep !== undefined) visit(dep);
      }
    };
    visit(target);
    return [...needed].sort((a, b) => a - b);
  }

  private readonly bases = new Map<string, Image>();
  private readonly pulledBases = new Set<string>();

  /** Resolves (pulling if needed) every base image the stages name, one vertex each. */
  private async loadMetadata(file: Dockerfile, needed: number[], globals: Map<string, string>): Promise<void> {
    for (const index of needed) {
      const image = this.expand(file.stages[index]!.from.image, (n) => globals.get(n));
      if (image.toLowerCase() === 'scratch' || this.findStage(file, image, index) !== undefined) continue;
      await this.resolveBase(image);
    }
    const v = this.vertex('[internal] load .dockerignore');
    this.emit({ kind: 'status', id: v.id, text: `transferring context: ${this.request.dockerignoreSize ?? 2}B done` });
    this.done(v);
  }

  private async resolveBase(name: string): Promise<Image> {
    let full: string;
    try {
      const ref = parseReference(name);
      full = `${ref.domain}/${ref.path}:${ref.tag}`;
    } catch (error) {
      throw new BuildError(`failed to solve: failed to parse stage name "${name}": invalid reference format: ${(error as Error).message}`);
    }
    const known = this.bases.get(full);
    if (known) return known;
    const v = this.vertex(`[internal] load metadata for ${full}`);
    try {
      const { image, pulled } = await this.host.baseImage(name);
      this.bases.set(full, image);
      if (pulled) this.pulledBases.add(full);
      this.done(v);
      return image;
    } catch (error) {
      const message = `${name}: failed to resolve source metadata for ${full}: ${(error as Error).message}`;
      this.emit({ kind: 'error', id: v.id, message });
      // A base image the lab does not have: its hint (registry/not-built-in.ts) goes with it.
      throw Object.assign(new BuildError(`failed to solve: ${message}`), { cause: error });
    }
  }

  // ---- a stage

  private async buildStage(file: Dockerfile, index: number, globals: Map<string, string>, context: { loaded: boolean }): Promise<StageState> {
    const stage = file.stages[index]!;
    const prefix = file.stages.length > 1 ? `${this.stageName(file, index)} ` : '';
    const baseName = this.expand(stage.from.image, (n) => globals.get(n));
    const fromStage = this.findStage(file, baseName, index);
    const external = baseName.toLowerCase() !== 'scratch' && fromStage === undefined;
    const base = external ? await this.resolveBase(baseName) : undefined;
    // ONBUILD triggers of the base image run first, and count among the steps.
    const triggers = (base?.config.config.OnBuild ?? []).map((t) => parseOnbuildTrigger(t));
    const instructions = [...triggers, ...stage.instructions];
    const total = (external ? 1 : 0) + instructions.filter((i) => FS_STEPS.has(i.kind)).length;
    // BuildKit pads the step number to the width of the total: [ 2/13].
    const counter = (n: number) => `[${prefix}${String(n).padStart(String(total).length)}/${total}]`;
    let step = 0;
    let state: StageState;
    if (fromStage !== undefined) {
      const base = this.stageResults.get(fromStage)!;
      state = { ...base, config: structuredClone(base.config), layers: [...base.layers], args: new Map(), cmdSet: false };
    } else if (!external) {
      state = { config: emptyConfig(), layers: [], key: 'scratch', shell: DEFAULT_SHELL, args: new Map(), created: new Date(0).toISOString() };
    } else {
      const image = base!;
      const ref = parseReference(baseName);
      const v = this.vertex(`${counter(++step)} FROM ${ref.domain}/${ref.path}:${ref.tag}`);
      if (this.pulledBases.has(`${ref.domain}/${ref.path}:${ref.tag}`)) {
        this.emit({ kind: 'status', id: v.id, text: `resolve ${ref.domain}/${ref.path}:${ref.tag} done` });
        this.done(v);
      } else this.emit({ kind: 'cached', id: v.id });
      const config = structuredClone(image.config);
      config.history = [...(image.config.history ?? [])];
      state = { config, layers: [...image.layers], key: image.id, shell: image.config.config.Shell ?? DEFAULT_SHELL, args: new Map(), created: image.config.created ?? new Date(0).toISOString() };
    }
    state.config.config.OnBuild = undefined;

    for (const ins of instructions) {
      this.checkAborted();
      const trigger = triggers.includes(ins) ? 'ONBUILD ' : '';
      const label = FS_STEPS.has(ins.kind) ? `${counter(++step)} ${trigger}${this.stepName(ins, state)}` : '';
      try {
        state = await this.apply(ins, state, label, file, index, globals, context);
      } catch (error) {
        if (error instanceof BuildError && error.step) throw error;
        const message = (error as Error).message.replace(/^failed to solve: /, '');
        // As BuildKit: the failing step is shown (opened now if it failed before it began).
        if (label) {
          const id = this.lastVertex?.name === label ? this.lastVertex.id : this.vertex(label).id;
          this.emit({ kind: 'error', id, message });
        }
        throw new BuildError(`failed to solve: ${message}`, { name: label || ins.original, tail: [], range: ins.range });
      }
    }
    return state;
  }

  private escape = '\\';

  private expand(word: string, lookup: (name: string) => string | undefined): string {
    return expandWord(word, lookup, this.escape);
  }

  /**
   * How BuildKit names a step: RUN with the values in scope filled in (quotes kept, unknown
   * names left as written) and its keyword in capitals; COPY, ADD and WORKDIR expanded plainly.
   */
  private stepName(ins: Instruction, state: StageState): string {
    try {
      if (ins.kind === 'RUN') {
        const text = expandWord(ins.original, this.lookup(state), this.escape, { rawQuotes: true, keepUnset: true });
        return text.replace(/^\S+/, (w) => w.toUpperCase());
      }
      return this.expand(ins.original, this.lookup(state)).replace(/^\S+/, (w) => w.toUpperCase());
    } catch {
      return ins.original;
    }
  }

  /** Names in scope for substitution: ENV first, then ARGs, as Docker resolves them. */
  private lookup(state: StageState): (name: string) => string | undefined {
    return (name) => {
      const env = (state.config.config.Env ?? []).find((e) => e.startsWith(`${name}=`));
      if (env) return env.slice(name.length + 1);
      return state.args.get(name);
    };
  }

  /** The stage's variables and shell, for the config instructions. */
  private scope(state: StageState): ConfigScope {
    return {
      expand: (w) => this.expand(w, this.lookup(state)),
      expandWords: (w) => expandWords(w, this.lookup(state)),
      shell: state.shell,
      cmdSet: !!state.cmdSet,
    };
  }

  private readonly metadataSteps = new WeakSet<object>();

  private history(state: StageState, createdBy: string, empty: boolean): void {
    const entry = { created: state.created, created_by: createdBy, comment: 'buildkit.dockerfile.v0', ...(empty ? { empty_layer: true } : {}) };
    if (empty) this.metadataSteps.add(entry);
    state.config.history = [...(state.config.history ?? []), entry];
  }

  private async apply(ins: Instruction, state: StageState, label: string, file: Dockerfile, stageIndex: number, globals: Map<string, string>, context: { loaded: boolean }): Promise<StageState> {
    const c = state.config.config;
    const expand = (w: string) => this.expand(w, this.lookup(state));
    if (ins.kind !== 'WORKDIR') {
      const applied = applyConfigInstruction(state.config, ins, this.scope(state));
      if (applied) {
        if (applied.cmdSet) state.cmdSet = true;
        if (applied.shell) state.shell = applied.shell;
        this.history(state, applied.createdBy, true);
        return state;
      }
    }
    switch (ins.kind) {
      case 'ARG': {
        for (const arg of ins.args) {
          const given = this.request.buildArgs[arg.name];
          if (given !== undefined) this.usedArgs.add(arg.name);
          const value = given ?? (arg.default !== undefined ? expand(arg.default) : globals.get(arg.name));
          if (value !== undefined) state.args.set(arg.name, value);
          else state.args.delete(arg.name);
        }
        this.history(state, `ARG ${ins.args.map((a) => (state.args.has(a.name) ? `${a.name}=${state.args.get(a.name)}` : a.name)).join(' ')}`, true);
        return state;
      }
      case 'FROM':
        return state;
      case 'WORKDIR': {
        // The directory is set in the config, and made (a layer) if the image lacks it.
        applyConfigInstruction(state.config, ins, this.scope(state));
        const dir = c.WorkingDir!;
        return this.fileStep(state, label, `WORKDIR ${dir}`, { workdir: dir }, [], async () => {
          const existing = await this.existing(state, cleanPath(dir));
          if (existing.get(cleanPath(dir))?.type === 'dir') return [];
          // `mkdir -p`: the directory (new, 0755, owned by USER as BuildKit makes it) and any
          // missing parents.
          const owner = c.User ? await this.owner(c.User, state) : undefined;
          return planCopy([{ type: 'dir', path: 'dir', mode: 0o755 }], { sources: ['dir'], dest: dir, existing, ...(owner ? { owner } : {}) });
        });
      }
      case 'COPY':
      case 'ADD':
        return this.copyStep(ins, state, label, file, stageIndex, context);
      case 'RUN':
        for (const flag of ['mount', 'network', 'security', 'device']) {
          if (ins.flags[flag] !== undefined) throw new Error(`RUN --${flag} is not supported in this lab yet (Drydock runs each RUN in a plain container)`);
        }
        return this.runStep(ins.command, state, label, ins);
      default:
        throw new Error(`${ins.kind} is not a build step`); // the config instructions returned above
    }
  }

  /** The destination and its parents as the image has them (for COPY's rules). */
  private async existing(state: StageState, path: string): Promise<Map<string, TarEntry>> {
    const paths = [...ancestors(path), path].filter(Boolean);
    if (!paths.length || !state.layers.length) return new Map();
    const image = stateImage(state);
    const entries = readTar(await this.host.runtime.statImagePaths(image, paths));
    return new Map(entries.map((e) => [e.path, e]));
  }

  /**
   * A step that makes a layer from entries computed here (COPY, ADD, WORKDIR): cached on the
   * parent's key, what the step says and the content it copies (`content`, mtimes aside). Only
   * on a miss does `make` look into the image (ownership, existing directories): a cached step
   * costs no guest round trip.
   */
  private async fileStep(state: StageState, label: string, createdBy: string, what: object, content: TarEntry[], make: () => Promise<TarEntry[]>): Promise<StageState> {
    const v = this.vertex(label);
    const checksum = await sha256Digest(createTar(content.map((e) => ({ ...e, mtime: 0 }))));
    const key = await sha256Digest(new TextEncoder().encode(JSON.stringify([state.key, what, checksum])));
    let step = this.request.noCache ? undefined : this.host.cache.get(key);
    if (step && this.host.runtime.hasLayer(step.layer.diffId)) this.emit({ kind: 'cached', id: v.id });
    else {
      step = { layer: await this.host.storeLayer(createTar(await make())), created: new Date().toISOString() };
      this.host.cache.set(key, step);
      this.done(v);
    }
    const next = { ...state, layers: [...state.layers, step.layer], key, created: step.created };
    this.history(next, createdBy, false);
    return next;
  }

  private async copyStep(ins: Extract<Instruction, { kind: 'COPY' | 'ADD' }>, state: StageState, label: string, file: Dockerfile, stageIndex: number, context: { loaded: boolean }): Promise<StageState> {
    const c = state.config.config;
    const expand = (w: string) => this.expand(w, this.lookup(state));
    const sources = ins.sources.map(expand);
    const dest = absolute(expand(ins.dest), c.WorkingDir, true);
    const from = ins.flags.from ? expand(ins.flags.from) : undefined;
    for (const s of sources) {
      if (/^[a-z]+:\/\//i.test(s)) {
        if (ins.kind === 'COPY') throw new Error(`source can't be a URL for COPY`);
        const host = /^[a-z]+:\/\/([^/:]+)/i.exec(s)?.[1] ?? s;
        throw new Error(`failed to load cache key: Get "${s}": dial tcp: lookup ${host}: no such host (this lab is offline: ADD cannot download; put the file in the build context instead)`);
      }
    }
    // Where the sources come from: the context, a here-document, or another stage or image.
    let tree: TarEntry[];
    if (ins.heredocs.length) {
      tree = ins.heredocs.map((h) => ({ type: 'file', path: h.name, data: new TextEncoder().encode(h.expand ? expandHeredocBody(h.content, this.lookup(state)) : h.content), mode: 0o644 }));
    } else if (from !== undefined) {
      const stage = this.findStage(file, from, stageIndex);
      const image = stage !== undefined ? stateImage(this.stageResults.get(stage)!) : await this.resolveBase(from);
      // Only what the patterns can match leaves the image; matching happens here, as for the context.
      const paths = sources.map((s) => staticPrefix(cleanPath(s)));
      tree = readTar(await this.host.runtime.archiveImagePaths(image, [...new Set(paths)].map((p) => p || '.')));
    } else {
      if (!context.loaded) {
        context.loaded = true;
        const v = this.vertex('[internal] load build context');
        const size = this.request.context.reduce((n, e) => n + (e.type === 'file' ? e.data.length : 0), 0);
        this.emit({ kind: 'status', id: v.id, text: `transferring context: ${humanSize(size)} done` });
        this.done(v);
      }
      tree = this.request.context;
    }
    if (ins.flags.parents !== undefined) throw new Error('COPY --parents is not supported in this lab yet');
    const excludes = ins.flagLists?.exclude ?? (ins.flags.exclude ? [ins.flags.exclude] : []);
    if (excludes.length) {
      const matcher = new IgnoreMatcher(excludes.map(expand).join('\n'));
      tree = tree.filter((e) => !matcher.ignores(e.path));
    }
    // ADD unpacks local archives, gzip'd ones too.
    if (ins.kind === 'ADD' && from === undefined) tree = await gunzipArchives(tree, sources);
    const chmod = ins.flags.chmod ? parseChmod(ins.flags.chmod) : undefined;
    const what = { kind: ins.kind, dest, from, chown: ins.flags.chown, chmod: ins.flags.chmod };
    const plan = { sources: ins.heredocs.length ? ins.heredocs.map((h) => h.name) : sources, dest, ...(chmod !== undefined ? { chmod } : {}) };
    const unpack = ins.kind === 'ADD' && from === undefined ? { unpackArchives: (e: TarEntry) => (e.type === 'file' ? tarEntriesIfArchive(e.data) : null) } : {};
    const content = planCopy(tree, { ...plan, ...unpack, existing: new Map() });
    return this.fileStep(state, label, `${ins.original} # buildkit`, what, content, async () => {
      const owner = ins.flags.chown ? await this.owner(expand(ins.flags.chown), state) : undefined;
      const existing = await this.existing(state, cleanPath(dest));
      return planCopy(tree, { ...plan, ...unpack, existing, ...(owner ? { owner } : {}) });
    });
  }

  /** --chown=user:group: numbers as given; names from the image's /etc/passwd and /etc/group. */
  private async owner(spec: string, state: StageState): Promise<{ uid: number; gid: number }> {
    const [user = '', group] = spec.split(':');
    const numeric = (s: string) => /^\d+$/.test(s);
    if (numeric(user) && (group === undefined || numeric(group))) return { uid: Number(user), gid: Number(group ?? user) };
    let files: TarEntry[] = [];
    try {
      files = readTar(await this.host.runtime.archiveImagePaths(stateImage(state), ['etc/passwd', 'etc/group']));
    } catch {
      files = [];
    }
    const table = (name: string) => {
      const f = files.find((e) => e.path === name);
      return f && f.type === 'file' ? new TextDecoder().decode(f.data).split('\n').map((l) => l.split(':')) : [];
    };
    const passwd = table('etc/passwd');
    const row = numeric(user) ? passwd.find((r) => r[2] === user) : passwd.find((r) => r[0] === user);
    if (!row && !numeric(user)) throw new Error(`unable to convert uid/gid chown string to host mapping: can't find uid for user ${user}: no such user: ${user}`);
    const uid = numeric(user) ? Number(user) : Number(row![2]);
    let gid = row ? Number(row[3]) : uid;
    if (group !== undefined) {
      if (numeric(group)) gid = Number(group);
      else {
        const g = table('etc/group').find((r) => r[0] === group);
        if (!g) throw new Error(`unable to convert uid/gid chown string to host mapping: can't find gid for group ${group}: no such group: ${group}`);
        gid = Number(g[2]);
      }
    }
    return { uid, gid };
  }

  private async runStep(command: CommandForm, state: StageState, label: string, ins: Instruction): Promise<StageState> {
    const c = state.config.config;
    const argv = commandArgv(command, state.shell);
    // Build args reach RUN as environment variables (ENV wins over an ARG of the same name).
    const argEnv = [...state.args].filter(([k]) => !(c.Env ?? []).some((e) => e.startsWith(`${k}=`))).map(([k, v]) => `${k}=${v}`);
    const env = [...(c.Env ?? [DEFAULT_PATH]), ...argEnv];
    const shown = command.form === 'exec' ? goQuote(argv) : argv.join(' ');
    const createdBy = `RUN ${argEnv.length ? `|${argEnv.length} ${argEnv.join(' ')} ` : ''}${shown} # buildkit`;
    const key = await sha256Digest(new TextEncoder().encode(JSON.stringify([state.key, 'RUN', argv, env, c.WorkingDir ?? '', c.User ?? ''])));
    const v = this.vertex(label);
    const cached = this.request.noCache ? undefined : this.host.cache.get(key);
    if (cached && this.host.runtime.hasLayer(cached.layer.diffId)) {
      this.emit({ kind: 'cached', id: v.id });
      const next = { ...state, layers: [...state.layers, cached.layer], key, created: cached.created };
      this.history(next, createdBy, false);
      return next;
    }
    const runtime = this.host.runtime;
    const container = buildContainer(argv, env, c.WorkingDir || '/', c.User ?? '');
    const tail: string[] = [];
    let partial = '';
    const line = (text: string) => {
      const seconds = Math.round(performance.now() - v.started) / 1000;
      this.emit({ kind: 'output', id: v.id, seconds, line: text });
      tail.push(`${seconds.toFixed(3)} ${text}`);
      if (tail.length > 6) tail.shift();
    };
    const decoder = new TextDecoder();
    await runtime.create(container);
    const abort = () => runtime.signal(container, 9);
    this.request.signal?.addEventListener('abort', abort);
    let code: number;
    try {
      const { exited } = runtime.start(container, stateImage(state), (entry) => {
        const lines = (partial + decoder.decode(entry.data, { stream: true })).split(/\r?\n/);
        partial = lines.pop() ?? '';
        lines.forEach(line);
      }, RUN_NETWORK);
      code = await exited.catch((error: Error) => {
        line(error instanceof RuntimeError ? error.message : `${error.message}`);
        return error instanceof RuntimeError ? error.exitCode : 1;
      });
      if (partial) line(partial);
    } finally {
      this.request.signal?.removeEventListener('abort', abort);
    }
    try {
      this.checkAborted();
      if (code !== 0) {
        const message = `process "${argv.join(' ')}" did not complete successfully: exit code: ${code}`;
        this.emit({ kind: 'error', id: v.id, message });
        const failure = new BuildError(`failed to solve: ${message}`, { name: label.slice(0, label.indexOf(']') + 1) + ' ' + ins.original, tail, range: ins.range });
        // After the tool's own error (pip's, from the package server's real 404), the CLI prints
        // the hint a failure carries: why the lab's index lacks the package.
        const hint = offlineHint(tail.join('\n'));
        throw hint ? Object.assign(failure, { hint }) : failure;
      }
      const step = { layer: await this.host.storeLayer(await runtime.exportChanges(container)), created: new Date().toISOString() };
      this.host.cache.set(key, step);
      this.done(v);
      const next = { ...state, layers: [...state.layers, step.layer], key, created: step.created };
      this.history(next, createdBy, false);
      return next;
    } finally {
      await runtime.remove(container).catch(() => {});
    }
  }
}

function emptyConfig(): ImageConfig {
  return { architecture: '386', os: 'linux', config: { Env: [DEFAULT_PATH] }, rootfs: { type: 'layers', diff_ids: [] }, history: [] };
}

/** The image a stage has built so far, for running containers on it. */
function stateImage(state: StageState): Image {
  return { id: state.key, config: state.config, layers: state.layers, repoTags: [], repoDigests: [] };
}

/** A container for one RUN step: hidden from `docker ps`, as BuildKit's are. */
/**
 * A RUN step's network: the lab machine's own (BuildKit gives RUN a network; Drydock's has no
 * internet, only the package server, which its hosts file names at 127.0.0.1).
 */
const RUN_NETWORK: NetworkPlan = {
  mode: 'host',
  interfaces: [],
  ports: [],
  hosts: hostsFile({ hostname: 'buildkitsandbox', address: '127.0.1.1' }, [], packageHostEntries('127.0.0.1')),
};

function buildContainer(argv: string[], env: string[], workdir: string, user: string): Container {
  const id = randomHex(32);
  return newContainer({
    id,
    name: `buildkit-${id.slice(0, 12)}`,
    mounts: [],
    imageId: '',
    imageName: '',
    config: { Image: '', Cmd: argv, Entrypoint: [], Env: env, WorkingDir: workdir, User: user, Hostname: 'buildkitsandbox', Tty: false, OpenStdin: false, Labels: {} },
    hostConfig: { AutoRemove: false, Memory: 0, PidsLimit: 0, NanoCpus: 0, NetworkMode: 'none', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } },
  });
}

/** A path made absolute against the working directory; `keepSlash` keeps a trailing "/". */
/** The part of a pattern before its first glob segment ("app/*.so" → "app"). */
function staticPrefix(pattern: string): string {
  const parts = pattern.split('/');
  const i = parts.findIndex((p) => /[*?[\\]/.test(p));
  return (i < 0 ? parts : parts.slice(0, i)).join('/');
}

function parseChmod(spec: string): number {
  if (!/^[0-7]{3,4}$/.test(spec)) throw new Error(`invalid chmod parameter: ${spec}`);
  return parseInt(spec, 8);
}



/** Files among the sources that are gzip'd (1f 8b), unzipped, so that ADD sees the tar inside. */
async function gunzipArchives(tree: TarEntry[], sources: string[]): Promise<TarEntry[]> {
  const patterns = sources.map((s) => compilePattern(cleanPath(s) || '**'));
  return Promise.all(
    tree.map(async (e) => {
      if (e.type !== 'file' || e.data[0] !== 0x1f || e.data[1] !== 0x8b || !patterns.some((p) => p.test(e.path))) return e;
      try {
        const data = await gunzip(e.data);
        return tarEntriesIfArchive(data) ? { ...e, data } : e;
      } catch {
        return e;
      }
    }),
  );
}
