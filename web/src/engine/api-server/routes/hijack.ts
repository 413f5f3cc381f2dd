// What attach and exec start share: the container of the path, the stream types, whether
// the client asked to take the connection over, and the detach sequence read from stdin.
import { ApiError } from '../../daemon/endpoints';
import type { Container } from '../../models/container';
import { DetachKeys, parseDetachKeys } from '../../formats/detach-keys';
import type { RouteContext } from '../router';

export const RAW = 'application/vnd.docker.raw-stream';
export const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';

export /** The container named in the path, as the daemon's records have it (404 as dockerd says). */
function container(ctx: RouteContext): Container {
  const found = ctx.daemon.containers.find(ctx.params.id!);
  if (!found) throw new ApiError(404, `No such container: ${ctx.params.id}`);
  return found;
}

/** The detach sequence of an attach or exec (Ctrl-P Ctrl-Q unless the client names its own). */
export function detachKeys(spec: string | undefined): DetachKeys {
  if (!spec) return new DetachKeys();
  try {
    return new DetachKeys(parseDetachKeys(spec));
  } catch (error) {
    throw new ApiError(400, (error as Error).message);
  }
}

/** Whether the client asked to take the connection over (`Upgrade: tcp`). */
export const wantsUpgrade = (ctx: RouteContext) => (ctx.req.headers.get('upgrade') ?? '').toLowerCase() === 'tcp';
