// Fuzzing the parsers and the CLI with seeded inputs: real Dockerfiles, image names, port and
// mount specs, templates and `docker` command lines (from the lessons and fixtures), mutated,
// plus random ones. Every input must end in a result or a Docker-style message — never a
// JavaScript error, an `undefined` in the text, or a hang. FUZZ_SEED=<n> replays a run.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { badMessage, memoryDocker, mutateTimes, Random, randomString } from '../support/fuzz';
import { parseDockerfile } from '../../web/src/engine/formats/dockerfile/parse';
import { expandWord } from '../../web/src/engine/formats/dockerfile/expand';
import { parseReference, familiarReference } from '../../web/src/engine/formats/reference';
import { parsePortSpec } from '../../web/src/engine/formats/port-spec';
import { parseBind, parseMount, parseTmpfs } from '../../web/src/engine/formats/mount-spec';
import { applyFormat } from '../../web/src/engine/cli/commands/inspect';

const SEED = Number(process.env.FUZZ_SEED ?? 20_250_520);
/** Cases per family; the total is printed with the seed. */
const COUNTS = { dockerfile: 1500, reference: 2000, spec: 1500, template: 1500, cli: 700 };

function files(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, keep) : keep(name) ? [path] : [];
  });
}

const lessons = files('web/src/lessons', (n) => n.endsWith('.md')).map((p) => readFileSync(p, 'utf8'));
const blocks = lessons.flatMap((text) => [...text.matchAll(/```[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]!));
const dockerfiles = [
  ...files('tests/guest/fixtures', (n) => n.startsWith('Dockerfile')).map((p) => readFileSync(p, 'utf8')),
  ...blocks.filter((b) => /^\s*(FROM|# syntax)/im.test(b)),
  'FROM busybox AS base\nARG V=1\nENV A=${V:-x} B="$A b"\nRUN echo $A \\\n  && echo ${B:+set}\nCOPY --from=base --chown=1:1 a* /b/\nWORKDIR /w\nCMD ["sh", "-c", "echo $A"]\n',
  'FROM scratch\nADD <<EOF /f\nline $X\nEOF\nHEALTHCHECK --interval=5s CMD true\nONBUILD RUN x\nEXPOSE 80/tcp 53/udp\n',
];
const commandLines = lessons.flatMap((text) => [...text.matchAll(/^\s*\$?\s*docker (.+)$/gm)].map((m) => m[1]!.trim())).filter((l) => !l.includes('compose'));
const references = ['busybox', 'busybox:1.36', 'alice/app:v1', 'localhost:5000/app', 'registry.example.com:443/team/app:2', 'index.docker.io/library/redis', `nginx@sha256:${'ab'.repeat(32)}`, '[::1]:5000/x', 'LOCALDOMAIN/debian'];
const specs = ['80', '8080:80', '127.0.0.1:8080:80/tcp', '[::1]:80:80', '8000-8001:80-81/udp', '/data', 'vol:/data:ro', './src:/app', '/host:/c:rw,z', 'type=bind,source=/a,target=/b,readonly', 'type=volume,src=v,dst=/d,volume-opt=o=1', 'type=tmpfs,dst=/t,tmpfs-size=1m', '/run:size=64k,mode=1777'];
const templates = ['{{.Name}}', '{{json .Config.Env}}', '{{range .Mounts}}{{.Destination}} {{end}}', '{{index .Config.Labels "a"}}', '{{if .State.Running}}up{{else}}down{{end}}', '{{upper .Name}}\t{{len .Config.Cmd}}', '{{/* c */}}{{.Id | printf "%s"}}', '{{- .Name -}}', '{{with .State}}{{.Status}}{{end}}'];
const sample = { Id: 'abc', Name: '/web', State: { Running: true, Status: 'running' }, Config: { Env: ['A=1'], Cmd: ['sh'], Labels: { a: 'b' } }, Mounts: [{ Destination: '/d' }] };

/** A thrown value is fine when it is an Error a parser means to throw, with a readable message. */
function checkRejection(error: unknown, input: string, family: string): void {
  const problem = !(error instanceof Error)
    ? 'not an Error'
    : ['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError'].includes(error.name)
      ? `${error.name}: ${error.message}`
      : badMessage(error.message);
  if (problem) throw new Error(`fuzz ${family} (FUZZ_SEED=${SEED}): ${problem}\ninput: ${JSON.stringify(input)}\n${error instanceof Error ? error.stack : String(error)}`);
}

function each(family: string, count: number, make: (r: Random, i: number) => string, run: (input: string) => void): number {
  const r = new Random(SEED ^ family.length * 7919);
  for (let i = 0; i < count; i++) {
    const input = make(r, i);
    try {
      run(input);
    } catch (error) {
      checkRejection(error, input, family);
    }
  }
  return count;
}

const pickOrRandom = (r: Random, seeds: readonly string[], max: number) => (r.chance(0.8) ? mutateTimes(r, r.pick(seeds), 1 + r.int(4)) : randomString(r, max));

/** Splits a command line into words as the shell would for simple quoting. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

let total = 0;
describe(`fuzz (seed ${SEED})`, () => {
  it('parses and expands mutated Dockerfiles without a JavaScript error', () => {
    const env: Record<string, string> = { A: 'a', EMPTY: '', PATH: '/bin' };
    total += each('dockerfile', COUNTS.dockerfile, (r) => (r.chance(0.9) ? mutateTimes(r, r.pick(dockerfiles), 1 + r.int(6)) : randomString(r, 200)), (text) => {
      parseDockerfile(text);
      for (const line of text.split('\n').slice(0, 20)) {
        try {
          expandWord(line, (name) => env[name]);
        } catch (error) {
          checkRejection(error, line, 'dockerfile-expand');
        }
      }
    });
  });

  it('reads mutated image references with Docker\'s messages', () => {
    total += each('reference', COUNTS.reference, (r) => pickOrRandom(r, references, 80), (input) => {
      const ref = parseReference(input);
      expect(`${ref.domain}/${ref.path}:${ref.tag}`).not.toMatch(/undefined/);
      familiarReference(input);
    });
  });

  it('reads mutated port, volume, mount and tmpfs specs with Docker\'s messages', () => {
    const parsers = [parsePortSpec, parseBind, parseMount, parseTmpfs];
    total += each('spec', COUNTS.spec, (r) => pickOrRandom(r, specs, 40), (input) => {
      for (const parse of parsers) {
        try {
          parse(input);
        } catch (error) {
          checkRejection(error, input, `spec ${parse.name}`);
        }
      }
    });
  });

  it('checks and renders mutated --format templates', () => {
    total += each('template', COUNTS.template, (r) => pickOrRandom(r, templates, 40), (input) => {
      const out = applyFormat(input, sample);
      expect(typeof out).toBe('string');
    });
  });

  it('runs mutated docker command lines on the in-memory runtime, each ending with a status and a readable message', async () => {
    const r = new Random(SEED ^ 0x5eed);
    let harness = memoryDocker();
    await harness.docker('pull', 'busybox');
    // Commands that wait for a running container by design; the others must end.
    const blocking = /\b(attach|wait|events|stats)\b|(^|\s)(logs|-f|--follow)\b/;
    for (let i = 0; i < COUNTS.cli; i++) {
      if (i % 100 === 99) {
        harness = memoryDocker();
        await harness.docker('pull', 'busybox');
      }
      const line = (r.chance(0.85) ? mutateTimes(r, r.pick(commandLines), r.int(4)) : `run ${randomString(r, 30)} busybox true`).replace(/\bsleep\s+\S+/g, 'sleep 0');
      const args = words(line);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const result = await Promise.race([
        harness.docker(...args).catch((error: unknown) => ({ code: -1, out: '', err: `threw ${(error as Error).stack}` })),
        new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), 3000))),
      ]);
      clearTimeout(timer);
      const fail = (why: string) => {
        throw new Error(`fuzz cli (FUZZ_SEED=${SEED}): ${why}\ninput: docker ${JSON.stringify(args)}\n${result === 'hang' ? '' : result.err}`);
      };
      if (result === 'hang') {
        if (!blocking.test(line)) fail('no answer in 3 s');
        harness = memoryDocker(); // a blocked client leaves its daemon busy
        await harness.docker('pull', 'busybox');
        continue;
      }
      if (result.code === -1) fail('the CLI threw');
      // A container's own exit status comes with nothing from Docker (its shell may say why,
      // the in-memory one does not); every failure of Docker's comes with a message.
      const containerStatus = ['run', 'start', 'exec'].includes(args[0] ?? '') && !result.err;
      if (result.code !== 0 && !containerStatus) {
        const problem = badMessage(result.err);
        if (problem) fail(problem);
      }
    }
    total += COUNTS.cli;
    // The seed and the count go to the log, so a CI failure can be replayed.
    console.log(`fuzz: seed ${SEED}, ${total} cases`);
    expect(total).toBeGreaterThanOrEqual(7000);
  }, 120_000);
});
