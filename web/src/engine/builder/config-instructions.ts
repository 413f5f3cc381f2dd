// Dockerfile instructions that change an image's config (ENV, LABEL, EXPOSE, USER, VOLUME,
// STOPSIGNAL, SHELL, CMD, ENTRYPOINT, HEALTHCHECK, ONBUILD, WORKDIR, MAINTAINER), applied as
// Docker's dispatchers apply them. One implementation for the three places Docker uses them:
// a build's steps, `docker commit --change` and `docker import --change` (which Docker runs
// through the same dispatchers, BuildFromConfig).
import { expandWord, expandWords } from '../formats/dockerfile/expand';
import { parseDockerfile } from '../formats/dockerfile/parse';
import type { CommandForm, Instruction } from '../formats/dockerfile/types';
import { mergeEnv } from '../formats/env';
import { goDuration } from '../formats/human';
import { cleanPath } from '../formats/path-match';
import type { ImageConfig } from '../models/image';

export const DEFAULT_SHELL = ['/bin/sh', '-c'];

/** What the instruction is applied with: its stage's variables and shell. */
export interface ConfigScope {
  /** A word with the variables in scope (ENV, then ARGs in a build) substituted. */
  expand(word: string): string;
  /** The same, split into words (EXPOSE, VOLUME). */
  expandWords(word: string): string[];
  /** The shell of shell-form commands (SHELL's, else /bin/sh -c). */
  shell: string[];
  /** Whether CMD was set in this stage already (else ENTRYPOINT clears the base image's). */
  cmdSet: boolean;
}

/** What the instruction did: its line in the image's history, and what it changed in the scope. */
export interface ConfigApplied {
  createdBy: string;
  cmdSet?: true;
  shell?: string[];
}

const goQuote = (words: string[]) => `[${words.map((w) => JSON.stringify(w)).join(' ')}]`;

/** A path made absolute against the working directory, cleaned ("/a/../b" is "/b"). */
export function absolute(path: string, workdir: string | undefined, keepSlash = false): string {
  const base = path.startsWith('/') ? path : `${workdir || '/'}/${path}`;
  const clean = `/${cleanPath(base)}`;
  return keepSlash && (path.endsWith('/') || path === '.' || path.endsWith('/.')) && clean !== '/' ? `${clean}/` : clean;
}

/** A command's argv: exec form as written, shell form through the shell (here-documents too). */
export function commandArgv(command: CommandForm, shell: string[]): string[] {
  if (command.form === 'exec') return command.argv;
  if (!command.heredocs.length) return [...shell, command.text];
  // `RUN <<EOF` with nothing else: the here-document is the script (BuildKit runs it so).
  const bare = command.text.replace(/\d*<<-?\s*(["']?)[^\s"']+\1/g, '').trim() === '';
  if (bare && command.heredocs.length === 1) return [...shell, command.heredocs[0]!.content];
  return [...shell, `${command.text}\n${command.heredocs.map((h) => `${h.content}${h.name}\n`).join('')}`];
}

/**
 * Applies a config instruction to `config`; null if `ins` is not one (RUN, COPY, ADD, FROM,
 * ARG are the builder's own). WORKDIR only sets the directory here: a build also makes it.
 */
export function applyConfigInstruction(config: ImageConfig, ins: Instruction, scope: ConfigScope): ConfigApplied | null {
  const c = config.config;
  const expand = scope.expand;
  switch (ins.kind) {
    case 'ENV': {
      // Every value is expanded with the variables as they were before this instruction.
      const words = ins.pairs.map(([rawName, rawValue]) => `${expand(rawName)}=${expand(rawValue)}`);
      c.Env = mergeEnv(c.Env ?? [], words);
      return { createdBy: `ENV ${words.join(' ')}` };
    }
    case 'LABEL': {
      const pairs = ins.pairs.map(([k, v]) => [expand(k), expand(v)] as const);
      c.Labels = { ...c.Labels, ...Object.fromEntries(pairs) };
      return { createdBy: `LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}` };
    }
    case 'MAINTAINER':
      return { createdBy: `MAINTAINER ${ins.name}` };
    case 'EXPOSE': {
      const ports = { ...c.ExposedPorts };
      for (const raw of ins.ports.flatMap((p) => scope.expandWords(p))) {
        const port = raw.includes('/') ? raw.toLowerCase() : `${raw}/tcp`;
        if (!/^\d+(-\d+)?\/(tcp|udp|sctp)$/.test(port)) throw new Error(`invalid containerPort: ${raw}`);
        ports[port] = {};
      }
      c.ExposedPorts = ports;
      return { createdBy: `EXPOSE map[${Object.keys(ports).map((p) => `${p}:{}`).join(' ')}]` };
    }
    case 'USER':
      c.User = expand(ins.user);
      return { createdBy: `USER ${c.User}` };
    case 'VOLUME': {
      const paths = ins.paths.flatMap((p) => scope.expandWords(p));
      c.Volumes = { ...c.Volumes, ...Object.fromEntries(paths.map((p) => [p, {}])) };
      return { createdBy: `VOLUME [${paths.join(' ')}]` };
    }
    case 'STOPSIGNAL':
      c.StopSignal = expand(ins.signal);
      return { createdBy: `STOPSIGNAL ${c.StopSignal}` };
    case 'SHELL':
      c.Shell = ins.shell;
      return { createdBy: `SHELL ${goQuote(ins.shell)}`, shell: ins.shell };
    case 'CMD':
    case 'ENTRYPOINT': {
      const argv = commandArgv(ins.command, scope.shell);
      if (ins.kind === 'CMD') c.Cmd = argv;
      else {
        c.Entrypoint = argv;
        // As Docker: a new ENTRYPOINT clears a CMD inherited from the base image.
        if (!scope.cmdSet) c.Cmd = undefined;
      }
      return { createdBy: `${ins.kind} ${goQuote(argv)}`, ...(ins.kind === 'CMD' ? { cmdSet: true as const } : {}) };
    }
    case 'HEALTHCHECK': {
      if (!ins.check) c.Healthcheck = { Test: ['NONE'] };
      else {
        const cmd = ins.check.command;
        c.Healthcheck = {
          Test: cmd.form === 'exec' ? ['CMD', ...cmd.argv] : ['CMD-SHELL', cmd.text],
          ...(ins.check.interval ? { Interval: goDuration(ins.check.interval) } : {}),
          ...(ins.check.timeout ? { Timeout: goDuration(ins.check.timeout) } : {}),
          ...(ins.check.startPeriod ? { StartPeriod: goDuration(ins.check.startPeriod) } : {}),
          ...(ins.check.retries !== undefined ? { Retries: ins.check.retries } : {}),
        };
      }
      return { createdBy: `HEALTHCHECK &{${goQuote(c.Healthcheck.Test)}}` };
    }
    case 'ONBUILD':
      c.OnBuild = [...(c.OnBuild ?? []), ins.expression ?? ins.original.replace(/^\s*onbuild\s+/i, '')];
      return { createdBy: ins.original };
    case 'WORKDIR': {
      const dir = absolute(expand(ins.path), c.WorkingDir);
      c.WorkingDir = dir;
      return { createdBy: `WORKDIR ${dir}` };
    }
    default:
      return null;
  }
}

/** The instructions `docker commit --change` and `docker import --change` accept. */
const CHANGES = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR', 'STOPSIGNAL']);

export class ChangeError extends Error {
  override name = 'ChangeError';
}

/**
 * `--change` instructions applied to an image config in order, with the config's own ENV for
 * variables; ChangeError (Docker's words) for one that does not parse or is not accepted.
 */
export function applyChanges(config: ImageConfig, changes: string[]): void {
  let cmdSet = false;
  for (const change of changes) {
    let ins: Instruction | undefined;
    try {
      ins = parseDockerfile(`FROM scratch\n${change}\n`).stages[0]!.instructions[0];
    } catch (error) {
      throw new ChangeError((error as Error).message.replace(/^dockerfile parse error on line \d+: /, ''));
    }
    if (!ins || !CHANGES.has(ins.kind)) throw new ChangeError(`${change.trim().split(/\s+/)[0]!.toUpperCase()} is not a valid change command`);
    const lookup = (name: string) => (config.config.Env ?? []).find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1);
    try {
      const applied = applyConfigInstruction(config, ins, {
        expand: (w) => expandWord(w, lookup),
        expandWords: (w) => expandWords(w, lookup),
        shell: config.config.Shell ?? DEFAULT_SHELL,
        cmdSet,
      });
      if (applied?.cmdSet) cmdSet = true;
    } catch (error) {
      throw new ChangeError((error as Error).message);
    }
  }
}
