// The config instructions as `commit --change` and `import --change` apply them: the same
// applier as a build's steps (builder/config-instructions.ts), with Docker's rules and words.
import { describe, expect, it } from 'vitest';
import { applyChanges, ChangeError } from '../../web/src/engine/builder/config-instructions';
import type { ImageConfig } from '../../web/src/engine/models/image';

const base = (): ImageConfig => ({
  architecture: '386',
  os: 'linux',
  config: { Env: ['PATH=/usr/bin:/bin'], Cmd: ['sh'], WorkingDir: '/srv' },
  rootfs: { type: 'layers', diff_ids: [] },
});

describe('--change instructions', () => {
  it("expand the config's own variables, merge ENV and LABEL, and read ports as a build does", () => {
    const config = base();
    applyChanges(config, ['ENV MODE=prod', 'ENV TARGET=$MODE-1 PATH=/opt/bin:$PATH', 'LABEL a=1 b="two words"', 'EXPOSE 80 53/UDP', 'VOLUME /data /logs', 'USER app', 'STOPSIGNAL SIGQUIT']);
    expect(config.config.Env).toEqual(['PATH=/opt/bin:/usr/bin:/bin', 'MODE=prod', 'TARGET=prod-1']);
    expect(config.config.Labels).toEqual({ a: '1', b: 'two words' });
    expect(config.config.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {} });
    expect(config.config.Volumes).toEqual({ '/data': {}, '/logs': {} });
    expect(config.config.User).toBe('app');
    expect(config.config.StopSignal).toBe('SIGQUIT');
  });

  it('take WORKDIR relative to the current one, and shell-form commands through /bin/sh -c', () => {
    const config = base();
    applyChanges(config, ['WORKDIR app/../web', 'CMD echo hi']);
    expect(config.config.WorkingDir).toBe('/srv/web');
    expect(config.config.Cmd).toEqual(['/bin/sh', '-c', 'echo hi']);
  });

  it("clear the image's CMD with a new ENTRYPOINT unless a CMD came first, as Docker's dispatcher does", () => {
    const alone = base();
    applyChanges(alone, ['ENTRYPOINT ["/app"]']);
    expect(alone.config.Entrypoint).toEqual(['/app']);
    expect(alone.config.Cmd).toBeUndefined();
    const both = base();
    applyChanges(both, ['CMD ["--help"]', 'ENTRYPOINT ["/app"]']);
    expect(both.config.Cmd).toEqual(['--help']);
  });

  it("refuse what commit and import do not accept, in Docker's words", () => {
    expect(() => applyChanges(base(), ['FROM busybox'])).toThrow(new ChangeError('FROM is not a valid change command'));
    expect(() => applyChanges(base(), ['RUN true'])).toThrow('RUN is not a valid change command');
    expect(() => applyChanges(base(), ['EXPOSE http'])).toThrow('invalid containerPort: http');
    expect(() => applyChanges(base(), ['NOSUCH x'])).toThrow(ChangeError);
  });
});
