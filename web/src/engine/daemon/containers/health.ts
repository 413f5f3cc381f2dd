// HEALTHCHECK, run as Docker runs it: the test command is exec'd in the running container every
// Interval (after StartPeriod, during which failures do not count); Retries failures in a row
// make it unhealthy, a success makes it healthy. The last five results are kept (inspect's
// State.Health.Log); `docker ps` shows the status.
import type { Container, HealthConfig, Health } from '../../models/container';
import type { TaskRuntime } from '../../runtime/runtime';

const SECOND = 1e9; // Docker's durations are nanoseconds

/** The test as argv, or null when there is none (NONE, or no test at all). */
function testArgv(test: string[]): string[] | null {
  const [kind, ...rest] = test;
  if (kind === 'CMD') return rest;
  if (kind === 'CMD-SHELL') return ['/bin/sh', '-c', rest.join(' ')];
  return null;
}

/** Starts checking the container's health; returns the function that stops it. */
export function monitorHealth(container: Container, config: HealthConfig | undefined, runtime: TaskRuntime): () => void {
  const argv = config ? testArgv(config.Test) : null;
  if (!config || !argv) {
    container.health = undefined;
    return () => {};
  }
  const interval = (config.Interval || 30 * SECOND) / 1e6;
  const timeout = (config.Timeout || 30 * SECOND) / 1e6;
  const startPeriod = (config.StartPeriod || 0) / 1e6;
  const retries = config.Retries || 3;
  const health: Health = { Status: 'starting', FailingStreak: 0, Log: [] };
  container.health = health;
  const started = Date.now();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const probe = async () => {
    if (stopped) return;
    const start = new Date();
    let output = '';
    const handle = runtime.exec(container, { cmd: argv, env: container.config.Env, workdir: container.config.WorkingDir, user: container.config.User, tty: false, stdin: false }, (_, data) => {
      if (output.length < 4096) output += new TextDecoder().decode(data);
    });
    const timedOut = new Promise<number>((resolve) => setTimeout(() => {
      handle.kill(9);
      output = `Health check exceeded timeout (${timeout / 1000}s)`;
      resolve(-1);
    }, timeout));
    const code = await Promise.race([handle.exited.catch(() => 1), timedOut]);
    if (stopped) return;
    health.Log = [...health.Log, { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: code, Output: output }].slice(-5);
    if (code === 0) {
      health.Status = 'healthy';
      health.FailingStreak = 0;
    } else if (Date.now() - started >= startPeriod || health.Status !== 'starting') {
      health.FailingStreak++;
      if (health.FailingStreak >= retries) health.Status = 'unhealthy';
    }
    timer = setTimeout(probe, interval);
  };
  timer = setTimeout(probe, interval);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
