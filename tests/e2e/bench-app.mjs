// `cargo xtask bench-app`: how fast the app is where an enumerator feels
// it, in Debian's headless Chromium against the real server and release
// build: opening a form, answering a question until everything it changes
// is redrawn, moving between sections, and sending a thousand queued
// responses. A generated 3000-question form
// and a 100-question one run in the same browser, so their ratio shows
// whether an answer costs what it changes or what the form holds. Then the
// heavy cases, navigation to GGS's first question and the bytes a tablet
// downloads (bench-heavy.mjs). Prints a markdown section for BENCHMARKS.md
// on stdout.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { ggsFromRosterToEnd, ggsToRoster, fillMember, household } from './ggs.mjs';
import { launchBrowser, present, startServer, storedResponses, until } from './harness.mjs';
import { members } from './interview-helpers.mjs';
import { cloneFinalized } from './outbox.mjs';
import { bundle, heavy, heavyForms, heavySection } from './bench-heavy.mjs';

const DRAIN = 1000;
const EDITS = 300;
const OPENS = 5;
const SAVES = 20;

/** `sections` field-list groups of `per` questions: an integer, questions
 * relevant once it is positive, a running total and a note showing it. */
function generated(id, sections, per) {
  const q = (name, type, extra = {}) => ({ kind: 'question', name, type, label: { en: name }, ...extra });
  const items = [];
  for (let s = 0; s < sections; s++) {
    const p = `s${s}_`;
    const group = [q(`${p}n`, 'integer')];
    for (let i = 1; i < per - 2; i++) {
      group.push(q(`${p}q${i}`, i % 3 === 0 ? 'select_one' : 'integer', {
        relevant: `${p}n`.length ? `\${${p}n} > 0` : undefined,
        ...(i % 3 === 0 ? { choices: 'yn' } : { constraint: '. >= 0' }),
      }));
    }
    group.push(q(`${p}total`, 'calculate', { calculation: `\${${p}n} * 2` }));
    group.push(q(`${p}note`, 'note', { label: { en: `Total: \${${p}total}` } }));
    items.push({ kind: 'group', name: `sec${s}`, label: { en: `Section ${s + 1}` }, appearance: 'field-list', items: group });
  }
  return {
    format: 1, id, version: '1', title: { en: id },
    languages: [{ code: 'en', name: 'English' }], default_language: 'en',
    choices: { yn: [{ name: 'yes', label: { en: 'Yes' } }, { name: 'no', label: { en: 'No' } }] },
    items,
  };
}

/** Median time from navigation to the first page drawn. */
async function opening(page, url, form) {
  const opens = [];
  for (let i = 0; i < OPENS; i++) {
    await page.goto('about:blank');
    await page.goto(`${url}/#/forms/${form.id}/${form.version}`);
    await page.locator('.page .question').first().waitFor({ timeout: 60_000 });
    opens.push(await page.evaluate(() => performance.now()));
  }
  opens.sort((a, b) => a - b);
  return opens[Math.floor(opens.length / 2)];
}

async function measure(browser, url, form) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const open = await opening(page, url, form);
  // Answer the first question of section 1 again and again; each time wait
  // until the note showing its double is redrawn.
  const edit = await page.evaluate(async ({ edits, name }) => {
    const input = document.querySelector(`[data-name="${name}_n"] input`);
    const note = () => document.querySelector(`[data-name="${name}_note"] .label`)?.textContent;
    // Resolves as soon as the note shows `want` (observed, not polled).
    const settle = (want) => new Promise((resolve, reject) => {
      if (note() === want) return resolve();
      const observer = new MutationObserver(() => {
        if (note() === want) {
          observer.disconnect();
          clearTimeout(timer);
          resolve();
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error(`note shows ${note()}, expected ${want}`));
      }, 10_000);
    });
    const times = [];
    for (let i = 1; i <= edits; i++) {
      const start = performance.now();
      input.value = String(i % 50 + 1);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await settle(`Total: ${(i % 50 + 1) * 2}`);
      times.push(performance.now() - start);
    }
    // Mean, not median: performance.now() is clamped to 0.1 ms here.
    return times.reduce((a, b) => a + b, 0) / times.length;
  }, { edits: EDITS, name: form.items[0].items[0].name.replace(/_n$/, '') });
  const sections = await page.locator('.section-link').count();
  const switches = await page.evaluate(async (count) => {
    const times = [];
    for (let i = 1; i < Math.min(count, 21); i++) {
      const start = performance.now();
      const drawn = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (document.querySelector(`.page[data-page="${i}"] .question`)) {
            observer.disconnect();
            resolve();
          }
        });
        observer.observe(document.body, { subtree: true, childList: true });
      });
      document.querySelector(`.section-link[data-page="${i}"]`).click();
      await drawn;
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  }, sections);
  const save = await saving(context, url, form);
  await context.close();
  return { open, edit, switches, save };
}

/** Every question of the form answered, as a stored draft. */
function filledDraft(form, instanceId) {
  const answers = {};
  for (const group of form.items) {
    const g = {};
    for (const q of group.items) {
      if (q.type === 'integer') g[q.name] = '7';
      if (q.type === 'select_one') g[q.name] = 'yes';
    }
    answers[group.name] = g;
  }
  const now = Date.now();
  return {
    instance_id: instanceId, form_id: form.id, form_version: form.version, state: 'draft', page: 1,
    created: now, updated: now,
    draft: {
      format: 1, instance_id: instanceId, form_id: form.id, form_version: form.version,
      started: '2026-11-30T09:00:00.000+00:00', language: 'en', answers,
    },
  };
}

/** The autosave an answer causes, on a response with every question
 * answered (the app reports each save's cost in window.__fieldformSave). */
async function saving(context, url, form) {
  const page = await context.newPage();
  await page.goto(`${url}/#/`);
  await page.locator('.home').waitFor({ timeout: 60_000 });
  const id = `018d0cab-c440-7000-8000-${String(form.items.length).padStart(12, '0')}`;
  const record = filledDraft(form, id);
  await page.evaluate((record) => new Promise((resolve, reject) => {
    const open = indexedDB.open('fieldform');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('responses', 'readwrite');
      tx.objectStore('responses').put(record);
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }), record);
  await page.goto(`${url}/#/responses/${id}`);
  await page.locator('.page .question input').first().waitFor({ timeout: 60_000 });
  const result = await page.evaluate(async (saves) => {
    const input = document.querySelector('.page .question input[inputmode="numeric"]');
    const build = [];
    const write = [];
    for (let i = 1; i <= saves; i++) {
      window.__fieldformSave = undefined;
      input.value = String(100 + i);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const deadline = performance.now() + 5_000;
      while (!window.__fieldformSave) {
        if (performance.now() > deadline) throw new Error('no save reported within 5 s of an answer');
        await new Promise((r) => setTimeout(r, 20));
      }
      build.push(window.__fieldformSave.build);
      write.push(window.__fieldformSave.write);
    }
    const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return { build: median(build), write: median(write) };
  }, SAVES);
  await page.close();
  return result;
}

/**
 * Sync: a tablet enrolled with a device token, one GGS household filled in
 * through the app (five members) and finalized offline, cloned to DRAIN
 * queued responses; then the network comes back. Measured from the
 * `online` event to the last one marked sent in IndexedDB, with what the
 * server stored checked.
 */
async function draining(browser, url, admin) {
  const call = async (path, token, body) => {
    const response = await fetch(`${url}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const { token: coordinator } = await call('/api/sessions', null, admin);
  const device = await call('/api/device-tokens', coordinator, { label: 'bench tablet', forms: ['ggs_household'] });
  const context = await browser.newContext({ locale: 'ro-MD' });
  const page = await context.newPage();
  await page.goto(`${url}/#/provision?token=${device.token}`);
  await page.locator('.provision .enrolled').waitFor({ timeout: 60_000 });
  await page.click('.provision .continue');
  await page.locator('.form-entry[data-form-id=ggs_household] .form-offline').waitFor({ timeout: 60_000 });
  await context.setOffline(true);
  await page.click('.form-entry[data-form-id=ggs_household] a.form-title');
  await page.locator('article.form').waitFor({ timeout: 60_000 });
  await ggsToRoster(page);
  await page.fill('[data-name=hh_others] input', String(household.length));
  await present(members(page), 'five roster cards', { count: household.length });
  for (let i = 0; i < household.length; i += 1) await fillMember(page, i, household[i]);
  await ggsFromRosterToEnd(page);
  await page.click('section.finalized a.home');
  await page.locator('.sync').waitFor({ timeout: 30_000 });
  await cloneFinalized(page, DRAIN - 1, 'bench', null);
  const queued = (await storedResponses(page)).filter((r) => r.state === 'finalized').length;
  if (queued !== DRAIN) throw new Error(`${queued} queued, expected ${DRAIN}`);
  const bytes = JSON.stringify((await storedResponses(page))[0].submission).length;
  await page.evaluate(() => {
    window.addEventListener('online', () => { window.__onlineAt = performance.now(); }, { once: true });
    // Time spent waiting for the server's replies (the rest is the tablet's).
    window.__serverMs = 0;
    const original = window.fetch;
    window.fetch = async (...args) => {
      const start = performance.now();
      try {
        const response = await original(...args);
        await response.clone().arrayBuffer();
        return response;
      } finally {
        window.__serverMs += performance.now() - start;
      }
    };
  });
  await context.setOffline(false);
  await until(`${DRAIN} responses sent`, () => page.evaluate(async (total) => {
    const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
    const db = await request(indexedDB.open('fieldform'));
    const sent = await request(db.transaction('responses').objectStore('responses').index('by_state').count('sent'));
    db.close();
    if (sent === total && window.__doneAt === undefined) window.__doneAt = performance.now();
    return sent === total;
  }, DRAIN), { timeout: 120_000, interval: 50 });
  const ms = await page.evaluate(() => window.__doneAt - window.__onlineAt);
  const serverMs = await page.evaluate(() => window.__serverMs);
  const stored = await call('/api/forms/ggs_household/submissions', coordinator);
  const ids = new Set(stored.map((s) => s.instance_id));
  if (stored.length !== DRAIN || ids.size !== DRAIN) throw new Error(`the server stored ${stored.length} (${ids.size} distinct), expected ${DRAIN}`);
  await context.close();
  return { ms, bytes, serverMs };
}

const countQuestions = (items) => items.reduce((n, i) => n + 1 + countQuestions(i.items ?? []), 0);
const ms = (x) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const us = (x) => (x < 1 ? `${Math.round(x * 1000)} µs` : `${ms(x)} ms`);

const formsDir = await mkdtemp(join(tmpdir(), 'fieldform-bench-'));
const small = generated('bench_small', 5, 20);
const large = generated('bench_large', 50, 60);
await writeFile(join(formsDir, 'small.form.json'), JSON.stringify(small));
await writeFile(join(formsDir, 'large.form.json'), JSON.stringify(large));
for (const f of heavyForms()) await writeFile(join(formsDir, `${f.id}.form.json`), JSON.stringify(f));
const shipped = [];
for (const f of readdirSync(process.env.FIELDFORM_FORMS_DIR).filter((f) => f.endsWith('.form.json')).sort()) {
  const text = await readFile(join(process.env.FIELDFORM_FORMS_DIR, f), 'utf8');
  await writeFile(join(formsDir, f), text);
  shipped.push(JSON.parse(text));
}
const server = await startServer({ formsDir });
const browser = await launchBrowser();
try {
  const drain = await draining(browser, server.url, server.admin);
  const s = await measure(browser, server.url, small);
  const l = await measure(browser, server.url, large);
  const ggs = shipped.find((f) => f.id === 'ggs_household');
  if (!ggs) throw new Error('forms/ggs_household.form.json is missing: the navigation case opens it');
  const h = await heavy(browser, server.url, ggs);
  const context = await browser.newContext();
  const page = await context.newPage();
  const shippedOpens = [];
  for (const form of shipped) shippedOpens.push([form, await opening(page, server.url, form)]);
  await context.close();
  const shippedRows = shippedOpens
    .map(([form, open]) => `| ${form.id} (${countQuestions(form.items)} items) | ${ms(open)} ms |`)
    .join('\n');
  const appDir = process.env.FIELDFORM_APP_DIR;
  const b = await bundle(appDir);
  console.log(`## App in headless Chromium (\`cargo xtask bench-app\`)

The release build of the app served by the real server, driven in Debian's headless Chromium (\`tests/e2e/bench-app.mjs\`). Generated forms of field-list sections, each with an integer, questions relevant once it is positive, a calculation and a note showing it. *Open*: navigation to the first page drawn (wasm start, definition fetched, compiled, state built, page rendered; median of ${OPENS}, wasm cached). *Answer*: an answer typed until the note that shows its consequence is redrawn (mean of ${EDITS}: the browser's clock ticks in 0.1 ms). *Section*: a tap on the section bar until the new page is drawn (median of 4 to 20).

| form (sections x questions) | open | answer | section |
| --- | --- | --- | --- |
| 5x20 = 100 | ${ms(s.open)} ms | ${us(s.edit)} | ${ms(s.switches)} ms |
| 50x60 = 3000 | ${ms(l.open)} ms | ${us(l.edit)} | ${ms(l.switches)} ms |

*Save*: the autosave an answer causes on a response with every question answered (median of ${SAVES}): building the record (the engine's draft of every stored answer, the instance name) and writing it to IndexedDB in one transaction. It runs after the answer is drawn, never while typing; an answer is stored within the 150 ms gathering delay plus these.

| form | save: build | save: write | total |
| --- | --- | --- | --- |
| 100 | ${ms(s.save.build)} ms | ${ms(s.save.write)} ms | ${ms(s.save.build + s.save.write)} ms |
| 3000 | ${ms(l.save.build)} ms | ${ms(l.save.write)} ms | ${ms(l.save.build + l.save.write)} ms |

Ratios, 3000 questions to 100 (same run):

- save: **${((l.save.build + l.save.write) / (s.save.build + s.save.write)).toFixed(2)}x** (a save writes the whole draft, so it grows with the answers stored)
- answer: **${(l.edit / s.edit).toFixed(2)}x** (an answer redraws what it changes, not the form)
- section: **${(l.switches / s.switches).toFixed(2)}x** (a page draws its own questions: 60 against 20 here)
- open: **${(l.open / s.open).toFixed(2)}x**

Opening the shipped questionnaires:

| form | open |
| --- | --- |
${shippedRows}

*Sync*: ${DRAIN} finalized GGS households (five members each, ${(drain.bytes / 1024).toFixed(1)} KB per submission) queued on an enrolled tablet while offline; from the browser's \`online\` event to the last one marked sent in IndexedDB (every receipt checked, the credential and the form catalog checked first, batches of the server's limit, each written back in one transaction), with the server re-validating each with the engine and storing it: **${(drain.ms / 1000).toFixed(2)} s** (${Math.round(DRAIN / (drain.ms / 1000))} responses per second), of which ${(drain.serverMs / 1000).toFixed(2)} s waiting for the server's replies (its release build). The server stored each exactly once.

${heavySection(h, b, { answer: l.edit })}`);
} finally {
  await browser.close();
  await server.stop();
  await rm(formsDir, { recursive: true, force: true });
}
