// The page's half of the preview: registers the service worker (public/preview-sw.js) that
// turns ./preview/<lab>/<port>/… requests into messages, and answers the messages meant for
// this page's lab by relaying them into the guest. Each page load has its own lab id, so two
// Drydock tabs never answer each other's previews.
import type { PreviewRequest, PreviewResponse } from '../engine/api';

const CHANNEL = 'drydock-preview';

export const labId = Math.random().toString(36).slice(2, 10);

/** Where the preview of a port lives (relative to the app, so any static host path works). */
export function previewUrl(port: number, path = '/'): string {
  return new URL(`preview/${labId}/${port}${path.startsWith('/') ? path : `/${path}`}`, document.baseURI).href;
}

export type PreviewSupport = { ok: true } | { ok: false; reason: string };

/** Registers the preview service worker and waits until it is active. */
export async function registerPreviewWorker(): Promise<PreviewSupport> {
  if (!('serviceWorker' in navigator)) {
    return { ok: false, reason: 'This browser offers no service workers here (they need https or localhost), so the preview cannot reach the lab.' };
  }
  try {
    const registration = await navigator.serviceWorker.register(new URL('preview-sw.js', document.baseURI), { scope: new URL('preview/', document.baseURI).pathname });
    // `serviceWorker.ready` only ever resolves for pages inside the scope, and the app page is
    // not: wait for this registration's worker to be active instead.
    const worker = registration.installing ?? registration.waiting;
    if (!registration.active && worker) {
      await new Promise<void>((resolve, reject) => {
        worker.addEventListener('statechange', () => {
          if (worker.state === 'activated') resolve();
          if (worker.state === 'redundant') reject(new Error('it was replaced before it started'));
        });
      });
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `The preview's service worker could not start: ${(error as Error).message}` };
  }
}

interface RelayRequest extends PreviewRequest {
  type: 'request';
  id: string;
  lab: string;
  port: number;
}

/** Answers the service worker's relay requests for this lab; returns a function that stops. */
export function servePreview(send: (port: number, request: PreviewRequest) => Promise<PreviewResponse>): () => void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = async (event: MessageEvent<RelayRequest>) => {
    const m = event.data;
    if (m?.type !== 'request' || m.lab !== labId) return;
    try {
      const r = await send(m.port, { method: m.method, path: m.path, headers: m.headers, ...(m.body ? { body: m.body } : {}) });
      channel.postMessage({ type: 'response', id: m.id, status: r.status, statusText: r.statusText, headers: r.headers, body: r.body });
    } catch (error) {
      channel.postMessage({ type: 'response', id: m.id, error: (error as Error).message });
    }
  };
  return () => channel.close();
}
