// Offline for real: what an enumerator does to a tablet. A reload half-way
// through a household roster, the browser killed mid-interview, a report
// filled in and finalized with no network and no server, a backup carried
// to a fresh device (twice, without duplicates); and the screens checked
// with axe-core and photographed at a tablet's and a phone's size.
//
// One server and one browser for the file, except the browser that is
// killed (its process must be the test's own). The offline test stops the
// server, so it runs last.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  absent, axe, describeViolations, launchBrowser, launchOwnedChromium, openPage, present,
  screenshots, smallTargets, startServer, storedResponses, until, within,
} from './harness.mjs';
import { ACTION_TIMEOUT, GGS, SSC, freshPage, members, next, question } from './interview-helpers.mjs';
import {
  answer, finish, fillMember, ggsFromRosterToEnd, ggsToRoster, household, intro, respondent, shows,
} from './ggs.mjs';

const env = { server: undefined, browser: undefined, serverStopped: false };
const fresh = (options) => freshPage(env.browser, options);

before(async () => {
  env.server = await startServer();
  env.browser = await within(60_000, 'Chromium to start', launchBrowser());
});
after(async () => {
  await within(30_000, 'the browser to close', env.browser?.close()).catch(() => {});
  if (!env.serverStopped) await within(30_000, 'the server to stop', env.server?.stop());
});

async function openForm(page, base, path) {
  await within(30_000, `${path} to load`, page.goto(`${base}/#/forms/${path}`));
  await present(page.locator('article.form'), `the form ${path} to be shown`, { timeout: 30_000 });
}

/** Waits until everything on screen is stored. */
async function saved(page) {
  await present(page.locator('.save-status[data-state="saved"]'), 'the save status to say saved', { timeout: 5_000 });
}

/** The IndexedDB record of `instanceId`. */
async function record(page, instanceId) {
  const found = (await storedResponses(page)).find((r) => r.instance_id === instanceId);
  assert.ok(found, `response ${instanceId} is in IndexedDB`);
  return found;
}

/** The instance id in a `#/responses/{id}` URL. */
function responseId(page) {
  const match = page.url().match(/#\/responses\/([^/?#]+)$/);
  assert.ok(match, `the URL names the stored response: ${page.url()}`);
  return decodeURIComponent(match[1]);
}

/** The home screen's entry for a response, in the group of `state`. */
const entry = (page, state, instanceId) =>
  page.locator(`section.response-group[data-state=${state}] li.response-entry[data-instance-id="${instanceId}"]`);

async function home(page) {
  await within(30_000, 'the home screen to load', page.goto(`${env.server.url}/#/`));
  await present(page.locator('section.responses'), 'the home screen', { timeout: 30_000 });
}

test('GGS in Romanian: a reload half-way through a roster of five loses nothing, then it is finalized', async () => {
  const { page, errors } = await fresh({ locale: 'ro-MD' });
  await home(page);
  const ggs = page.locator('li.form-entry[data-form-id=ggs_household] a.form-title');
  await present(ggs, 'GGS in the list of forms');
  await ggs.click();
  await present(page.locator('article.form[data-form-id=ggs_household]'), 'the GGS form');
  assert.equal(await page.inputValue('.language-picker'), 'ro', 'a ro-MD tablet opens it in Romanian');

  await ggsToRoster(page);
  await page.fill('[data-name=hh_others] input', String(household.length));
  await present(members(page), 'five roster cards', { count: household.length });
  for (let i = 0; i < 3; i += 1) await fillMember(page, i, household[i]);
  await saved(page);
  const id = responseId(page);
  const before = await record(page, id);
  assert.equal(before.state, 'draft');
  assert.equal(before.page, 2, 'the page is stored');

  await within(30_000, 'the reload', page.reload());
  await present(page.locator('.page[data-page="2"]'), 'the roster page after the reload', { timeout: 30_000 });
  assert.equal(responseId(page), id, 'the same response reopens');
  assert.equal(await page.inputValue('.language-picker'), 'ro', 'still in Romanian');
  assert.equal(await page.locator('.page-title').textContent(), 'A. Componența gospodăriei');
  assert.equal(await page.inputValue('[data-name=hh_others] input'), '5');
  assert.equal(await members(page).count(), 5, 'five roster cards');
  for (let i = 0; i < 3; i += 1) await shows(members(page).nth(i), household[i], `member ${i + 1}`);
  for (const i of [3, 4]) {
    assert.equal(await members(page).nth(i).locator('[data-name=hh_name] input').inputValue(), '', `member ${i + 1} not answered yet`);
  }
  const stored = await record(page, id);
  assert.equal(stored.page, 2);
  assert.equal(stored.draft.language, 'ro');
  const answers = stored.draft.answers;
  assert.equal(String(answers.intro?.hh_id), '104233', `stored answers: ${JSON.stringify(answers)}`);
  assert.equal(String(answers.respondent?.resp_name), 'Ana');
  assert.equal(answers.household?.hh_member?.length, 5, 'five stored roster instances');
  assert.deepEqual(answers.household.hh_member.slice(0, 3).map((m) => m.hh_name), ['Ion', 'Maria', 'Petru']);
  assert.deepEqual(answers.household.hh_member.slice(0, 3).map((m) => String(m.hh_birth_year)), ['1960', '1962', '1993']);
  // The earlier pages too.
  await page.click('.pager .back');
  await present(page.locator('.page[data-page="1"]'), 'the respondent page');
  await shows(page, respondent, 'respondent after the reload');
  await page.click('.pager .back');
  await present(page.locator('.page[data-page="0"]'), 'the first page');
  await shows(page, { ...intro, consent: 'yes' }, 'first page after the reload');
  await page.click('.section-link[data-page="2"]');
  await present(page.locator('.page[data-page="2"]'), 'the roster page again');

  for (let i = 3; i < 5; i += 1) await fillMember(page, i, household[i]);
  await ggsFromRosterToEnd(page);
  const name = 'GGS 104233 – Ana';
  assert.equal(await page.locator('section.finalized .instance-name').textContent(), name);
  const done = await record(page, id);
  assert.equal(done.state, 'finalized');
  assert.equal(done.instance_name, name);
  assert.equal(done.draft.answers.household.hh_member.length, 5);

  await page.click('section.finalized a.home');
  const listed = entry(page, 'finalized', id);
  await present(listed, 'the response in the finalized group of the home screen');
  assert.equal(await listed.locator('a.instance-name').textContent(), name);
  assert.equal(await page.locator('section.response-group[data-state=finalized] h3 .count').textContent(), '(1)');
  assert.equal(await page.locator('section.response-group[data-state=draft]').count(), 0, 'no draft left');
  assert.deepEqual(errors, []);
});

test('the browser process killed mid-interview: the draft is intact on the next start', async (t) => {
  const profile = await mkdtemp(join(tmpdir(), 'fieldform-profile-'));
  const browsers = [];
  t.after(async () => {
    for (const b of browsers) await b.close();
    await rm(profile, { recursive: true, force: true });
  });

  const first = await launchOwnedChromium(profile);
  browsers.push(first);
  first.context.setDefaultTimeout(ACTION_TIMEOUT);
  const page = first.context.pages()[0] ?? await first.context.newPage();
  page.on('dialog', (dialog) => dialog.accept());
  await openForm(page, env.server.url, GGS);
  const answersBefore = { interviewer_id: '42', hh_id: '205117', region: 'north', settlement: 'urban' };
  await answer(page, answersBefore);
  await page.check('[data-name=consent] input[value=yes]');
  await next(page, 1);
  await page.fill('[data-name=resp_name] input', 'Mihai');
  await page.check('[data-name=resp_sex] input[value=male]');
  await page.locator('[data-name=resp_birth_year] input').pressSequentially('1975');
  // The app's promise: stored within 300 ms of the last keystroke.
  await new Promise((resolve) => setTimeout(resolve, 400));
  const id = responseId(page);
  await first.kill('SIGKILL');
  assert.equal(first.child.signalCode, 'SIGKILL', 'the browser was killed, not closed');

  const second = await launchOwnedChromium(profile);
  browsers.push(second);
  second.context.setDefaultTimeout(ACTION_TIMEOUT);
  const again = second.context.pages()[0] ?? await second.context.newPage();
  const errors = [];
  again.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  again.on('dialog', (dialog) => dialog.accept());
  await home(again);
  const listed = entry(again, 'draft', id);
  await present(listed, 'the draft on the home screen after the restart');
  assert.equal(await again.locator('section.response-group[data-state=draft] .response-entry').count(), 1, 'one draft');
  const stored = await record(again, id);
  assert.equal(stored.state, 'draft');
  assert.equal(String(stored.draft.answers.intro?.hh_id), '205117', JSON.stringify(stored.draft.answers));
  assert.equal(String(stored.draft.answers.respondent?.resp_name), 'Mihai');
  assert.equal(String(stored.draft.answers.respondent?.resp_birth_year), '1975', 'the last keystrokes are stored');

  await listed.locator('a.instance-name.resume').click();
  await present(again.locator('.page[data-page="1"]'), 'the draft to reopen on the respondent page');
  assert.equal(responseId(again), id);
  await shows(again, { resp_name: 'Mihai', resp_sex: 'male', resp_birth_year: '1975' }, 'respondent after the crash');
  await again.click('.pager .back');
  await present(again.locator('.page[data-page="0"]'), 'the first page');
  await shows(again, { ...answersBefore, consent: 'yes' }, 'first page after the crash');
  assert.deepEqual(errors, []);
});

test('backup: exported from one device, imported twice on a fresh one, no duplicates', async (t) => {
  const { context, page, errors } = await fresh();
  t.after(() => context.close());
  // One finalized GGS (one other member) and one SSC draft.
  await openForm(page, env.server.url, GGS);
  await ggsToRoster(page);
  await page.fill('[data-name=hh_others] input', '1');
  await present(members(page), 'one roster card');
  await fillMember(page, 0, household[2]);
  await ggsFromRosterToEnd(page);
  await openForm(page, env.server.url, SSC);
  await page.selectOption('[data-name=entity] select', 'unicef');
  await page.fill('[data-name=report_year] input', '2025');
  await saved(page);
  const draftId = responseId(page);
  await home(page);
  await present(page.locator('li.response-entry'), 'both responses listed', { count: 2 });
  const original = await storedResponses(page);
  assert.equal(original.length, 2);

  const [download] = await within(15_000, 'the backup download', Promise.all([
    page.waitForEvent('download', { timeout: 15_000 }),
    page.click('button.backup-export'),
  ]));
  assert.match(download.suggestedFilename(), /^fieldform-backup-.*\.json$/);
  const file = join(await mkdtemp(join(tmpdir(), 'fieldform-backup-')), download.suggestedFilename());
  t.after(() => rm(join(file, '..'), { recursive: true, force: true }));
  await within(15_000, 'the backup file to be saved', download.saveAs(file));
  const backup = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(backup.responses?.length, 2, `the backup holds both responses: ${Object.keys(backup)}`);
  await present(page.locator('.backup-result'), 'the export result');
  assert.match(await page.locator('.backup-result').textContent(), /2/);

  // Another device: empty storage.
  const other = await fresh();
  t.after(() => other.context.close());
  await home(other.page);
  assert.equal(await other.page.locator('li.response-entry').count(), 0, 'a fresh device has no responses');
  await other.page.setInputFiles('input.backup-import', file);
  const result = other.page.locator('.backup-result');
  await until('the import result', async () => /^2 added/.test((await result.count()) ? await result.textContent() : ''));
  await present(other.page.locator('li.response-entry'), 'the imported responses listed', { count: 2 });
  const ids = original.map((r) => r.instance_id).sort();
  const listedIds = await other.page.locator('li.response-entry').evaluateAll((els) => els.map((e) => e.dataset.instanceId));
  assert.deepEqual(listedIds.sort(), ids);
  assert.equal(await entry(other.page, 'finalized', original.find((r) => r.state === 'finalized').instance_id).count(), 1);
  assert.equal(await entry(other.page, 'draft', draftId).count(), 1);
  const imported = await storedResponses(other.page);
  for (const r of original) {
    const copy = imported.find((i) => i.instance_id === r.instance_id);
    assert.ok(copy, `${r.instance_id} imported`);
    assert.equal(copy.state, r.state);
    assert.deepEqual(copy.draft, r.draft, 'the answers are the same');
  }

  // The same file again: nothing added, nothing doubled.
  await other.page.setInputFiles('input.backup-import', file);
  await until('the second import result', async () => /^0 added/.test(await result.textContent()));
  assert.match(await result.textContent(), /^0 added, 0 updated, 2 already on this device$/);
  assert.equal(await other.page.locator('li.response-entry').count(), 2, 'no duplicate listed');
  assert.equal((await storedResponses(other.page)).length, 2, 'no duplicate stored');
  assert.equal(await other.page.locator('section.response-group[data-state=draft] h3 .count').textContent(), '(1)');
  assert.equal(await other.page.locator('section.response-group[data-state=finalized] h3 .count').textContent(), '(1)');
  assert.deepEqual([...errors, ...other.errors], []);
});

/**
 * What a finger must hit on the app's screens: a radio or check box is hit
 * through its whole row; links inside a sentence (a label's markdown) are
 * exempt, as WCAG 2.5.8 says.
 */
const TARGETS = {
  controls: 'button, select, textarea, a[href], .choice, input:not([type=radio]):not([type=checkbox]):not([type=file]):not([type=hidden])',
  exempt: '.choice, .backup-import-label, .label, .hint, .guidance',
};

test('accessibility (axe: no serious or critical violation or needs-review item, touch targets of 48 px) and screenshots at 800×1280 and 360×740', async (t) => {
  const { context, page, errors } = await fresh({ viewport: { width: 800, height: 1280 } });
  t.after(() => context.close());
  const found = [];
  const small = [];
  const check = async (screen) => {
    for (const v of await axe(page, { needsReview: true })) found.push({ screen, ...v });
    for (const target of await smallTargets(page, TARGETS)) small.push(`${screen}: ${target}`);
  };

  await home(page);
  await present(page.locator('span.form-offline'), 'both forms kept on the device', { count: 2, timeout: 30_000 });
  await check('home screen (no responses)');
  await screenshots(page, 'home');

  await openForm(page, env.server.url, GGS);
  await check('GGS first page');
  await screenshots(page, 'ggs-first-page');
  // Next with every required answer missing: the problems are shown.
  await page.click('.pager .next');
  await present(page.locator('.page .issue'), 'the problems on the first page');
  await check('GGS first page with problems shown');
  await screenshots(page, 'ggs-problems');

  await ggsToRoster(page);
  await page.fill('[data-name=hh_others] input', '2');
  await present(members(page), 'two roster cards', { count: 2 });
  await fillMember(page, 0, household[0]);
  await fillMember(page, 1, household[1]);
  await check('GGS roster page');
  await screenshots(page, 'ggs-roster');
  await ggsFromRosterToEnd(page);
  await check('GGS finalized screen');
  await screenshots(page, 'ggs-finalized');
  await page.click('section.finalized a.home');
  await present(page.locator('section.response-group[data-state=finalized] li.response-entry'), 'the finalized response listed');
  await check('home screen with a finalized response');
  await screenshots(page, 'home-responses');

  await openForm(page, env.server.url, SSC);
  await page.selectOption('.language-picker', 'ar');
  await present(page.locator('article.form[dir=rtl]'), 'the report right to left');
  await page.selectOption('[data-name=entity] select', 'undp');
  await page.fill('[data-name=report_year] input', '2025');
  await page.fill('[data-name=contact_name] input', 'أمينة');
  await check('South-South report in Arabic, first page');
  await screenshots(page, 'ssc-ar-first-page');
  await page.click('.section-link[data-page="3"]');
  await page.fill('[data-name=n_initiatives] input', '12');
  await page.fill('[data-name=n_triangular] input', '4');
  await page.fill('[data-name=share_cb] input', '50');
  await page.fill('[data-name=share_kb] input', '30');
  await page.fill('[data-name=share_pf] input', '10');
  await page.fill('[data-name=share_other] input', '0');
  await page.locator('[data-name=share_other] input').blur();
  await present(question(page, 'share_other').locator('.issue'), 'the shares problem');
  await check('South-South report in Arabic, shares with a problem');
  await screenshots(page, 'ssc-ar-shares');

  assert.deepEqual(errors, []);
  assert.equal(found.length, 0, `axe found serious or critical violations:\n${
    found.map((v) => `${v.screen}: ${describeViolations([v])}`).join('\n')}`);
  assert.deepEqual(small, [], 'touch targets smaller than 48 px');
});

test('after one online visit, the South-South report is filled in and finalized in Arabic with no network and no server', async (t) => {
  const { context, page, errors } = await fresh();
  t.after(() => within(10_000, 'the context to close', context.close()).catch(() => {}));
  await home(page);
  await present(page.locator('span.form-offline'), 'both forms kept on the device', { count: 2, timeout: 30_000 });
  await within(30_000, 'the service worker to control the page', page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  }));

  await context.setOffline(true);
  env.serverStopped = true;
  await within(30_000, 'the server to stop', env.server.stop());
  const refused = await fetch(env.server.url).then(() => 'answered', (e) => e.cause?.code ?? e.message);
  assert.equal(refused, 'ECONNREFUSED', 'the server is gone');

  // From here on: Node timers and `count()` only (see TOOLCHAIN.md).
  const act = (what, action) => within(ACTION_TIMEOUT + 2_000, what, action);
  await act('the reload', page.reload());
  await present(page.locator('p.status.offline'), 'the home screen to say it is offline', { timeout: 30_000 });
  const ssc = page.locator('li.form-entry[data-form-id=ssc_annual_report]');
  await present(ssc.locator('span.form-offline'), 'the report marked as kept on the device');
  await act('a click on the report', ssc.locator('a.form-title').click());
  await present(page.locator('article.form[data-form-id=ssc_annual_report]'), 'the report to open offline');
  await act('choosing Arabic', page.selectOption('.language-picker', 'ar'));
  await present(page.locator('article.form[dir=rtl][lang=ar]'), 'the report in Arabic, right to left');

  const step = async (to) => {
    await act('a click on Next', page.click('.pager .next'));
    try {
      await present(page.locator(`.page[data-page="${to}"]`), `page ${to} after Next`, { timeout: 5_000 });
    } catch (error) {
      const issues = await act('the problems shown', page.locator('.issue').allTextContents());
      throw new Error(`${error.message}; problems shown: ${JSON.stringify(issues)}`);
    }
  };
  const fill = (name, value) => act(`typing into ${name}`, page.fill(`[data-name=${name}] input, [data-name=${name}] textarea`, value));
  const tick = (name, value) => act(`ticking ${name} = ${value}`, page.check(`[data-name=${name}] input[value=${value}]`));

  await act('choosing the entity', page.selectOption('[data-name=entity] select', 'undp'));
  await fill('report_year', '2025');
  await fill('contact_name', 'أمينة الحسن');
  await fill('contact_email', 'amina@example.org');
  await step(1);
  await tick('ssc_in_plan', 'yes');
  await tick('ssc_in_results', 'no');
  await tick('ssc_strategy', 'no');
  await step(2);
  await fill('dialogues_regional', '3');
  await fill('dialogues_global', '2');
  await step(3);
  await fill('n_initiatives', '12');
  await fill('n_triangular', '4');
  await fill('share_cb', '50');
  await fill('share_kb', '30');
  await fill('share_pf', '10');
  await fill('share_other', '10');
  await fill('share_other_desc', 'دعم السياسات');
  await absent(page.locator('.page .issue'), 'no problem once the shares total 100 %');
  await step(4);
  await tick('partner_regions', 'africa');
  await tick('partner_countries', 'ken');
  await tick('partner_countries', 'gha');
  await step(5);
  await tick('sdgs', 'sdg5');
  await tick('sdgs', 'sdg17');
  await step(6);
  await fill('resources_total', '250000');
  await fill('resources_trust', '0');
  await step(7);
  await step(8);
  await fill('lessons_learned', 'التعاون بين بلدان الجنوب فعال.');
  await act('ticking the certification', page.check('[data-name=certify] input'));
  await act('a click on Finish', page.click('.pager .next'));
  await present(page.locator('section.finalized'), 'the finalized screen, offline');
  const name = 'undp – 2025';
  assert.equal(await act('the instance name', page.locator('section.finalized .instance-name').textContent()), name);
  assert.equal(await page.locator('section.finalized[dir=rtl]').count(), 1, 'the end screen is right to left too');
  const id = responseId(page);
  const stored = await record(page, id);
  assert.equal(stored.state, 'finalized');
  assert.equal(stored.draft.language, 'ar');

  await act('a click on Home', page.click('section.finalized a.home'));
  const listed = entry(page, 'finalized', id);
  await present(listed, 'the report in the finalized group of the home screen, offline');
  assert.equal(await act('the listed name', listed.locator('a.instance-name').textContent()), name);
  assert.equal(await page.locator('p.status.offline').count(), 1, 'still offline');
  assert.deepEqual(errors.filter((e) => !/net::ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e)), []);
});
