// Registers the offline service worker (public/offline-sw.js) in a built site, so that the lab
// opens without a network after the first visit. The page calls it once the lab is ready: the
// worker's install downloads the app, the guest and the built-in registry (~20 MB) again, and
// that must not compete with the first boot. Not in development: Vite serves modules there.
export function keepForOffline(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register(new URL('offline-sw.js', document.baseURI), { scope: new URL('./', document.baseURI).pathname }).catch((error: Error) => {
    console.warn('drydock: the offline cache is off:', error.message);
  });
}
