// The postMessage API of an embedded lab, for the course page around it.
//
// Who may drive it: an *ephemeral* lab (app/lab-connection.ts: a demo, or an embed that cannot
// keep storage or have the saved lab) holds nothing of the learner's (no saved images,
// containers or files; it is gone when the page closes), so the page that embeds it may drive
// it, whatever its origin: it could as well have embedded a page of its own. The learner's
// saved lab is theirs across sites: only origins on the allow-list (public/embed.json, and the
// lab's own origin) may type into it or read it, so a page the learner visits cannot. A message
// refused for that reason is said once per origin in the console, with how to allow it.
//
//   in:  { type: 'drydock:run', command }            types a command into the terminal
//        { type: 'drydock:state', id }               → { type: 'drydock:state', id, state }
//        { type: 'drydock:check', id, checks }       → { type: 'drydock:check', id, results }
//        { type: 'drydock:lesson', id, text, files } shows that lesson (lesson.md's text; files:
//                                                    name in its front matter → content)
//                                                    → { type: 'drydock:lesson', id, title }
//   out: { type: 'drydock:ready' }, { type: 'drydock:api', call },
//        { type: 'drydock:step-done', lesson, step }, { type: 'drydock:lesson-done', lesson }
//   errors: → { type: 'drydock:error', id, message }
// Only the embedding page (window.parent) is listened to, and events go only to its origin.
import type { ApiCall, LessonCheck } from '../engine/api';
import type { LabConnection } from './lab-connection';

export interface EmbedApi {
  ready(): void;
  api(call: ApiCall): void;
  stepDone(lesson: string, step: string): void;
  lessonDone(lesson: string): void;
  stop(): void;
}

export interface EmbedHandlers {
  /** Types a command into the learner's terminal. */
  run(command: string): void;
  /** Shows a lesson sent by the page; returns its title, throws a format error (with its line). */
  lesson(text: string, files: Record<string, string>): string;
}

export async function startEmbedApi(lab: LabConnection, handlers: EmbedHandlers): Promise<EmbedApi> {
  const config = (await fetch(new URL('embed.json', document.baseURI)).then((r) => (r.ok ? r.json() : {}), () => ({})).catch(() => ({}))) as { allowedOrigins?: string[] };
  const allowed = new Set([location.origin, ...(config.allowedOrigins ?? [])]);
  // Whether the lab is the saved one is known once it opens (a storage probe, a lock).
  await lab.decided;
  const mayDrive = (origin: string) => allowed.has(origin) || lab.ephemeral;
  // Where events go: the embedding page (its origin is in document.referrer), if it may drive.
  let parentOrigin: string | null = null;
  try {
    const origin = document.referrer ? new URL(document.referrer).origin : null;
    if (origin && origin !== 'null') parentOrigin = origin;
  } catch {
    parentOrigin = null;
  }
  const post = (message: unknown) => {
    if (parentOrigin && mayDrive(parentOrigin) && window.parent !== window) window.parent.postMessage(message, parentOrigin);
  };
  const warned = new Set<string>();
  const refuse = (origin: string) => {
    if (warned.has(origin)) return;
    warned.add(origin);
    console.warn(
      `Drydock: ignored a message from ${origin}: this embed runs the learner's saved lab, which only pages on its allow-list may drive. ` +
        `To allow this page, add "${origin}" to allowedOrigins in embed.json beside embed.html (public/embed.json in Drydock's source). ` +
        `An embed that runs an ephemeral lab (a demo, or where the browser blocks the frame's storage) takes messages from any page that embeds it.`,
    );
  };
  const onMessage = async (event: MessageEvent) => {
    const data = event.data as { type?: unknown; id?: unknown; command?: unknown; checks?: unknown; text?: unknown; files?: unknown };
    if (event.source !== window.parent || typeof data?.type !== 'string' || !data.type.startsWith('drydock:')) return;
    if (!mayDrive(event.origin)) return refuse(event.origin);
    parentOrigin = event.origin;
    const reply = (message: object) => (event.source as Window).postMessage({ ...message, id: data.id }, event.origin);
    try {
      if (data.type === 'drydock:run' && typeof data.command === 'string') handlers.run(data.command);
      else if (data.type === 'drydock:state') reply({ type: 'drydock:state', state: await lab.labState() });
      else if (data.type === 'drydock:check' && Array.isArray(data.checks)) reply({ type: 'drydock:check', results: await lab.check(data.checks as LessonCheck[]) });
      else if (data.type === 'drydock:lesson' && typeof data.text === 'string') reply({ type: 'drydock:lesson', title: handlers.lesson(data.text, textFiles(data.files)) });
      else reply({ type: 'drydock:error', message: `${data.type}: not a message Drydock knows, or its fields are missing (see README, Embedding)` });
    } catch (error) {
      reply({ type: 'drydock:error', message: (error as Error).message });
    }
  };
  window.addEventListener('message', onMessage);
  return {
    ready: () => post({ type: 'drydock:ready' }),
    api: (call) => post({ type: 'drydock:api', call }),
    stepDone: (lesson, step) => post({ type: 'drydock:step-done', lesson, step }),
    lessonDone: (lesson) => post({ type: 'drydock:lesson-done', lesson }),
    stop: () => window.removeEventListener('message', onMessage),
  };
}

/** A message's starting files: only text, by name. */
function textFiles(files: unknown): Record<string, string> {
  if (files === undefined) return {};
  if (!files || typeof files !== 'object' || Array.isArray(files) || !Object.values(files).every((v) => typeof v === 'string')) {
    throw new Error('drydock:lesson: files is an object of file name → text');
  }
  return files as Record<string, string>;
}
