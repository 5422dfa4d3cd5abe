// Input as enumerators type it (issue 10, items 2, 5 and 6): a count that
// sizes a roster is not applied on an intermediate keystroke and asks
// before it would delete filled entries; numbers are read as the language
// and the device write them (Arabic-Indic digits, decimal commas,
// thousands separators) and shown formatted; searchable lists find names
// whatever the hamza, the accents or the language.
//
// One server and one browser for the file; typing is key by key
// (`keyboard.type`, `press('Backspace')`), as on a tablet.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, present, storedResponses, until, useServerAndBrowser } from './harness.mjs';
import { ACTION_TIMEOUT, GGS, SSC, members, next, question } from './interview-helpers.mjs';

const env = useServerAndBrowser();

async function open(path, lang, options = {}) {
  const { page, context, errors } = await openPage(env.browser, options);
  context.setDefaultTimeout(ACTION_TIMEOUT);
  await page.goto(`${env.server.url}/#/forms/${path}`);
  await present(page.locator('article.form'), `the form ${path}`, { timeout: 30_000 });
  await page.selectOption('.language-picker', lang);
  return { page, context, errors };
}

const input = (scope, name) => scope.locator(`[data-name=${name}] input`);

/** Clicks into `locator` and types `keys` at the end of what it holds, key by key. */
async function typeAtEnd(page, locator, keys) {
  await locator.click();
  await page.keyboard.press('End');
  for (const key of keys) {
    if (key === '\b') await page.keyboard.press('Backspace');
    else await page.keyboard.type(key);
  }
}

/** Replaces what `locator` holds by `text`, typed key by key. */
async function retype(page, locator, text) {
  await locator.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

/** The stored draft's answers, once the save indicator says saved. */
async function storedAnswers(page) {
  await present(page.locator('.save-status[data-state="saved"]'), 'the save status to say saved', { timeout: 5_000 });
  const match = page.url().match(/#\/responses\/([^/?#]+)$/);
  assert.ok(match, `the URL names the stored response: ${page.url()}`);
  const id = decodeURIComponent(match[1]);
  const record = (await storedResponses(page)).find((r) => r.instance_id === id);
  assert.ok(record, `response ${id} is in IndexedDB`);
  return record.draft.answers;
}

const roster = [
  { hh_name: 'Ion', hh_sex: 'male', hh_relation: 'parent', hh_birth_year: '1960', hh_birth_month: '5', hh_activity: 'retired' },
  { hh_name: 'Maria', hh_sex: 'female', hh_relation: 'parent', hh_birth_year: '1962', hh_birth_month: '3', hh_activity: 'retired' },
  { hh_name: 'Petru', hh_sex: 'male', hh_relation: 'sibling', hh_birth_year: '1993', hh_birth_month: '7', hh_activity: 'employed' },
];
const TYPED = new Set(['hh_name', 'hh_birth_year', 'hh_birth_month']);

async function fillMember(card, member) {
  for (const [name, value] of Object.entries(member)) {
    if (TYPED.has(name)) await input(card, name).fill(value);
    else await card.locator(`[data-name=${name}] input[value=${value}]`).check();
  }
}

/** The first three cards show the roster's answers. */
async function rosterKept(page, where) {
  assert.ok((await members(page).count()) >= 3, `${where}: at least three cards`);
  for (let i = 0; i < 3; i += 1) {
    const card = members(page).nth(i);
    assert.equal(await input(card, 'hh_name').inputValue(), roster[i].hh_name, `${where}: member ${i + 1}'s name`);
    assert.equal(await input(card, 'hh_birth_year').inputValue(), roster[i].hh_birth_year, `${where}: member ${i + 1}'s birth year`);
    assert.equal(
      await card.locator(`[data-name=hh_relation] input[value=${roster[i].hh_relation}]`).isChecked(), true,
      `${where}: member ${i + 1}'s relation`,
    );
  }
}

test('GGS: correcting the household size or the birth year key by key keeps the roster; lowering it asks first', async () => {
  const { page, errors } = await open(GGS, 'en');
  await page.fill('[data-name=interviewer_id] input', '17');
  await page.fill('[data-name=hh_id] input', '104233');
  await page.check('[data-name=region] input[value=centre]');
  await page.check('[data-name=settlement] input[value=rural]');
  await page.check('[data-name=consent] input[value=yes]');
  await next(page, 1);
  await page.fill('[data-name=resp_name] input', 'Ana');
  await page.check('[data-name=resp_sex] input[value=female]');
  await typeAtEnd(page, input(page, 'resp_birth_year'), '1988');
  await typeAtEnd(page, input(page, 'resp_birth_month'), '4');
  await page.check('[data-name=resp_education] input[value=isced_3]');
  await next(page, 2);

  const count = input(page, 'hh_others');
  await typeAtEnd(page, count, '3');
  await present(members(page), 'three roster cards', { count: 3 });
  for (let i = 0; i < 3; i += 1) await fillMember(members(page).nth(i), roster[i]);

  // Backspace passes through an empty count: nothing is removed.
  await typeAtEnd(page, count, '\b');
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(await members(page).count(), 3, 'an empty count on the way to another does not remove the members');
  await rosterKept(page, 'after backspace');
  await page.keyboard.type('4');
  await present(members(page), 'a fourth card', { count: 4 });
  await rosterKept(page, 'after typing 4');
  assert.equal(await input(members(page).nth(3), 'hh_name').inputValue(), '', 'the fourth card is empty');

  // Lowering the count to 2 would delete Petru: asked, refused, nothing lost.
  const dialogs = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss();
  });
  await retype(page, count, '2');
  assert.equal(await members(page).count(), 4, 'not applied while typing');
  await page.keyboard.press('Tab');
  await until('the confirmation', async () => dialogs.length === 1, { timeout: 5_000 });
  assert.match(dialogs[0], /\b1\b/, `the question says how many filled entries would go: ${dialogs[0]}`);
  await until('the count to be restored', async () => (await count.inputValue()) === '4', { timeout: 5_000 });
  assert.equal(await members(page).count(), 4, 'refused: the four cards stay');
  await rosterKept(page, 'after refusing to lower the count');
  assert.equal(dialogs.length, 1, 'asked once');

  // An extra 0 does not render 40 cards, while typing or after; leaving shows the limit.
  await typeAtEnd(page, count, '0');
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(await members(page).count(), 4, '40 is not applied on a keystroke');
  await page.keyboard.press('Tab');
  await present(question(page, 'hh_others').locator('.issue'), 'the 0–30 limit');
  assert.match(await question(page, 'hh_others').locator('.issue').textContent(), /0 to 30/);
  // Nor on leaving: a count that breaks its limit leaves the roster as it is.
  assert.equal(await members(page).count(), 4, '40 builds no cards once left either');
  await retype(page, count, '4');
  await page.keyboard.press('Tab');
  await until('four cards again', async () => (await members(page).count()) === 4, { timeout: 5_000 });
  await rosterKept(page, 'after correcting 40 to 4');

  // Correcting the respondent's birth year passes through 198 (ineligible).
  await page.click('.pager .back');
  await present(page.locator('.page[data-page="1"]'), 'the respondent page');
  await typeAtEnd(page, input(page, 'resp_birth_year'), '\b');
  // Time for an autosave of whatever the keystroke changed.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const meanwhile = await storedAnswers(page);
  assert.equal(meanwhile.household?.hh_member?.length, 4, `the stored roster is intact mid-correction: ${JSON.stringify(meanwhile.household)}`);
  await page.keyboard.type('7');
  await page.keyboard.press('Tab');
  await next(page, 2);
  await present(members(page), 'the roster cards', { count: 4 });
  await rosterKept(page, 'after correcting the birth year');
  assert.equal(dialogs.length, 1, 'nothing else asked: raising a count or removing empty entries needs no question');
  const stored = await storedAnswers(page);
  assert.equal(String(stored.respondent.resp_birth_year), '1987');
  assert.deepEqual(stored.household.hh_member.slice(0, 3).map((m) => m.hh_name), ['Ion', 'Maria', 'Petru']);
  assert.deepEqual(errors, []);
});

test('SSC: numbers as French, English and Arabic write them are stored canonical and shown formatted', async () => {
  const { page, errors } = await open(SSC, 'fr', { locale: 'fr-FR' });
  await page.click('.section-link[data-page="2"]');
  // Arabic-Indic and Persian digits.
  await typeAtEnd(page, input(page, 'dialogues_regional'), '١٢');
  await typeAtEnd(page, input(page, 'dialogues_global'), '۳');
  await page.keyboard.press('Tab');
  assert.match(await question(page, 'dialogues_total_note').textContent(), /15/);

  await page.click('.section-link[data-page="6"]');
  const total = input(page, 'resources_total');
  await typeAtEnd(page, total, '2 500 000');
  await page.keyboard.press('Tab');
  assert.equal(await question(page, 'resources_total').locator('.issue').count(), 0, 'accepted');
  assert.equal((await total.inputValue()).replace(/[\u00a0\u202f]/g, ' '), '2 500 000', 'shown grouped in French');
  await typeAtEnd(page, input(page, 'resources_trust'), '1\u202f250\u00a0000,5');
  await page.keyboard.press('Tab');
  await typeAtEnd(page, input(page, 'budget_share'), '12,5');
  await page.keyboard.press('Tab');
  assert.equal(await question(page, 'budget_share').locator('.issue').count(), 0, 'a decimal comma is accepted');
  assert.equal(await input(page, 'budget_share').inputValue(), '12,5', 'shown with a comma in French');
  let answers = await storedAnswers(page);
  assert.equal(String(answers.dialogues.dialogues_regional), '12');
  assert.equal(String(answers.dialogues.dialogues_global), '3');
  assert.equal(String(answers.resources.resources_total), '2500000');
  assert.equal(String(answers.resources.resources_trust), '1250000.5');
  assert.equal(String(answers.resources.budget_share), '12.5');

  // Refused input says what is wanted.
  await retype(page, input(page, 'budget_share'), 'douze');
  await page.keyboard.press('Tab');
  const hint = question(page, 'budget_share').locator('.format-hint');
  assert.match(await hint.textContent(), /12,5/, 'the refusal shows the format wanted');
  assert.ok(
    (await input(page, 'budget_share').getAttribute('aria-describedby')).split(' ').includes(await hint.getAttribute('id')),
    'and the input is described by it',
  );

  // English: commas group thousands.
  await page.selectOption('.language-picker', 'en');
  assert.equal(await total.inputValue(), '2,500,000', 'shown grouped in English');
  await retype(page, total, '3.500.000');
  await page.keyboard.press('Tab');
  await retype(page, input(page, 'resources_trust'), '1,234');
  await page.keyboard.press('Tab');
  answers = await storedAnswers(page);
  assert.equal(String(answers.resources.resources_total), '3500000');
  assert.equal(String(answers.resources.resources_trust), '1234', '1,234 in English is one thousand two hundred and thirty-four');
  assert.deepEqual(errors, []);
});

test('SSC in Arabic: the country list finds names without hamza, in English, and shows the chosen first', async () => {
  const { page, errors } = await open(SSC, 'ar');
  await page.click('.section-link[data-page="4"]');
  await page.check('[data-name=partner_regions] input[value=asia]');
  await page.check('[data-name=partner_regions] input[value=europe]');
  const countries = question(page, 'partner_countries');
  const search = countries.locator('.choice-search');
  await search.fill('الاردن');
  assert.deepEqual(await countries.locator('.choice span').allTextContents(), ['الأردن'], 'found without its hamza');
  await countries.locator('input[value=jor]').check();
  await search.fill('اندونيسيا');
  assert.deepEqual(await countries.locator('.choice span').allTextContents(), ['الأردن', 'إندونيسيا'], 'the chosen first, then what is found');
  await countries.locator('input[value=idn]').check();
  await search.fill('Jordan');
  assert.deepEqual(await countries.locator('.choices input:checked').evaluateAll((l) => l.map((i) => i.value)), ['idn', 'jor'], 'the chosen, in the list\'s order');
  assert.ok((await countries.locator('.choice span').allTextContents()).includes('الأردن'), 'found by its English name');
  await search.fill('moldova');
  assert.ok((await countries.locator('.choice span').allTextContents()).includes('جمهورية مولدوفا'), 'found in English, lower case');
  // The chosen come first in the whole list, not somewhere in 100 names.
  await search.fill('');
  const shown = await countries.locator('.choices input').evaluateAll((l) => l.map((i) => i.value));
  assert.deepEqual(shown.slice(0, 2), ['idn', 'jor'], 'the chosen countries first');
  // A choice the filter no longer offers names itself by its label.
  await page.uncheck('[data-name=partner_regions] input[value=asia]');
  await countries.locator('.choice-search').blur();
  await present(countries.locator('.issue'), 'the problem of the dropped choice');
  const issue = await countries.locator('.issue').textContent();
  assert.match(issue, /الأردن/, `named by its label: ${issue}`);
  assert.doesNotMatch(issue, /jor/, `not by its code: ${issue}`);
  assert.deepEqual(errors, []);
});
