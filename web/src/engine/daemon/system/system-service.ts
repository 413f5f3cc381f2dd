// GET /version and GET /info: what the daemon says of itself and its host (the guest).
import { API_VERSION, ENGINE_VERSION } from '../endpoints';
import type { DaemonParts } from '../parts';

export class SystemService {
  constructor(private readonly parts: DaemonParts) {}

  version() {
    return this.parts.calls.serve('GET', '/version', async () => ({
      Version: ENGINE_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: '1.24',
      Os: 'linux',
      Arch: '386',
      KernelVersion: (await this.parts.runtime.hostInfo()).kernel,
      Components: [{ Name: 'Engine', Version: ENGINE_VERSION }],
    }));
  }

  info() {
    return this.parts.calls.serve('GET', '/info', async () => ({ host: await this.parts.runtime.hostInfo() }));
  }
}
