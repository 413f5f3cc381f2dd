// Demos are data: every file in web/src/demos parses into say/run/pause steps, and a malformed
// step is refused with a message that names it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DemoFormatError, parseDemo } from '../../web/src/app/demo-format';

const dir = join(import.meta.dirname, '../../web/src/demos');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('demos', () => {
  it.each(files)('%s parses: a title and commands to type', (file) => {
    const demo = parseDemo(file, readFileSync(join(dir, file), 'utf8'));
    expect(demo.title.length).toBeGreaterThan(3);
    expect(demo.steps.some((s) => 'run' in s)).toBe(true);
  });

  it('refuses a step that is not one of say, run or pause', () => {
    expect(() => parseDemo('x', 'steps:\n  - say: hi\n  - type: ls\n')).toThrow(/x, step 2: each step is one of/);
    expect(() => parseDemo('x', 'title: nothing\n')).toThrow(DemoFormatError);
  });
});
