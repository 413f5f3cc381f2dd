// Routes a request to its endpoint, as dockerd's mux does: `/vX.Y/…` or unversioned paths (the
// server's own version then), the version checked against the supported range, and anything
// else answered `{"message":"page not found"}` with 404 — a wrong method too, since dockerd
// gives its router the same handler for both.
import { ApiError } from '../daemon/endpoints';
import { type Daemon } from '../daemon/daemon';
import type { HttpRequest } from './http-parser';
import { API_VERSION, MIN_API_VERSION, json, type Reply } from './reply';
import { containerRoutes } from './routes/containers';
import { imageRoutes } from './routes/images';
import { systemRoutes } from './routes/system';

export interface ConnectionState {
  readonly closed: boolean;
  onClose(cb: () => void): () => void;
}

export interface RouteContext {
  daemon: Daemon;
  req: HttpRequest;
  /** Path parameters, percent-decoded (`{id}`, `{name*}`). */
  params: Record<string, string>;
  /** The version the client asked for (or the server's). */
  apiVersion: string;
  conn: ConnectionState;
}

export interface Route {
  method: string;
  /** `/containers/{id}/json`; `{name*}` may span slashes (image names). */
  path: string;
  handler: (ctx: RouteContext) => Promise<Reply> | Reply;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.+?^$()[\]\\|]/g, '\\$&').replace(/\{(\w+)(\*?)\}/g, (_, name: string, many: string) => {
    names.push(name);
    return many ? '(.+)' : '([^/]+)';
  });
  return { ...route, pattern: new RegExp(`^${source}$`), names };
}

const ROUTES: CompiledRoute[] = [...systemRoutes, ...containerRoutes, ...imageRoutes].map(compile);

/** Compares dotted versions numerically ("1.9" < "1.41"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

const notFound = () => json(404, { message: 'page not found' });

export async function route(daemon: Daemon, req: HttpRequest, conn: ConnectionState): Promise<Reply> {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    return json(400, { message: `invalid URL escape in ${req.path}` });
  }
  let apiVersion = API_VERSION;
  const versioned = /^\/v([0-9.]+)(\/.*)$/.exec(path);
  if (versioned) {
    apiVersion = versioned[1]!;
    path = versioned[2]!;
  }
  // Methods match exactly, as in dockerd's mux (HEAD only where a route says so).
  for (const r of ROUTES) {
    if (r.method !== req.method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    // The version middleware runs for matched routes only (an unknown path stays a 404).
    if (compareVersions(apiVersion, MIN_API_VERSION) < 0) {
      return json(400, { message: `client version ${apiVersion} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version` });
    }
    if (compareVersions(apiVersion, API_VERSION) > 0) {
      return json(400, { message: `client version ${apiVersion} is too new. Maximum supported API version is ${API_VERSION}` });
    }
    const params = Object.fromEntries(r.names.map((n, i) => [n, m[i + 1]!]));
    try {
      return await r.handler({ daemon, req, params, apiVersion, conn });
    } catch (error) {
      if (error instanceof ApiError) return json(error.status, { message: error.message });
      return json(500, { message: error instanceof Error ? error.message : String(error) });
    }
  }
  return notFound();
}
