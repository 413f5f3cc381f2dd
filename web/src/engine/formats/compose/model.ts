// From the files to one Compose model (plain values), in compose-go's order for each YAML
// document of each `-f` file: interpolate (and cast typed keys), load what it `include`s,
// apply `!reset`/`!override`, resolve `extends`, merge onto what came before, keep one entry
// per key in keyed lists, validate the types. Relative paths of included and extended files
// are made absolute from their own directory first; the project's own at the end.
import { ComposeError } from './errors';
import { interpolateTree, type Lookup } from './interpolate';
import { parseDotEnv } from './dotenv';
import { applyTags, enforceUnicity, goString, isDict, mergeYaml, splitVolumeSpec, type Dict } from './merge';
import { schemaProblem } from './schema';
import { parseComposeYaml, type Json, type YamlDocument } from './yaml';

export { isDict, type Dict };

/** A file's text, or null when there is no such file. */
export type ReadFile = (path: string) => Promise<string | null>;

export interface ModelContext {
  env: Record<string, string>;
  readFile?: ReadFile;
  /** Each unset variable once, and Compose's other warnings. */
  warnings: string[];
  /** Documents read so far, newest last, to find the line a key path is on. */
  documents: Array<{ fileName: string; doc: YamlDocument }>;
}

export const dirname = (p: string) => p.replace(/\/[^/]*$/, '') || '/';

export function joinPath(base: string, rel: string): string {
  const out: string[] = [];
  for (const p of (rel.startsWith('/') ? rel : `${base}/${rel}`).split('/')) {
    if (!p || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return `/${out.join('/')}`;
}

async function mustRead(ctx: ModelContext, path: string): Promise<string> {
  const text = ctx.readFile ? await ctx.readFile(path) : null;
  if (text === null) throw new ComposeError(`open ${path}: no such file or directory`);
  return text;
}

function warner(ctx: ModelContext) {
  const said = new Set(ctx.warnings);
  const once = (message: string) => {
    if (!said.has(message)) ctx.warnings.push(message);
    said.add(message);
  };
  return { variable: (name: string) => once(`The ${JSON.stringify(name)} variable is not set. Defaulting to a blank string.`), message: once };
}

/** A service's own relative paths (build context, binds, env_file, extends.file) made absolute from `dir`. */
function resolveServicePaths(service: Json, dir: string): Json {
  if (!isDict(service)) return service;
  const s: Dict = { ...service };
  const abs = (p: Json | undefined) => (typeof p === 'string' && !/^[a-z]+:\/\//i.test(p) ? joinPath(dir, p) : p);
  if (typeof s.build === 'string') s.build = abs(s.build)!;
  else if (isDict(s.build) && typeof s.build.context === 'string') s.build = { ...s.build, context: abs(s.build.context)! };
  if (typeof s.env_file === 'string') s.env_file = abs(s.env_file)!;
  else if (Array.isArray(s.env_file)) s.env_file = s.env_file.map((e) => (isDict(e) ? { ...e, path: abs(e.path) ?? null } : abs(e)!));
  if (isDict(s.extends) && typeof s.extends.file === 'string') s.extends = { ...s.extends, file: abs(s.extends.file)! };
  if (Array.isArray(s.volumes)) {
    s.volumes = s.volumes.map((v) => {
      if (isDict(v)) return v.type === 'bind' && typeof v.source === 'string' ? { ...v, source: abs(v.source)! } : v;
      if (typeof v !== 'string') return v;
      const spec = splitVolumeSpec(v);
      if (!spec.source || !/^\.\.?(\/|$)/.test(spec.source)) return v;
      return [abs(spec.source), spec.target, ...(spec.mode !== undefined ? [spec.mode] : [])].join(':');
    });
  }
  return s;
}

export function resolveRelativePaths(model: Dict, dir: string): Dict {
  if (!isDict(model.services)) return model;
  return { ...model, services: Object.fromEntries(Object.entries(model.services).map(([k, v]) => [k, resolveServicePaths(v, dir)])) };
}

/** A file's documents, each as a mapping, interpolated. */
async function readDocuments(ctx: ModelContext, fileName: string, text: string, env: Lookup): Promise<Array<{ value: Dict; doc: YamlDocument }>> {
  const warn = warner(ctx);
  return parseComposeYaml(text, fileName).map((doc) => {
    if (!isDict(doc.value)) throw new ComposeError('top-level object must be a mapping');
    ctx.documents.push({ fileName, doc });
    return { value: interpolateTree(doc.value, env, warn.variable, warn.message) as Dict, doc };
  });
}

interface Loaded {
  model: Dict;
}

/**
 * The merged model of `files` (in order), as compose-go builds it. `included` is the chain of
 * files that included this one, to refuse a cycle.
 */
export async function loadModel(ctx: ModelContext, files: Array<{ fileName: string; text: string }>, workingDir: string, included: string[] = []): Promise<Loaded> {
  const lookup: Lookup = (name) => (Object.hasOwn(ctx.env, name) ? ctx.env[name] : undefined);
  let dict: Dict = {};
  for (const file of files) {
    for (const { value, doc } of await readDocuments(ctx, file.fileName, file.text, lookup)) {
      let cfg = value;
      if (cfg.include === null) {
        // An empty `include:` includes nothing, as in compose-go.
        cfg = { ...cfg };
        delete cfg.include;
      } else if (cfg.include !== undefined) cfg = await applyInclude(ctx, cfg, workingDir, [...included, file.fileName]);
      dict = applyTags(dict, [...doc.resets, ...doc.overrides]) as Dict;
      if (cfg.services !== undefined) cfg = { ...cfg, services: await applyExtends(ctx, cfg.services, file.fileName, lookup) };
      dict = enforceUnicity(mergeYaml(dict, cfg)) as Dict;
      const problem = schemaProblem(dict);
      if (problem) throw new ComposeError(`validating ${file.fileName}: ${problem.message}${lineSuffix(ctx, problem.path)}`);
      if ('version' in dict) {
        warner(ctx).message(`${file.fileName}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`);
        delete dict.version;
      }
    }
  }
  return { model: dict };
}

/** " (line N)" for a key path: Drydock's addition to Compose's message, from the newest file that has the key. */
export function lineSuffix(ctx: ModelContext, path: Array<string | number>): string {
  for (const { doc } of [...ctx.documents].reverse()) {
    const line = doc.lineOf(path);
    if (line) return ` (line ${line})`;
  }
  return '';
}

/** `include:` — each entry loaded as its own project (its directory, its .env), its resources added. */
async function applyInclude(ctx: ModelContext, cfg: Dict, workingDir: string, included: string[]): Promise<Dict> {
  const entries = cfg.include;
  if (!Array.isArray(entries)) throw new ComposeError(`\`include\` must be a list, got ${goString(entries)}`);
  const out: Dict = { ...cfg };
  delete out.include;
  for (const entry of entries) {
    const spec = typeof entry === 'string' ? { path: entry } : isDict(entry) ? entry : {};
    const paths = (Array.isArray(spec.path) ? spec.path : [spec.path]).filter((p): p is string => typeof p === 'string').map((p) => joinPath(workingDir, p));
    if (!paths.length) throw new ComposeError('include.path is required');
    const main = paths[0]!;
    if (included.includes(main)) throw new ComposeError(`include cycle detected:\n${included[0]}\n include ${[...included.slice(1), main].join('\n include ')}`);
    const projectDir = typeof spec.project_directory === 'string' ? joinPath(workingDir, spec.project_directory) : dirname(main);
    const envFiles = spec.env_file === undefined ? [`${projectDir}/.env`] : (Array.isArray(spec.env_file) ? spec.env_file : [spec.env_file]).map((f) => joinPath(workingDir, String(f)));
    const env: Record<string, string> = {};
    for (const f of envFiles) {
      const text = ctx.readFile ? await ctx.readFile(f) : null;
      if (text === null) {
        if (spec.env_file !== undefined) throw new ComposeError(`couldn't find env file: ${f}`);
        continue;
      }
      Object.assign(env, dotEnvOf(text, f, (n) => ctx.env[n] ?? env[n]));
    }
    const sub: ModelContext = { ...ctx, env: { ...env, ...ctx.env } };
    const texts = [];
    for (const p of paths) texts.push({ fileName: p, text: await mustRead(ctx, p) });
    const { model } = await loadModel(sub, texts, projectDir, included);
    const imported = resolveRelativePaths(model, projectDir);
    for (const key of ['services', 'volumes', 'networks', 'secrets', 'configs']) {
      const from = imported[key];
      if (!isDict(from)) continue;
      const to: Dict = isDict(out[key]) ? { ...(out[key] as Dict) } : {};
      for (const [name, value] of Object.entries(from)) to[name] = name in to ? mergeYaml(value, to[name]!, [key, name]) : value;
      out[key] = to;
    }
  }
  return out;
}

/** A .env text's variables; a mistake names the file, as compose-go does. */
export function dotEnvOf(text: string, fileName: string, lookup: Lookup): Record<string, string> {
  try {
    return parseDotEnv(text, lookup);
  } catch (error) {
    if (error instanceof ComposeError) throw new ComposeError(`failed to read ${fileName}: ${error.message}`);
    throw error;
  }
}

/** `extends:` — each service merged onto the one it names (in this file or another), recursively. */
async function applyExtends(ctx: ModelContext, services: Json, fileName: string, lookup: Lookup): Promise<Json> {
  if (!isDict(services)) throw new ComposeError('services must be a mapping');
  const all: Dict = { ...services };
  const fileCache = new Map<string, Dict>();

  const baseServices = async (from: string, name: string, file: string, ref: string): Promise<Dict> => {
    if (!fileCache.has(file)) {
      const text = await mustRead(ctx, file);
      let merged: Dict = {};
      for (const { value } of await readDocuments(ctx, file, text, lookup)) merged = mergeYaml(merged, value) as Dict;
      if (!('services' in merged)) throw new ComposeError(`cannot extend service ${JSON.stringify(name)} in ${file}: no services section`);
      if (!isDict(merged.services)) throw new ComposeError(`cannot extend service ${JSON.stringify(name)} in ${file}: services must be a mapping`);
      fileCache.set(file, (resolveRelativePaths(merged, dirname(file)).services as Dict) ?? {});
    }
    const found = fileCache.get(file)!;
    if (!(ref in found)) throw new ComposeError(`cannot extend service ${JSON.stringify(name)} in ${from}: service ${JSON.stringify(ref)} not found in ${file}`);
    return found;
  };

  const resolve = async (name: string, pool: Dict, file: string, chain: Array<[string, string]>): Promise<Json> => {
    const s = pool[name];
    if (s === null || s === undefined) return null;
    if (!isDict(s)) throw new ComposeError(`services.${name} must be a mapping`);
    if (s.extends === undefined) return s;
    let ref: string;
    let refFile: string | undefined;
    if (isDict(s.extends)) {
      if (typeof s.extends.service !== 'string') throw new ComposeError(`extends.${name}.service is required`);
      ref = s.extends.service;
      if (typeof s.extends.file === 'string') refFile = joinPath(dirname(file), s.extends.file);
    } else ref = typeof s.extends === 'string' ? s.extends : ''; // compose-go looks for a service named "" then
    let basePool = pool;
    let baseFile = file;
    if (refFile) {
      basePool = { ...(await baseServices(file, name, refFile, ref)) };
      baseFile = refFile;
    } else if (!(ref in pool)) throw new ComposeError(`cannot extend service ${JSON.stringify(name)} in ${file}: service ${JSON.stringify(ref)} not found`);
    // compose-go records the extending service under the file its base comes from.
    if (chain.some(([f, n]) => f === baseFile && n === name)) {
      const lines = ['Circular reference:', `  ${chain[0]![1]} in ${chain[0]![0]}`, ...[...chain.slice(1), [baseFile, name] as [string, string]].map(([f, n]) => `  extends ${n} in ${f}`)];
      throw new ComposeError(lines.join('\n'));
    }
    const base = await resolve(ref, basePool, baseFile, [...chain, [baseFile, name]]);
    if (base === null) return s;
    const merged = mergeYaml(structuredClone(base), s, ['services', 'x']) as Dict;
    delete merged.extends;
    pool[name] = merged;
    return merged;
  };

  for (const name of Object.keys(all)) all[name] = await resolve(name, all, fileName, []);
  return all;
}
