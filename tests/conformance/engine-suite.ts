// The engine conformance suite: what `docker` must do, checked through the CLI exactly as a
// learner types it. tests/unit/engine-conformance.test.ts runs it on MemoryRuntime (unit
// speed); tests/guest/engine-conformance.test.ts runs it on the real guest.
import { describe, expect, it } from 'vitest';

export interface DockerResult {
  code: number;
  out: string;
  err: string;
}

export type Docker = (...args: string[]) => Promise<DockerResult>;

export function engineConformance(docker: () => Docker): void {
  describe('engine conformance', () => {
    it('runs a container, streams its output and returns its exit status', async () => {
      expect(await docker()('run', '--rm', 'busybox', 'echo', 'hello')).toMatchObject({ code: 0, out: 'hello\n' });
      expect((await docker()('run', '--rm', 'busybox', 'sh', '-c', 'exit 3')).code).toBe(3);
      expect((await docker()('run', '--rm', 'busybox', 'false')).code).toBe(1);
    });

    it('pulls a missing image on run, with Docker\'s progress lines', async () => {
      const r = await docker()('run', '--rm', 'hello-world');
      expect(r.code).toBe(0);
      expect(r.err).toContain("Unable to find image 'hello-world:latest' locally");
      expect(r.err).toContain('Status: Downloaded newer image for hello-world:latest');
      expect(r.out).toContain('Hello from Drydock!');
    });

    it('lists, stops (SIGTERM ignored by PID 1, then SIGKILL) and removes a detached container', async () => {
      const id = (await docker()('run', '-d', '--name', 'sleeper', 'busybox', 'sleep', '300')).out.trim();
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      expect((await docker()('ps')).out).toMatch(new RegExp(`^${id.slice(0, 12)} +busybox +"sleep 300" .* Up .* sleeper$`, 'm'));
      expect((await docker()('stop', '-t', '1', 'sleeper')).out).toBe('sleeper\n');
      expect((await docker()('ps', '-a')).out).toMatch(/Exited \(137\) .* sleeper\n/);
      expect((await docker()('rm', 'sleeper')).out).toBe('sleeper\n');
      expect((await docker()('ps', '-a', '-q')).out).not.toContain(id.slice(0, 12));
    });

    it('removes --rm containers and keeps others', async () => {
      await docker()('run', '--rm', '--name', 'gone', 'busybox', 'true');
      await docker()('run', '--name', 'kept', 'busybox', 'true');
      const all = (await docker()('ps', '-a', '--format', '{{.Names}}')).out;
      expect(all).not.toContain('gone');
      expect(all).toContain('kept');
      await docker()('rm', 'kept');
    });

    it('waits: at once for a created container, until exit for a started one', async () => {
      await docker()('create', '--name', 'later', 'busybox', 'sh', '-c', 'sleep 1; exit 4');
      expect((await docker()('wait', 'later')).out).toBe('0\n');
      await docker()('start', 'later');
      expect((await docker()('wait', 'later')).out).toBe('4\n');
      await docker()('rm', 'later');
    });

    it('restarts on failure, up to the limit', async () => {
      await docker()('run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'echo try; exit 1');
      await expect.poll(async () => (await docker()('inspect', '-f', '{{.RestartCount}} {{.State.Status}}', 'flaky')).out, { timeout: 30_000 }).toBe('2 exited\n');
      expect((await docker()('logs', 'flaky')).out).toBe('try\ntry\ntry\n');
      await docker()('rm', 'flaky');
    });

    it('tags and untags images', async () => {
      expect((await docker()('tag', 'busybox', 'mine:1.0')).code).toBe(0);
      expect((await docker()('images')).out).toMatch(/^mine +1\.0 +[0-9a-f]{12} /m);
      expect((await docker()('rmi', 'mine:1.0')).out).toBe('Untagged: mine:1.0\n');
    });

    it("answers mistakes with Docker's messages and exit codes", async () => {
      expect(await docker()('run', '--bogus', 'busybox')).toMatchObject({ code: 125, err: "unknown flag: --bogus\nSee 'docker run --help'.\n" });
      expect(await docker()('nonsense')).toMatchObject({ code: 1, err: "docker: 'nonsense' is not a docker command.\nSee 'docker --help'\n" });
      const missing = await docker()('run', 'nosuchimage');
      expect(missing.code).toBe(125);
      expect(missing.err).toContain('pull access denied for nosuchimage, repository does not exist');
      const notFound = await docker()('run', '--rm', 'busybox', 'nosuchcmd');
      expect(notFound.code).toBe(127);
      expect(notFound.err).toContain('exec: "nosuchcmd": executable file not found in $PATH');
      await docker()('run', '-d', '--name', 'busy', 'busybox', 'sleep', '300');
      expect((await docker()('run', '--name', 'busy', 'busybox', 'true')).err).toContain('Conflict. The container name "/busy" is already in use');
      expect((await docker()('rm', 'busy')).err).toContain('container is running: stop the container before removing or force remove');
      expect((await docker()('rmi', 'busybox')).err).toContain('conflict: unable to remove repository reference "busybox" (must force)');
      expect((await docker()('rm', '-f', 'busy')).code).toBe(0);
      expect((await docker()('logs', 'nope')).err).toBe('Error response from daemon: No such container: nope\n');
    });
  });
}
