// The engine conformance suite on the in-memory runtime: daemon and CLI at unit speed.
import { beforeAll, describe, expect, it } from 'vitest';
import { Daemon } from '../../web/src/engine/daemon/daemon';
import { runDockerCli } from '../../web/src/engine/cli/index';
import { captureIO } from '../support/capture-io';
import { FsRegistrySource } from '../../tools/node-host';
import { MemoryRuntime } from '../support/memory-runtime';
import { engineConformance, type Docker, type WriteFiles } from '../conformance/engine-suite';
import type { TarEntry } from '../../web/src/engine/formats/tar';

let docker: Docker;
let writeFiles: WriteFiles;
let daemon: Daemon;
beforeAll(() => {
  const runtime = new MemoryRuntime();
  daemon = new Daemon(runtime, new FsRegistrySource());
  writeFiles = async (dir, files) => {
    const entries = new Map((runtime.hostFiles.get(dir) ?? []).map((e) => [e.path, e]));
    for (const [path, text] of Object.entries(files)) entries.set(path, { type: 'file', path, data: new TextEncoder().encode(text), mode: 0o644 } as TarEntry);
    runtime.hostFiles.set(dir, [...entries.values()]);
  };
  docker = async (...args) => {
    const { io, out, err } = captureIO(runtime);
    const code = await runDockerCli(args, io, daemon);
    return { code, out: out(), err: err() };
  };
});

engineConformance(() => docker, () => writeFiles);

// What the API panel shows (and lesson 2 teaches): each request with dockerd's status code.
describe('the API log', () => {
  it('records each request the client sends with the status dockerd answers', async () => {
    const from = daemon.apiLog.length;
    await docker('pull', 'hello-world');
    await docker('create', '--name', 'api-log', 'hello-world');
    await docker('start', 'api-log');
    await docker('rm', 'api-log');
    await docker('rm', 'api-log');
    await docker('rmi', 'hello-world');
    const seen = daemon.apiLog.slice(from).map((e) => `${e.method} ${e.path.split('?')[0]} ${e.status}`);
    expect(seen).toEqual(expect.arrayContaining([
      'POST /images/create 200',
      'POST /containers/create 201',
      'POST /containers/api-log/start 204',
      'DELETE /containers/api-log 204',
      'DELETE /containers/api-log 404',
      'DELETE /images/hello-world 200',
    ]));
  });
});
