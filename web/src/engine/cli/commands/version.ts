import { API_VERSION } from '../../daemon/daemon';
import type { Command } from '../context';

export const CLIENT_VERSION = '27.0.0-drydock';

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
