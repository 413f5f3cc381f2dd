// The engine channel's constants are written once in C for the guest (images/guest/agent/wire.h,
// included by drydock-agent.c and the guest's `docker` client docker-client.c) and once in
// TypeScript for the host (protocol/frame.ts). This reads the header's #defines and enums and
// holds them to frame.ts: a frame type, the magic, the header size, the version string, the
// payload limit or an exec flag changed on one side only fails here, not in a guest that hangs.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXEC_FLAG_PTY, EXEC_FLAG_STDIN, FRAME_HEADER_SIZE, FRAME_MAGIC, FrameType, MAX_FRAME_PAYLOAD, PROTOCOL_VERSION } from '../../web/src/engine/protocol/frame';

const agentDir = join(import.meta.dirname, '..', '..', 'images', 'guest', 'agent');

/** A C constant expression of the kinds these files use: 0xD7, 12, (1u << 20), "text". */
function evaluate(expr: string): number | string {
  const e = expr.trim().replace(/^\((.*)\)$/, '$1').trim();
  const str = /^"((?:[^"\\]|\\.)*)"$/.exec(e);
  if (str) return str[1]!;
  const shift = /^(\w+)\s*<<\s*(\w+)$/.exec(e);
  if (shift) return (evaluate(shift[1]!) as number) * 2 ** (evaluate(shift[2]!) as number);
  const num = /^(0[xX][0-9a-fA-F]+|\d+)[uUlL]*$/.exec(e);
  if (num) return Number(num[1]);
  throw new Error(`cannot evaluate C expression: ${expr}`);
}

/** The #defines and enum constants of a C file (comments removed), by name. */
function cConstants(file: string): Map<string, number | string> {
  const source = readFileSync(join(agentDir, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const out = new Map<string, number | string>();
  for (const m of source.matchAll(/^#define[ \t]+(\w+)[ \t]+(.+)$/gm)) {
    try {
      out.set(m[1]!, evaluate(m[2]!));
    } catch {
      // a macro that is not a constant (feature test macros, expressions): not protocol
    }
  }
  for (const block of source.matchAll(/\benum\s*\w*\s*\{([^}]*)\}/g)) {
    let next = 0;
    for (const entry of block[1]!.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [name, value] = entry.split('=').map((s) => s.trim()) as [string, string | undefined];
      next = value === undefined ? next : (evaluate(value) as number);
      out.set(name, next++);
    }
  }
  return out;
}

/** T_CLIENT_STDIN_ON → ClientStdinOn */
const typeName = (cName: string) =>
  cName.replace(/^T_/, '').toLowerCase().split('_').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');

const frameTypes = Object.entries(FrameType).filter(([, v]) => typeof v === 'number') as Array<[string, number]>;

describe('the agent wire protocol, C and TypeScript', () => {
  const wire = cConstants('wire.h');
  const programs = ['drydock-agent.c', 'docker-client.c'];

  it('wire.h has every frame type of frame.ts, with the same number, and no other', () => {
    const inC = [...wire].filter(([name]) => name.startsWith('T_')).map(([name, value]) => [typeName(name), value]);
    expect(Object.fromEntries(inC)).toEqual(Object.fromEntries(frameTypes));
  });

  it('magic, header size, version, payload limit and exec flags agree', () => {
    expect(wire.get('MAGIC')).toBe(FRAME_MAGIC);
    expect(wire.get('HDR')).toBe(FRAME_HEADER_SIZE);
    expect(wire.get('PROTOCOL_VERSION')).toBe(PROTOCOL_VERSION);
    expect(wire.get('MAX_IN_PAYLOAD')).toBe(MAX_FRAME_PAYLOAD);
    expect(wire.get('EXEC_STDIN')).toBe(EXEC_FLAG_STDIN);
    expect(wire.get('EXEC_PTY')).toBe(EXEC_FLAG_PTY);
  });

  it('the agent and the guest\'s docker client take them from wire.h and define none of their own', () => {
    for (const file of programs) {
      expect(readFileSync(join(agentDir, file), 'utf8'), file).toMatch(/^#include "wire\.h"$/m);
      const own = [...cConstants(file).keys()].filter((name) => wire.has(name));
      expect(own, file).toEqual([]);
    }
  });
});
