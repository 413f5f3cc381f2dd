// Drydock's offline service worker: after a first visit, the lab opens without a network.
// Installing, it fetches what offline-manifest.json lists (the build, the guest image, the
// built-in registry: written by vite.config.ts). Then every same-origin GET goes to the network
// when there is one — so a new deploy is picked up at once — and the cache, kept up to date by
// those answers, answers when there is none. (Published ports under preview/ belong to
// preview-sw.js, whose narrower scope wins.)
const CACHE = 'drydock-offline-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const manifest = await fetch('offline-manifest.json').then((r) => (r.ok ? r.json() : { files: [] }));
      // One by one, so that one missing file does not lose the rest.
      for (const file of manifest.files) {
        const url = new URL(file, self.registration.scope).href;
        try {
          const response = await fetch(url, { cache: 'no-cache' });
          if (response.ok) await cache.put(url, response);
        } catch {
          // Offline already: whatever the page fetches later is cached then.
        }
      }
      await self.skipWaiting();
    })(),
  );
});
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // A byte range cannot be cached as such; the browser asks again when it is online.
  if (request.headers.has('range')) return;
  event.respondWith(networkThenCache(request, url));
});

async function networkThenCache(request, url) {
  const cache = await caches.open(CACHE);
  // Pages are cached without their query (?lesson=…), so any lesson link opens offline.
  const key = request.mode === 'navigate' ? url.origin + url.pathname : request;
  try {
    const response = await fetch(request);
    if (response.status === 200 && response.type === 'basic') await cache.put(key, response.clone()).catch(() => {});
    return response;
  } catch (error) {
    // ignoreVary: a file cached at install (no Origin header) answers a module script's request
    // (with one) even where the server said "Vary: Origin".
    const cached = (await cache.match(key, { ignoreVary: true })) ?? (request.mode === 'navigate' && url.pathname.endsWith('/') ? await cache.match(`${key}index.html`, { ignoreVary: true }) : undefined);
    if (cached) return cached;
    throw error;
  }
}
