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
  // The coordinators' console (its own document and build under /console/)
  // is online only and not precached: straight to the network, never the
  // enumerator's shell in its place.
  if (url.pathname === '/console' || url.pathname.startsWith('/console/')) {
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

// ---------------------------------------------------------------------------
// Background Sync: the browser wakes this worker when the network is back
// (the app registers the tag 'fieldform-outbox' when responses wait). If
// the app is open, it syncs itself (with its Rust code); otherwise this
// drains the outbox the same way, so responses leave even when the app is
// closed. Same rules as app/src/sync: one run at a time (the Web Lock
// 'fieldform-sync' shared with the app), only a JSON receipt naming each
// instance marks it sent, a record changed meanwhile is never overwritten.
// A failure rejects, so the browser tries again later.

self.addEventListener('sync', (event) => {
  if (event.tag !== 'fieldform-outbox') return;
  event.waitUntil(syncOutbox());
});

async function syncOutbox() {
  // Only the enumerator's app syncs itself: a console page (its own
  // document, /console/) runs no sync and would leave the outbox waiting.
  const windows = (await self.clients.matchAll({ type: 'window' }))
    .filter((client) => !new URL(client.url).pathname.startsWith('/console/'));
  if (windows.length > 0) {
    for (const client of windows) client.postMessage({ type: 'sync' });
    return;
  }
  const locks = self.navigator.locks;
  const run = () => drainOutbox();
  if (!locks) return run();
  // Waits for a run under way (a page closing, another worker) to end,
  // then drains what is left; gives up after a minute so the browser
  // retries later.
  await locks.request('fieldform-sync', { signal: AbortSignal.timeout(60_000) }, run);
}

function idbRequest(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function idbDone(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    tx.onerror = () => reject(tx.error);
  });
}

async function drainOutbox() {
  // Opened without a version: never creates or upgrades the app's schema.
  const db = await idbRequest(indexedDB.open('fieldform'));
  try {
    if (!db.objectStoreNames.contains('responses') || !db.objectStoreNames.contains('settings')) return;
    const read = db.transaction(['responses', 'settings'], 'readonly');
    const credential = await idbRequest(read.objectStore('settings').get('credential'));
    if (!credential || credential.refused) return;
    const queued = (await idbRequest(read.objectStore('responses').index('by_state').getAll('finalized')))
      .filter((r) => r.submission)
      .sort((a, b) => (a.finalized ?? a.updated) - (b.finalized ?? b.updated));
    if (queued.length === 0) return;
    const auth = { authorization: `Bearer ${credential.token}` };
    const me = await fetch('/api/me', { headers: auth });
    if (!isJson(me)) throw new Error(`not the Fieldform server (${me.status})`);
    if (me.status === 401) {
      credential.refused = (await me.json()).error?.message ?? 'refused';
      const tx = db.transaction('settings', 'readwrite');
      tx.objectStore('settings').put(credential, 'credential');
      await idbDone(tx);
      return;
    }
    if (!me.ok) throw new Error(`the server answered ${me.status}`);
    const maxBatch = Math.max(1, (await me.json()).limits?.max_batch ?? 50);
    for (let start = 0; start < queued.length; start += maxBatch) {
      await sendBatch(db, auth, queued.slice(start, start + maxBatch));
    }
  } finally {
    db.close();
  }
}

function isJson(response) {
  return (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}

async function sendBatch(db, auth, records) {
  const submissions = records.map((r) => (r.sync?.correction ? { ...r.submission, corrects: r.instance_id } : r.submission));
  const response = await fetch('/api/submissions/batch', {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ submissions }),
  });
  if (response.status !== 200 || !isJson(response)) throw new Error(`no receipt (${response.status})`);
  const reply = await response.json();
  const results = reply.results;
  const named = Array.isArray(results) && results.length === records.length && results.every(
    (item, i) => item.index === i && String(item.instance_id ?? '').toLowerCase() === records[i].instance_id.toLowerCase(),
  );
  if (!named) throw new Error('the reply is not a receipt for this batch');
  const now = Date.now();
  const tx = db.transaction('responses', 'readwrite');
  const store = tx.objectStore('responses');
  records.forEach((sent, i) => {
    const item = results[i];
    const get = store.get(sent.instance_id);
    get.onsuccess = () => {
      const record = get.result;
      // Changed since it was read: leave it to the next run.
      if (!record || record.state !== 'finalized' || record.updated !== sent.updated) return;
      const delivered = ['created', 'duplicate', 'corrected'].includes(item.status) && Number.isInteger(item.revision);
      record.sync = record.sync ?? {};
      if (delivered) {
        record.state = 'sent';
        record.sync.receipt = { revision: item.revision, status: item.status, received_at: reply.received_at ?? now };
        delete record.sync.correction;
        delete record.sync.refusal;
      } else if (item.http_status >= 500 || item.http_status === 429) {
        return;
      } else {
        record.state = 'needs_correction';
        record.sync.refusal = {
          code: item.error?.code ?? '', message: item.error?.message ?? '', fields: item.error?.fields ?? [], at: now,
        };
      }
      store.put(record);
    };
  });
  await idbDone(tx);
}
