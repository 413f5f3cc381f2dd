// The npm half of the package world: which versions of which packages it holds, and the
// packuments it serves. Pure: the recipe (build-packages.ts) hands in the packuments it
// fetched from the npm registry; this picks versions as npm does on the node image, follows
// dependencies to their closure, and writes each package's document with only the versions
// the world has.
import semver from 'semver';

/** What the node image runs (Debian 12's nodejs and npm): npm picks versions for these. */
export const NODE_ENGINE = { node: '18.20.4', npm: '9.2.0' };

/** A version's manifest as the registry's packument has it (the fields npm reads). */
export interface VersionManifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  engines?: Record<string, string> | string[];
  deprecated?: string;
  os?: string[];
  cpu?: string[];
  dist: { tarball: string; integrity?: string; shasum: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface Packument {
  name: string;
  'dist-tags': Record<string, string>;
  versions: Record<string, VersionManifest>;
  time?: Record<string, string>;
  [k: string]: unknown;
}

/** Whether npm on the node image takes this version without an engine warning. */
export function engineOk(mani: VersionManifest, engine = NODE_ENGINE): boolean {
  const engines = mani.engines;
  if (!engines || Array.isArray(engines) || typeof engines !== 'object') return true;
  for (const [tool, have] of [['node', engine.node], ['npm', engine.npm]] as const) {
    const range = engines[tool];
    if (typeof range === 'string' && range.trim() && semver.validRange(range) && !semver.satisfies(have, range, { includePrerelease: true })) return false;
  }
  return true;
}

/**
 * The version npm picks for `range` (npm-pick-manifest's rules): the `latest` tag when it
 * satisfies the range, is not deprecated and suits the engine; else, among the satisfying
 * versions, one not deprecated and suiting the engine, then one suiting the engine, the
 * highest first.
 */
export function pickVersion(doc: Packument, range: string, engine = NODE_ENGINE): string | undefined {
  const wanted = range.trim() === '' || range === 'latest' ? '*' : range;
  const tag = doc['dist-tags'][wanted];
  if (tag && doc.versions[tag]) return tag;
  const latest = doc['dist-tags'].latest;
  if (latest && doc.versions[latest] && (wanted === '*' || semver.satisfies(latest, wanted, { loose: true }))) {
    const mani = doc.versions[latest]!;
    if (!mani.deprecated && engineOk(mani, engine)) return latest;
  }
  const candidates = Object.keys(doc.versions).filter((v) => semver.valid(v, { loose: true }) && semver.satisfies(v, wanted, { loose: true }));
  const score = (v: string) => {
    const mani = doc.versions[v]!;
    const ok = engineOk(mani, engine);
    return (ok && !mani.deprecated ? 2 : 0) + (ok ? 1 : 0);
  };
  candidates.sort((a, b) => score(b) - score(a) || semver.rcompare(a, b, { loose: true }));
  return candidates[0];
}

/** The ranges a version needs: dependencies, optional ones (npm resolves them on every
 * platform for the lockfile) and peers that are not optional (npm 7+ installs them). */
export function neededRanges(mani: VersionManifest): Array<[string, string]> {
  const peers = Object.entries(mani.peerDependencies ?? {}).filter(([name]) => !mani.peerDependenciesMeta?.[name]?.optional);
  return [...Object.entries(mani.dependencies ?? {}), ...Object.entries(mani.optionalDependencies ?? {}), ...peers];
}

/** An alias (`npm:other@^1`) needs the other package; a URL or git spec cannot be in the world. */
export function registrySpec(name: string, range: string): [string, string] {
  const alias = /^npm:((?:@[^/]+\/)?[^@]+)(?:@(.*))?$/.exec(range);
  if (alias) return [alias[1]!, alias[2] ?? '*'];
  if (/^(https?:|git|file:|github:|[^@\s]+\/[^@\s]+$)/.test(range)) throw new Error(`${name}@${range}: not a registry dependency`);
  return [name, range];
}

/**
 * The world's versions: for each root (`express@^4`), the version npm picks, then, for every
 * version in the world, the version picked for each range it needs — a closure, so that npm
 * in a container, seeing only these versions, picks the same ones.
 */
export async function npmClosure(roots: string[], packument: (name: string) => Promise<Packument>): Promise<Map<string, Set<string>>> {
  const world = new Map<string, Set<string>>();
  const queue: Array<[string, string, string]> = roots.map((root) => {
    const at = root.lastIndexOf('@');
    return at > 0 ? [root.slice(0, at), root.slice(at + 1), 'the recipe'] : [root, '*', 'the recipe'];
  });
  const seen = new Set<string>();
  while (queue.length) {
    const [name, range, by] = queue.shift()!;
    if (seen.has(`${name}@${range}`)) continue;
    seen.add(`${name}@${range}`);
    const doc = await packument(name);
    const version = pickVersion(doc, range);
    if (!version) throw new Error(`npm: no version of ${name} satisfies ${range} (needed by ${by})`);
    const versions = world.get(name) ?? new Set<string>();
    world.set(name, versions);
    if (versions.has(version)) continue;
    versions.add(version);
    for (const [dep, depRange] of neededRanges(doc.versions[version]!)) queue.push([...registrySpec(dep, depRange), `${name}@${version}`]);
  }
  return world;
}

/**
 * The document the world serves for a package: the registry's, with only the world's versions
 * (their manifests as published, tarball URLs included: npm replaces registry.npmjs.org with
 * the configured registry), `latest` naming the version `npm install <name>` gets here.
 */
export function worldPackument(doc: Packument, versions: Set<string>, root: boolean): Packument {
  const kept = [...versions].sort(semver.compare);
  const manifests: Record<string, VersionManifest> = {};
  for (const v of kept) {
    const { readme: _readme, ...mani } = doc.versions[v]! as VersionManifest & { readme?: unknown };
    manifests[v] = mani as VersionManifest;
  }
  const upstreamLatest = doc['dist-tags'].latest;
  // For a root, what npm picks for a bare name on the node image; otherwise upstream's latest
  // if the world has it, else the highest version here.
  const latest = root ? pickVersion(doc, '*')! : upstreamLatest && versions.has(upstreamLatest) ? upstreamLatest : kept.filter((v) => !semver.prerelease(v)).pop() ?? kept[kept.length - 1]!;
  const time: Record<string, string> = {};
  for (const v of kept) if (doc.time?.[v]) time[v] = doc.time[v]!;
  if (doc.time?.created) time.created = doc.time.created;
  const modified = Object.values(time).sort().pop();
  if (modified) time.modified = modified;
  return {
    _id: doc.name,
    name: doc.name,
    'dist-tags': { latest },
    versions: manifests,
    time,
    ...(modified ? { modified } : {}),
  };
}

/** Where a tarball lives on the registry (and in the world's tree): `/@redis/client/-/client-1.6.0.tgz`. */
export function tarballPath(tarballUrl: string): string {
  const path = decodeURIComponent(new URL(tarballUrl).pathname);
  if (!/^\/(@[^/]+\/)?[^/@][^/]*\/-\/[^/]+\.tgz$/.test(path)) throw new Error(`npm: unexpected tarball URL ${tarballUrl}`);
  return path;
}
