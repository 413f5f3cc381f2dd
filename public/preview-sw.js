// Drydock's preview service worker. Requests under <app>/preview/<lab>/<port>/… are what a
// container serves on a published port of the lab machine: they go to the page that owns
// that lab (over a BroadcastChannel), which relays them into the guest and posts the answer
// back. Nothing is cached here.
const CHANNEL = 'drydock-preview';
const TIMEOUT_MS = 30000;
const channel = new BroadcastChannel(CHANNEL);
const pending = new Map();
let nextId = 1;

channel.onmessage = (event) => {
  const message = event.data;
  if (!message || message.type !== 'response') return;
  const resolve = pending.get(message.id);
  if (resolve) {
    pending.delete(message.id);
    resolve(message);
  }
};

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  const scope = new URL(self.registration.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  const match = /^([\w-]+)\/(\d+)(\/.*)?$/.exec(url.pathname.slice(scope.pathname.length));
  if (!match) return;
  const [, lab, port, path] = match;
  event.respondWith(relay(event.request, lab, Number(port), (path || '/') + url.search, `${scope.pathname}${lab}/${port}`));
});

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// A server that is still starting (nginx a moment after `docker run -d`) shows up by itself:
// the error page asks again every few seconds.
function errorPage(status, title, detail) {
  const body = `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>${escapeHtml(title)}</title>` +
    `<body style="font-family:system-ui,sans-serif;padding:1.5rem"><h1 style="font-size:1.2rem">${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p>` +
    '<p>Trying again every 3 seconds.</p></body>';
  return new Response(body, { status, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}

async function relay(request, lab, port, path, prefix) {
  const id = `${Date.now()}-${nextId++}`;
  const body = ['GET', 'HEAD'].includes(request.method) ? undefined : new Uint8Array(await request.arrayBuffer());
  const headers = [];
  request.headers.forEach((value, name) => headers.push([name, value]));
  const answer = new Promise((resolve) => {
    pending.set(id, resolve);
    setTimeout(() => {
      if (pending.delete(id)) resolve({ id, timeout: true });
    }, TIMEOUT_MS);
  });
  channel.postMessage({ type: 'request', id, lab, port, method: request.method, path, headers, body });
  const message = await answer;
  if (message.timeout) return errorPage(504, `Port ${port} did not answer`, 'The lab page did not relay this request in time. Is the Drydock tab that opened this preview still open?');
  if (message.error) return errorPage(502, `Nothing answers on port ${port} in the lab yet`, message.error);
  const out = new Headers();
  for (const [name, value] of message.headers) {
    // A redirect to the guest's own address stays inside the preview.
    if (name.toLowerCase() === 'location') {
      out.append(name, value.replace(new RegExp(`^https?://(localhost|127\\.0\\.0\\.1)(:${port})?`), '').replace(/^\//, `${prefix}/`));
    } else {
      try {
        out.append(name, value);
      } catch {
        // A header the browser will not let a service worker set: left out.
      }
    }
  }
  const empty = request.method === 'HEAD' || [101, 204, 205, 304].includes(message.status);
  return new Response(empty ? null : message.body, { status: message.status, statusText: message.statusText, headers: out });
}
