// The postMessage API of an embedded lab, for the course page around it. Messages are only
// taken from, and events only sent to, origins on the allow-list (public/embed.json, and the
// lab's own origin): another page cannot type into a learner's lab.
//   in:  { type: 'drydock:run', command }            types a command into the terminal
//        { type: 'drydock:state', id }               → { type: 'drydock:state', id, state }
//        { type: 'drydock:check', id, checks }       → { type: 'drydock:check', id, results }
//   out: { type: 'drydock:ready' }, { type: 'drydock:api', call }, { type: 'drydock:step-done', lesson, step }
import type { ApiCall, LessonCheck } from '../engine/api';
import type { LabConnection } from './lab-connection';

export interface EmbedApi {
  ready(): void;
  api(call: ApiCall): void;
  stepDone(lesson: string, step: string): void;
  stop(): void;
}

export async function startEmbedApi(lab: LabConnection, run: (command: string) => void): Promise<EmbedApi> {
  const config = (await fetch(new URL('embed.json', document.baseURI)).then((r) => (r.ok ? r.json() : {}), () => ({})).catch(() => ({}))) as { allowedOrigins?: string[] };
  const allowed = new Set([location.origin, ...(config.allowedOrigins ?? [])]);
  // Where events go: the embedding page, if it is allowed (its origin is in document.referrer).
  let parentOrigin: string | null = null;
  try {
    const origin = document.referrer ? new URL(document.referrer).origin : null;
    if (origin && allowed.has(origin)) parentOrigin = origin;
  } catch {
    parentOrigin = null;
  }
  const post = (message: unknown) => {
    if (parentOrigin && window.parent !== window) window.parent.postMessage(message, parentOrigin);
  };
  const onMessage = async (event: MessageEvent) => {
    if (!allowed.has(event.origin) || event.source !== window.parent) return;
    parentOrigin = event.origin;
    const data = event.data as { type?: string; id?: unknown; command?: unknown; checks?: unknown };
    const reply = (message: object) => (event.source as Window).postMessage({ ...message, id: data.id }, event.origin);
    try {
      if (data.type === 'drydock:run' && typeof data.command === 'string') run(data.command);
      else if (data.type === 'drydock:state') reply({ type: 'drydock:state', state: await lab.labState() });
      else if (data.type === 'drydock:check' && Array.isArray(data.checks)) reply({ type: 'drydock:check', results: await lab.check(data.checks as LessonCheck[]) });
    } catch (error) {
      reply({ type: 'drydock:error', message: (error as Error).message });
    }
  };
  window.addEventListener('message', onMessage);
  return {
    ready: () => post({ type: 'drydock:ready' }),
    api: (call) => post({ type: 'drydock:api', call }),
    stepDone: (lesson, step) => post({ type: 'drydock:step-done', lesson, step }),
    stop: () => window.removeEventListener('message', onMessage),
  };
}
