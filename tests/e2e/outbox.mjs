// The tablet's outbox, filled straight in IndexedDB: what a day (or a
// week) of interviews leaves waiting, without typing it all. Shared by the
// sync tests and the sync benchmark.

import { within } from './harness.mjs';

/**
 * `count` more finalized responses on the tablet, cloned from one it
 * finalized through the form, with fresh UUID v7 instance ids and, when
 * `field` names a top-level text question, its answer set to
 * `${prefix} 0..`; written in one transaction.
 */
export async function cloneFinalized(page, count, prefix, field = 'village') {
  return within(60_000, `writing ${count} responses`, page.evaluate(async ({ count, prefix, field }) => {
    const request = (r) => new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const db = await request(indexedDB.open('fieldform'));
    const all = await request(db.transaction('responses').objectStore('responses').getAll());
    const template = all.find((r) => r.submission);
    if (!template) throw new Error('no finalized response to clone');
    const uuid = (i) => {
      const b = crypto.getRandomValues(new Uint8Array(16));
      const ms = Date.now() + i;
      for (let k = 0; k < 6; k++) b[k] = Math.floor(ms / 2 ** (8 * (5 - k))) & 0xff;
      b[6] = 0x70 | (b[6] & 0x0f);
      b[8] = 0x80 | (b[8] & 0x3f);
      const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    };
    const tx = db.transaction('responses', 'readwrite');
    const now = Date.now();
    for (let i = 0; i < count; i++) {
      const r = structuredClone(template);
      const id = uuid(i);
      r.instance_id = id;
      r.draft.instance_id = id;
      r.submission.instance_id = id;
      if (field) {
        r.submission.answers[field] = `${prefix} ${i}`;
        r.draft.answers[field] = `${prefix} ${i}`;
      }
      r.state = 'finalized';
      delete r.sync;
      r.updated = now + i;
      r.finalized = now + i;
      tx.objectStore('responses').put(r);
    }
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, { count, prefix, field }));
}

