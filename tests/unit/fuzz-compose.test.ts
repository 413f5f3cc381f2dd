// Fuzzing the Compose file and .env readers: real files (the test fixtures, the Compose files
// the lessons write, the lessons' other files) mutated, plus generated models and random text.
// Every input must load or be refused with a ComposeError whose message a learner can read —
// never a JavaScript error, a stack overflow or a hang. The seed is printed; FUZZ_SEED=<n>
// replays a run (FUZZ_SCALE=<n> makes it n times longer), and a failure prints the seed, the
// case number, the message and the input.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ComposeError, loadCompose, parseDotEnv } from '../../web/src/engine/formats/compose-file';
import { badMessage, mutateTimes, Random, randomString } from '../support/fuzz';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** FUZZ_SCALE=<n> runs n times as many cases (a longer hunt than `npm test`'s). */
const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE ?? 1));
const COMPOSE_CASES = 3000 * SCALE;
const DOTENV_CASES = 1500 * SCALE;
/** Mutated inputs stay small enough that each case is quick; the loader's own limits do the rest. */
const MAX_INPUT = 20_000;
const ROOT = join(__dirname, '..', '..');

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** The Compose files the lessons have learners write (heredocs holding `services:`). */
function lessonComposeFiles(): string[] {
  const lessons = join(ROOT, 'web/src/lessons');
  const found: string[] = [];
  for (const file of filesUnder(lessons).filter((f) => f.endsWith('.md'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/<<'?EOF'?\n([\s\S]*?)\nEOF/g)) if (m[1]!.includes('services:')) found.push(`${m[1]}\n`);
  }
  return found;
}

const lessonFiles = filesUnder(join(ROOT, 'web/src/lessons')).filter((f) => f.includes('/files/'));
const fixtureFiles = filesUnder(join(ROOT, 'tests/guest/fixtures'));
const realTexts = [...lessonFiles, ...fixtureFiles].map((f) => readFileSync(f, 'utf8'));
const composeSeeds = [
  ...fixtureFiles.filter((f) => /compose\.ya?ml$/.test(f)).map((f) => readFileSync(f, 'utf8')),
  ...lessonComposeFiles(),
  'x-base: &base\n  image: busybox\n  environment: {A: "${A:-${B:-x}}"}\nservices:\n  a:\n    <<: *base\n  b:\n    <<: [*base]\n    extends: a\n',
  'services:\n  web:\n    build: {context: ., args: [V=1]}\n    env_file:\n      - path: web.env\n        required: false\n    extra_hosts: {db: 10.0.0.2}\n    healthcheck: {test: [CMD-SHELL, "true"], interval: 1s}\n    deploy: {replicas: 2}\n',
  'include:\n  - sub/compose.yaml\nservices:\n  api:\n    extends: {file: common.yaml, service: base}\n    ports: ["127.0.0.1:8080:80/tcp", {target: 81}]\n    volumes: [{type: bind, source: ., target: /src}, "data:/data:ro"]\nvolumes: {data: {}}\n',
];
const dotenvSeeds = ['A=1\nexport B="two\\nlines" # c\nC=\'lit $A\'\nD: yaml-style\nE=${A:-x}#no\nMULTI="a\nb"\n', ...realTexts.slice(0, 4)];
/** The project's other files, for env_file, extends and include to find. */
const FILES: Record<string, string> = {
  '/root/app/web.env': 'PORT=8000\nNAME="web app"\n',
  '/root/app/common.yaml': 'services:\n  base:\n    image: busybox\n    command: [sleep, "1"]\n',
  '/root/app/sub/compose.yaml': 'services:\n  sub:\n    image: redis\n',
};

const SERVICE_KEYS = ['image', 'build', 'command', 'entrypoint', 'environment', 'env_file', 'ports', 'volumes', 'networks', 'network_mode', 'depends_on', 'healthcheck', 'deploy', 'scale', 'container_name', 'extra_hosts', 'tmpfs', 'labels', 'profiles', 'restart', 'tty', 'user', 'working_dir', 'expose', 'extends', 'privileged', 'hostname', 'secrets'];

/** A random value of a random type, sometimes shaped like what the key takes. */
function randomValue(r: Random, depth: number): unknown {
  switch (r.int(depth > 2 ? 5 : 8)) {
    case 0: return randomString(r, 12);
    case 1: return r.int(2000) - 100;
    case 2: return r.chance(0.5);
    case 3: return null;
    case 4: return r.pick(['${X:-1}', '$$', '${', 'a:b', './x:/y:ro', '80:80', 'CMD', 'service:web', 'web', '${Y:?no}', 'host=1.2.3.4']);
    case 5: return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    default: return Object.fromEntries(Array.from({ length: r.int(4) }, () => [r.chance(0.5) ? r.pick([...SERVICE_KEYS, 'target', 'source', 'type', 'path', 'test', 'replicas', 'external']) : randomString(r, 6), randomValue(r, depth + 1)]));
  }
}

function randomModel(r: Random): string {
  const services: Record<string, unknown> = {};
  for (let i = r.int(4); i >= 0; i--) {
    const s: Record<string, unknown> = { image: 'busybox' };
    for (let k = r.int(6); k > 0; k--) s[r.pick(SERVICE_KEYS)] = randomValue(r, 1);
    services[r.pick(['web', 'db', 'cache', 'a-b', 'x.y'])] = s;
  }
  const model: Record<string, unknown> = { services };
  if (r.chance(0.3)) model.volumes = { data: r.chance(0.5) ? null : randomValue(r, 2) };
  if (r.chance(0.3)) model.networks = { front: r.chance(0.5) ? null : randomValue(r, 2) };
  if (r.chance(0.1)) model.name = randomValue(r, 2);
  return stringify(model);
}

/** What a fuzz case must not do: throw anything but a readable ComposeError. */
function problemWith(error: unknown): string | undefined {
  if (!(error instanceof ComposeError)) return `not a ComposeError: ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)}`;
  // "refers to undefined volume" is Compose's own wording, not a leaked JavaScript undefined.
  const bad = badMessage(error.message.replace(/\b(refers to|depends on) undefined\b/g, '$1 an unknown'));
  return bad && `${bad}: ${JSON.stringify(error.message)}`;
}

function report(kind: string, n: number, input: string, problem: string): string {
  return `${kind} case ${n} with FUZZ_SEED=${SEED}: ${problem}\ninput (JSON): ${JSON.stringify(input)}`;
}

describe('fuzzing Compose files and .env files', () => {
  it(`loads or refuses ${COMPOSE_CASES} compose files with Compose's errors`, async () => {
    const r = new Random(SEED);
    let loaded = 0;
    let refused = 0;
    for (let n = 0; n < COMPOSE_CASES; n++) {
      const source = r.int(10);
      let text = source < 5 ? r.pick(composeSeeds) : source < 8 ? randomModel(r) : source < 9 ? r.pick(realTexts) : randomString(r, 200);
      text = mutateTimes(r, text, r.int(6)).slice(0, MAX_INPUT);
      const env: Record<string, string> = r.chance(0.5) ? { A: 'a', B: '', X: randomString(r, 5) } : {};
      // Sometimes a second file merged onto the first, as with `-f a -f b`.
      const second = r.chance(0.15) ? mutateTimes(r, r.pick(composeSeeds), r.int(4)).slice(0, MAX_INPUT) : undefined;
      try {
        const project = await loadCompose(
          {
            fileName: '/root/app/compose.yaml',
            text,
            ...(second !== undefined ? { files: [{ fileName: '/root/app/compose.yaml', text }, { fileName: '/root/app/override.yaml', text: second }] } : {}),
            env,
            projectDirectory: '/root/app',
          },
          { readFile: async (p) => FILES[p] ?? null, profiles: r.chance(0.2) ? ['*'] : [] },
        );
        project.toYaml();
        loaded++;
      } catch (error) {
        const problem = problemWith(error);
        if (problem) expect.fail(report('compose', n, second === undefined ? text : `${text}\n# -f override.yaml:\n${second}`, problem));
        refused++;
      }
    }
    console.log(`fuzz-compose: FUZZ_SEED=${SEED}, ${COMPOSE_CASES} compose files (${loaded} loaded, ${refused} refused)`);
    expect(loaded + refused).toBe(COMPOSE_CASES);
  }, 120_000 * SCALE);

  it(`reads or refuses ${DOTENV_CASES} .env files with a line in the message`, () => {
    const r = new Random(SEED ^ 0x5eed);
    let refused = 0;
    for (let n = 0; n < DOTENV_CASES; n++) {
      const text = mutateTimes(r, r.chance(0.7) ? r.pick(dotenvSeeds) : randomString(r, 120), r.int(8)).slice(0, MAX_INPUT);
      try {
        const env = parseDotEnv(text, (name) => (name === 'A' ? 'from-env' : undefined));
        for (const [k, v] of Object.entries(env)) if (typeof v !== 'string') expect.fail(report('dotenv', n, text, `${k} is not a string`));
      } catch (error) {
        const problem = problemWith(error) ?? (/^line \d+: |^(required variable|Invalid template)/.test((error as Error).message) ? undefined : `no line in: ${(error as Error).message}`);
        if (problem) expect.fail(report('dotenv', n, text, problem));
        refused++;
      }
    }
    console.log(`fuzz-compose: FUZZ_SEED=${SEED}, ${DOTENV_CASES} .env files (${refused} refused)`);
  });
});
