// Both themes' colours, as global.css defines them, pass WCAG 2.1 AA (4.5:1) for every pair the
// page uses for text: body text and muted text on the backgrounds, links, state colours, and
// button labels on the accent colour.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const css = readFileSync(join(import.meta.dirname, '../../web/src/app/global.css'), 'utf8');

function block(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  expect(start, selector).toBeGreaterThanOrEqual(0);
  const body = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...body.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]));
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const themes = {
  dark: block(":root, :root[data-theme='dark']"),
  light: block(":root[data-theme='light']"),
};

/** [foreground, background] pairs the page uses for text. */
const PAIRS: Array<[string, string]> = [
  ['text', 'bg'], ['text', 'panel'], ['text', 'code-bg'], ['text', 'chip'],
  ['muted', 'bg'], ['muted', 'panel'],
  ['link', 'bg'], ['link', 'panel'], ['link', 'code-bg'],
  ['danger', 'panel'], ['danger', 'bg'],
  ['ok', 'panel'], ['ok', 'bg'],
  ['bg', 'accent'], // button labels
  ['on-ok', 'ok'], // a completed step's number, a running container's state
  ['syn-keyword', 'code-bg'], ['syn-string', 'code-bg'], ['syn-comment', 'code-bg'], ['syn-number', 'code-bg'], // the editor
];

describe('theme contrast (WCAG AA)', () => {
  for (const [name, colours] of Object.entries(themes)) {
    it.each(PAIRS)(`${name}: --%s on --%s is at least 4.5:1`, (fg, bg) => {
      expect(colours[fg], fg).toBeDefined();
      expect(colours[bg], bg).toBeDefined();
      expect(contrast(colours[fg]!, colours[bg]!)).toBeGreaterThanOrEqual(4.5);
    });
  }

  it('measures as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
});
