// The runtime conformance suite: what each part of ContainerRuntime must do, checked at the
// interface the daemon calls (as containerd's snapshotter testsuite checks a snapshotter).
// tests/unit/runtime-conformance.test.ts runs it on MemoryRuntime, and
// tests/guest/engine-conformance.test.ts on the GuestRuntime of the engine it boots. That runtime
// serves the engine suite too, so everything here has its own IDs, layers, bridge and paths,
// and the busybox layer (which the engine suite pulls) is never removed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../tools/guest-manifest';
import { gunzip, randomHex } from '../../web/src/engine/lib/digest';
import { createTar, readTar, type TarEntry } from '../../web/src/engine/formats/tar';
import { newContainer, type Container, type LogEntry } from '../../web/src/engine/models/container';
import type { Image, ImageConfig } from '../../web/src/engine/models/image';
import { RuntimeError, type ContainerRuntime, type NetworkInterface } from '../../web/src/engine/runtime/runtime';

export interface RuntimeFixture {
  runtime: ContainerRuntime;
}

const enc = new TextEncoder();
const text = (data: Uint8Array) => new TextDecoder().decode(data);
const file = (path: string, content: string, mode = 0o644): TarEntry => ({ type: 'file', path, data: enc.encode(content), mode });
const paths = (tar: Uint8Array) => readTar(tar).map((e) => e.path);
/** A diffID no other test (nor the engine suite) has: the runtimes take it on trust. */
const freshDiffId = () => `sha256:${randomHex(32)}`;
const image = (...layers: Array<{ diffId: string; size?: number }>): Image => ({
  id: `sha256:${randomHex(32)}`,
  config: { architecture: '386', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) } } as ImageConfig,
  layers: layers.map((l) => ({ digest: l.diffId, diffId: l.diffId, size: l.size ?? 0 })),
  repoTags: [],
  repoDigests: [],
});

/**
 * busybox from the built-in registry (public/registry/), as a pull gets it: its one layer's tar
 * and diffID. Read from disk directly: tools/node-host would import the whole engine.
 */
async function busyboxLayer(): Promise<{ diffId: string; tar: Uint8Array }> {
  const dir = join(repoRoot, 'public', 'registry');
  const blob = async (digest: string) => new Uint8Array(await readFile(join(dir, 'blobs', 'sha256', digest.replace(/^sha256:/, ''))));
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { repositories: Record<string, Record<string, string>> };
  const manifest = JSON.parse(text(await blob(index.repositories['library/busybox']!['latest']!))) as { config: { digest: string }; layers: Array<{ digest: string }> };
  const config = JSON.parse(text(await blob(manifest.config.digest))) as ImageConfig;
  return { diffId: config.rootfs.diff_ids[0]!, tar: await gunzip(await blob(manifest.layers[0]!.digest)) };
}

export function runtimeConformance(get: () => RuntimeFixture): void {
  // One describe, so that its hooks run when its tests do (after the engine suite, on the guest).
  describe('runtime conformance', () => suite(get));
}

function suite(get: () => RuntimeFixture): void {
  let busybox: Image;
  const created: Container[] = [];
  const scratch = `/tmp/drydock-rtc-${randomHex(4)}`;
  const rt = () => get().runtime;

  beforeAll(async () => {
    const layer = await busyboxLayer();
    await rt().unpackLayer(layer.diffId, layer.tar);
    busybox = image({ diffId: layer.diffId, size: layer.tar.length });
  });
  afterAll(async () => {
    for (const c of created) {
      rt().signal(c, 9);
      await rt().remove(c);
    }
    await rt().removeVolumeDir(scratch);
  });

  /** A container record of our own (its ID names its directory and cgroup in the guest). */
  function container(cmd: string[], config: { OpenStdin?: boolean } = {}): Container {
    const id = randomHex(32);
    const c = newContainer({
      id, name: `rtc-${id.slice(0, 8)}`, imageId: busybox.id, imageName: 'busybox', mounts: [],
      config: { Image: 'busybox', Cmd: cmd, Entrypoint: [], Env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'], WorkingDir: '', User: '', Hostname: id.slice(0, 12), Tty: false, OpenStdin: false, Labels: {}, ...config },
      hostConfig: { AutoRemove: false, Memory: 0, PidsLimit: 0, NanoCpus: 0, NetworkMode: 'none', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } },
    });
    created.push(c);
    return c;
  }

  /** Creates and starts a container; its output is kept by stream. */
  async function run(cmd: string[], options: { OpenStdin?: boolean; image?: Image } = {}) {
    const c = container(cmd, { OpenStdin: options.OpenStdin ?? false });
    const out = { 1: '', 2: '' };
    await rt().create(c);
    const task = rt().start(c, options.image ?? busybox, (e: LogEntry) => (out[e.stream] += text(e.data)));
    task.exited.catch(() => {}); // a test that expects a failure awaits it itself
    return { c, out, ...task };
  }

  async function exec(c: Container, cmd: string[]) {
    const out = { 1: '', 2: '' };
    const handle = rt().exec(c, { cmd, env: [], workdir: '/', user: '', tty: false, stdin: false }, (stream, data) => (out[stream] += text(data)));
    return { code: await handle.exited, out };
  }

  /** Whether a promise is still pending after `ms` (a task that should have ignored a signal). */
  const pendingAfter = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => false, () => false), new Promise<boolean>((r) => setTimeout(() => r(true), ms))]);

  describe('LayerRuntime', () => {
    it('unpackLayer makes a layer known, and its files part of the image stacked on it', async () => {
      const diffId = freshDiffId();
      expect(rt().hasLayer(diffId)).toBe(false);
      await rt().unpackLayer(diffId, createTar([{ type: 'dir', path: 'conformance', mode: 0o755 }, file('conformance/hello.txt', 'hello layer\n')]));
      expect(rt().hasLayer(diffId)).toBe(true);
      const entries = readTar(await rt().archiveImagePaths(image(busybox.layers[0]!, { diffId }), ['conformance/hello.txt', 'etc/passwd']));
      expect(entries.map((e) => e.path)).toEqual(['conformance/hello.txt', 'etc/passwd']);
      expect(text((entries[0] as { data: Uint8Array }).data)).toBe('hello layer\n');
      await rt().removeLayers([diffId]);
    });

    it('a whiteout in an upper layer hides the lower layer\'s file', async () => {
      const [lower, upper] = [freshDiffId(), freshDiffId()];
      await rt().unpackLayer(lower, createTar([{ type: 'dir', path: 'conformance', mode: 0o755 }, file('conformance/gone.txt', 'x'), file('conformance/kept.txt', 'y')]));
      await rt().unpackLayer(upper, createTar([{ type: 'dir', path: 'conformance', mode: 0o755 }, file('conformance/.wh.gone.txt', '', 0o600)]));
      const asked = ['conformance/gone.txt', 'conformance/kept.txt'];
      expect(paths(await rt().statImagePaths(image(busybox.layers[0]!, { diffId: lower }), asked))).toEqual(asked);
      expect(paths(await rt().statImagePaths(image(busybox.layers[0]!, { diffId: lower }, { diffId: upper }), asked))).toEqual(['conformance/kept.txt']);
      await rt().removeLayers([lower, upper]);
    });

    it('archiveImagePaths rejects a path the image does not have', async () => {
      await expect(rt().archiveImagePaths(busybox, ['etc/passwd', 'no/such/file'])).rejects.toThrow('"/no/such/file": not found');
    });

    it('removeLayers forgets a layer, and it can be unpacked again', async () => {
      const diffId = freshDiffId();
      const tar = createTar([file('again.txt', 'again\n')]);
      await rt().unpackLayer(diffId, tar);
      await rt().removeLayers([diffId]);
      expect(rt().hasLayer(diffId)).toBe(false);
      await rt().unpackLayer(diffId, tar);
      expect(paths(await rt().archiveImagePaths(image({ diffId }), ['again.txt']))).toEqual(['again.txt']);
      await rt().removeLayers([diffId]);
    });
  });

  describe('TaskRuntime', () => {
    it('a task\'s output arrives on its streams and its exit status resolves', async () => {
      const t = await run(['sh', '-c', 'echo out; echo err >&2; exit 3']);
      await t.started;
      expect(await t.exited).toBe(3);
      expect(t.out).toEqual({ 1: 'out\n', 2: 'err\n' });
    });

    it('a command that cannot be found fails the start with a RuntimeError (127)', async () => {
      const t = await run(['no-such-command']);
      const error = await t.exited.then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(RuntimeError);
      expect((error as RuntimeError).exitCode).toBe(127);
      expect((error as RuntimeError).message).toContain('no-such-command');
    });

    it('exec runs beside PID 1 with its own output and exit status; top lists PID 1', async () => {
      const t = await run(['sleep', '30']);
      await t.started;
      expect(await exec(t.c, ['sh', '-c', 'echo in-exec; echo oops >&2; exit 5'])).toEqual({ code: 5, out: { 1: 'in-exec\n', 2: 'oops\n' } });
      expect(await rt().top(t.c)).toMatch(/sleep 30/);
      rt().signal(t.c, 9);
      await t.exited;
    });

    it('PID 1 without a handler ignores SIGTERM; SIGKILL ends it with 128+9', async () => {
      const t = await run(['sleep', '30']);
      await t.started;
      rt().signal(t.c, 15);
      expect(await pendingAfter(t.exited, 1000)).toBe(true);
      rt().signal(t.c, 9);
      expect(await t.exited).toBe(137);
    });

    it('writeStdin reaches the process, and an empty write closes its stdin', async () => {
      const t = await run(['cat'], { OpenStdin: true });
      await t.started;
      rt().writeStdin(t.c, enc.encode('ping\n'));
      await expect.poll(() => t.out[1], { timeout: 10_000 }).toBe('ping\n');
      rt().writeStdin(t.c, new Uint8Array(0));
      expect(await t.exited).toBe(0);
    });

    it('diff lists what a task added (A), changed (C) and deleted (D); exportChanges holds it', async () => {
      const t = await run(['sh', '-c', 'echo added > /tmp/added; echo more >> /etc/passwd; rm /etc/group']);
      expect(await t.exited).toBe(0);
      expect(await rt().diff(t.c, busybox)).toEqual([
        { kind: 'C', path: 'etc' },
        { kind: 'D', path: 'etc/group' },
        { kind: 'C', path: 'etc/passwd' },
        { kind: 'C', path: 'tmp' },
        { kind: 'A', path: 'tmp/added' },
      ]);
      const layer = readTar(await rt().exportChanges(t.c));
      expect(layer.map((e) => e.path)).toEqual(expect.arrayContaining(['etc/.wh.group', 'etc/passwd', 'tmp/added']));
      expect(layer.map((e) => e.path).filter((p) => !/^(etc|tmp)(\/|$)/.test(p))).toEqual([]);
      expect(text((layer.find((e) => e.path === 'tmp/added') as { data: Uint8Array }).data)).toBe('added\n');
    });

    it('copy in reaches a created container\'s root; copy out brings a file back', async () => {
      await rt().writeHostFile(`${scratch}/in.txt`, enc.encode('copied in\n'));
      const c = container(['cat', '/tmp/copied.txt']);
      await rt().create(c);
      expect(await rt().copy(c, busybox, 'in', `${scratch}/in.txt`, '/tmp/copied.txt')).toBeGreaterThanOrEqual(1024);
      const out = { 1: '', 2: '' };
      expect(await rt().start(c, busybox, (e) => (out[e.stream] += text(e.data))).exited).toBe(0);
      expect(out[1]).toBe('copied in\n');
      await rt().copy(c, busybox, 'out', `${scratch}/back.txt`, '/etc/passwd');
      const back = await rt().archiveHostPath(`${scratch}/back.txt`);
      const original = readTar(await rt().archiveImagePaths(busybox, ['etc/passwd']))[0] as { data: Uint8Array };
      expect(text((readTar(back!.tar)[0] as { data: Uint8Array }).data)).toBe(text(original.data));
      await expect(rt().copy(c, busybox, 'out', `${scratch}/none`, '/no/such/file')).rejects.toThrow('missing');
    });

    it('writableSize grows by what is written into the container', async () => {
      const t = await run(['true']);
      expect(await t.exited).toBe(0);
      const before = await rt().writableSize(t.c);
      await rt().writeHostFile(`${scratch}/big.bin`, new Uint8Array(64 * 1024).fill(7));
      await rt().copy(t.c, busybox, 'in', `${scratch}/big.bin`, '/big.bin');
      expect(await rt().writableSize(t.c)).toBeGreaterThanOrEqual(before + 60_000);
    });

    it('remove forgets the container\'s writable layer', async () => {
      const t = await run(['sh', '-c', 'echo x > /written']);
      expect(await t.exited).toBe(0);
      expect(await rt().diff(t.c, busybox)).toContainEqual({ kind: 'A', path: 'written' });
      await rt().remove(t.c);
      expect(await rt().diff(t.c, busybox)).toEqual([]);
      expect(await rt().writableSize(t.c)).toBe(0);
    });
  });

  describe('HostFiles', () => {
    it('writeHostFile and archiveHostPath round-trip a file and its mode; a missing path is null', async () => {
      await rt().writeHostFile(`${scratch}/files/sub/run.sh`, enc.encode('#!/bin/sh\n'), 0o755);
      const one = await rt().archiveHostPath(`${scratch}/files/sub/run.sh`);
      expect(one?.directory).toBe(false);
      const [entry] = readTar(one!.tar);
      expect({ path: entry!.path, mode: entry!.mode! & 0o777, data: text((entry as { data: Uint8Array }).data) }).toEqual({ path: 'run.sh', mode: 0o755, data: '#!/bin/sh\n' });
      const dir = await rt().archiveHostPath(`${scratch}/files`);
      expect(dir?.directory).toBe(true);
      expect(paths(dir!.tar)).toEqual(['sub', 'sub/run.sh']);
      expect(await rt().archiveHostPath(`${scratch}/files/missing`)).toBeNull();
    });

    it('hostPathExists: false for a missing path until create makes it a directory', async () => {
      const path = `${scratch}/bind/src`;
      expect(await rt().hostPathExists(path, false)).toBe(false);
      expect(await rt().hostPathExists(path, true)).toBe(true);
      expect(await rt().hostPathExists(path, false)).toBe(true);
      expect(await rt().archiveHostPath(path)).toMatchObject({ directory: true });
      await rt().writeHostFile(`${scratch}/bind/file`, enc.encode('f'));
      expect(await rt().hostPathExists(`${scratch}/bind/file`, false)).toBe(true);
    });

    it('createVolumeDir seeds a new volume from the image; removeVolumeDir removes it', async () => {
      const seeded = `${scratch}/volumes/seeded/_data`;
      await rt().createVolumeDir(seeded, { image: busybox, path: '/etc' });
      expect(paths((await rt().archiveHostPath(seeded))!.tar)).toEqual(expect.arrayContaining(['group', 'passwd']));
      expect(await rt().directorySize?.(seeded)).toBeGreaterThanOrEqual(75 + 27);
      const empty = `${scratch}/volumes/empty/_data`;
      await rt().createVolumeDir(empty);
      expect(await rt().archiveHostPath(empty)).toMatchObject({ directory: true });
      expect(paths((await rt().archiveHostPath(empty))!.tar)).toEqual([]);
      await rt().removeVolumeDir(seeded);
      expect(await rt().hostPathExists(`${scratch}/volumes/seeded`, false)).toBe(false);
      expect(await rt().hostPathExists(empty, false)).toBe(true);
    });
  });

  describe('NetworkRuntime', () => {
    const bridge = `rtc${randomHex(4)}`;
    const iface = (n: number): NetworkInterface => ({
      bridge, hostInterface: `veth${randomHex(4).slice(0, 7)}`, name: `eth${n}`, address: `10.213.77.${10 + n}`, prefixLen: 24, gateway: '10.213.77.1', mac: `02:42:0a:d5:4d:${(10 + n).toString(16).padStart(2, '0')}`,
    });

    it('createBridge is idempotent, and removing a bridge twice is no error', async () => {
      await rt().createBridge(bridge, '10.213.77.1', 24);
      await rt().createBridge(bridge, '10.213.77.1', 24);
      expect(rt().saveState().bridges).toContain(bridge);
      await rt().removeBridge(bridge);
      await expect(rt().removeBridge(bridge)).resolves.toBeUndefined();
      expect(rt().saveState().bridges).not.toContain(bridge);
    });

    it('connectInterface joins a running container and fails for one that is not running', async () => {
      await rt().createBridge(bridge, '10.213.77.1', 24);
      const t = await run(['sleep', '30']);
      await t.started;
      const eth0 = iface(0);
      await rt().connectInterface(t.c, eth0);
      await rt().disconnectInterface(t.c, eth0);
      const idle = container(['true']);
      await rt().create(idle);
      await expect(rt().connectInterface(idle, iface(1))).rejects.toBeInstanceOf(RuntimeError);
      rt().signal(t.c, 9);
      await t.exited;
      await rt().removeBridge(bridge);
    });

    it('hostRequest to a port nothing listens on is refused', async () => {
      await expect(rt().hostRequest(47_613, enc.encode('GET / HTTP/1.0\r\n\r\n'), 5_000)).rejects.toThrow();
    });
  });

  describe('RuntimeSnapshots', () => {
    it('saveState lists the layers in the guest, and the runtime is idle between calls', async () => {
      const diffId = freshDiffId();
      await rt().unpackLayer(diffId, createTar([file('state.txt', 's')]));
      expect(rt().saveState().layers).toEqual(expect.arrayContaining([busybox.layers[0]!.diffId, diffId]));
      expect(rt().busy).toBe(false);
      await rt().removeLayers([diffId]);
      expect(rt().saveState().layers).not.toContain(diffId);
    });
  });
}
