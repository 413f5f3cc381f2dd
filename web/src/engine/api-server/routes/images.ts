// Image and build endpoints. Pull, push, load and build answer with a JSON-lines progress
// stream as dockerd does; a failure before anything was streamed is an ordinary error answer
// (the client shows `Error response from daemon: …`), one after is an `errorDetail` line.
import { ApiError } from '../../daemon/endpoints';
import { type Daemon } from '../../daemon/daemon';
import { type PullProgress } from '../../daemon/images/distribution';
import { BuildError, type BuildEvent } from '../../builder/events';
import { parseDockerfile } from '../../formats/dockerfile/parse';
import { readTar } from '../../formats/tar';
import { imageJson } from '../../api-types/inspect-json';
import { imageSummary } from '../../api-types/summary';
import { parseReference, familiarString } from '../../formats/reference';
import { boolParam, filtersParam, intParam, json, jsonLine, type Reply, type StreamSink } from '../reply';
import type { Route } from '../router';

const errorLine = (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  return jsonLine({ errorDetail: { message }, error: message });
};

/**
 * Runs `work`, streaming what it reports as JSON lines. Until it reports anything the answer
 * is not decided: if it fails first, that is the answer's status and message.
 */
async function progressStream<T>(work: (report: (line: unknown) => void) => Promise<T>, finish: (result: T, sink: StreamSink) => void): Promise<Reply> {
  const early: unknown[] = [];
  let sink: StreamSink | undefined;
  let firstReport!: () => void;
  const reported = new Promise<void>((resolve) => (firstReport = resolve));
  const report = (line: unknown) => {
    if (sink) sink.write(jsonLine(line));
    else early.push(line);
    firstReport();
  };
  const running = work(report);
  const outcome = await Promise.race([running.then(() => 'done' as const, () => 'failed' as const), reported.then(() => 'reported' as const)]);
  if (outcome === 'failed' && early.length === 0) await running; // throws: the route answers the error
  return {
    kind: 'stream',
    status: 200,
    contentType: 'application/json',
    logged: true,
    stream: async (s) => {
      sink = s;
      for (const line of early.splice(0)) s.write(jsonLine(line));
      try {
        finish(await running, s);
      } catch (error) {
        s.write(errorLine(error));
      }
    },
  };
}

/** A pull's progress line as dockerd writes it (`progressDetail` on the per-layer ones). */
const pullLine = (p: PullProgress) => (p.status.startsWith('Pulling from') ? { status: p.status, id: p.id } : { status: p.status, progressDetail: {}, id: p.id });

/** X-Registry-Auth: base64url JSON with a username and password, or an identity token. */
async function identityToken(daemon: Daemon, header: string | undefined): Promise<string | undefined> {
  if (!header) return undefined;
  let auth: { username?: string; password?: string; identitytoken?: string; IdentityToken?: string };
  try {
    auth = JSON.parse(atob(header.replace(/-/g, '+').replace(/_/g, '/'))) as typeof auth;
  } catch {
    return undefined;
  }
  const token = auth.identitytoken || auth.IdentityToken;
  if (token) return token;
  if (auth.username && auth.password) return (await daemon.auth(auth.username, auth.password)).IdentityToken;
  return undefined;
}

/**
 * The daemon's BuildKit-shaped events as the classic builder's stream (`Step 1/3 : FROM busybox`):
 * every instruction is a numbered step there, also those BuildKit gives no vertex (ENV, CMD…),
 * so each vertex first numbers the instructions before it; `rest` numbers those after the last.
 */
function classicBuildLines(report: (line: unknown) => void, dockerfile: string): { event: (e: BuildEvent) => void; rest: () => void } {
  let steps: Array<{ kind: string; text: string }> = [];
  try {
    const parsed = parseDockerfile(dockerfile);
    steps = [...parsed.globalArgs, ...parsed.stages.flatMap((stage) => [stage.from, ...stage.instructions])].map((i) => ({ kind: i.kind, text: i.original }));
  } catch {
    // The build itself reports what is wrong with the file.
  }
  let next = 0;
  let current = '';
  const numberUpTo = (kind: string | undefined) => {
    while (next < steps.length) {
      const step = steps[next++]!;
      current = step.kind;
      report({ stream: `Step ${next}/${steps.length} : ${step.text}\n` });
      if (step.kind === kind) return;
    }
  };
  return {
    event: (e) => {
      if (e.kind === 'vertex') {
        const m = /^\[(?:[^\]]* )?\d+\/\d+\] (\w+)/.exec(e.name);
        if (m && steps.slice(next).some((s) => s.kind === m[1]!.toUpperCase())) numberUpTo(m[1]!.toUpperCase());
      } else if (e.kind === 'cached' && current !== 'FROM') report({ stream: ' ---> Using cache\n' });
      else if (e.kind === 'output') report({ stream: `${e.line}\n` });
    },
    rest: () => numberUpTo(undefined),
  };
}

export const imageRoutes: Route[] = [
  {
    method: 'GET',
    path: '/images/json',
    handler: async ({ daemon, req }) => {
      const filters = filtersParam(req);
      const images = (await daemon.imageList()).filter((i) =>
        filters.every(([k, v]) => {
          if (k === 'dangling') return (v === 'true' || v === '1') === (i.repoTags.length === 0);
          if (k === 'reference') return i.repoTags.some((t) => t === v || t.split(':')[0] === v || (!v.includes(':') && t.startsWith(`${v}:`)));
          if (k === 'label') return v.split('=')[0]! in (i.config.config.Labels ?? {});
          throw new ApiError(400, `invalid filter '${k}'`);
        }),
      );
      return json(200, images.map((i) => imageSummary(i)));
    },
  },
  {
    method: 'POST',
    path: '/images/create',
    handler: async ({ daemon, req }) => {
      const fromImage = req.query.get('fromImage');
      const tag = req.query.get('tag') ?? '';
      if (fromImage) {
        const reference = tag ? `${fromImage}${tag.startsWith('sha256:') ? '@' : ':'}${tag}` : fromImage;
        return progressStream(
          (report) => daemon.imageCreate(reference, (p) => report(pullLine(p))),
          (result, sink) => {
            const name = familiarString(parseReference(reference));
            sink.write(jsonLine({ status: `Digest: ${result.digest}` }));
            sink.write(jsonLine({ status: result.downloaded ? `Status: Downloaded newer image for ${name}` : `Status: Image is up to date for ${name}` }));
          },
        );
      }
      if (req.query.get('fromSrc') === '-') {
        const repo = req.query.get('repo') ?? '';
        const reference = repo ? (tag ? `${repo}:${tag}` : repo) : undefined;
        const changes = req.query.getAll('changes');
        const image = await daemon.imageImport(req.body, reference, { ...(req.query.get('message') ? { message: req.query.get('message')! } : {}), changes });
        return { kind: 'bytes', status: 200, contentType: 'application/json', body: jsonLine({ status: image.id }) };
      }
      throw new ApiError(400, 'fromImage or fromSrc is required');
    },
  },
  { method: 'GET', path: '/images/get', handler: async ({ daemon, req }) => ({ kind: 'bytes', status: 200, contentType: 'application/x-tar', body: await daemon.imageSave(req.query.getAll('names')) }) },
  {
    method: 'POST',
    path: '/images/load',
    handler: async ({ daemon, req }) => {
      const loaded = await daemon.imageLoad(req.body);
      const body = loaded.map((l) => jsonLine({ stream: `${l}\n` }));
      return { kind: 'bytes', status: 200, contentType: 'application/json', body: concat(body) };
    },
  },
  {
    method: 'GET',
    path: '/images/search',
    handler: async ({ daemon, req }) => {
      const limit = intParam(req, 'limit', 25);
      const found = await daemon.imageSearch(req.query.get('term') ?? '');
      return json(200, found.slice(0, limit).map((r) => ({ ...r, is_automated: false })));
    },
  },
  {
    method: 'POST',
    path: '/images/prune',
    handler: async ({ daemon, req }) => json(200, await daemon.imagePrune(filtersParam(req).some(([k, v]) => k === 'dangling' && ['false', '0'].includes(v)))),
  },
  { method: 'GET', path: '/images/{name*}/json', handler: async ({ daemon, params }) => json(200, imageJson(await daemon.imageInspect(params.name!))) },
  {
    method: 'GET',
    path: '/images/{name*}/history',
    handler: async ({ daemon, params }) => {
      const image = await daemon.imageHistory(params.name!);
      const history = [...(image.config.history ?? [])].reverse();
      const layers = [...image.layers].reverse();
      let layer = 0;
      return json(
        200,
        history.map((h, i) => ({
          Id: i === 0 ? image.id : '<missing>',
          Created: h.created ? Math.floor(Date.parse(h.created) / 1000) : 0,
          CreatedBy: h.created_by ?? '',
          Tags: i === 0 ? image.repoTags : null,
          Size: h.empty_layer ? 0 : (layers[layer++]?.size ?? 0),
          Comment: h.comment ?? '',
        })),
      );
    },
  },
  { method: 'GET', path: '/images/{name*}/get', handler: async ({ daemon, params }) => ({ kind: 'bytes', status: 200, contentType: 'application/x-tar', body: await daemon.imageSave([params.name!]) }) },
  {
    method: 'POST',
    path: '/images/{name*}/tag',
    handler: async ({ daemon, params, req }) => {
      const repo = req.query.get('repo') ?? '';
      const tag = req.query.get('tag') ?? '';
      await daemon.imageTag(params.name!, tag ? `${repo}:${tag}` : repo);
      return { kind: 'bytes', status: 201, body: '' };
    },
  },
  {
    method: 'POST',
    path: '/images/{name*}/push',
    handler: async ({ daemon, params, req }) => {
      const tag = req.query.get('tag') ?? '';
      const reference = tag ? `${params.name}:${tag}` : params.name!;
      const token = await identityToken(daemon, req.headers.get('x-registry-auth'));
      let repo: string;
      try {
        const ref = parseReference(reference);
        repo = `${ref.domain}/${ref.path}`;
      } catch (error) {
        throw new ApiError(400, (error as Error).message);
      }
      return progressStream(
        async (report) => {
          report({ status: `The push refers to repository [${repo}]` });
          return daemon.imagePush(reference, token, (p) => report({ status: p.status, progressDetail: {}, id: p.id }));
        },
        (result, sink) => {
          sink.write(jsonLine({ status: `${result.tag}: digest: ${result.digest} size: ${result.size}` }));
          sink.write(jsonLine({ progressDetail: {}, aux: { Tag: result.tag, Digest: result.digest, Size: result.size } }));
        },
      );
    },
  },
  {
    method: 'DELETE',
    path: '/images/{name*}',
    handler: async ({ daemon, params, req }) => json(200, await daemon.imageDelete(params.name!, boolParam(req, 'force'))),
  },
  {
    method: 'POST',
    path: '/build',
    handler: async ({ daemon, req }) => {
      let context;
      try {
        context = readTar(req.body);
      } catch (error) {
        throw new ApiError(400, `failed to read the build context: ${(error as Error).message}`);
      }
      const dockerfileName = req.query.get('dockerfile') || 'Dockerfile';
      const file = context.find((e) => e.path.replace(/^\.\//, '') === dockerfileName.replace(/^\.\//, ''));
      if (file?.type !== 'file') throw new ApiError(500, `Cannot locate specified Dockerfile: ${dockerfileName}`);
      const dockerfile = new TextDecoder().decode(file.data);
      const jsonParam = (name: string): Record<string, string> => {
        const raw = req.query.get(name);
        if (!raw) return {};
        try {
          return JSON.parse(raw) as Record<string, string>;
        } catch (error) {
          throw new ApiError(400, `invalid ${name}: ${(error as Error).message}`);
        }
      };
      const buildArgs = jsonParam('buildargs');
      const labels = jsonParam('labels');
      const tags = req.query.getAll('t');
      const quiet = boolParam(req, 'q');
      let lines: ReturnType<typeof classicBuildLines> | undefined;
      return progressStream(
        (report) => {
          lines = classicBuildLines(quiet ? () => {} : report, dockerfile);
          return daemon.build(
            {
              context,
              dockerfile,
              dockerfileName: dockerfileName.split('/').pop()!,
              tags,
              buildArgs,
              ...(req.query.get('target') ? { target: req.query.get('target')! } : {}),
              noCache: boolParam(req, 'nocache'),
              labels,
            },
            lines.event,
          );
        },
        (image, sink) => {
          lines?.rest();
          sink.write(jsonLine({ aux: { ID: image.id } }));
          if (quiet) sink.write(jsonLine({ stream: `${image.id}\n` }));
          else {
            sink.write(jsonLine({ stream: `Successfully built ${image.id.slice(7, 19)}\n` }));
            for (const t of tags) sink.write(jsonLine({ stream: `Successfully tagged ${familiarString(parseReference(t))}\n` }));
          }
        },
      ).catch((error) => {
        // A build that fails before any step ran is still answered as a stream by dockerd's
        // classic builder (the CLI prints the message and exits 1).
        if (error instanceof BuildError) return { kind: 'bytes', status: 200, contentType: 'application/json', body: errorLine(error) } satisfies Reply;
        throw error;
      });
    },
  },
];

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
