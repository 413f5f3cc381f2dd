// The docker CLI: finds the command, parses its flags as the real CLI does, reports usage
// errors with Docker's wording and exit codes, and runs it against the daemon's API.
import type { DockerApi } from '../daemon/docker-api';
import type { CliIO, Command } from './context';
import { parseFlags, StatusError, UsageError } from './flags';
import { attach } from './commands/attach';
import { cp } from './commands/cp';
import { exec } from './commands/exec';
import { images } from './commands/images';
import { kill, pause, rename, restart, rm, start, stop, unpause, wait } from './commands/lifecycle';
import { create } from './commands/create';
import { builderPrune, history, imagePrune, rmi, systemPrune, tag } from './commands/images-manage';
import { build } from './commands/build';
import { commit } from './commands/commit';
import { volumeCreate, volumeInspect, volumeLs, volumePrune, volumeRm } from './commands/volume';
import { inspect } from './commands/inspect';
import { networkConnect, networkCreate, networkDisconnect, networkInspect, networkLs, networkPrune, networkRm } from './commands/network';
import { containerPrune, diff, info, port, stats, systemDf } from './commands/inspect-more';
import { top } from './commands/top';
import { logs } from './commands/logs';
import { ps } from './commands/ps';
import { pull } from './commands/pull';
import { run } from './commands/run';
import { version, versionLine } from './commands/version';
import { compose } from './commands/compose';
import { login, logout } from './commands/login';
import { push } from './commands/push';
import { search } from './commands/search';
import { exportCommand, importCommand, load, save } from './commands/save-load';

const COMMANDS: Command[] = [
  run, exec, attach, ps, images, pull, create, start, stop, restart, kill, pause, unpause, rename, wait,
  logs, top, inspect, diff, stats, port, cp, rm, rmi, tag, history, info, version, build, commit, compose,
  login, logout, push, search, save, load, exportCommand, importCommand,
];
/** Sub-commands that exist only under a management command (`docker container prune`). */
const GROUP_ONLY: Record<string, Command> = { 'container prune': containerPrune, 'image prune': imagePrune, 'volume create': volumeCreate, 'volume ls': volumeLs, 'volume inspect': volumeInspect, 'volume rm': volumeRm, 'volume prune': volumePrune, 'network create': networkCreate, 'network ls': networkLs, 'network inspect': networkInspect, 'network rm': networkRm, 'network prune': networkPrune, 'network connect': networkConnect, 'network disconnect': networkDisconnect, 'builder prune': builderPrune, 'system prune': systemPrune, 'system df': systemDf, 'system info': info };
const byName = new Map(COMMANDS.map((c) => [c.name, c]));
/** `docker container ls`, `docker image pull`, …: the management-command spellings. */
const GROUPS: Record<string, Record<string, string>> = {
  container: {
    ls: 'ps', list: 'ps', ps: 'ps', run: 'run', exec: 'exec', attach: 'attach', create: 'create', rm: 'rm', remove: 'rm',
    stop: 'stop', start: 'start', restart: 'restart', kill: 'kill', logs: 'logs', pause: 'pause',
    unpause: 'unpause', rename: 'rename', wait: 'wait', top: 'top', inspect: 'inspect',
    diff: 'diff', stats: 'stats', port: 'port', cp: 'cp', prune: 'container prune', commit: 'commit', export: 'export',
  },
  system: { df: 'system df', info: 'system info', prune: 'system prune' },
  image: {
    ls: 'images', list: 'images', pull: 'pull', rm: 'rmi', remove: 'rmi', tag: 'tag', history: 'history', inspect: 'inspect',
    build: 'build', prune: 'image prune', push: 'push', save: 'save', load: 'load', import: 'import',
  },
  builder: { build: 'build', prune: 'builder prune' },
  buildx: { build: 'build', b: 'build' },
  network: {
    create: 'network create', ls: 'network ls', list: 'network ls', inspect: 'network inspect', rm: 'network rm', remove: 'network rm',
    prune: 'network prune', connect: 'network connect', disconnect: 'network disconnect',
  },
  volume: { create: 'volume create', ls: 'volume ls', list: 'volume ls', inspect: 'volume inspect', rm: 'volume rm', remove: 'volume rm', prune: 'volume prune' },
};

function helpText(command: Command): string {
  const flagLines = command.flags.map((f) => {
    const names = `${f.short ? `-${f.short}, ` : '    '}--${f.long}${f.kind === 'bool' ? '' : f.kind === 'list' ? ' list' : f.kind === 'int' ? ' int' : ' string'}`;
    return `  ${names.padEnd(28)}${f.description}`;
  });
  return `\nUsage:  ${command.usage}\n\n${command.description}\n${flagLines.length ? `\nOptions:\n${flagLines.join('\n')}\n` : ''}`;
}

function mainHelp(): string {
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(10)}${c.description}`);
  return `\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers (Drydock: real containers in your browser)\n\nCommands:\n${lines.join('\n')}\n\nManagement Commands:\n  builder     Manage builds\n  container   Manage containers\n  image       Manage images\n  network     Manage networks\n  volume      Manage volumes\n\nRun 'docker COMMAND --help' for more information on a command.\n`;
}

export async function runDockerCli(argv: string[], io: CliIO, daemon: DockerApi): Promise<number> {
  let words = argv;
  if (words.length === 0 || words[0] === '--help' || words[0] === '-h' || words[0] === 'help') {
    io.out(mainHelp());
    return 0;
  }
  if (words[0] === '--version' || words[0] === '-v') {
    io.out(versionLine());
    return 0;
  }
  const group = GROUPS[words[0]!];
  let shownName = words[0]!;
  if (group) {
    const verb = words[1];
    const target = verb ? group[verb] : undefined;
    if (!target) {
      io.err(verb ? `docker: '${words[0]} ${verb}' is not a docker command.\nSee 'docker ${words[0]} --help'\n` : `\nUsage:  docker ${words[0]} COMMAND\n\nManage ${words[0]}s\n`);
      return verb ? 1 : 0;
    }
    shownName = `${words[0]} ${verb}`;
    words = [target, ...words.slice(2)];
    if (GROUP_ONLY[target]) words = [target, ...words.slice(1)];
  }
  const command = GROUP_ONLY[words[0]!] ?? byName.get(words[0]!);
  if (!command) {
    io.err(`docker: '${words[0]}' is not a docker command.\nSee 'docker --help'\n`);
    return 1;
  }
  const rest = words.slice(1);
  const helpAt = rest.findIndex((a) => a === '--help');
  if (helpAt >= 0 && (!command.stopAtFirstArg || rest.slice(0, helpAt).every((a) => a.startsWith('-')))) {
    io.out(helpText(command));
    return 0;
  }
  try {
    const { values, args } = parseFlags(rest, command.flags, { interspersed: !command.stopAtFirstArg });
    if (command.minArgs && args.length < command.minArgs) {
      const count = command.minArgs === 1 ? '1 argument' : `${command.minArgs} arguments`;
      io.err(`"docker ${shownName}" requires at least ${count}.\nSee 'docker ${shownName} --help'.\n${helpText(command).replace(/\nOptions:[\s\S]*$/, '')}`);
      return 1;
    }
    if (command.maxArgs !== undefined && args.length > command.maxArgs) {
      io.err(`"docker ${shownName}" accepts ${command.maxArgs === 0 ? 'no arguments' : `at most ${command.maxArgs} argument${command.maxArgs > 1 ? 's' : ''}`}.\nSee 'docker ${shownName} --help'.\n${helpText(command).replace(/\nOptions:[\s\S]*$/, '')}`);
      return 1;
    }
    return await command.run({ args, flags: values, io, daemon });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\nSee 'docker ${shownName} --help'.\n`);
      return 125;
    }
    if (error instanceof StatusError) {
      io.err(`${error.message}\n`);
      return error.status;
    }
    io.err(`docker: ${(error as Error).message}\n`);
    return 125;
  }
}
