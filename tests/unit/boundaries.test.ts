// The architecture's boundaries, checked: the engine never touches the DOM (its tsconfig has no
// DOM library, so `npm run check` enforces that), the page reaches the guest only through
// the engine's typed API, and the engine's layers import only downwards.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|svelte)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
const imports = (file: string) => [...readFileSync(file, 'utf8').matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);

describe('module boundaries', () => {
  it('the page imports nothing from the engine but its API types', () => {
    const offending = files(join(root, 'web/src/app')).flatMap((file) =>
      imports(file)
        .filter((spec) => spec.includes('/engine/') && !/\/engine\/api$/.test(spec))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('the engine imports neither the page, the worker host, nor Node built-ins', () => {
    const offending = files(join(root, 'web/src/engine')).flatMap((file) =>
      imports(file)
        .filter((spec) => /\/(app|worker)\//.test(spec) || spec.startsWith('node:') || spec.endsWith('.svelte'))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it("the engine's layers import only downwards", () => {
    const offending = engineImports().flatMap(({ from, to }) => {
      const a = layerOf(from), b = layerOf(to);
      if (b <= a || EXCEPTIONS.some(([f, t]) => from.startsWith(f) && to === t)) return [];
      return [`${from} (${LAYERS[a]![0]}) imports ${to} (${LAYERS[b]![0]})`];
    });
    expect(offending).toEqual([]);
  });

  it('the CLI, compose and the lesson checks import no daemon store, the daemon\'s parts, nor the runtime', () => {
    const offending = engineImports().flatMap(({ from, to }) =>
      /^(cli|compose|lessons|host)\//.test(from) && (/^runtime\//.test(to) || /^daemon\/(.*-store|networks\/networking|parts)\.ts$/.test(to))
        ? [`${from} imports ${to}`]
        : [],
    );
    expect(offending).toEqual([]);
  });

  it('the CLI, compose and the lesson checks reach the daemon only through DockerApi (and the lab view)', () => {
    // Types only: the API (docker-api.ts), its errors and versions (endpoints.ts), the read-only
    // view the lesson checks and the page's pictures use (lab-view.ts).
    const allowed = new Set(['daemon/docker-api.ts', 'daemon/endpoints.ts', 'daemon/lab-view.ts']);
    const offending = engineImports().flatMap(({ from, to }) =>
      /^(cli|compose|lessons)\//.test(from) && to.startsWith('daemon/') && !allowed.has(to) ? [`${from} imports ${to}`] : [],
    );
    expect(offending).toEqual([]);
  });

  it('knows the layer of every engine file', () => {
    const engine = join(root, 'web/src/engine');
    const unknown = files(engine).map((f) => relative(engine, f)).filter((f) => layerOf(f) < 0);
    expect(unknown).toEqual([]);
  });
});

/**
 * The engine's layers, lowest first (ARCHITECTURE.md, "Engine layout"): a file may import its
 * own layer and those below it, never one above.
 */
const LAYERS: Array<[string, ...RegExp[]]> = [
  ['lib', /^lib\//],
  ['models', /^models\//, /^api\.ts$/],
  ['formats/protocol', /^formats\//, /^protocol\//, /^console\//],
  ['runtime/registry/persist/builder', /^runtime\//, /^registry\//, /^persist\//, /^builder\//, /^guest\//],
  ['daemon', /^daemon\//],
  ['api-server', /^api-server\//, /^api-types\//],
  ['cli/compose/lessons', /^cli\//, /^compose\//, /^lessons\//, /^host\//],
  ['engine', /^engine\.ts$/],
];

/**
 * Known exceptions, each with its reason. The package world's names (hosts, port, the offline
 * hint) are plain constants that the runtime and the builder need too; the file stays in
 * daemon/ while images/packages/ is reworked beside it.
 */
const EXCEPTIONS: Array<[string, string]> = [
  ['builder/', 'daemon/package-world.ts'],
  ['runtime/', 'daemon/package-world.ts'],
];

function layerOf(file: string): number {
  return LAYERS.findIndex(([, ...patterns]) => patterns.some((p) => p.test(file)));
}

/** Every relative import between engine files, as paths under web/src/engine/. */
function engineImports(): Array<{ from: string; to: string }> {
  const engine = join(root, 'web/src/engine');
  return files(engine).flatMap((file) =>
    imports(file)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => {
        const target = resolve(dirname(file), spec);
        return { from: relative(engine, file), to: `${relative(engine, target)}${/\.(ts|js)$/.test(target) ? '' : '.ts'}`.replace(/\.js$/, '.ts') };
      })
      .filter(({ to }) => !to.startsWith('..')),
  );
}
