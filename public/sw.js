// Fieldform's service worker: keeps the app shell available offline.
//
// PRECACHE and VERSION are filled in after each build by tools/precache.mjs
// (Trunk's post_build hook), because Trunk hashes file names. A new build
// means a new VERSION, so devices fetch the new shell and drop the old one.
//
// A new version installs in the background and then waits: it takes over
// only when the page posts {type: 'skip-waiting'}, which the app does when
// the enumerator chooses to reload (never in the middle of an interview).
// The first install has no version to wait for and activates at once.
const PRECACHE = self.__PRECACHE__ ?? [];
const VERSION = self.__VERSION__ ?? 'dev';
const CACHE = `fieldform-shell-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)),
  );
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'skip-waiting') {
    self.skipWaiting();
  }
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('fieldform-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // The API is never served from this cache: answers and forms have their own storage.
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) {
    return;
  }
  if (request.mode === 'navigate') {
    // Network first, so a reachable server always gives the current app;
    // the cached shell when offline.
    event.respondWith(fetch(request).catch(() => caches.match('/index.html', { cacheName: CACHE })));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
});
