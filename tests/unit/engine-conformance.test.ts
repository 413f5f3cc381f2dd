// The engine conformance suite on the in-memory runtime: daemon and CLI at unit speed.
import { beforeAll } from 'vitest';
import { Daemon } from '../../web/src/engine/daemon/daemon';
import { runDockerCli } from '../../web/src/engine/cli/index';
import type { CliIO } from '../../web/src/engine/cli/context';
import { FsRegistrySource } from '../../tools/node-host';
import { MemoryRuntime } from '../support/memory-runtime';
import { engineConformance, type Docker } from '../conformance/engine-suite';

let docker: Docker;
beforeAll(() => {
  const daemon = new Daemon(new MemoryRuntime(), new FsRegistrySource());
  docker = async (...args) => {
    let out = '';
    let err = '';
    const text = (t: string | Uint8Array) => (typeof t === 'string' ? t : new TextDecoder().decode(t));
    const io: CliIO = {
      out: (t) => (out += text(t)),
      err: (t) => (err += text(t)),
      onSignal: () => {},
      onClose: () => {},
      stdoutTty: false,
      stdinTty: false,
      cwd: '/root',
      size: { rows: 0, cols: 0 },
      startStdin: () => {},
      onStdin: () => {},
      onResize: () => {},
    };
    const code = await runDockerCli(args, io, daemon);
    return { code, out, err };
  };
});

engineConformance(() => docker);
