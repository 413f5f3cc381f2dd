import { API_VERSION } from '../../daemon/endpoints';
import type { Command } from '../context';

export const CLIENT_VERSION = '27.0.0-drydock';
/** Where the real CLI names its git commit: this client is Drydock's, so it says so. */
export const CLIENT_BUILD = 'drydock';

/** `docker --version`: one line, as the real CLI prints it. */
export function versionLine(): string {
  return `Docker version ${CLIENT_VERSION}, build ${CLIENT_BUILD}\n`;
}

export const version: Command = {
  name: 'version',
  usage: 'docker version [OPTIONS]',
  description: 'Show the Docker version information',
  flags: [],
  maxArgs: 0,
  async run({ io, daemon }) {
    const server = await daemon.version();
    io.out(
      [
        'Client:',
        ` Version:           ${CLIENT_VERSION}`,
        ` API version:       ${API_VERSION}`,
        ' Go version:        n/a (TypeScript)',
        ` Git commit:        ${CLIENT_BUILD}`,
        ' OS/Arch:           linux/386',
        ' Context:           default',
        '',
        'Server: Drydock Engine',
        ' Engine:',
        `  Version:          ${server.Version}`,
        `  API version:      ${server.ApiVersion} (minimum version ${server.MinAPIVersion})`,
        `  OS/Arch:          ${server.Os}/${server.Arch}`,
        `  Kernel:           ${server.KernelVersion}`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};
