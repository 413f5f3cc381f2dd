// What the lab says when a tutorial's image is not built in: Docker's error, then one line
// naming what is here instead (registry/not-built-in.ts), from `docker run`, `pull` and `build`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReference } from '../../web/src/engine/formats/reference';
import { BUILT_IN, NOT_BUILT_IN, hintOf, notBuiltInHint } from '../../web/src/engine/registry/not-built-in';
import { Daemon } from '../../web/src/engine/daemon/daemon';
import { runDockerCli } from '../../web/src/engine/cli/index';
import type { CliIO } from '../../web/src/engine/cli/context';
import { FsRegistrySource } from '../../tools/node-host';
import { MemoryRuntime } from '../support/memory-runtime';

const index = JSON.parse(readFileSync('public/registry/index.json', 'utf8')) as { repositories: Record<string, Record<string, string>> };
const hint = (name: string) => notBuiltInHint(parseReference(name), index.repositories);

describe('the not-built-in hint', () => {
  it('names the closest built-in image and why', () => {
    expect(hint('ubuntu')).toBe('Drydock runs offline with its own images; there is no ubuntu here. The closest is debian (Ubuntu is built on Debian): docker run -it debian:bookworm-slim bash');
    expect(hint('alpine:3.19')).toContain('there is no alpine:3.19 here. The closest is busybox');
    expect(hint('mysql')).toContain("The closest is mariadb (MySQL's fork: the same client, protocol and SQL; MYSQL_ROOT_PASSWORD works): docker run -d -e MARIADB_ROOT_PASSWORD=secret mariadb:10.11");
  });

  it('names the tags there are for a repository that is here', () => {
    const line = hint('python:3.8-slim');
    expect(line).toMatch(/^Drydock runs offline with its own images; there is no python:3\.8-slim here\. python has the tags /);
    for (const tag of Object.keys(index.repositories['library/python']!)) expect(line).toContain(tag);
    expect(line).toContain("Debian 12's Python 3.11");
  });

  it('names node:18 for the Node.js tags tutorials use that are newer here (lts and latest are 22+ upstream)', () => {
    for (const ref of ['node:20', 'node:22-alpine', 'node:lts', 'node']) {
      const line = hint(ref);
      // `node` in full, as Docker's own error says it: manifest for node:latest not found.
      expect(line, ref).toContain(`there is no ${ref.includes(':') ? ref : `${ref}:latest`} here. node has the tags 18, `);
      expect(line, ref).toContain("(Debian 12's Node.js 18 with npm (slim)): docker run -it node:18");
    }
  });

  it('lists what is built in for a name it does not know, or another registry', () => {
    expect(hint('nosuchimage')).toContain('there is no nosuchimage here. Built in: busybox, debian, hello-world, httpd, mariadb, nginx, node, postgres, python, redis');
    expect(hint('ghcr.io/acme/app:1')).toContain('there is no ghcr.io/acme/app:1 here (the lab reaches no registry but its own)');
    expect(hint('bitnami/redis')).toContain('The closest is redis (the official image of that name)');
  });

  it('only suggests images and tags the lab has', () => {
    for (const { closest } of Object.values(NOT_BUILT_IN)) expect(BUILT_IN[closest]).toBeDefined();
    for (const [name, { tryIt }] of Object.entries(BUILT_IN)) {
      const ref = parseReference(tryIt.split(' ').find((w) => w.startsWith(name))!);
      expect(index.repositories[ref.path]?.[ref.tag], tryIt).toBeDefined();
    }
  });

  it('is found on the error a pull failed with, or on the error it caused', () => {
    expect(hintOf(Object.assign(new Error('x'), { hint: 'h' }))).toBe('h');
    expect(hintOf(Object.assign(new Error('y'), { cause: { hint: 'h2' } }))).toBe('h2');
    expect(hintOf(new Error('z'))).toBeUndefined();
  });
});

describe('the CLI', () => {
  const daemon = new Daemon(new MemoryRuntime(), new FsRegistrySource());
  const docker = async (...args: string[]) => {
    let out = '';
    let err = '';
    const text = (t: string | Uint8Array) => (typeof t === 'string' ? t : new TextDecoder().decode(t));
    const io = { out: (t: string | Uint8Array) => (out += text(t)), err: (t: string | Uint8Array) => (err += text(t)), onSignal: () => {}, onClose: () => {}, stdoutTty: false, stdinTty: false, cwd: '/root', size: { rows: 0, cols: 0 }, startStdin: () => {}, onStdin: () => {}, onResize: () => {} } as unknown as CliIO;
    return { code: await runDockerCli(args, io, daemon), out, err };
  };

  it('prints Docker’s error first, then the hint, for run and pull', async () => {
    const run = await docker('run', 'ubuntu', 'bash');
    expect(run.code).toBe(125);
    expect(run.err.split('\n')).toEqual([
      "Unable to find image 'ubuntu:latest' locally",
      "docker: Error response from daemon: pull access denied for ubuntu, repository does not exist or may require 'docker login': denied: requested access to the resource is denied.",
      "See 'docker run --help'.",
      hint('ubuntu'),
      '',
    ]);
    const pull = await docker('pull', 'python:3.8-slim');
    expect(pull.code).toBe(1);
    expect(pull.err).toBe(`Error response from daemon: manifest for python:3.8-slim not found: manifest unknown: manifest unknown\n${hint('python:3.8-slim')}\n`);
  });

  it('search lists every image with its tags for *', async () => {
    const { out } = await docker('search', '--no-trunc', '*');
    for (const name of Object.keys(BUILT_IN)) expect(out).toContain(name);
    expect(out).toMatch(/nginx\s+Debian 12's nginx web server; tags: latest, 1\.22, 1\.22\.1/);
  });
});
