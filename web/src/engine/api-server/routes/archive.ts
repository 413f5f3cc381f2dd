// GET, HEAD and PUT /containers/{id}/archive (`docker cp` of a real client): a tar out of or
// into the container. The daemon copies between the container and a guest path, so the tar
// is staged in a scratch directory of the guest's own, removed afterwards.
import { ApiError } from '../../daemon/endpoints';
import { readTar, type TarEntry } from '../../formats/tar';
import { empty, type Reply } from '../reply';
import type { Route, RouteContext } from '../router';

const SCRATCH = '/tmp/drydock-api';
const scratchDir = () => `${SCRATCH}/${Math.random().toString(36).slice(2, 12)}`;
const basename = (p: string) => p.replace(/\/+$/, '').split('/').pop() || '/';

/** Go's os.FileMode bits for the stat header: the type bits above the permission bits. */
function fileMode(entry: TarEntry): number {
  const perm = entry.mode ?? 0o644;
  if (entry.type === 'dir') return (2 ** 31 + perm) >>> 0;
  if (entry.type === 'symlink') return (2 ** 27 + perm) >>> 0;
  return perm;
}

/** X-Docker-Container-Path-Stat: the path's stat as base64 JSON (name, size, mode, mtime, linkTarget). */
function pathStat(entry: TarEntry, name: string): string {
  const stat = {
    name,
    size: entry.type === 'file' ? entry.data.length : 4096,
    mode: fileMode(entry),
    mtime: new Date((entry.mtime ?? 0) * 1000).toISOString(),
    linkTarget: entry.type === 'symlink' ? entry.target : '',
  };
  return btoa(JSON.stringify(stat));
}

async function archiveOut(ctx: RouteContext, withBody: boolean): Promise<Reply> {
  const { daemon, params, req } = ctx;
  const path = req.query.get('path');
  if (!path) throw new ApiError(400, 'path is required');
  const dir = scratchDir();
  try {
    await daemon.containerCopy(params.id!, 'out', `${dir}/${basename(path)}`, path);
    const archived = await daemon.runtime.archiveHostPath(dir);
    if (!archived) throw new ApiError(404, `Could not find the file ${path} in container ${params.id}`);
    const entries = readTar(archived.tar).filter((e) => e.path.replace(/^\.\//, '').replace(/\/$/, '') !== '.');
    const top = entries.find((e) => e.path.replace(/^\.\//, '').replace(/\/$/, '') === basename(path));
    const headers = top ? { 'X-Docker-Container-Path-Stat': pathStat(top, basename(path)) } : undefined;
    return { kind: 'bytes', status: 200, contentType: 'application/x-tar', body: withBody ? archived.tar : '', ...(headers ? { headers } : {}) };
  } finally {
    await daemon.runtime.removeVolumeDir(`${dir}/_data`).catch(() => {});
  }
}

export const archiveRoutes: Route[] = [
  { method: 'GET', path: '/containers/{id}/archive', handler: (ctx) => archiveOut(ctx, true) },
  { method: 'HEAD', path: '/containers/{id}/archive', handler: (ctx) => archiveOut(ctx, false) },
  {
    method: 'PUT',
    path: '/containers/{id}/archive',
    handler: async ({ daemon, params, req }) => {
      const path = req.query.get('path');
      if (!path) throw new ApiError(400, 'path is required');
      let entries: TarEntry[];
      try {
        entries = readTar(req.body);
      } catch (error) {
        throw new ApiError(400, `archive/tar: ${(error as Error).message}`);
      }
      const dir = scratchDir();
      try {
        const tops = new Set<string>();
        for (const e of entries) {
          const rel = e.path.replace(/^\.?\/+/, '').replace(/\/$/, '');
          if (!rel || rel.split('/').includes('..')) continue;
          tops.add(rel.split('/')[0]!);
          if (e.type === 'file') await daemon.runtime.writeHostFile(`${dir}/${rel}`, e.data, e.mode ?? 0o644);
          else if (e.type === 'dir') await daemon.runtime.hostPathExists(`${dir}/${rel}`, true);
        }
        for (const top of tops) await daemon.containerCopy(params.id!, 'in', `${dir}/${top}`, `${path.replace(/\/+$/, '')}/${top}`);
        return empty(200);
      } finally {
        await daemon.runtime.removeVolumeDir(`${dir}/_data`).catch(() => {});
      }
    },
  },
];
