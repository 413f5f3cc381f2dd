// The docker command in the guest, end to end: the guest's docker client -> agent socket ->
// engine channel -> CLI and daemon in the host -> drydock-run in the guest. Real containers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import { attachEngine, bootGuest } from '../../tools/node-host';
import type { Engine } from '../../web/src/engine/engine';
import { ShellDriver } from '../../web/src/engine/console/shell-driver';

let guest: GuestMachine;
let engine: Engine;
/** Where the learner console's output goes (a ShellDriver, in the -it test). */
let consoleSink: ((bytes: Uint8Array) => void) | null = null;
const decoder = new TextDecoder();
async function docker(...args: string[]) {
  const r = await guest.agent.exec(['docker', ...args], { timeoutMs: 120_000 });
  return { code: r.exitCode, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
}

beforeAll(async () => {
  guest = await bootGuest({ onConsoleOutput: (b) => consoleSink?.(b) }, (machine) => (engine = attachEngine(machine)));
});
afterAll(async () => {
  await guest?.destroy();
});

describe('docker in the guest (real containers)', () => {
  it('runs hello-world, pulling it first, and exits 0', async () => {
    const r = await docker('run', 'hello-world');
    expect(r.code).toBe(0);
    expect(r.err).toContain("Unable to find image 'hello-world:latest' locally");
    expect(r.err).toMatch(/[0-9a-f]{12}: Pull complete/);
    expect(r.err).toContain('Status: Downloaded newer image for hello-world:latest');
    expect(r.out).toContain('Hello from Drydock!');
  });

  it('isolates a container: PID 1, its own hostname, no other processes, its own network', async () => {
    const r = await docker('run', '--rm', 'busybox', 'sh', '-c', 'echo pid=$$ host=$(hostname); ps -o pid,comm | wc -l; ls /sys/class/net | tr "\n" " "');
    expect(r.code).toBe(0);
    const [first, count, net] = r.out.trim().split('\n');
    expect(first).toMatch(/^pid=1 host=[0-9a-f]{12}$/);
    expect(Number(count)).toBeLessThanOrEqual(4); // header, sh, ps, wc
    expect(net).toBe('eth0 lo');
  });

  it('keeps Docker\'s default capabilities only, and /proc\'s guest-wide knobs read-only', async () => {
    const script = 'grep CapEff /proc/self/status; mount -t tmpfs none /tmp 2>&1; echo c > /proc/sysrq-trigger; echo 1 > /proc/sys/kernel/printk; true';
    const r = await docker('run', '--rm', 'busybox', 'sh', '-c', script);
    expect(r.out).toContain('CapEff:\t00000000a80425fb'); // the same mask `docker run` gives
    expect(r.out).toMatch(/mount: .*(permission denied|operation not permitted)/i);
    expect(r.err).toContain("can't create /proc/sysrq-trigger: Read-only file system");
    expect(r.err).toContain("can't create /proc/sys/kernel/printk: Read-only file system");
    // --cap-drop takes one away (ping needs NET_RAW); --privileged gives all and may mount.
    expect((await docker('run', '--rm', '--cap-drop', 'NET_RAW', 'busybox', 'ping', '-c', '1', '127.0.0.1')).err).toContain('permission denied');
    expect((await docker('run', '--rm', '--privileged', 'busybox', 'sh', '-c', 'mount -t tmpfs none /tmp && echo mounted')).out).toBe('mounted\n');
    expect((await docker('run', '--rm', '--cap-add', 'FOO', 'busybox', 'true')).err).toContain('invalid CapAdd: unknown capability: "CAP_FOO"');
    // A cgroup namespace: its own cgroup is the root it sees, its limits read-only.
    const cg = await docker('run', '--rm', '-m', '64m', 'busybox', 'sh', '-c', 'cat /proc/self/cgroup /sys/fs/cgroup/memory.max; echo 1 > /sys/fs/cgroup/memory.max');
    expect(cg.out).toBe('0::/\n67108864\n');
    expect(cg.err).toContain('Read-only file system');
  });

  it('keeps a file written in one container out of the image and out of other containers', async () => {
    expect((await docker('run', '--name', 'writer', 'busybox', 'sh', '-c', 'echo secret > /data.txt; cat /data.txt')).out).toBe('secret\n');
    const other = await docker('run', '--rm', 'busybox', 'cat', '/data.txt');
    expect(other.code).toBe(1);
    expect(other.err).toContain('No such file or directory');
    // The write is in the writer's own upper layer, in the guest.
    const upper = await guest.agent.exec(['sh', '-c', 'cat /var/lib/drydock/containers/*/diff/data.txt']);
    expect(decoder.decode(upper.stdout)).toBe('secret\n');
    expect((await docker('rm', 'writer')).out).toBe('writer\n');
  });

  it('cannot see a process of another container', async () => {
    expect((await docker('run', '-d', '--name', 'hidden', 'busybox', 'sleep', '300')).code).toBe(0);
    // First make sure it really runs (the guest sees it), then look from another container.
    await expect.poll(async () => (await guest.agent.exec(['sh', '-c', 'ps -o comm | grep -qx sleep'])).exitCode).toBe(0);
    const r = await docker('run', '--rm', 'busybox', 'ps', '-o', 'comm');
    expect(r.out).not.toContain('sleep');
    expect((await docker('rm', '-f', 'hidden')).code).toBe(0);
  });

  it('kills a container over its memory limit (exit 137)', async () => {
    const r = await docker('run', '--rm', '--memory', '8m', 'busybox', 'sh', '-c', 'x=$(head -c 30000000 /dev/zero | tr "\\0" x); echo survived');
    expect(r.code).toBe(137);
    expect(r.out).not.toContain('survived');
  });

  it('lists, logs, stops and removes a detached container with Docker wording', async () => {
    const run = await docker('run', '-d', '--name', 'web', 'busybox', 'sh', '-c', 'echo ready; exec sleep 300');
    expect(run.out).toMatch(/^[0-9a-f]{64}\n$/);
    const ps = await docker('ps');
    expect(ps.out.split('\n')[0]).toMatch(/^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$/);
    expect(ps.out).toMatch(new RegExp(`${run.out.slice(0, 12)} +busybox +"sh -c 'echo ready; …" .* Up .* web\\n`));
    await expect.poll(async () => (await docker('logs', 'web')).out).toBe('ready\n');
    // sleep as PID 1 ignores SIGTERM: stop waits its timeout, then kills (137), as Docker does.
    expect((await docker('stop', '-t', '1', 'web')).out).toBe('web\n');
    expect((await docker('ps', '-a')).out).toMatch(/Exited \(137\) .* web\n/);
    expect((await docker('rm', 'web')).out).toBe('web\n');
    expect((await docker('ps', '-a', '-q')).out).not.toContain(run.out.slice(0, 12));
  });

  it('execs into a running container: its files, processes, hostname, env and workdir', async () => {
    const id = (await docker('run', '-d', '--name', 'target', 'busybox', 'sh', '-c', 'echo hello > /www; exec sleep 300')).out.trim();
    await expect.poll(async () => (await docker('exec', 'target', 'cat', '/www')).out).toBe('hello\n');
    const inside = await docker('exec', '-e', 'X=1', '-w', '/tmp', 'target', 'sh', '-c', 'echo "$X $(pwd) $(hostname)"; ps -o comm');
    expect(inside.out).toBe(`1 /tmp ${id.slice(0, 12)}\nCOMMAND\nsleep\nps\n`); // sh execs its last command
    const missing = await docker('exec', 'target', 'nosuch');
    expect(missing.code).toBe(127);
    expect(missing.err).toContain('OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH');
    await docker('stop', '-t', '0', 'target');
    const stopped = await docker('exec', 'target', 'true');
    expect(stopped).toMatchObject({ code: 1, err: `Error response from daemon: container ${id} is not running\n` });
    await docker('rm', 'target');
  });

  it('sends stop signals to PID 1 only; a PID 1 without a handler waits for the kill (137)', async () => {
    await docker('run', '-d', '--name', 'patient', 'busybox', 'sh', '-c', 'sleep 300; echo woke');
    await expect.poll(async () => (await docker('top', 'patient')).out).toContain('sleep 300');
    expect((await docker('stop', '-t', '1', 'patient')).code).toBe(0);
    // sh (PID 1) ignored SIGTERM and sleep never got it: nothing ran after it, and it was killed.
    expect((await docker('logs', 'patient')).out).toBe('');
    expect((await docker('inspect', '-f', '{{.State.ExitCode}}', 'patient')).out).toBe('137\n');
    await docker('rm', 'patient');
    // A trapped signal is delivered to PID 1 and handled there.
    await docker('run', '-d', '--name', 'trapper', 'busybox', 'sh', '-c', 'trap "echo got USR1; exit 3" USR1; while true; do sleep 1; done');
    await expect.poll(async () => (await docker('top', 'trapper')).out).toContain('sleep 1');
    expect((await docker('kill', '-s', 'USR1', 'trapper')).code).toBe(0);
    expect((await docker('wait', 'trapper')).out).toBe('3\n');
    expect((await docker('logs', 'trapper')).out).toBe('got USR1\n');
    await docker('rm', 'trapper');
  });

  it('restarts by policy, counts restarts, and stops restarting once stopped', async () => {
    await docker('run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'echo try; exit 1');
    await expect.poll(async () => (await docker('inspect', '-f', '{{.RestartCount}} {{.State.Status}}', 'flaky')).out, { timeout: 30_000 }).toBe('2 exited\n');
    expect((await docker('logs', 'flaky')).out).toBe('try\ntry\ntry\n');
    await docker('rm', 'flaky');
    await docker('run', '-d', '--name', 'phoenix', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 1; exit 0');
    await expect.poll(async () => Number((await docker('inspect', '-f', '{{.RestartCount}}', 'phoenix')).out), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    expect((await docker('stop', '-t', '0', 'phoenix')).code).toBe(0);
    const after = (await docker('inspect', '-f', '{{.RestartCount}}', 'phoenix')).out;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await docker('inspect', '-f', '{{.RestartCount}} {{.State.Status}}', 'phoenix')).out).toBe(`${after.trim()} exited\n`);
    await docker('rm', 'phoenix');
    expect((await docker('run', '--rm', '--restart', 'always', 'busybox')).err).toBe("docker: Conflicting options: --restart and --rm.\nSee 'docker run --help'.\n");
    expect((await docker('run', '--restart', 'sometimes', 'busybox')).code).toBe(125);
  });

  it('runs as the user named in -u, from the image\'s own passwd file', async () => {
    expect((await docker('run', '--rm', '-u', 'nobody', 'busybox', 'id')).out).toBe('uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n');
    expect((await docker('run', '--rm', '-u', '1000:1000', 'busybox', 'id', '-u')).out).toBe('1000\n');
    const unknown = await docker('run', '--rm', '-u', 'ghost', 'busybox', 'id');
    expect(unknown.code).toBe(125);
    expect(unknown.err).toContain('unable to find user ghost: no matching entries in passwd file');
  });

  it('answers bad input as Docker does', async () => {
    expect(await docker('run', '--bogus', 'busybox')).toMatchObject({ code: 125, err: "unknown flag: --bogus\nSee 'docker run --help'.\n" });
    expect(await docker('frobnicate')).toMatchObject({ code: 1, err: "docker: 'frobnicate' is not a docker command.\nSee 'docker --help'\n" });
    expect((await docker('run')).err).toContain('"docker run" requires at least 1 argument.');
    const missing = await docker('run', 'nosuchimage');
    expect(missing.code).toBe(125);
    expect(missing.err).toContain('pull access denied for nosuchimage, repository does not exist');
    const notFound = await docker('run', 'busybox', 'nosuchcmd');
    expect(notFound.code).toBe(127);
    expect(notFound.err).toContain('exec: "nosuchcmd": executable file not found in $PATH');
    expect((await docker('rm', 'nosuchcontainer')).err).toBe('Error response from daemon: No such container: nosuchcontainer\n');
    await docker('run', '-d', '--name', 'busy', 'busybox', 'sleep', '300');
    const conflict = await docker('run', '--name', 'busy', 'busybox', 'true');
    expect(conflict.code).toBe(125);
    expect(conflict.err).toContain('Conflict. The container name "/busy" is already in use');
    const running = await docker('rm', 'busy');
    expect(running.err).toContain('container is running: stop the container before removing or force remove');
    await docker('rm', '-f', 'busy');
  });

  it('creates, starts, waits, pauses, renames, inspects, tops and restarts containers', async () => {
    const id = (await docker('create', '--name', 'later', 'busybox', 'echo', 'made')).out.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect((await docker('ps', '-a')).out).toMatch(/Created +later\n/);
    expect((await docker('start', 'later')).out).toBe('later\n');
    expect((await docker('wait', 'later')).out).toBe('0\n');
    expect((await docker('logs', 'later')).out).toBe('made\n');
    await docker('run', '-d', '--name', 'napper', 'busybox', 'sleep', '300');
    expect((await docker('pause', 'napper')).out).toBe('napper\n');
    expect((await docker('ps')).out).toMatch(/Up .* \(Paused\) +napper\n/);
    // Freezing takes effect asynchronously: poll the cgroup's own report.
    await expect.poll(async () => decoder.decode((await guest.agent.exec(['sh', '-c', 'cat /sys/fs/cgroup/drydock/*/cgroup.events | grep -c "frozen 1"'])).stdout).trim()).toBe('1');
    expect((await docker('unpause', 'napper')).code).toBe(0);
    expect((await docker('rename', 'napper', 'dozer')).code).toBe(0);
    expect((await docker('inspect', '-f', '{{.State.Status}} {{.Name}} {{json .Config.Cmd}}', 'dozer')).out).toBe('running /dozer ["sleep","300"]\n');
    expect((await docker('top', 'dozer')).out).toMatch(/^UID +PID +PPID +TTY +CMD\nroot +\d+ +\d+ +\? +sleep 300\n$/);
    expect((await docker('restart', '-t', '0', 'dozer')).out).toBe('dozer\n');
    expect((await docker('inspect', '-f', '{{.State.Status}}', 'dozer')).out).toBe('running\n');
    await docker('rm', '-f', 'dozer', 'later');
  });

  it('tags, shows history, and removes images with their layers', async () => {
    expect((await docker('tag', 'busybox', 'myapp:1.0')).code).toBe(0);
    const images = (await docker('images')).out;
    const busyboxId = /busybox +latest +([0-9a-f]{12})/.exec(images)![1];
    expect(images).toMatch(new RegExp(`myapp +1\\.0 +${busyboxId}`));
    const history = (await docker('history', 'myapp:1.0')).out.split('\n');
    expect(history[0]).toMatch(/^IMAGE +CREATED +CREATED BY +SIZE +COMMENT$/);
    expect(history[1]).toMatch(new RegExp(`^${busyboxId} .*CMD \\["sh"\\] +0B`));
    expect(history[2]).toMatch(/^<missing> .* 2\.\d+MB/);
    expect((await docker('rmi', 'myapp:1.0')).out).toBe('Untagged: myapp:1.0\n');
    // Earlier tests leave containers behind (a failed start stays Created, as in Docker).
    for (const id of (await docker('ps', '-a', '-q')).out.split('\n').filter(Boolean)) await docker('rm', '-f', id);
    await docker('create', '--name', 'holder', 'busybox');
    const inUse = await docker('rmi', 'busybox');
    expect(inUse.code).toBe(1);
    expect(inUse.err).toContain('conflict: unable to remove repository reference "busybox" (must force) - container');
    await docker('rm', 'holder');
    const layers = JSON.parse((await docker('inspect', '-f', '{{json .RootFS.Layers}}', 'busybox')).out) as string[];
    const removed = await docker('rmi', 'busybox');
    expect(removed.out).toMatch(/^Untagged: busybox:latest\nUntagged: busybox@sha256:[0-9a-f]{64}\nDeleted: sha256:[0-9a-f]{64}\nDeleted: sha256:[0-9a-f]{64}\n$/);
    // The layer is gone from the guest too (layer directories are named by diffID).
    const unpacked = decoder.decode((await guest.agent.exec(['ls', '/var/lib/drydock/layers'])).stdout);
    expect(layers.length).toBeGreaterThan(0);
    for (const layer of layers) expect(unpacked).not.toContain(layer.slice(7));
    expect((await docker('images', '-q')).out).not.toContain(busyboxId);
    await docker('pull', 'busybox');
  });

  it('runs nginx and redis built from Debian packages, sharing their base layer', async () => {
    expect((await docker('run', '-d', '--name', 'web', 'nginx')).code).toBe(0);
    const redis = await docker('run', '-d', '--name', 'cache', 'redis');
    expect(redis.err).toMatch(/[0-9a-f]{12}: Already exists/); // the base layer nginx brought
    await expect.poll(async () => (await docker('exec', 'web', 'wget', '-qO-', 'http://localhost/')).out, { timeout: 30_000 }).toContain('<title>Welcome to nginx!</title>');
    await expect.poll(async () => (await docker('logs', 'web')).out).toMatch(/"GET \/ HTTP\/1.1" 200 \d+ "-" "Wget"/);
    await expect.poll(async () => (await docker('exec', 'cache', 'redis-cli', 'ping')).out, { timeout: 30_000 }).toBe('PONG\n');
    expect((await docker('exec', 'cache', 'redis-cli', 'incr', 'visits')).out).toBe('1\n');
    // STOPSIGNAL SIGQUIT: nginx stops gracefully, with status 0.
    expect((await docker('stop', 'web', 'cache')).out).toBe('web\ncache\n');
    expect((await docker('ps', '-a')).out).toMatch(/Exited \(0\) .* web\n/);
    await docker('rm', 'web', 'cache');
  });

  it('reports changes, usage, filters and formats from real state, and prunes', async () => {
    await docker('run', '-d', '--name', 'changer', 'busybox', 'sh', '-c', 'echo x > /new.txt; rm /etc/group; mkdir -p /tmp/t; exec sleep 300');
    await expect.poll(async () => (await docker('diff', 'changer')).out).toBe('C /etc\nD /etc/group\nA /new.txt\nC /tmp\nA /tmp/t\n');
    const stats = (await docker('stats', '--no-stream', 'changer')).out.split('\n');
    expect(stats[0]).toMatch(/^CONTAINER ID +NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS$/);
    expect(stats[1]).toMatch(/^[0-9a-f]{12} +changer +\d+\.\d\d% +[\d.]+(KiB|MiB) \/ [\d.]+MiB +\d+\.\d\d% +0B \/ 0B +0B \/ 0B +1$/);
    await docker('run', '--name', 'finished', 'busybox', 'true');
    expect((await docker('ps', '-a', '--filter', 'status=exited', '--format', '{{.Names}} {{.State}}')).out).toBe('finished exited\n');
    expect((await docker('ps', '--format', 'table {{.Names}}\\t{{.Image}}')).out).toMatch(/^NAMES +IMAGE\nchanger +busybox\n$/);
    expect((await docker('ps', '--filter', 'bogus=1')).err).toBe("Error response from daemon: invalid filter 'bogus'\n");
    const pruned = await docker('container', 'prune', '-f');
    expect(pruned.out).toMatch(/^Deleted Containers:\n[0-9a-f]{64}\n\nTotal reclaimed space: .*B\n$/);
    expect((await docker('ps', '-a', '--format', '{{.Names}}')).out).toBe('changer\n');
    expect((await docker('system', 'df')).out).toMatch(/^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE\nImages +\d+ +1 /);
    expect((await docker('info')).out).toMatch(/ Containers: 1\n  Running: 1\n/);
    await docker('rm', '-f', 'changer');
  });

  it('copies files into and out of containers, running or not', async () => {
    await guest.agent.exec(['sh', '-c', 'echo "<h1>mine</h1>" > /root/index.html']);
    await docker('create', '--name', 'box', 'busybox', 'cat', '/tmp/index.html');
    const into = await docker('cp', 'index.html', 'box:/tmp/index.html'); // relative to the client's cwd, /root
    expect(into.code).toBe(0);
    expect(into.err).toMatch(/^Successfully copied [\d.]+kB to box:\/tmp\/index.html\n$/);
    expect((await docker('start', 'box')).code).toBe(0);
    expect((await docker('wait', 'box')).out).toBe('0\n');
    expect((await docker('logs', 'box')).out).toBe('<h1>mine</h1>\n');
    expect((await docker('cp', 'box:/etc/passwd', '/tmp/passwd-from-box')).code).toBe(0);
    expect(decoder.decode((await guest.agent.exec(['head', '-1', '/tmp/passwd-from-box'])).stdout)).toBe('root:x:0:0:root:/root:/bin/sh\n');
    expect((await docker('cp', 'box:/nope', '/tmp'))).toMatchObject({ code: 1, err: 'Error response from daemon: Could not find the file /nope in container box\n' });
    expect((await docker('cp', 'a', 'b')).err).toBe('must specify at least one container source\n');
    expect(decoder.decode((await guest.agent.exec(['sh', '-c', 'grep -c "box\\|merged" /proc/mounts'])).stdout).trim()).toBe('1');
    await docker('rm', 'box');
  });

  it('shows pulled images with their real sizes', async () => {
    const r = await docker('images');
    expect(r.out.split('\n')[0]).toMatch(/^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$/);
    expect(r.out).toMatch(/busybox +latest +[0-9a-f]{12} +.+ago +2\.\d+MB/);
  });
});

describe('docker run -it in the learner terminal (real guest)', () => {
  it('gives a shell inside the container; exit returns to the host shell with its status', async () => {
    const shell = new ShellDriver((t) => guest.writeConsole(t));
    consoleSink = (b) => shell.feed(b);
    guest.resizeConsole(100, 30);
    const session = shell.run('docker run -it --name shell busybox sh');
    guest.writeConsole('\n'); // a fresh host prompt, for the driver to start from
    // Like a person, type once the prompt has settled: busybox's line editor asks the terminal
    // where the cursor is right after printing its prompt, and keys typed into that exchange
    // are lost.
    const settled = async () => {
      let seen = '';
      await expect.poll(() => {
        // (a resize after start makes the shell redraw its prompt: `\r/ # ESC[J`)
        const quiet = shell.text === seen && /\/ # (\x1b\[J)?$/.test(shell.text);
        seen = shell.text;
        return quiet;
      }, { timeout: 30_000, interval: 400 }).toBe(true);
    };
    await settled().catch((error: Error) => {
      throw new Error(`${error.message}\ntranscript: ${JSON.stringify(shell.text)}`);
    });
    guest.writeConsole('echo "in=$(hostname) pid=$$ size=$(stty size)"\r');
    await expect.poll(() => shell.text, { timeout: 10_000 }).toMatch(/in=[0-9a-f]{12} pid=1 size=30 100/);
    await settled();
    guest.writeConsole('exit 3\r');
    expect((await session).exitCode).toBe(3);
    expect((await docker('ps', '-a')).out).toMatch(/Exited \(3\) .* shell\n/);
    await docker('rm', 'shell');

    // Ctrl-P Ctrl-Q leaves the container running; docker attach goes back in.
    const detaching = shell.run('docker run -it --name bg busybox sh');
    await settled();
    guest.writeConsole('\x10\x11');
    expect((await detaching).exitCode).toBe(0);
    expect((await docker('ps')).out).toMatch(/Up .* bg\n/);
    const attaching = shell.run('docker attach bg');
    await expect.poll(() => shell.text.slice(-200), { timeout: 10_000 }).toContain('docker attach bg');
    guest.writeConsole('\r');
    await settled();
    guest.writeConsole('exit 4\r');
    expect((await attaching).exitCode).toBe(4);
    await docker('rm', 'bg');

    // Where the learner's terminal is, as a lesson check sees it: inside while attached, at the
    // machine's shell after each detach. Ctrl-P Ctrl-Q, sent as the lesson's Press button sends
    // it, detaches every time (20 times in a row).
    const inside = { terminal: { inside: 'loop' } };
    const atMachine = { terminal: { machine: true } };
    expect(await engine.check([atMachine])).toEqual([true]);
    const first = shell.run('docker run -it --name loop busybox sh');
    await settled();
    expect(await engine.check([inside, atMachine])).toEqual([true, false]);
    guest.writeConsole('\x10\x11');
    expect((await first).exitCode).toBe(0);
    for (let i = 0; i < 20; i++) {
      const again = shell.run('docker attach loop');
      await expect.poll(() => engine.check([inside]), { timeout: 20_000 }).toEqual([true]);
      guest.writeConsole('\r');
      await settled();
      guest.writeConsole('\x10\x11');
      expect((await again).exitCode, `detach ${i + 1}`).toBe(0);
      expect(await engine.check([inside, atMachine]), `after detach ${i + 1}`).toEqual([false, true]);
    }
    expect((await docker('ps')).out).toMatch(/Up .* loop\n/);
    await docker('rm', '-f', 'loop');
  });
});
