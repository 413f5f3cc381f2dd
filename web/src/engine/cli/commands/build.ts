import { BuildError } from '../../builder/events';
import { IgnoreMatcher, cleanPath } from '../../formats/path-match';
import { readTar, type TarEntry } from '../../formats/tar';
import { buildFailure, PlainProgress } from '../build-progress';
import type { Command } from '../context';
import { daemonError } from '../output';
import { hintOf } from '../../registry/not-built-in';

const decode = (data: Uint8Array) => new TextDecoder().decode(data);

export const build: Command = {
  name: 'build',
  usage: 'docker build [OPTIONS] PATH | URL | -',
  description: 'Build an image from a Dockerfile',
  flags: [
    { long: 'tag', short: 't', kind: 'list', description: "Name and optionally a tag (format: \"name:tag\")" },
    { long: 'file', short: 'f', kind: 'string', description: "Name of the Dockerfile (default: \"PATH/Dockerfile\")" },
    { long: 'build-arg', kind: 'list', description: 'Set build-time variables' },
    { long: 'target', kind: 'string', description: 'Set the target build stage to build' },
    { long: 'no-cache', kind: 'bool', description: 'Do not use cache when building the image' },
    { long: 'quiet', short: 'q', kind: 'bool', description: 'Suppress the build output and print image ID on success' },
    { long: 'label', kind: 'list', description: 'Set metadata for an image' },
    { long: 'progress', kind: 'string', description: 'Set type of progress output ("auto", "plain", "tty", "quiet")' },
    { long: 'pull', kind: 'bool', description: 'Always attempt to pull all referenced images' },
    { long: 'platform', kind: 'string', description: 'Set target platform for build' },
    { long: 'network', kind: 'string', description: 'Set the networking mode for the "RUN" instructions during build' },
    { long: 'rm', kind: 'bool', description: 'Remove intermediate containers after a successful build' },
    { long: 'force-rm', kind: 'bool', description: 'Always remove intermediate containers' },
    { long: 'load', kind: 'bool', description: 'Shorthand for "--output=type=docker" (images always land in the engine here)' },
    { long: 'cache-from', kind: 'list', description: 'External cache sources (accepted; the engine\'s own cache is used)' },
  ],
  minArgs: 1,
  maxArgs: 1,
  async run({ io, daemon, args, flags }) {
    const local = (p: string) => (p.startsWith('/') ? p : `${io.cwd.replace(/\/$/, '')}/${p}`);
    const path = args[0]!;
    if (path === '-' || /^(https?|git):\/\//.test(path) || path.startsWith('git@')) {
      io.err('ERROR: this lab builds from a directory only (docker build PATH)\n');
      return 1;
    }
    const platform = flags.platform as string | undefined;
    if (platform && !/^linux\/(386|i386)$/.test(platform)) {
      io.err(`ERROR: failed to solve: no match for platform in manifest: the lab's machine is linux/386, not ${platform}\n`);
      return 1;
    }
    // The client gathers the context, as the real CLI does: the directory, minus .dockerignore.
    const contextDir = local(path);
    const context = await io.archiveLocal(contextDir);
    if (!context) {
      io.err(`ERROR: unable to prepare context: path "${path}" not found\n`);
      return 1;
    }
    let entries = readTar(context.tar);
    if (!context.directory) {
      io.err(`ERROR: unable to prepare context: path "${path}" not a directory\n`);
      return 1;
    }
    const fileFlag = flags.file as string | undefined;
    const dockerfilePath = fileFlag ? local(fileFlag) : `${contextDir.replace(/\/$/, '')}/Dockerfile`;
    const dockerfileName = fileFlag ? fileFlag.split('/').pop()! : 'Dockerfile';
    const insideContext = dockerfilePath.startsWith(`${contextDir.replace(/\/$/, '')}/`) ? cleanPath(dockerfilePath.slice(contextDir.length)) : undefined;
    let dockerfile: string | undefined;
    const inContext = insideContext !== undefined ? entries.find((e) => e.path === insideContext) : undefined;
    if (inContext?.type === 'file') dockerfile = decode(inContext.data);
    else if (insideContext === undefined) {
      const local = await io.archiveLocal(dockerfilePath);
      const file = local ? readTar(local.tar)[0] : undefined;
      if (file?.type === 'file') dockerfile = decode(file.data);
    }
    if (dockerfile === undefined) {
      io.err(`ERROR: failed to solve: failed to read dockerfile: open ${dockerfileName}: no such file or directory\n`);
      return 1;
    }
    // <Dockerfile>.dockerignore next to the Dockerfile wins over the context's .dockerignore.
    const ignoreFile = entries.find((e) => e.path === `${insideContext}.dockerignore`) ?? entries.find((e) => e.path === '.dockerignore');
    if (ignoreFile?.type === 'file') {
      const matcher = new IgnoreMatcher(decode(ignoreFile.data));
      entries = entries.filter((e: TarEntry) => !matcher.ignores(e.path));
    }

    const buildArgs: Record<string, string> = {};
    for (const a of (flags['build-arg'] as string[] | undefined) ?? []) {
      const eq = a.indexOf('=');
      if (eq > 0) buildArgs[a.slice(0, eq)] = a.slice(eq + 1);
    }
    const labels: Record<string, string> = {};
    for (const l of (flags.label as string[] | undefined) ?? []) {
      const eq = l.indexOf('=');
      labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
    }
    const quiet = !!flags.quiet || flags.progress === 'quiet';
    const progress = new PlainProgress((t) => io.err(t));
    const abort = new AbortController();
    io.onSignal(() => abort.abort());
    try {
      const image = await daemon.build(
        {
          context: entries,
          dockerfile,
          dockerfileName,
          tags: (flags.tag as string[] | undefined) ?? [],
          buildArgs,
          ...(flags.target ? { target: flags.target as string } : {}),
          noCache: !!flags['no-cache'],
          labels,
          signal: abort.signal,
          ...(ignoreFile?.type === 'file' ? { dockerignoreSize: ignoreFile.data.length } : {}),
        },
        (event) => !quiet && progress.event(event),
      );
      if (quiet) io.out(`${image.id}\n`);
      return 0;
    } catch (error) {
      const cause = (error as Error & { cause?: unknown }).cause;
      const failure = error instanceof BuildError ? error : cause instanceof BuildError ? cause : undefined;
      if (failure) io.err(buildFailure(failure, dockerfile, dockerfileName));
      else io.err(`ERROR: ${daemonError(error).replace(/^Error response from daemon: /, '')}\n`);
      const hint = hintOf(failure ?? error);
      if (hint) io.err(`${hint}\n`);
      return 1;
    }
  },
};
