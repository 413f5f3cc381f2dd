// docker build in the real guest: layers made by real RUN steps (with deletions as whiteouts
// and opaque directories), COPY ownership and modes, multi-stage builds, ADD of a local tar,
// and docker commit. The client runs where the learner's shell is, in the guest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestMachine } from '../../web/src/engine/guest/guest-machine';
import { attachEngine, bootGuest } from '../../tools/node-host';

let guest: GuestMachine;
const decoder = new TextDecoder();

/** `docker …` typed in `cwd` in the guest. */
async function docker(cwd: string, ...args: string[]) {
  const r = await guest.agent.exec(['docker', ...args], { timeoutMs: 120_000, cwd });
  return { code: r.exitCode, out: decoder.decode(r.stdout), err: decoder.decode(r.stderr) };
}

async function sh(script: string) {
  const r = await guest.agent.exec(['sh', '-c', script]);
  if (r.exitCode !== 0) throw new Error(decoder.decode(r.stderr));
  return decoder.decode(r.stdout);
}

beforeAll(async () => {
  guest = await bootGuest({}, (machine) => attachEngine(machine));
});
afterAll(async () => {
  await guest?.destroy();
});

describe('docker build in the guest', () => {
  it('makes layers from RUN, with deleted files and replaced directories staying gone', async () => {
    await sh(`mkdir -p /root/layers && cd /root/layers && cat > Dockerfile <<'EOF'
FROM busybox
RUN mkdir -p /data/old && echo one > /data/a && echo gone > /data/b && echo old > /data/old/x
RUN rm /data/b && echo two > /data/a
RUN rm -rf /data/old && mkdir /data/old && echo new > /data/old/y
CMD ["sh", "-c", "cat /data/a; ls /data; ls /data/old"]
EOF`);
    const built = await docker('/root/layers', 'build', '-t', 'layers', '.');
    expect(built.code, built.err).toBe(0);
    expect((await docker('/root', 'run', '--rm', 'layers')).out).toBe('two\na\nold\ny\n');
    // The layers are OCI: the deletion is a .wh. file in the layer the engine keeps.
    const history = (await docker('/root', 'history', 'layers')).out;
    expect(history).toMatch(/RUN \/bin\/sh -c rm \/data\/b && echo two > \/dat…\s+4B/);
  });

  it('copies with --chown by name and --chmod, into an existing directory, and keeps its parents', async () => {
    await sh(`mkdir -p /root/copy/site && cd /root/copy && echo '<h1>hi</h1>' > site/index.html && printf 'echo run' > run.sh && cat > Dockerfile <<'EOF'
FROM busybox
COPY --chown=nobody:nogroup --chmod=750 run.sh /usr/local/bin/
COPY site /tmp
CMD ["sh", "-c", "stat -c '%U:%G %a' /usr/local/bin/run.sh; stat -c '%a' /tmp; cat /tmp/index.html"]
EOF`);
    expect((await docker('/root/copy', 'build', '-q', '-t', 'copy', '.')).out).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect((await docker('/root', 'run', '--rm', 'copy')).out).toBe('nobody:nogroup 750\n1777\n<h1>hi</h1>\n');
  });

  it('builds multi-stage: only the target stage\'s layers, with files copied --from an earlier stage', async () => {
    await sh(`mkdir -p /root/multi && cd /root/multi && cat > Dockerfile <<'EOF'
# syntax=docker/dockerfile:1
ARG GREETING=hello
FROM busybox AS build
ARG GREETING
RUN echo "$GREETING from the build stage" > /out.txt && dd if=/dev/zero of=/big bs=1k count=100 2>/dev/null
FROM busybox
COPY --from=build /out.txt /
CMD ["cat", "/out.txt"]
EOF`);
    const built = await docker('/root/multi', 'build', '--build-arg', 'GREETING=hi', '-t', 'multi', '.');
    expect(built.code, built.err).toBe(0);
    // Step names show the values in scope, as BuildKit's do.
    expect(built.err).toContain('[build 2/2] RUN echo "hi from the build stage"');
    expect(built.err).toContain('[stage-1 2/2] COPY --from=build /out.txt /');
    expect((await docker('/root', 'run', '--rm', 'multi')).out).toBe('hi from the build stage\n');
    expect((await docker('/root', 'run', '--rm', 'multi', 'ls', '/big')).code).toBe(1);
    // --target stops at the named stage.
    expect((await docker('/root/multi', 'build', '--target', 'build', '-t', 'multi:build', '.')).code).toBe(0);
    expect((await docker('/root', 'run', '--rm', 'multi:build', 'ls', '/big')).out).toBe('/big\n');
  });

  it('unpacks a local tar with ADD, and refuses a URL clearly', async () => {
    await sh(`mkdir -p /root/add/src/conf && cd /root/add && echo k=v > src/conf/app.conf && tar -cf conf.tar -C src conf && cat > Dockerfile <<'EOF'
FROM busybox
ADD conf.tar /etc/
CMD ["cat", "/etc/conf/app.conf"]
EOF`);
    expect((await docker('/root/add', 'build', '-t', 'add', '.')).code).toBe(0);
    expect((await docker('/root', 'run', '--rm', 'add')).out).toBe('k=v\n');
    await sh(`cd /root/add && printf 'FROM busybox\\nADD https://example.com/x.tgz /\\n' > Dockerfile.url`);
    const url = await docker('/root/add', 'build', '-f', 'Dockerfile.url', '.');
    expect(url.code).toBe(1);
    expect(url.err).toContain('lookup example.com: no such host');
  });

  it('runs a bare RUN <<EOF script, unpacks .tar.gz with ADD, and scopes ENV and WORKDIR as Docker does', async () => {
    await sh(`mkdir -p /root/details/src && cd /root/details && echo gz > src/inside.txt && tar -czf pack.tar.gz -C src inside.txt && cat > Dockerfile <<'EOF'
FROM busybox
RUN <<SCRIPT
echo from the heredoc > /heredoc.txt
exit 3
SCRIPT
EOF`);
    const failed = await docker('/root/details', 'build', '.');
    expect(failed.code).toBe(1); // the here-document is the script: its status fails the build
    expect(failed.err).toContain('did not complete successfully: exit code: 3');
    await sh(`cd /root/details && cat > Dockerfile <<'EOF'
FROM busybox
RUN <<SCRIPT
echo from the heredoc > /heredoc.txt
SCRIPT
ADD pack.tar.gz /unpacked/
ENV abc=hello
ENV abc=bye def=$abc
USER nobody
WORKDIR /work
RUN touch /work/mine
CMD ["sh", "-c", "cat /heredoc.txt /unpacked/inside.txt; echo $abc $def; stat -c %U /work/mine"]
EOF`);
    const built = await docker('/root/details', 'build', '-t', 'details', '.');
    expect(built.code, built.err).toBe(0);
    expect((await docker('/root', 'run', '--rm', 'details')).out).toBe('from the heredoc\ngz\nbye hello\nnobody\n');
  });

  it('turns HEALTHCHECK into a check the daemon runs in the container', async () => {
    await sh(`mkdir -p /root/health && printf 'FROM busybox\\nHEALTHCHECK --interval=500ms --timeout=2s CMD test -f /tmp/ready\\nCMD ["sh", "-c", "sleep 1; touch /tmp/ready; sleep 60"]\\n' > /root/health/Dockerfile`);
    expect((await docker('/root/health', 'build', '-q', '-t', 'checked', '.')).code).toBe(0);
    await docker('/root', 'run', '-d', '--name', 'checked', 'checked');
    await expect.poll(async () => (await docker('/root', 'ps', '--format', '{{.Status}}', '--filter', 'name=checked')).out, { timeout: 30_000 }).toMatch(/\(healthy\)/);
    await docker('/root', 'rm', '-f', 'checked');
  });

  it('commits a container\'s changes as a new image', async () => {
    expect((await docker('/root', 'run', '--name', 'scribe', 'busybox', 'sh', '-c', 'echo kept > /note.txt; rm /etc/group')).code).toBe(0);
    const id = (await docker('/root', 'commit', '-m', 'a note', 'scribe', 'noted:v1')).out.trim();
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await docker('/root', 'run', '--rm', 'noted:v1', 'sh', '-c', 'cat /note.txt; ls /etc/group')).out).toBe('kept\n');
    expect((await docker('/root', 'history', 'noted:v1')).out).toMatch(/sh -c echo kept > \/note\.txt; rm \/etc\/group +5B +a note/);
    await docker('/root', 'rm', 'scribe');
  });
});
