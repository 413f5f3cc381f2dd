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

/** Writes files (relative path → text) into a directory of the machine the client runs on. */
export type WriteFiles = (dir: string, files: Record<string, string>) => Promise<void>;

export function engineConformance(docker: () => Docker, writeFiles: () => WriteFiles): void {
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

    it('start -a attaches: the output and the exit status are the container\'s', async () => {
      await docker()('create', '--name', 'attached', 'busybox', 'sh', '-c', 'echo from-start; exit 3');
      expect(await docker()('start', '-a', 'attached')).toMatchObject({ code: 3, out: 'from-start\n' });
      expect((await docker()('ps', '-a', '--filter', 'name=attached', '--format', '{{.Status}}')).out).toMatch(/^Exited \(3\)/);
      await docker()('rm', 'attached');
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

    it('builds an image from a Dockerfile, caches unchanged steps and rebuilds from a change', async () => {
      const dockerfile = 'FROM busybox\nENV GREETING=hello\nWORKDIR /app\nCOPY greet.txt ./\nRUN echo building\nCMD ["echo", "hello from the image"]\n';
      await writeFiles()('/root/app', { Dockerfile: dockerfile, 'greet.txt': 'one\n', '.dockerignore': 'secret.txt\n', 'secret.txt': 'x' });
      const first = await docker()('build', '-t', 'app', '/root/app');
      expect(first.code).toBe(0);
      expect(first.err).toContain('#1 [internal] load build definition from Dockerfile');
      expect(first.err).toMatch(/#\d+ \[1\/4\] FROM docker\.io\/library\/busybox:latest\n/);
      expect(first.err).toMatch(/#(\d+) \[3\/4\] COPY greet\.txt \.\/\n#\1 DONE \d+\.\ds\n/);
      expect(first.err).toMatch(/#(\d+) \[4\/4\] RUN echo building\n#\1 \d+\.\d{3} building\n#\1 DONE/);
      expect(first.err).toContain('naming to docker.io/library/app:latest done');
      expect(await docker()('run', '--rm', 'app')).toMatchObject({ code: 0, out: 'hello from the image\n' });

      const again = await docker()('build', '-t', 'app', '/root/app');
      expect(again.err).toMatch(/\[3\/4\] COPY greet\.txt \.\/\n#\d+ CACHED/);
      expect(again.err).toMatch(/\[4\/4\] RUN echo building\n#\d+ CACHED/);
      const id = (s: string) => /writing image (sha256:[0-9a-f]{64})/.exec(s)?.[1];
      expect(id(again.err)).toBe(id(first.err)); // nothing changed: the very same image

      await writeFiles()('/root/app', { 'greet.txt': 'two\n' });
      const changed = await docker()('build', '-t', 'app', '/root/app');
      expect(changed.err).toMatch(/\[2\/4\] WORKDIR \/app\n#\d+ CACHED/);
      expect(changed.err).toMatch(/\[3\/4\] COPY greet\.txt \.\/\n#(\d+) DONE/);
      expect(changed.err).toMatch(/\[4\/4\] RUN echo building\n#(\d+) \d+\.\d{3} building/);
      expect(id(changed.err)).not.toBe(id(first.err));

      const history = (await docker()('history', '--no-trunc', 'app')).out;
      expect(history).toContain('RUN /bin/sh -c echo building # buildkit');
      expect(history).toContain('COPY greet.txt ./ # buildkit');
      expect(history).toContain('CMD ["echo" "hello from the image"]');
      expect((await docker()('inspect', '-f', '{{.Config.WorkingDir}} {{len .RootFS.Layers}}', 'app')).out).toMatch(/^\/app \d+\n$/);

      // The image the tag left behind is dangling, and image prune removes it.
      expect((await docker()('images', '--filter', 'dangling=true', '-q')).out.trim()).toBe(id(first.err)!.slice(7, 19));
      const pruned = await docker()('image', 'prune', '-f');
      expect(pruned.out).toContain(`deleted: ${id(first.err)}`);
      expect((await docker()('images', '--filter', 'dangling=true', '-q')).out).toBe('');
      expect((await docker()('rmi', 'app')).code).toBe(0);
    });

    it('stops a build at a failing RUN or a Dockerfile mistake, with BuildKit\'s words, and tags nothing', async () => {
      await writeFiles()('/root/bad', { Dockerfile: 'FROM busybox\nRUN echo about to fail; exit 3\nCMD ["true"]\n' });
      const failed = await docker()('build', '-t', 'broken', '/root/bad');
      expect(failed.code).toBe(1);
      expect(failed.err).toContain('ERROR: process "/bin/sh -c echo about to fail; exit 3" did not complete successfully: exit code: 3');
      expect(failed.err).toMatch(/------\n > \[2\/2\] RUN echo about to fail; exit 3:\n\d+\.\d{3} about to fail\n------/);
      expect(failed.err).toContain(' 2 | >>> RUN echo about to fail; exit 3');
      expect(failed.err).toMatch(/ERROR: failed to solve: process .* exit code: 3\n$/);
      expect((await docker()('images', '-q', 'broken')).out).toBe('');

      await writeFiles()('/root/typo', { Dockerfile: 'FROM busybox\nRUNN echo hi\n' });
      const typo = await docker()('build', '/root/typo');
      expect(typo.code).toBe(1);
      expect(typo.err).toContain('dockerfile parse error on line 2: unknown instruction: RUNN (did you mean RUN?)');
      expect(typo.err).toContain(' 2 | >>> RUNN echo hi');
      expect((await docker()('build', '/root/nowhere')).err).toContain('unable to prepare context: path "/root/nowhere" not found');

      // A COPY of a file that is not in the context: the step is shown failing, as BuildKit does.
      await writeFiles()('/root/missing', { Dockerfile: 'FROM busybox\nCOPY missing.txt /\n' });
      const missing = await docker()('build', '/root/missing');
      expect(missing.code).toBe(1);
      expect(missing.err).toMatch(/#(\d+) \[2\/2\] COPY missing\.txt \/\n#\1 ERROR: failed to compute cache key: .*"\/missing\.txt": not found\n/);
      expect(missing.err).toContain('------\n > [2/2] COPY missing.txt /:\n------\n');
      expect(missing.err).toContain(' 2 | >>> COPY missing.txt /');
    });

    it('commits a container as an image, with --change applied to its config', async () => {
      await docker()('run', '--name', 'tocommit', 'busybox', 'true');
      const id = (await docker()('commit', '-c', 'CMD ["echo", "from the commit"]', '--change', 'ENV MODE=committed', 'tocommit', 'committed:v1')).out.trim();
      expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect((await docker()('run', '--rm', 'committed:v1')).out).toBe('from the commit\n');
      expect((await docker()('inspect', '-f', '{{.Config.Env}}', 'committed:v1')).out).toContain('MODE=committed');
      expect((await docker()('commit', '-c', 'FROM busybox', 'tocommit')).err).toContain('FROM is not a valid change command');
      await docker()('rm', 'tocommit');
      await docker()('rmi', 'committed:v1');
    });

    it('manages volumes: create, ls, inspect, in-use refusal, rm -v and prune, with Docker\'s messages', async () => {
      expect((await docker()('volume', 'create', 'data')).out).toBe('data\n');
      expect((await docker()('volume', 'ls')).out).toMatch(/^DRIVER +VOLUME NAME\nlocal +data\n$/);
      expect((await docker()('volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Mountpoint}}', 'data')).out).toBe('data local /var/lib/drydock/volumes/data/_data\n');
      await docker()('run', '--name', 'user1', '-v', 'data:/data', '-v', '/scratch', 'busybox', 'true');
      expect((await docker()('inspect', '-f', '{{len .Mounts}}', 'user1')).out).toBe('2\n');
      const inUse = await docker()('volume', 'rm', 'data');
      expect(inUse.code).toBe(1);
      expect(inUse.err).toMatch(/^Error response from daemon: remove data: volume is in use - \[[0-9a-f]{64}\]\n$/);
      expect((await docker()('volume', 'ls', '-q')).out.trim().split('\n')).toHaveLength(2); // data and the anonymous one
      expect((await docker()('rm', '-v', 'user1')).code).toBe(0);
      expect((await docker()('volume', 'ls', '-q')).out).toBe('data\n'); // rm -v took the anonymous volume only
      expect((await docker()('volume', 'prune', '-f')).out).toBe('Total reclaimed space: 0B\n');
      expect((await docker()('volume', 'prune', '-a', '-f')).out).toContain('Deleted Volumes:\ndata\n');
      expect((await docker()('volume', 'inspect', 'data')).err).toBe('Error response from daemon: get data: no such volume\n');
      expect((await docker()('run', '--rm', '-v', 'my site:/site', 'busybox', 'true')).err).toContain('"my site" includes invalid characters for a local volume name');
      expect((await docker()('run', '--rm', '-v', 'data:relative', 'busybox', 'true')).err).toContain("invalid mount path: 'relative' mount path must be absolute");
      expect((await docker()('run', '--rm', '--mount', 'type=bind,source=/nowhere,target=/x', 'busybox', 'true')).err).toContain('bind source path does not exist: /nowhere');
      expect((await docker()('volume', 'ls', '-q')).out).toBe('');
    });

    it('runs health checks: (health: starting), then healthy or unhealthy in ps and inspect', async () => {
      // The first check runs one interval after the start: long enough here to see "starting".
      await docker()('run', '-d', '--name', 'fine', '--health-cmd', 'true', '--health-interval', '1s', 'busybox', 'sleep', '60');
      expect((await docker()('ps', '--filter', 'name=fine', '--format', '{{.Status}}')).out).toMatch(/^Up .* \(health: starting\)\n$/);
      await docker()('run', '-d', '--name', 'sick', '--health-cmd', 'exit 1', '--health-interval', '300ms', '--health-retries', '2', 'busybox', 'sleep', '60');
      await expect.poll(async () => (await docker()('ps', '--format', '{{.Names}} {{.Status}}')).out, { timeout: 30_000 }).toMatch(/fine Up .* \(healthy\)/);
      await expect.poll(async () => (await docker()('inspect', '-f', '{{.State.Health.Status}} {{.State.Health.FailingStreak}}', 'sick')).out, { timeout: 30_000 }).toMatch(/^unhealthy [2-9]\n$/);
      expect((await docker()('rm', '-f', 'fine', 'sick')).code).toBe(0);
    });

    it('system prune removes stopped containers, dangling images and the build cache', async () => {
      await docker()('run', '--name', 'leftover', 'busybox', 'true');
      const pruned = await docker()('system', 'prune', '-f');
      expect(pruned.code).toBe(0);
      expect(pruned.out).toMatch(/^Deleted Containers:\n[0-9a-f]{64}\n\n(.|\n)*Total reclaimed space: /);
      expect((await docker()('ps', '-a', '-q')).out).toBe('');
    });

    it('execs into a container right after run -d and after a restart of it', async () => {
      for (let i = 0; i < 3; i++) {
        await docker()('run', '-d', '--name', `quick${i}`, 'busybox', 'sleep', '60');
        expect(await docker()('exec', `quick${i}`, 'echo', 'inside')).toMatchObject({ code: 0, out: 'inside\n' });
      }
      await docker()('restart', '-t', '0', 'quick0');
      expect(await docker()('exec', 'quick0', 'echo', 'again')).toMatchObject({ code: 0, out: 'again\n' });
      expect((await docker()('rm', '-f', 'quick0', 'quick1', 'quick2')).code).toBe(0);
    });

    it('manages networks: create, ls, inspect, connect, disconnect, rm and prune, with Docker\'s messages', async () => {
      const d = docker();
      const id = (await d('network', 'create', 'appnet')).out.trim();
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      expect((await d('network', 'ls')).out).toMatch(new RegExp(`^NETWORK ID +NAME +DRIVER +SCOPE\n(.*\n)*${id.slice(0, 12)} +appnet +bridge +local$`, 'm'));
      expect((await d('network', 'ls', '--format', '{{.Name}}')).out).toBe('appnet\nbridge\nhost\nnone\n');
      expect(await d('network', 'create', 'appnet')).toMatchObject({ code: 1, err: 'Error response from daemon: network with name appnet already exists\n' });
      expect((await d('network', 'create', '-d', 'overlay', 'swarmy')).err).toContain('This node is not a swarm manager.');
      expect(JSON.parse((await d('network', 'inspect', '-f', '{{json .IPAM.Config}}', 'appnet')).out)).toEqual([{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }]);

      await d('run', '-d', '--name', 'member', '--network', 'appnet', '--network-alias', 'api', 'busybox', 'sleep', '300');
      expect((await d('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'member')).out).toBe('172.18.0.2\n');
      expect((await d('inspect', '-f', '{{json .NetworkSettings.Networks.appnet.Aliases}}', 'member')).out).toBe('["api"]\n');
      expect((await d('network', 'inspect', '-f', '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}', 'appnet')).out).toBe('member 172.18.0.2/16\n');
      expect((await d('ps', '--filter', 'network=appnet', '--format', '{{.Names}} {{.Networks}}')).out).toBe('member appnet\n');
      expect(await d('network', 'rm', 'appnet')).toMatchObject({ code: 1, err: expect.stringContaining('error while removing network: network appnet has active endpoints (name:"member"') });

      await d('network', 'connect', 'bridge', 'member');
      expect((await d('inspect', '-f', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'member')).out).toMatch(/^172\.17\.0\.\d+\n$/);
      expect((await d('network', 'connect', 'bridge', 'member')).err).toBe('Error response from daemon: endpoint with name member already exists in network bridge\n');
      expect((await d('network', 'disconnect', 'bridge', 'member')).code).toBe(0);
      expect((await d('network', 'disconnect', 'bridge', 'member')).err).toMatch(/^Error response from daemon: container [0-9a-f]{64} is not connected to network bridge\n$/);
      expect((await d('run', '--rm', '--network', 'nosuch', 'busybox', 'true')).err).toContain('Error response from daemon: network nosuch not found');
      expect((await d('network', 'rm', 'bridge')).err).toBe('Error response from daemon: bridge is a pre-defined network and cannot be removed\n');

      await d('rm', '-f', 'member');
      await d('network', 'create', 'unused');
      expect((await d('network', 'rm', 'appnet')).out).toBe('appnet\n');
      expect((await d('network', 'prune', '-f')).out).toBe('Deleted Networks:\nunused\n');
      expect((await d('network', 'inspect', 'unused')).err).toBe('Error: No such network: unused\n');
    });

    it('publishes ports: -p, -P with EXPOSE, docker port, the PORTS column, and a taken port refused', async () => {
      const d = docker();
      await d('run', '-d', '--name', 'pub', '-p', '8080:80', '-p', '127.0.0.1:9090:90', '--expose', '7000', 'busybox', 'sleep', '300');
      expect((await d('port', 'pub')).out).toBe('80/tcp -> 0.0.0.0:8080\n90/tcp -> 127.0.0.1:9090\n');
      expect((await d('port', 'pub', '80')).out).toBe('0.0.0.0:8080\n');
      expect((await d('port', 'pub', '81')).err).toBe("Error: No public port '81/tcp' published for pub\n");
      expect((await d('ps', '--format', '{{.Ports}}', '--filter', 'name=pub')).out).toBe('0.0.0.0:8080->80/tcp, 90/tcp -> ignored\n'.replace('90/tcp -> ignored', '127.0.0.1:9090->90/tcp, 7000/tcp'));
      expect(JSON.parse((await d('inspect', '-f', '{{json .HostConfig.PortBindings}}', 'pub')).out)).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '8080' }], '90/tcp': [{ HostIp: '127.0.0.1', HostPort: '9090' }] });

      const taken = await d('run', '-d', '--name', 'clash', '-p', '8080:80', 'busybox', 'sleep', '300');
      expect(taken.code).toBe(125);
      expect(taken.err).toMatch(/^docker: Error response from daemon: driver failed programming external connectivity on endpoint clash \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8080 failed: port is already allocated\.\n/);
      expect((await d('ps', '-a', '--filter', 'name=clash', '--format', '{{.Status}}')).out).toBe('Created\n');

      await d('run', '-d', '--name', 'all', '-P', '--expose', '80', 'busybox', 'sleep', '300');
      expect((await d('port', 'all', '80')).out).toBe('0.0.0.0:32768\n');
      expect((await d('run', '--rm', '-p', 'abc', 'busybox', 'true')).err).toBe("docker: invalid containerPort: abc.\nSee 'docker run --help'.\n");

      await d('stop', '-t', '0', 'pub');
      expect((await d('port', 'pub')).out).toBe('');
      // The port is free again once its container stopped.
      expect((await d('start', 'clash')).code).toBe(0);
      await d('rm', '-f', 'pub', 'clash', 'all');
    });

    it('runs a compose project: up -d in dependency order, scale, ps, down -v', async () => {
      const d = docker();
      await writeFiles()('/root/shop', {
        'compose.yaml': 'services:\n  api:\n    image: busybox\n    command: sleep 300\n    depends_on: [db]\n  db:\n    image: busybox\n    command: sleep 300\n    volumes: [data:/data]\nvolumes:\n  data:\n',
      });
      const up = await d('compose', '-f', '/root/shop/compose.yaml', 'up', '-d', '--scale', 'api=2');
      expect(up.code, up.err).toBe(0);
      expect(up.err.indexOf('Container shop-db-1  Started')).toBeLessThan(up.err.indexOf('Container shop-api-1  Started'));
      expect((await d('ps', '--format', '{{.Names}} {{.Networks}}')).out.split('\n').filter((l) => l.startsWith('shop-')).sort()).toEqual(['shop-api-1 shop_default', 'shop-api-2 shop_default', 'shop-db-1 shop_default']);
      expect((await d('compose', '-f', '/root/shop/compose.yaml', 'ps', '--services')).out).toBe('db\napi\n');
      expect((await d('volume', 'ls', '-q')).out).toContain('shop_data');
      const down = await d('compose', '-f', '/root/shop/compose.yaml', 'down', '-v', '-t', '0');
      expect(down.code, down.err).toBe(0);
      expect((await d('ps', '-a', '--format', '{{.Names}}')).out).not.toContain('shop-');
      expect((await d('network', 'ls', '--format', '{{.Name}}')).out).not.toContain('shop_default');
      expect((await d('volume', 'ls', '-q')).out).not.toContain('shop_data');
      expect((await d('compose', '-f', '/root/nope/compose.yaml', 'ps')).err).toBe('open /root/nope/compose.yaml: no such file or directory\n');
      // A service that cannot start stops `up`, which says what it left behind.
      await writeFiles()('/root/half', { 'compose.yaml': 'services:\n  ok:\n    image: busybox\n    command: sleep 300\n  broken:\n    image: busybox\n    command: nosuchcmd\n    depends_on: [ok]\n' });
      const half = await d('compose', '-f', '/root/half/compose.yaml', 'up', '-d');
      expect(half.code).toBe(1);
      expect(half.err).toContain('executable file not found in $PATH');
      expect(half.err).toContain("The project's other containers are still there: half-ok-1 (running), half-broken-1 (created). `docker compose down` removes them.");
      expect((await d('compose', '-f', '/root/half/compose.yaml', 'down', '-t', '0')).code).toBe(0);
      expect((await d('ps', '-a', '--format', '{{.Names}}')).out).not.toContain('half-');
    });

    it('reports a command that cannot run from run -d as Docker does (127), leaving it Created', async () => {
      const d = docker();
      const r = await d('run', '-d', '--name', 'broken', 'busybox', 'nosuchcmd');
      expect(r.code).toBe(127);
      expect(r.err).toContain('exec: "nosuchcmd": executable file not found in $PATH');
      expect(r.out).toBe('');
      expect((await d('ps', '-a', '--filter', 'name=broken', '--format', '{{.Status}}')).out).toBe('Created\n');
      await d('rm', 'broken');
    });

    it('logs in, pushes to its own namespace only, and pulls back what it pushed', async () => {
      const d = docker();
      await writeFiles()('/root/pushme', { Dockerfile: 'FROM busybox\nRUN echo v1 > /v\nCMD ["echo", "pushed-image"]\n' });
      expect((await d('build', '-q', '-t', 'alice/pushme:1.0', '/root/pushme')).code).toBe(0);
      const anonymous = await d('push', 'alice/pushme:1.0');
      expect(anonymous).toMatchObject({ code: 1, err: 'denied: requested access to the resource is denied\n' });
      expect(anonymous.out).toMatch(/^The push refers to repository \[docker.io\/alice\/pushme\]\n[0-9a-f]{12}: Preparing\n/);
      const first = await d('login', '-u', 'alice', '-p', 's3cret');
      expect(first).toMatchObject({ code: 0, out: 'Login Succeeded\n' });
      expect(first.err).toContain('WARNING! Using --password via the CLI is insecure');
      const wrong = await d('login', '-u', 'alice', '-p', 'wrong');
      expect(wrong.code).toBe(1);
      expect(wrong.err).toMatch(/\nError response from daemon: Get "https:\/\/registry-1.docker.io\/v2\/": unauthorized: incorrect username or password\n$/);
      const pushed = await d('push', 'alice/pushme:1.0');
      expect(pushed.code).toBe(0);
      expect(pushed.out).toMatch(/^[0-9a-f]{12}: Pushed$/m);
      expect(pushed.out).toMatch(/^[0-9a-f]{12}: Layer already exists$/m); // busybox's layer
      expect(pushed.out).toMatch(/^1\.0: digest: sha256:[0-9a-f]{64} size: \d+$/m);
      const again = await d('push', 'alice/pushme:1.0');
      expect(again.out).not.toContain('Pushed');
      expect(again.out.match(/digest: (\S+)/)![1]).toBe(pushed.out.match(/digest: (\S+)/)![1]);
      await d('tag', 'alice/pushme:1.0', 'bob/pushme:1.0');
      expect((await d('push', 'bob/pushme:1.0')).err).toBe('denied: requested access to the resource is denied\n');
      expect((await d('push', 'alice/nothere:1')).err).toBe('An image does not exist locally with the tag: alice/nothere\n');
      await d('rmi', 'alice/pushme:1.0', 'bob/pushme:1.0');
      expect((await d('images', '-q', 'alice/pushme')).out).toBe('');
      const pulled = await d('pull', 'alice/pushme:1.0');
      expect(pulled.out).toContain('1.0: Pulling from alice/pushme');
      expect(pulled.out).toContain('Status: Downloaded newer image for alice/pushme:1.0');
      expect(pulled.out).toMatch(/docker.io\/alice\/pushme:1.0\n$/);
      expect((await d('run', '--rm', 'alice/pushme:1.0')).out).toBe('pushed-image\n');
      expect((await d('pull', 'alice/pushme:1.0')).out).toContain('Status: Image is up to date for alice/pushme:1.0');
      // A tag for an image already here: its layers "Already exist", and the tag is new.
      await d('push', 'alice/pushme:1.0').then(() => d('tag', 'alice/pushme:1.0', 'alice/pushme:2.0'));
      await d('push', 'alice/pushme:2.0');
      await d('rmi', 'alice/pushme:2.0');
      const retagged = await d('pull', 'alice/pushme:2.0');
      expect(retagged.out).toMatch(/^[0-9a-f]{12}: Already exists ?$/m);
      expect(retagged.out).toContain('Status: Downloaded newer image for alice/pushme:2.0');
      const search = await d('search', 'pushme');
      expect(search.out).toMatch(/^NAME +DESCRIPTION +STARS +OFFICIAL\nalice\/pushme +0 *\n$/);
      expect((await d('search', '--filter', 'is-official=true', 'ngin')).out).toMatch(/^nginx .* \[OK\]$/m);
      expect((await d('logout')).out).toBe('Removing login credentials for https://index.docker.io/v1/\n');
      expect((await d('logout')).out).toBe('Not logged in to https://index.docker.io/v1/\n');
      expect((await d('push', 'alice/pushme:1.0')).err).toBe('denied: requested access to the resource is denied\n');
      await d('rmi', 'alice/pushme:1.0');
    });
  });
}
