// A Generations and Gender Survey household interview as an enumerator in
// Chișinău would answer it, page by page through the app: shared by the
// persistence tests and the sync benchmark (which needs one real, valid
// GGS response to queue a thousand of).

import assert from 'node:assert/strict';
import { present } from './harness.mjs';
import { members, next } from './interview-helpers.mjs';

export const intro = { interviewer_id: '17', hh_id: '104233', region: 'centre', settlement: 'rural' };
export const respondent = { resp_name: 'Ana', resp_sex: 'female', resp_birth_year: '1990', resp_birth_month: '4', resp_education: 'isced_3' };
export const household = [
  { hh_name: 'Ion', hh_sex: 'male', hh_relation: 'parent', hh_birth_year: '1960', hh_birth_month: '5', hh_activity: 'retired' },
  { hh_name: 'Maria', hh_sex: 'female', hh_relation: 'parent', hh_birth_year: '1962', hh_birth_month: '3', hh_activity: 'retired' },
  { hh_name: 'Petru', hh_sex: 'male', hh_relation: 'sibling', hh_birth_year: '1993', hh_birth_month: '7', hh_activity: 'employed' },
  { hh_name: 'Elena', hh_sex: 'female', hh_relation: 'sibling', hh_birth_year: '1999', hh_birth_month: '11', hh_activity: 'student' },
  { hh_name: 'Vasile', hh_sex: 'male', hh_relation: 'grandparent', hh_birth_year: '1936', hh_birth_month: '1', hh_activity: 'retired' },
];
const TEXT = new Set(['interviewer_id', 'hh_id', 'resp_name', 'resp_birth_year', 'resp_birth_month',
  'hh_name', 'hh_birth_year', 'hh_birth_month']);

/** Answers `answers` (text inputs and radio buttons) inside `scope`. */
export async function answer(scope, answers) {
  for (const [name, value] of Object.entries(answers)) {
    if (TEXT.has(name)) await scope.locator(`[data-name=${name}] input`).fill(value);
    else await scope.locator(`[data-name=${name}] input[value=${value}]`).check();
  }
}

/** Checks that `scope` shows `answers`. */
export async function shows(scope, answers, where) {
  for (const [name, value] of Object.entries(answers)) {
    if (TEXT.has(name)) {
      assert.equal(await scope.locator(`[data-name=${name}] input`).inputValue(), value, `${where}: ${name}`);
    } else {
      assert.equal(await scope.locator(`[data-name=${name}] input[value=${value}]`).isChecked(), true, `${where}: ${name} = ${value}`);
    }
  }
}

/** Fills in the first two GGS pages (consent given); ends on the roster page. */
export async function ggsToRoster(page) {
  await answer(page, intro);
  await page.check('[data-name=consent] input[value=yes]');
  await next(page, 1);
  await answer(page, respondent);
  await next(page, 2);
}

/** Fills in the roster's member `i`. */
export async function fillMember(page, i, member) {
  await answer(members(page).nth(i), member);
}

/** From the roster page (filled in) to Finish. */
export async function ggsFromRosterToEnd(page) {
  await next(page, 3);
  await page.check('[data-name=partner_status] input[value=none]');
  await page.check('[data-name=marital_status] input[value=never_married]');
  await page.fill('[data-name=prev_partners] input', '0');
  await next(page, 4);
  await page.fill('[data-name=n_children_ever] input', '0');
  await next(page, 5);
  await page.check('[data-name=pregnant] input[value=no]');
  await page.check('[data-name=intend_3y] input[value=probably_yes]');
  await page.fill('[data-name=n_more_children] input', '1');
  await next(page, 6);
  await page.check('[data-name=int_language] input[value=ro]');
  await page.check('[data-name=others_present] input[value=none]');
  await page.check('[data-name=cooperation] input[value=good]');
  await page.check('[data-name=reliability] input[value=reliable]');
  await finish(page);
}

/** Presses Finish and waits for the end-of-interview screen. */
export async function finish(page) {
  await page.click('.pager .next');
  try {
    await present(page.locator('section.finalized'), 'the finalized screen after Finish', { timeout: 10_000 });
  } catch (error) {
    const left = await page.locator('.summary.problems li, .issue').allTextContents();
    throw new Error(`${error.message}; problems listed: ${JSON.stringify(left)}`);
  }
}

