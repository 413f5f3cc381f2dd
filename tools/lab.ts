// Headless lab runner: boots the Drydock guest in Node, types each command into the learner's
// shell, prints what the terminal shows, and exits with the last command's exit status — or,
// with --fail-fast, stops at the first command that fails and exits with its status.
//   npm run lab -- 'uname -m' 'unshare -p -f -m -u sh -c "echo \$\$"'
// Options: --timeout SECONDS per command (default 300), --fail-fast.
import { ShellDriver } from '../web/src/engine/console/shell-driver';
import { attachEngine, bootGuest, withTimeout } from './node-host';

async function main(argv: string[]): Promise<number> {
  let timeoutSeconds = 300;
  let failFast = false;
  const commands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--timeout') timeoutSeconds = Number(argv[++i]);
    else if (arg === '--fail-fast') failFast = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        "usage: npm run lab -- [--timeout SECONDS] [--fail-fast] '<command>' ['<command>' ...]\n" +
          "  exits with the last command's status; with --fail-fast, stops at the first command that fails and exits with its status\n",
      );
      return 0;
    } else commands.push(arg);
  }
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    process.stderr.write('lab: --timeout takes a number of seconds\n');
    return 2;
  }
  let machine: Awaited<ReturnType<typeof bootGuest>> | null = null;
  let crashed!: (reason: string) => void;
  const crash = new Promise<never>((_, reject) => (crashed = (reason) => reject(new Error(reason))));
  crash.catch(() => {});
  const driver = new ShellDriver((text) => machine?.writeConsole(text));
  machine = await bootGuest(
    {
      onConsoleOutput: (bytes) => driver.feed(bytes),
      onCrash: (reason) => crashed(reason),
    },
    (created) => {
      machine = created;
      attachEngine(created);
    },
  ).catch((error: Error) => {
    process.stderr.write(`lab: ${error.message}\n`);
    return null;
  });
  if (!machine) return 125;
  // The transcript starts at the first prompt; boot messages and the welcome text are skipped.
  let printed = driver.promptAt;
  const flush = () => {
    process.stdout.write(driver.text.slice(printed));
    printed = driver.text.length;
  };
  let exitCode = 0;
  try {
    const ticker = setInterval(flush, 50);
    for (const command of commands) {
      const result = await withTimeout(Promise.race([driver.run(command), crash]), timeoutSeconds * 1000, `'${command}' did not finish within ${timeoutSeconds} s`);
      exitCode = result.exitCode;
      if (failFast && exitCode !== 0) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    clearInterval(ticker);
    flush();
    process.stdout.write('\n');
  } catch (error) {
    flush();
    process.stderr.write(`\nlab: ${(error as Error).message}\n`);
    exitCode = 124;
  } finally {
    await machine.destroy();
  }
  return exitCode;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
