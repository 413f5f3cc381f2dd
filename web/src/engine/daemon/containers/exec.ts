// POST /containers/{id}/exec, then POST /exec/{id}/start: another process in a running
// container, with the container's environment, working directory and user unless given.
import { mergeEnv } from '../../formats/env';
import { randomHex } from '../../lib/digest';
import { RuntimeError } from '../../runtime/runtime';
import { ApiError } from '../endpoints';
import { containerOrThrow, type DaemonParts } from '../parts';

export interface ExecConfig {
  cmd: string[];
  env?: string[];
  workdir?: string;
  user?: string;
  tty: boolean;
  stdin: boolean;
  privileged?: boolean;
}

export class ExecService {
  constructor(private readonly parts: DaemonParts) {}

  /** Resolves once the process has started, with its input, resize and exit. */
  async containerExec(idOrName: string, config: ExecConfig, onOutput: (stream: 1 | 2, data: Uint8Array) => void) {
    const { parts } = this;
    const { container, execId } = await parts.calls.serve('POST', `/containers/${idOrName}/exec`, async () => {
      const container = containerOrThrow(parts, idOrName);
      if (container.state.status !== 'running') throw new ApiError(409, `container ${container.id} is not running`);
      return { container, execId: randomHex(32) };
    });
    return parts.calls.serve('POST', `/exec/${execId}/start`, async () => {
      const handle = parts.runtime.exec(
        container,
        {
          cmd: config.cmd,
          env: mergeEnv(container.config.Env, config.env ?? []),
          workdir: config.workdir || container.config.WorkingDir || '/',
          user: config.user ?? container.config.User,
          tty: config.tty,
          stdin: config.stdin,
          privileged: !!config.privileged,
        },
        onOutput,
      );
      return {
        execId,
        containerId: container.id,
        exited: handle.exited.catch((error: Error) => {
          if (error instanceof RuntimeError) {
            throw new ApiError(error.exitCode === 127 ? 400 : 500, `OCI runtime exec failed: exec failed: unable to start container process: ${error.message}: unknown`);
          }
          throw error;
        }),
        write: (data: Uint8Array) => handle.write(data),
        resize: (rows: number, cols: number) => handle.resize(rows, cols),
        kill: (signal: number) => handle.kill(signal),
      };
    });
  }
}
