// Sync, end to end: a tablet enrolled with a coordinator's link sends its
// finalized responses to the real server, exactly once, whatever the
// network does in between: cut off, a captive portal answering 200 with
// an HTML page, the server SIGKILLed mid-batch and restarted. Refusals and
// reviewers' requests come back to the tablet as corrections; new form
// versions reach it; a revoked token stops sync without losing anything.
//
// The browser talks to a proxy (./proxy.mjs), so the page's origin (and
// its IndexedDB) stays the same while the server behind it is killed and
// restarted on the same data directory.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  adminToken, axe, callApi, describeViolations, launchBrowser, openPage, present, readStore, screenshots, startServer,
  storedResponses, until,
} from './harness.mjs';
import { cloneFinalized } from './outbox.mjs';
import { startProxy } from './proxy.mjs';

const env = { server: undefined, proxy: undefined, browser: undefined, coordinator: undefined };

const visit = (version, extra = []) => ({
  format: 1, id: 'visit', version, title: { en: `Visit v${version}` },
  languages: [{ code: 'en', name: 'English' }], default_language: 'en',
  items: [
    { kind: 'question', name: 'village', type: 'text', required: true, label: { en: 'Village' } },
    {
      kind: 'question', name: 'hh_size', type: 'integer', label: { en: 'Household size' },
      constraint: '. >= 1 and . <= 30', constraint_message: { en: 'Between 1 and 30.' },
    },
    ...extra,
  ],
});

const api = (method, path, { token = env.coordinator, body } = {}) => callApi(env.server, method, path, { token, body });

before(async () => {
  env.server = await startServer();
  env.proxy = await startProxy(env.server.url);
  env.browser = await launchBrowser();
  env.coordinator = await adminToken(env.server);
  const published = await api('POST', '/api/forms', { body: visit('1') });
  assert.equal(published.status, 201, JSON.stringify(published.body));
});

after(async () => {
  await env.browser?.close();
  await env.proxy?.stop();
  await env.server?.stop();
});

/** A device token for the `visit` form. */
async function deviceToken(label) {
  const created = await api('POST', '/api/device-tokens', { body: { label, forms: ['visit'] } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body;
}

/** A fresh tablet (its own storage), enrolled through the provisioning link. */
async function enrolledTablet(label) {
  const device = await deviceToken(label);
  const tablet = await openPage(env.browser, { locale: 'en-GB' });
  const { page } = tablet;
  await page.goto(`${env.proxy.url}/#/provision?token=${device.token}`);
  await present(page.locator('.provision .enrolled'), 'the enrolment to be confirmed', { timeout: 30_000 });
  assert.equal(await page.locator('.provision .device-name').textContent(), label);
  assert.ok(!page.url().includes(device.token), 'the token leaves the address bar');
  await page.click('.provision .continue');
  await present(page.locator('.form-entry[data-form-id=visit] .form-offline'), 'the form kept for offline use', { timeout: 30_000 });
  await page.evaluate(() => { window.__sameDocument = true; });
  return { ...tablet, device };
}

/** Fills and finishes one `visit` response from the home screen. */
async function fillVisit(page, village, size = '4') {
  await page.click('.form-entry[data-form-id=visit] a.form-title');
  await page.locator('[data-name=village] input').waitFor({ timeout: 30_000 });
  await page.fill('[data-name=village] input', village);
  await page.fill('[data-name=hh_size] input', size);
  await page.click('.pager .next');
  await page.locator('.finalized').waitFor({ timeout: 15_000 });
  await page.click('.finalized a.home');
  await page.locator('.sync').waitFor({ timeout: 15_000 });
}

/** The tablet's responses whose village starts with `prefix`, by state. */
async function statesOf(page, prefix) {
  const records = await storedResponses(page);
  const counts = {};
  for (const r of records) {
    if (!String(r.submission?.answers?.village ?? r.draft?.answers?.village ?? '').startsWith(prefix)) continue;
    counts[r.state] = (counts[r.state] ?? 0) + 1;
  }
  return counts;
}

/** The server's submissions whose village starts with `prefix`. */
async function onServer(prefix) {
  const all = await api('GET', '/api/forms/visit/submissions');
  assert.equal(all.status, 200);
  return all.body.filter((s) => String(s.answers.village ?? '').startsWith(prefix));
}

/** No serious or critical axe-core finding, needs-review items included. */
async function accessible(page, where) {
  const found = await axe(page, { needsReview: true });
  assert.deepEqual(found, [], `${where}: ${describeViolations(found)}`);
}

/** Page errors, less the browser's own log of requests the network failed. */
function realErrors(errors) {
  return errors.filter((e) => !/^console: Failed to load resource: net::ERR_/.test(e));
}

function assertOncePerInstance(rows, what) {
  const current = rows.filter((r) => !r.superseded);
  assert.equal(new Set(current.map((r) => r.instance_id)).size, current.length, `${what}: each instance once`);
}

test('three responses filled with the network cut arrive exactly once when it is back, without a reload', async () => {
  const { page, context, errors } = await enrolledTablet('tablet A (Ion)');
  await context.setOffline(true);
  for (const village of ['Offline Orhei', 'Offline Soroca', 'Offline Cahul']) {
    await fillVisit(page, village);
  }
  await present(page.locator('.sync-problem[data-problem=offline]'), 'the tablet to say it is offline');
  assert.equal(await page.locator('.sync-activity').getAttribute('data-queued'), '3');
  assert.deepEqual(await statesOf(page, 'Offline'), { finalized: 3 });
  await screenshots(page, 'sync-offline-queued');

  await page.evaluate(() => {
    window.__activity = [];
    const seen = () => window.__activity.push(document.querySelector('.sync-activity')?.textContent);
    new MutationObserver(seen).observe(document.querySelector('.sync'), { subtree: true, childList: true, characterData: true });
  });
  await context.setOffline(false);
  await until('the three responses to be marked sent', async () => (await statesOf(page, 'Offline')).sent === 3, { timeout: 60_000 });
  await present(page.locator('.response-group[data-state=sent] .response-entry'), 'the sent group', { count: 3 });
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload happened');
  const rows = await onServer('Offline');
  assert.equal(rows.length, 3, 'three submissions, each once');
  assertOncePerInstance(rows, 'offline');
  const records = await storedResponses(page);
  for (const r of records.filter((x) => x.state === 'sent')) {
    assert.equal(r.sync.receipt.revision, 1, 'the receipt is kept');
    assert.ok(r.sync.receipt.received_at > 0);
  }
  await present(page.locator('.sync-last'), 'the last sync time');
  assert.match(await page.locator('.sync-last').textContent(), /Last successful sync: \d\d\.\d\d \d\d:\d\d/);
  assert.equal(await page.locator('.sync-activity').getAttribute('data-queued'), '0');
  await screenshots(page, 'sync-sent');
  await accessible(page, 'home with sent responses');
  const activity = await page.evaluate(() => window.__activity);
  assert.ok(activity.some((text) => /^Sending \d of 3…$/.test(text)), `progress was shown: ${JSON.stringify(activity)}`);

  // Sent responses stay until the enumerator clears them; the server keeps them.
  page.once('dialog', (dialog) => dialog.accept());
  await page.click('.clear-sent');
  await until('the sent responses to be cleared', async () => Object.keys(await statesOf(page, 'Offline')).length === 0);
  assert.equal(await page.locator('.response-group[data-state=sent]').count(), 0);
  assert.equal((await onServer('Offline')).length, 3);
  assert.deepEqual(realErrors(errors), []);
  await context.close();
});

test('a captive portal answering 200 with a page is never taken for the server', async () => {
  const { page, context } = await enrolledTablet('tablet B');
  env.proxy.mode = 'portal';
  try {
    await fillVisit(page, 'Portal Balti');
    await fillVisit(page, 'Portal Ungheni');
    await present(page.locator('.sync-problem[data-problem=not-the-server]'), 'the portal to be recognised', { timeout: 30_000 });
    await page.click('.send-now');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.deepEqual(await statesOf(page, 'Portal'), { finalized: 2 }, 'nothing is marked sent');
    assert.equal((await onServer('Portal')).length, 0);
    await screenshots(page, 'sync-captive-portal');
    await accessible(page, 'home behind a captive portal');
  } finally {
    env.proxy.mode = 'pass';
  }
  // No tap needed: the retries go on by themselves.
  await until('the two responses to be sent after the portal', async () => (await statesOf(page, 'Portal')).sent === 2, { timeout: 90_000 });
  assert.equal((await onServer('Portal')).length, 2);
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload happened');
  await context.close();
});

test('the server SIGKILLed in the middle of sending 200 responses: each arrives exactly once', async () => {
  const { page, context, errors } = await enrolledTablet('tablet C');
  await context.setOffline(true);
  await fillVisit(page, 'Kill first');
  await cloneFinalized(page, 199, 'Kill clone');
  assert.equal((await statesOf(page, 'Kill')).finalized, 200);

  // The second batch reaches the server whole; the server dies with it in flight.
  let batches = 0;
  let killed = null;
  env.proxy.state.afterForward = (req) => {
    if (req.url === '/api/submissions/batch' && ++batches === 2) {
      env.proxy.state.afterForward = null;
      killed = env.server.kill();
    }
  };
  await context.setOffline(false);
  await page.click('.send-now');
  await until('the server to be killed mid-batch', async () => killed !== null, { timeout: 60_000 })
    .catch(async (e) => {
      throw new Error(`${e.message}; requests: ${env.proxy.state.requests.slice(-20).join(', ')}; states ${JSON.stringify(await statesOf(page, 'Kill'))}; panel: ${await page.locator('.sync').textContent()}`);
    });
  await killed;
  const before = await statesOf(page, 'Kill');
  assert.ok((before.finalized ?? 0) > 0, `some are still queued after the kill: ${JSON.stringify(before)}`);
  await present(page.locator('.sync-problem'), 'the tablet to notice the server is gone', { timeout: 30_000 });

  env.server = await startServer({ dataDir: env.server.dataDir });
  env.proxy.retarget(env.server.url);
  await until('all 200 to be marked sent after the restart', async () => (await statesOf(page, 'Kill')).sent === 200, { timeout: 120_000 });
  const rows = await onServer('Kill');
  assertOncePerInstance(rows, 'after the kill');
  assert.equal(rows.length, 200, 'every response stored exactly once');
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload happened');
  assert.deepEqual(realErrors(errors), []);
  await context.close();
});

test('one refused in a batch comes back with its reasons, is corrected and accepted; a reviewer\'s request too', async () => {
  const { page, context, errors } = await enrolledTablet('tablet D');
  await context.setOffline(true);
  await fillVisit(page, 'Mixed good');
  await cloneFinalized(page, 2, 'Mixed clone');
  // A response the server's checks refuse (as if changed after finishing).
  await page.evaluate(async () => {
    const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
    const db = await request(indexedDB.open('fieldform'));
    const all = await request(db.transaction('responses').objectStore('responses').getAll());
    const bad = all.find((r) => r.submission?.answers?.village === 'Mixed clone 1');
    bad.submission.answers.hh_size = '99';
    bad.draft.answers.hh_size = '99';
    const tx = db.transaction('responses', 'readwrite');
    tx.objectStore('responses').put(bad);
    await new Promise((resolve) => { tx.oncomplete = resolve; });
    db.close();
  });
  await context.setOffline(false);
  await page.click('.send-now');
  await until('two sent, one sent back', async () => {
    const s = await statesOf(page, 'Mixed');
    return s.sent === 2 && s.needs_correction === 1;
  }, { timeout: 60_000 });
  assert.equal((await onServer('Mixed')).length, 2, 'the others are stored');

  // The reasons, on the tablet, lead to the question.
  const entry = page.locator('.response-group[data-state=needs_correction] .response-entry');
  await present(entry, 'the response sent back');
  await entry.locator('a.resume').click();
  const banner = page.locator('.sent-back');
  await present(banner.locator('li[data-field=hh_size]'), 'the reason on hh_size');
  assert.match(await banner.locator('li[data-field=hh_size]').textContent(), /Household size/);
  await present(page.locator('[data-name=hh_size] .issue'), 'the problem on the question itself');
  assert.match(await page.locator('[data-name=hh_size] .issue').textContent(), /Between 1 and 30/);
  await screenshots(page, 'sync-sent-back');
  await accessible(page, 'a response sent back');
  await banner.locator('.sent-back-jump').click();
  await page.fill('[data-name=hh_size] input', '6');
  await page.click('.pager .next');
  await page.locator('.finalized').waitFor({ timeout: 15_000 });
  await page.click('.finalized a.home');
  await until('the correction to be accepted', async () => (await statesOf(page, 'Mixed')).sent === 3, { timeout: 60_000 });
  const fixed = (await onServer('Mixed clone 1'));
  assert.equal(fixed.length, 1);
  assert.equal(fixed[0].answers.hh_size, '6');

  // A reviewer asks for a correction of a stored one.
  const target = (await onServer('Mixed good'))[0];
  const review = await api('POST', `/api/submissions/${target.instance_id}/reviews`, {
    body: { status: 'has_issues', comment: 'The village is misspelt' },
  });
  assert.equal(review.status, 201, JSON.stringify(review.body));
  await page.click('.send-now');
  await until('the request to reach the tablet', async () => (await statesOf(page, 'Mixed good')).needs_correction === 1, { timeout: 60_000 });
  await present(page.locator('.response-group[data-state=needs_correction] .delivery'), 'the reviewer\'s words on the home screen');
  assert.match(await page.locator('.response-group[data-state=needs_correction] .delivery').textContent(), /misspelt/);
  await page.locator('.response-group[data-state=needs_correction] a.resume').click();
  await present(page.locator('.sent-back'), 'the reviewer\'s request above the form');
  assert.match(await page.locator('.sent-back').textContent(), /misspelt/);
  await page.fill('[data-name=village] input', 'Mixed good (Orhei)');
  await page.click('.pager .next');
  await page.locator('.finalized').waitFor({ timeout: 15_000 });
  await page.click('.finalized a.home');
  await until('the correction to be sent', async () => (await statesOf(page, 'Mixed good')).sent === 1, { timeout: 60_000 });
  const revisions = (await api('GET', '/api/forms/visit/submissions')).body.filter((s) => s.instance_id === target.instance_id);
  assert.deepEqual(revisions.map((r) => [r.revision, r.superseded, r.answers.village]), [
    [1, true, 'Mixed good'], [2, false, 'Mixed good (Orhei)'],
  ]);
  assert.deepEqual((await api('GET', '/api/corrections', { token: (await tabletToken(page)) })).body.corrections, []);
  assert.deepEqual(realErrors(errors), []);
  await context.close();
});

async function tabletToken(page) {
  return page.evaluate(async () => {
    const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
    const db = await request(indexedDB.open('fieldform'));
    const credential = await request(db.transaction('settings').objectStore('settings').get('credential'));
    db.close();
    return credential.token;
  });
}

test('a new version published during a draft: the draft finishes on its version, the next uses the new one', async () => {
  const { page, context, errors } = await enrolledTablet('tablet E');
  await page.click('.form-entry[data-form-id=visit] a.form-title');
  await page.locator('[data-name=village] input').waitFor({ timeout: 30_000 });
  await page.fill('[data-name=village] input', 'Version draft');
  const published = await api('POST', '/api/forms', {
    body: visit('2', [{ kind: 'question', name: 'note2', type: 'text', label: { en: 'Remarks' } }]),
  });
  assert.equal(published.status, 201, JSON.stringify(published.body));
  await page.fill('[data-name=hh_size] input', '2');
  await page.click('.pager .next');
  await page.locator('.finalized').waitFor({ timeout: 15_000 });
  await until('the draft to be sent on version 1', async () => (await statesOf(page, 'Version draft')).sent === 1, { timeout: 60_000 });
  assert.equal((await onServer('Version draft'))[0].form_version, '1');
  // The sync that sent it also brought version 2 to the tablet.
  await until('version 2 kept on the tablet', async () =>
    (await readStore(page, 'forms')).some((f) => f.id === 'visit' && f.version === '2'), { timeout: 30_000 });
  await page.click('.finalized a.next-response');
  await present(page.locator('[data-name=note2]'), 'the new version\'s question', { timeout: 30_000 });
  await page.fill('[data-name=village] input', 'Version next');
  await until('the next response to be stored on version 2', async () => {
    const r = (await storedResponses(page)).find((x) => x.draft.answers.village === 'Version next');
    return r?.form_version === '2';
  });
  await page.click('.back-to-forms');
  await present(page.locator('.form-entry[data-form-id=visit]'), 'the form list');
  assert.equal(await page.locator('.form-entry[data-form-id=visit]').count(), 1, 'one entry per form');
  assert.equal(await page.locator('.form-entry[data-form-id=visit] .form-version').textContent(), 'v2');
  assert.deepEqual(realErrors(errors), []);
  await context.close();
});

test('a revoked token stops sync with a clear message and loses nothing; enrolled again, it sends', async () => {
  const { page, context, device } = await enrolledTablet('tablet F');
  const revoked = await api('DELETE', `/api/device-tokens/${device.device.id}`);
  assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
  await fillVisit(page, 'Revoked Hincesti');
  await present(page.locator('.sync-problem[data-problem=credential-refused]'), 'the refusal to be explained', { timeout: 30_000 });
  assert.match(await page.locator('.sync-problem').textContent(), /no longer accepts this tablet/);
  assert.deepEqual(await statesOf(page, 'Revoked'), { finalized: 1 }, 'the response stays in the outbox');
  await present(page.locator('form.sign-in'), 'a way to sign in again');
  await screenshots(page, 'sync-revoked');
  await accessible(page, 'home with a refused credential');

  const again = await deviceToken('tablet F (again)');
  await page.goto(`${env.proxy.url}/#/provision?token=${again.token}`);
  await present(page.locator('.provision .enrolled'), 'the new enrolment', { timeout: 30_000 });
  await until('the response to be sent after enrolling again', async () => (await statesOf(page, 'Revoked')).sent === 1, { timeout: 60_000 });
  assert.equal((await onServer('Revoked')).length, 1);
  await context.close();
});

test('with the app closed, the service worker sends the outbox when Background Sync fires', async () => {
  const { page, context } = await enrolledTablet('tablet G');
  await until('the service worker to control the app', () => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { timeout: 30_000 });
  // The console open beside it (its own document in the worker's scope,
  // which runs no sync) must not make the worker leave the sending to it.
  const consolePage = await context.newPage();
  await consolePage.goto(`${env.proxy.url}/console/`);
  await present(consolePage.locator('.console'), 'the console open', { timeout: 30_000 });
  assert.ok(await consolePage.evaluate(() => navigator.serviceWorker.controller !== null), 'the console is a client of the worker');
  await context.setOffline(true);
  await fillVisit(page, 'Closed app');
  await until('the Background Sync registration', () => page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.sync.getTags()).includes('fieldform-outbox');
  }));
  // Another tab (not the app) keeps the browser context, and so the
  // service worker, alive; DevTools fires the sync event the browser
  // would fire when the network is back.
  const other = await context.newPage();
  const cdp = await context.newCDPSession(other);
  const versions = [];
  const workerErrors = [];
  cdp.on('ServiceWorker.workerVersionUpdated', (event) => versions.push(...event.versions));
  cdp.on('ServiceWorker.workerErrorReported', (event) => workerErrors.push(event.errorMessage.errorMessage));
  await cdp.send('ServiceWorker.enable');
  const scriptUrl = `${env.proxy.url}/sw.js`;
  const active = await until('the app\'s active service worker', async () => versions.findLast((v) => v.scriptURL === scriptUrl && v.status === 'activated'));
  await page.close();
  // From here the worker sends (the browser's own sync event when the
  // network is back, or the one DevTools fires).
  const before = env.proxy.state.requests.length;
  await context.setOffline(false);
  await cdp.send('ServiceWorker.dispatchSyncEvent', {
    origin: env.proxy.url, registrationId: active.registrationId, tag: 'fieldform-outbox', lastChance: false,
  });
  await until('the response to reach the server with the app closed', async () => (await onServer('Closed app')).length === 1, { timeout: 30_000 })
    .catch((e) => {
      throw new Error(`${e.message}; requests since: ${env.proxy.state.requests.slice(before).join(', ')}; worker errors: ${workerErrors.join('; ')}`);
    });
  assert.ok(env.proxy.state.requests.slice(before).includes('POST /api/submissions/batch'), 'sent by the service worker');
  const reopened = await context.newPage();
  await reopened.goto(`${env.proxy.url}/#/`);
  await until('the reopened app to show it sent', async () => (await statesOf(reopened, 'Closed app')).sent === 1);
  await present(reopened.locator('.response-group[data-state=sent] .response-entry'), 'the sent response listed');
  assert.equal((await onServer('Closed app')).length, 1, 'exactly once');
  await context.close();
});

test('an enumerator signs in on a tablet with no enrolment link, and the outbox is sent', async () => {
  const created = await api('POST', '/api/users', { body: { username: 'enum_ana', password: 'field-season-2026', role: 'enumerator' } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { page, context, errors } = await openPage(env.browser, { locale: 'ro-MD' });
  await page.goto(`${env.proxy.url}/#/`);
  await present(page.locator('.sync-problem[data-problem=not-enrolled]'), 'the tablet to say it is not connected', { timeout: 30_000 });
  assert.match(await page.locator('.sync h2').textContent(), /Trimitere la server/, 'in Romanian');
  await present(page.locator('.form-entry[data-form-id=visit] .form-offline'), 'the open form kept for offline use', { timeout: 30_000 });
  await fillVisit(page, 'Signed Edinet');
  assert.deepEqual(await statesOf(page, 'Signed'), { finalized: 1 }, 'kept while not connected');
  await page.fill('.sign-in input[name=username]', 'enum_ana');
  await page.fill('.sign-in input[name=password]', 'wrong password!');
  await page.click('.sign-in-button');
  await present(page.locator('.sign-in [role=alert]'), 'the refusal of a wrong password');
  await page.fill('.sign-in input[name=password]', 'field-season-2026');
  await page.click('.sign-in-button');
  await present(page.locator('.sync-who'), 'the name it is connected as');
  assert.match(await page.locator('.sync-who').textContent(), /enum_ana/);
  await until('the response to be sent after signing in', async () => (await statesOf(page, 'Signed')).sent === 1, { timeout: 60_000 });
  const rows = await onServer('Signed');
  assert.equal(rows.length, 1);
  assert.equal(rows[0].submitted_by, 'user:enum_ana');
  await accessible(page, 'home signed in, in Romanian');
  // Disconnecting (a tablet handed to someone else) keeps the responses.
  page.once('dialog', (dialog) => dialog.accept());
  await page.click('.disconnect');
  await present(page.locator('form.sign-in'), 'the sign-in form again');
  await present(page.locator('.sync-problem[data-problem=not-enrolled]'), 'the tablet to say it is not connected');
  assert.deepEqual(await statesOf(page, 'Signed'), { sent: 1 }, 'the response stays on the tablet');
  // The browser logs the wrong password's 401 itself.
  assert.deepEqual(realErrors(errors).filter((e) => !/status of 401 \(Unauthorized\)$/.test(e)), []);
  await context.close();
});
