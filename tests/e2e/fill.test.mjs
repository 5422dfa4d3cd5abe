// Filling in the shipped forms as an enumerator would: skip logic,
// rosters, values shown in labels and messages, cascading and searchable
// choice lists, and validation that blocks Next and lists what is left,
// in the interview's language.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminToken, callApi, openPage, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

async function open(path, lang) {
  const { page, errors } = await openPage(env.browser);
  await page.goto(`${env.server.url}/#/forms/${path}`);
  await page.locator('article.form').waitFor({ timeout: 30_000 });
  await page.selectOption('.language-picker', lang);
  return { page, errors };
}

const question = (page, name) => page.locator(`.question[data-name="${name}"]`);

test('GGS in Romanian: consent routing, household roster, live labels, range checks', async () => {
  const { page, errors } = await open('ggs_household/2026.1', 'ro');

  // Nothing past the first page before consent.
  assert.equal(await page.locator('.section-link[data-page="1"]').isDisabled(), true);
  await page.click('.pager .next');
  const issues = await page.locator('.page .issue').allTextContents();
  assert.ok(issues.length >= 4, `every required question says so: ${issues}`);
  assert.ok(issues.every((m) => !/required|answer/i.test(m)), `messages are in Romanian: ${issues}`);
  assert.equal(await page.locator('.page').getAttribute('data-page'), '0', 'Next stays put');

  await page.fill('[data-name=interviewer_id] input', '17');
  await page.fill('[data-name=hh_id] input', '104233');
  await page.check('[data-name=region] input[value=centre]');
  await page.check('[data-name=settlement] input[value=rural]');
  await page.check('[data-name=consent] input[value=no]');
  assert.equal(await question(page, 'no_consent_note').count(), 1, 'refusal note shown');
  await page.check('[data-name=consent] input[value=yes]');
  assert.equal(await question(page, 'no_consent_note').count(), 0, 'refusal note gone');
  assert.equal(await page.locator('.page .issue').count(), 0, 'answered questions have no problem');
  await page.click('.pager .next');
  assert.equal(await page.locator('.page').getAttribute('data-page'), '1');

  // Respondent: a birth year out of range is refused in Romanian.
  await page.fill('[data-name=resp_name] input', 'Ana');
  await page.check('[data-name=resp_sex] input[value=female]');
  await page.fill('[data-name=resp_birth_year] input', '1890');
  await page.locator('[data-name=resp_birth_year] input').blur();
  assert.equal(
    await question(page, 'resp_birth_year').locator('.issue').textContent(),
    'Anul nașterii trebuie să fie între 1930 și anul curent.',
  );
  await page.fill('[data-name=resp_birth_year] input', '1990');
  assert.equal(await question(page, 'resp_birth_year').locator('.issue').count(), 0);
  await page.fill('[data-name=resp_birth_month] input', '4');
  await page.check('[data-name=resp_education] input >> nth=3');
  assert.match(await question(page, 'resp_age_note').textContent(), /\d\d/, 'computed age is shown');
  await page.click('.pager .next');

  // Household roster: as many members as declared, labels follow the names.
  assert.equal(await page.locator('.page-title').textContent(), 'A. Componența gospodăriei');
  await page.fill('[data-name=hh_others] input', '2');
  await page.locator('.repeat[data-name=hh_member] .instance').nth(1).waitFor();
  assert.equal(await page.locator('.repeat[data-name=hh_member] .instance').count(), 2);
  assert.equal(await page.locator('.add-instance').count(), 0, 'repeat_count decides how many');
  const second = page.locator('.instance').nth(1);
  assert.equal(await second.locator('[data-name=hh_name] .label').textContent(), 'Persoana 2: prenumele *');
  await second.locator('[data-name=hh_name] input').fill('Ion');
  assert.equal(await second.locator('[data-name=hh_sex] .label').textContent(), 'Sexul persoanei Ion *');
  // A lower count that removes a filled member applies when the input is
  // left, once confirmed.
  page.once('dialog', (dialog) => dialog.accept());
  await page.fill('[data-name=hh_others] input', '1');
  await page.locator('[data-name=hh_others] input').blur();
  await page.locator('.repeat[data-name=hh_member] .instance').nth(1).waitFor({ state: 'detached' });
  assert.equal(await question(page, 'hh_size_note').locator('.label').textContent(), 'Numărul membrilor gospodăriei, inclusiv respondentul: 2');
  assert.deepEqual(errors, []);
});

test('South-South report in French: shares must total 100 %, countries filtered and searchable, good practices', async () => {
  const { page, errors } = await open('ssc_annual_report/2026.1', 'fr');

  await page.click('.section-link[data-page="3"]');
  await page.fill('[data-name=n_initiatives] input', '12');
  await page.fill('[data-name=share_cb] input', '50');
  await page.fill('[data-name=share_kb] input', '30');
  await page.fill('[data-name=share_pf] input', '10');
  await page.fill('[data-name=share_other] input', '0');
  await page.locator('[data-name=share_other] input').blur();
  const problem = question(page, 'share_other').locator('.issue');
  assert.match(await problem.textContent(), /égale à 100\s%\s\(actuellement 90\s%\)/);
  await page.fill('[data-name=share_other] input', '10');
  assert.equal(await problem.count(), 0, 'fixed once the shares add up');
  assert.equal(await question(page, 'share_total_note').locator('.label').textContent(), 'Total\u00a0: 100\u00a0%');

  // Countries: only the regions chosen, then searched.
  await page.click('.section-link[data-page="4"]');
  await page.check('[data-name=partner_regions] input[value=europe]');
  const countries = question(page, 'partner_countries');
  const europe = await countries.locator('.choice').count();
  assert.ok(europe > 30 && europe < 60, `${europe} European countries offered`);
  await countries.locator('.choice-search').fill('mold');
  assert.deepEqual(await countries.locator('.choice span').allTextContents(), ['République de Moldova']);
  await countries.locator('input[value=mda]').check();
  await countries.locator('.choice-search').fill('');
  assert.equal(await countries.locator('input:checked').count(), 1);
  assert.match(await question(page, 'partner_countries_note').textContent(), /1/);
  // Dropping the region keeps Moldova visible, flagged, until it is unticked.
  await page.uncheck('[data-name=partner_regions] input[value=europe]');
  const stale = countries.locator('.choice', { hasText: "République de Moldova (n'est plus proposé)" });
  assert.equal(await stale.count(), 1);
  assert.equal(await stale.locator('input').isChecked(), true);
  assert.match(await countries.locator('.issue').textContent(), /République de Moldova/, 'named by its label, not its code');
  await stale.locator('input').click(); // gone once unticked, so not uncheck()
  assert.equal(await countries.locator('.choice').count(), 0);
  assert.equal(await countries.locator('.no-choices').count(), 1);
  await page.check('[data-name=partner_regions] input[value=europe]');

  // Good practices: added, numbered, removed after confirmation.
  await page.click('.section-link[data-page="7"]');
  page.on('dialog', (dialog) => dialog.accept());
  await page.click('.add-instance');
  await page.click('.add-instance');
  const cards = page.locator('.repeat[data-name=good_practice] .instance');
  assert.equal(await cards.count(), 2);
  assert.equal(await cards.nth(1).locator('[data-name=gp_title] .label').textContent(), 'Intitulé de la bonne pratique 2 *');
  await cards.nth(0).locator('.remove-instance').click();
  assert.equal(await cards.count(), 1);
  assert.equal(await cards.nth(0).locator('[data-name=gp_title] .label').textContent(), 'Intitulé de la bonne pratique 1 *');
  assert.match(await cards.nth(0).locator('h4').textContent(), /\(1\)$/, 'renumbered after the removal');

  // Finish lists what is left; each item leads to its question.
  const last = await page.locator('.section-link').count();
  await page.click(`.section-link[data-page="${last - 1}"]`);
  await page.click('.pager .next');
  const left = page.locator('.summary.problems .summary-issue');
  assert.ok((await left.count()) > 3, 'unanswered required questions are listed');
  await left.first().click();
  assert.equal(await page.locator('.page').getAttribute('data-page'), '0');
  assert.deepEqual(errors, []);
});

test('every kind of input writes the canonical ODK answer', async () => {
  const token = await adminToken(env.server);
  const q = (name, type, extra = {}) => ({ kind: 'question', name, type, label: { en: name }, ...extra });
  const form = {
    format: 1, id: 'widgets', version: '1', title: { en: 'Widgets' },
    languages: [{ code: 'en', name: 'English' }], default_language: 'en',
    choices: { yn: [{ name: 'yes', label: { en: 'Yes' } }, { name: 'no', label: { en: 'No' } }] },
    items: [
      q('where', 'geopoint'), q('day', 'date'), q('at', 'time'), q('when', 'datetime'),
      q('score', 'range', { parameters: { start: '0', end: '10', step: '2' } }),
      q('ok', 'acknowledge'), q('pick', 'select_one', { choices: 'yn', appearance: 'minimal' }),
      q('else', 'select_one', { choices: 'yn', or_other: true }), q('amount', 'decimal'),
      q('all', 'note', { label: { en: '${where}|${day}|${at}|${when}|${score}|${ok}|${pick}|${else}|${else_other}|${amount}' } }),
    ],
  };
  const published = await callApi(env.server, 'POST', '/api/forms', { token, body: form });
  assert.equal(published.status, 201, JSON.stringify(published.body));

  const { page, context, errors } = await openPage(env.browser);
  await context.grantPermissions(['geolocation'], { origin: env.server.url });
  await context.setGeolocation({ latitude: 47.0104521, longitude: 28.86381, accuracy: 12 });
  await page.goto(`${env.server.url}/#/forms/widgets/1`);
  await page.locator('article.form').waitFor({ timeout: 30_000 });

  await question(page, 'where').locator('.locate').click();
  await page.waitForFunction(() => document.querySelector('[data-name=where] input').value !== '');
  await page.fill('[data-name=day] input', '2024-03-05');
  await page.fill('[data-name=at] input', '14:30');
  await page.fill('[data-name=when] input', '2024-03-05T14:30');
  await page.fill('[data-name=score] input', '6');
  await page.check('[data-name=ok] input');
  await page.selectOption('[data-name=pick] select', 'no');
  assert.equal(await question(page, 'else_other').count(), 0, 'asked only for Other');
  await page.check('[data-name=else] input[value=other]');
  assert.equal(await question(page, 'else_other').locator('.label').textContent(), 'Specify other.');
  await page.fill('[data-name=else_other] input', 'maybe');
  await page.fill('[data-name=amount] input', '12.5');
  assert.equal(await question(page, 'else').locator('.choice span').last().textContent(), 'Other');
  assert.equal(
    await question(page, 'all').locator('.label').textContent(),
    '47.010452 28.863810 0.0 12.0|2024-03-05|14:30|2024-03-05T14:30|6|OK|no|other|maybe|12.5',
  );
  assert.equal(await page.locator('.issue').count(), 0, 'every answer is valid');
  await page.click('.pager .next');
  assert.equal(await page.locator('.summary.complete').count(), 1);
  assert.deepEqual(errors, []);
});

test('leaving a form keeps its answers on the device as a draft', async () => {
  const { page, errors } = await open('ggs_household/2026.1', 'en');
  const dialogs = [];
  page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss(); });
  await page.fill('[data-name=hh_id] input', '104233');
  await page.locator('.save-status[data-state=saved]').waitFor({ timeout: 10_000 });
  await page.click('.back-to-forms');
  // Nothing to ask: the draft is on the device, listed on the home screen.
  const drafts = page.locator('.response-group[data-state=draft] .response-entry');
  await drafts.first().waitFor({ timeout: 10_000 });
  assert.equal(await drafts.count(), 1);
  assert.deepEqual(dialogs, [], 'leaving a saved draft asks nothing');
  await drafts.first().locator('a.resume').click();
  await page.locator('[data-name=hh_id] input').waitFor({ timeout: 10_000 });
  assert.equal(await page.inputValue('[data-name=hh_id] input'), '104233', 'the draft reopens with its answer');
  assert.deepEqual(errors, []);
});
