// The architecture's boundaries, checked: the engine never touches the DOM (its tsconfig has no
// DOM library, so `npm run check` enforces that), and the page reaches the guest only through
// the engine's typed API.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

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
});
