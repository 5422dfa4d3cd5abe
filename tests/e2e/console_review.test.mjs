// The console's submissions (issue 13, part 2), end to end in headless
// Chromium against the real server: submissions arrive from a device
// token; a coordinator sees them in the table (sorted by clicking a
// header), opens one (answers by their labels in a chosen language, the
// repeat as a sub-table, the non-relevant question hidden, every revision
// of a corrected one), marks it "has issues" with a comment (the device
// then finds the correction request at /api/corrections), approves
// another, filters the table by review status (the SVG charts per day,
// sender and status follow), and downloads the CSV zip
// through the export button, read back with `unzip`. Every screen passes
// axe-core with 48 px touch targets at 1280×800 and 360×740, in English
// and in Arabic (right to left); screenshots in target/screenshots/.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  adminToken, axe, callApi, contrast, describeViolations, openPage, present, screenshots, signInToConsole, smallTargets,
  until, useServerAndBrowser, within,
} from './harness.mjs';

const env = useServerAndBrowser();

const FORM = 'review_visit';
const form = {
  format: 1, id: FORM, version: '1', title: { en: 'Review visit', fr: 'Visite revue' },
  languages: [{ code: 'en', name: 'English' }, { code: 'fr', name: 'Français' }], default_language: 'en',
  choices: {
    yes_no: [{ name: 'yes', label: { en: 'Yes', fr: 'Oui' } }, { name: 'no', label: { en: 'No', fr: 'Non' } }],
  },
  items: [
    { kind: 'question', name: 'village', type: 'text', required: true, label: { en: 'Village', fr: 'Village' } },
    { kind: 'question', name: 'has_kids', type: 'select_one', choices: 'yes_no', label: { en: 'Any children?', fr: 'Des enfants ?' } },
    { kind: 'question', name: 'why_none', type: 'text', relevant: "${has_kids} = 'no'", label: { en: 'Why none?', fr: 'Pourquoi aucun ?' } },
    {
      kind: 'repeat', name: 'kid', relevant: "${has_kids} = 'yes'", label: { en: 'Child', fr: 'Enfant' },
      items: [
        { kind: 'question', name: 'kid_name', type: 'text', label: { en: 'Name', fr: 'Prénom' } },
        { kind: 'question', name: 'kid_age', type: 'integer', label: { en: 'Age', fr: 'Âge' } },
      ],
    },
  ],
};

const id = (n) => `0195a1b2-0000-7000-8000-${String(n).padStart(12, '0')}`;
const KIDS = id(1);
const APPROVE = id(2);
/** Six households: odd ones with two children, even ones with none. */
const households = [1, 2, 3, 4, 5, 6].map((n) => ({
  instance_id: id(n),
  form_id: FORM,
  form_version: '1',
  meta: { enumerator: n % 2 ? 'elena.v' : 'ion.c', device: 'tab-07' },
  answers: n % 2
    ? { village: `Pelinia ${n}`, has_kids: 'yes', kid: [{ kid_name: 'Ana', kid_age: '6' }, { kid_name: 'Ion', kid_age: '3' }] }
    : { village: `Bălți ${n}`, has_kids: 'no', why_none: 'Young couple' },
}));

const state = { coordinator: undefined, device: undefined };

const api = (method, path, { token = state.coordinator, body } = {}) => callApi(env.server, method, path, { token, body });

/** The form, a device token and the submissions, once for the file (after the harness's `before`). */
let ready;
const setup = () => { ready ??= prepare(); return ready; };

async function prepare() {
  state.coordinator = await adminToken(env.server);
  const published = await api('POST', '/api/forms', { body: form });
  assert.equal(published.status, 201, JSON.stringify(published.body));
  const device = await api('POST', '/api/device-tokens', { body: { label: 'tablet 7', forms: [FORM] } });
  assert.equal(device.status, 201, JSON.stringify(device.body));
  state.device = device.body.token;
  const sent = await api('POST', '/api/submissions/batch', { token: state.device, body: { submissions: households } });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  assert.deepEqual(sent.body.results.map((r) => r.status), Array(6).fill('created'), JSON.stringify(sent.body));
  // A correction of the first: two revisions, the village renamed.
  const corrected = structuredClone(households[0]);
  corrected.answers.village = 'Pelinia Nouă';
  corrected.corrects = KIDS;
  const correction = await api('POST', '/api/submissions', { token: state.device, body: corrected });
  assert.equal(correction.status, 201, JSON.stringify(correction.body));
}

/** What a finger must hit on the submission screens. */
const CONTROLS = {
  controls: 'button, select, textarea, a[href], input:not([type=radio]):not([type=checkbox]):not([type=hidden])',
};

/** axe-core and the touch targets at both sizes, then screenshots. */
async function checkScreen(page, name, found) {
  for (const size of [[1280, 800], [360, 740]]) {
    await page.setViewportSize({ width: size[0], height: size[1] });
    for (const v of await axe(page, { needsReview: true })) {
      // axe leaves a textarea's contrast undecided ("partially obscured",
      // by its own scroll area; as in render.test.mjs): measured here.
      if (v.id === 'color-contrast (needs review)') {
        const low = [];
        for (const target of v.targets) {
          const ratio = await contrast(page, target.split(': ')[0]);
          if (!(ratio >= 4.5)) low.push(`${target} (measured ${ratio})`);
        }
        if (low.length === 0) continue;
        v.targets = low;
      }
      found.push({ screen: `${name} ${size.join('×')}`, ...v });
    }
    for (const s of await smallTargets(page, CONTROLS)) found.push({ screen: `${name} ${size.join('×')}`, id: 'target-size', impact: 'serious', help: s, targets: [] });
  }
  await screenshots(page, `console-${name}`, [[1280, 800], [360, 740]]);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** A horizontal bar chart's rows: `[label, count]`. */
const bars = (page, chart) => page.locator(`.chart.${chart} .hbar-row`).evaluateAll(
  (rows) => rows.map((r) => [r.querySelector('.label').textContent, r.querySelector('.count').textContent]),
);

const rowIds = (page) => page.locator('.submission-row').evaluateAll((rows) => rows.map((r) => r.dataset.instanceId));

/** Opens one submission from the table. */
async function open(page, instanceId) {
  await page.click(`.submission-row[data-instance-id="${instanceId}"] .open-submission`);
  await present(page.locator(`.console-submission[data-instance-id="${instanceId}"] .submission-answers`), `submission ${instanceId}`, { timeout: 30_000 });
}

async function backToTable(page) {
  await page.click('.back-to-table');
  await present(page.locator('.submission-row').first(), 'the table again', { timeout: 30_000 });
}

/** Downloads the export as it is set, returning the saved path. */
async function download(page, dir) {
  const [file] = await Promise.all([
    within(60_000, 'the export download', page.waitForEvent('download', { timeout: 60_000 })),
    page.click('.export-download'),
  ]);
  const path = join(dir, file.suggestedFilename());
  await file.saveAs(path);
  await present(page.locator('.export-done'), 'the export done', { timeout: 30_000 });
  return { path, name: file.suggestedFilename() };
}

/** The data lines of a CSV file in the zip (header excluded). */
function csvRows(zip, entry) {
  const text = execFileSync('unzip', ['-p', zip, entry], { encoding: 'utf8' });
  return text.trim().split(/\r?\n/).slice(1);
}

test('a coordinator reviews submissions in the table and detail, and exports them', async () => {
  const { context, page, errors } = await openPage(env.browser, { locale: 'en-GB', viewport: { width: 1280, height: 800 } });
  await setup();
  const found = [];
  const dir = await mkdtemp(join(tmpdir(), 'fieldform-export-'));
  try {
    await signInToConsole(page, env.server, env.server.admin);
    await page.click('.console-tab[data-tab=submissions]');
    await present(page.locator(`.submissions-of[data-form-id=${FORM}]`), 'the forms to pick', { timeout: 30_000 });
    await checkScreen(page, 'submissions-pick', found);
    await page.click(`.submissions-of[data-form-id=${FORM}]`);
    await present(page.locator('.submission-row'), 'the six submissions', { count: 6, timeout: 30_000 });
    assert.match(await page.locator('.submissions-total').textContent(), /^6 submissions$/);
    // The pictures: one day, one sender, every one received (drawn as SVG by the app).
    await present(page.locator('.chart.per-day rect.bar'), 'the per-day chart');
    assert.deepEqual(await bars(page, 'senders'), [['device:1', '6']]);
    assert.deepEqual(await bars(page, 'statuses'), [['Received', '6']]);
    // Newest first: the correction, then the batch (same time: the last stored first).
    assert.deepEqual(await rowIds(page), [1, 6, 5, 4, 3, 2].map(id));
    // A click on the date sorts oldest first.
    await page.click('.sort[data-sort=received_at]');
    await until('the oldest first', async () => JSON.stringify(await rowIds(page)) === JSON.stringify([2, 3, 4, 5, 6, 1].map(id)));
    assert.equal(await page.locator('th[aria-sort=ascending] .sort[data-sort=received_at]').count(), 1);
    assert.equal(await page.locator(`.submission-row[data-instance-id="${KIDS}"] td`).nth(5).textContent(), '2', 'revision 2');
    await checkScreen(page, 'submissions-table', found);

    // The corrected household: its current revision in English, the repeat as a table.
    await open(page, KIDS);
    const answers = page.locator('.submission-answers');
    await present(answers.locator('.repeat-table tbody tr'), 'two children', { count: 2 });
    const text = await answers.textContent();
    assert.match(text, /Any children\?\s*Yes/);
    assert.match(text, /Pelinia Nouă/);
    assert.doesNotMatch(text, /Why none/, 'the non-relevant question is hidden');
    assert.deepEqual(await answers.locator('.repeat-table thead th').allTextContents(), ['#', 'Name', 'Age']);
    assert.deepEqual(await answers.locator('.repeat-table tbody tr').first().locator('td').allTextContents(), ['Ana', '6']);
    // In French.
    await page.selectOption('select[name=form-language]', 'fr');
    await until('the labels in French', async () => /Des enfants \?\s*Oui/.test(await answers.textContent()));
    assert.deepEqual(await answers.locator('.repeat-table thead th').allTextContents(), ['N°', 'Prénom', 'Âge']);
    // Every revision: the first has the old name.
    assert.equal(await page.locator('select[name=revision] option').count(), 2);
    await page.selectOption('select[name=revision]', '0');
    await until('revision 1 shown', async () => /Pelinia 1/.test(await page.locator('.submission-answers').textContent()));
    await page.selectOption('select[name=revision]', '1');
    await until('revision 2 shown', async () => /Pelinia Nouă/.test(await page.locator('.submission-answers').textContent()));

    // "Has issues" needs a comment; then it is kept with author and time.
    await page.click('.review-action.has_issues');
    await present(page.locator('.review-panel .status.error'), 'the comment asked for');
    await page.fill('textarea[name=review-comment]', 'Check the children’s ages');
    await page.click('.review-action.has_issues');
    await present(page.locator('.review-entry[data-status=has_issues]'), 'the review listed', { timeout: 30_000 });
    assert.match(await page.locator('.review-entry').first().textContent(), /Check the children’s ages/);
    assert.match(await page.locator('.review-entry').first().textContent(), new RegExp(env.server.admin.username));
    await present(page.locator('.submission-status .review-status.has_issues'), 'the status shown');
    await checkScreen(page, 'submission-detail', found);
    // The tablet learns of it at its next sync.
    const corrections = await api('GET', '/api/corrections', { token: state.device });
    assert.equal(corrections.status, 200);
    assert.deepEqual(corrections.body.corrections.map((c) => [c.instance_id, c.comment]), [[KIDS, 'Check the children’s ages']]);

    // Another one approved; a household without children shows why, and no table.
    await backToTable(page);
    await open(page, APPROVE);
    const none = await page.locator('.submission-answers').textContent();
    assert.match(none, /Why none\?\s*Young couple/);
    assert.equal(await page.locator('.submission-answers .repeat-table').count(), 0);
    await page.click('.review-action.approved');
    await present(page.locator('.review-entry[data-status=approved]'), 'approved', { timeout: 30_000 });

    // Filters by review status.
    await backToTable(page);
    await page.selectOption('select[name=review]', 'has_issues');
    await page.click('.apply-filters');
    await until('only the one with issues', async () => JSON.stringify(await rowIds(page)) === JSON.stringify([KIDS]));
    assert.match(await page.locator('.submissions-total').textContent(), /^1 submissions$/);
    await page.selectOption('select[name=review]', 'approved');
    await page.click('.apply-filters');
    await until('only the approved one', async () => JSON.stringify(await rowIds(page)) === JSON.stringify([APPROVE]));
    await until('the charts follow the filters', async () => JSON.stringify(await bars(page, 'statuses')) === JSON.stringify([['Approved', '1']]));
    await checkScreen(page, 'submissions-filtered', found);

    // The export button uses the filters: the approved one alone…
    const approved = await download(page, dir);
    assert.match(approved.name, /^review_visit-1-\d{4}-\d{2}-\d{2}\.zip$/);
    assert.match(await page.locator('.export-done').textContent(), /\(1 submissions\)/);
    const listing = execFileSync('unzip', ['-Z1', approved.path], { encoding: 'utf8' }).trim().split('\n');
    assert.ok(listing.includes('review_visit.csv'), listing.join(', '));
    assert.equal(csvRows(approved.path, 'review_visit.csv').length, 1);
    // …then everything, the children in their own table.
    await page.click('.clear-filters');
    await present(page.locator('.submission-row'), 'all six again', { count: 6, timeout: 30_000 });
    const all = await download(page, dir);
    assert.equal(csvRows(all.path, 'review_visit.csv').length, 6);
    const kids = execFileSync('unzip', ['-Z1', all.path], { encoding: 'utf8' }).split('\n').find((n) => /kid\.csv$/.test(n));
    assert.ok(kids, 'the repeat table');
    assert.equal(csvRows(all.path, kids).length, 6, 'three households with two children');
    await checkScreen(page, 'submissions-exported', found);
    assert.deepEqual(errors, [], 'console errors');
  } finally {
    await context.close();
    await rm(dir, { recursive: true, force: true });
  }
  assert.equal(describeViolations(found), '', 'accessibility violations');
});

test('the submission screens read right to left in Arabic and pass axe-core', async () => {
  await setup();
  const { context, page, errors } = await openPage(env.browser, { locale: 'ar', viewport: { width: 1280, height: 800 } });
  const found = [];
  try {
    await signInToConsole(page, env.server, env.server.admin);
    await within(30_000, 'the table', page.goto(`${env.server.url}/console/#/submissions/${FORM}`));
    await present(page.locator('.submission-row'), 'the six submissions', { count: 6, timeout: 30_000 });
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    assert.equal(await page.locator('.console-tab[data-tab=submissions]').textContent(), 'الإرسالات');
    await checkScreen(page, 'submissions-table-ar', found);
    await open(page, KIDS);
    await checkScreen(page, 'submission-detail-ar', found);
    assert.deepEqual(errors, [], 'console errors');
  } finally {
    await context.close();
  }
  assert.equal(describeViolations(found), '', 'accessibility violations');
});
