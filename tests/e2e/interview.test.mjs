// The interview as an enumerator lives it (issue 10): what Finish checks
// and lists, where leaving a draft puts it, taps that a problem message
// must not steal, and the small things (the document's language, NaN in
// notes, focus after Next, readable disabled sections).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axe, describeViolations, openPage, present, screenshots, until, useServerAndBrowser, within } from './harness.mjs';
import { ACTION_TIMEOUT, GGS, SSC, freshPage, members, next, question } from './interview-helpers.mjs';

const env = useServerAndBrowser();
const fresh = (options) => freshPage(env.browser, options);

async function openForm(page, path, lang) {
  await within(30_000, `${path} to load`, page.goto(`${env.server.url}/#/forms/${path}`));
  await present(page.locator('article.form'), `the form ${path}`, { timeout: 30_000 });
  if (lang) await page.selectOption('.language-picker', lang);
}

const problems = (page) => page.locator('.summary.problems .summary-issue');

/** The first page of GGS, answered, with consent given. */
async function introduction(page) {
  await page.fill('[data-name=interviewer_id] input', '17');
  await page.fill('[data-name=hh_id] input', '104233');
  await page.check('[data-name=region] input[value=centre]');
  await page.check('[data-name=settlement] input[value=rural]');
  await page.check('[data-name=consent] input[value=yes]');
}

test('item 7: Finish before consent checks only what is relevant; the list is live, translated and grouped by section', async () => {
  const { page, errors } = await fresh();
  await openForm(page, GGS, 'en');
  assert.equal(await page.locator('.pager .next').textContent(), 'Finish', 'before consent Finish is the only way on');
  await page.click('.pager .next');
  await present(problems(page), 'the problems Finish lists');
  assert.ok(await page.locator('.page .issue').count() >= 4, 'this page shows its problems');
  const sections = page.locator('.summary.problems .summary-section');
  assert.equal(await sections.count(), 1, 'only the relevant section is listed, under its title');
  assert.equal(await sections.first().locator('h4').textContent(), 'Interview information');

  // Live: fixing a problem takes it off the list.
  const before = await problems(page).count();
  await page.fill('[data-name=interviewer_id] input', '17');
  await until('the fixed question to leave the list', async () => (await problems(page).count()) === before - 1);
  // ... and a language switch translates the list.
  await page.selectOption('.language-picker', 'ro');
  await until('the list in Romanian', async () => /Aceste răspunsuri/.test(await page.locator('.summary.problems').textContent()));
  assert.equal(await sections.first().locator('h4').textContent(), await page.locator('.page-title').textContent());
  await page.selectOption('.language-picker', 'en');

  // Consent opens the rest of the form, which was not checked: no red.
  await introduction(page);
  await page.click('.pager .next');
  await present(page.locator('.page[data-page="1"]'), 'the respondent page');
  assert.equal(await page.locator('.page .issue').count(), 0, 'a later section does not open red');
  assert.equal(await page.locator('.page .question.invalid').count(), 0);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('item 10: the document\'s lang and dir follow the language, on home too', async () => {
  // Home in Arabic is right to left.
  const home = await fresh({ locale: 'ar' });
  await within(30_000, 'home', home.page.goto(`${env.server.url}/#/`));
  await present(home.page.locator('.home'), 'the home screen', { timeout: 30_000 });
  await until('<html dir=rtl lang=ar> on home', async () => {
    const [lang, dir] = await home.page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
    return lang === 'ar' && dir === 'rtl';
  });
  await home.context.close();

  const { page, errors } = await fresh();
  await openForm(page, SSC, 'ar');
  await until('<html dir=rtl lang=ar> in the form', async () => page.evaluate(
    () => document.documentElement.lang === 'ar' && document.documentElement.dir === 'rtl',
  ));
  await page.selectOption('.language-picker', 'fr');
  await until('<html dir=ltr lang=fr>', async () => page.evaluate(
    () => document.documentElement.lang === 'fr' && document.documentElement.dir === 'ltr',
  ));
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('item 10: disabled section pills are readable (4.5:1)', async () => {
  const { page: p, context, errors } = await fresh();
  await openForm(p, GGS, 'en');
  // Disabled section pills: at least 4.5:1, as the page paints them.
  const ratio = await p.locator('.section-link[data-page="1"]').evaluate((el) => {
    const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
    const style = getComputedStyle(el);
    const alpha = Number(style.opacity);
    const page = rgb(getComputedStyle(document.body).backgroundColor);
    const mix = (c) => c.map((v, i) => alpha * v + (1 - alpha) * page[i]);
    const bgRaw = style.backgroundColor.startsWith('rgba(0, 0, 0, 0)') ? page : rgb(style.backgroundColor);
    const lum = (c) => {
      const [r, g, b] = c.map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [a, b] = [lum(mix(rgb(style.color))), lum(mix(bgRaw))];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
  assert.equal(await p.locator('.section-link[data-page="1"]').isDisabled(), true);
  assert.ok(ratio >= 4.5, `disabled section contrast ${ratio.toFixed(2)}:1`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('item 10: Next moves focus to the new page\'s heading', async () => {
  const { page: p, context, errors } = await fresh();
  await openForm(p, GGS, 'en');

  await introduction(p);
  await p.click('.pager .next');
  await present(p.locator('.page[data-page="1"]'), 'the respondent page');
  await until('focus on the new page heading', async () => p.evaluate(
    () => document.activeElement?.matches('.page .page-title') ?? false,
  ));
  assert.deepEqual(errors, []);
  await context.close();
});

test('item 10: a note shows nothing, not NaN, for an unanswered number', async () => {
  const { page: p, context, errors } = await fresh();
  await openForm(p, GGS, 'en');
  await introduction(p);
  await p.click('.pager .next');
  await present(p.locator('.page[data-page="1"]'), 'the respondent page');
  await p.fill('[data-name=resp_name] input', 'Ana');
  await p.check('[data-name=resp_sex] input[value=female]');
  await p.fill('[data-name=resp_birth_year] input', '1990');
  await p.fill('[data-name=resp_birth_month] input', '4');
  // Fertility: children intended, with the number of children ever had
  // (an earlier section) left unanswered: `${n_children_ever} + ...`.
  const pills = await p.locator('.section-link').count();
  for (let i = 0; i < pills; i += 1) {
    await p.click(`.section-link[data-page="${i}"]`);
    await present(p.locator(`.page[data-page="${i}"]`), `page ${i}`);
    if (await question(p, 'pregnant').count()) break;
  }
  await p.check('[data-name=pregnant] input[value=yes]');
  await p.fill('[data-name=n_more_children] input', '1');
  const note = question(p, 'fert_note');
  await present(note, 'the note adding up the children');
  const nan = (await p.locator('.page .question[data-type=note]').allTextContents()).filter((t) => t.includes('NaN'));
  assert.deepEqual(nan, [], 'no note shows NaN');
  assert.equal(await note.locator('.label').textContent(), 'Children ever had plus children intended: ');
  assert.deepEqual(errors, []);
  await context.close();
});

test('item 3: leaving a draft says where it went; Forward after Back reopens the same response', async () => {
  const { page, errors } = await fresh();
  await within(30_000, 'home', page.goto(`${env.server.url}/#/`));
  await present(page.locator('.home'), 'the home screen', { timeout: 30_000 });
  // Opened from home, as an enumerator would (a history entry to go back to).
  await page.evaluate((path) => { location.hash = `#/forms/${path}`; }, GGS);
  await present(page.locator('article.form'), 'the form', { timeout: 30_000 });
  await page.selectOption('.language-picker', 'en');
  await page.fill('[data-name=interviewer_id] input', '17');
  await page.locator('[data-name=interviewer_id] input').blur();
  await present(page.locator('.save-status[data-state="saved"]'), 'the first save');
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /^#\/responses\/[0-9a-f-]+$/, 'the new response is reopened as itself');

  // The system Back button.
  await page.goBack();
  const notice = page.locator('.home .draft-left[role=status]');
  await present(notice, 'the notice saying where the draft went');
  assert.match(await notice.textContent(), /Draft saved on this device: .*GGS|Draft saved on this device: \S/);
  assert.equal(await notice.locator('a').getAttribute('href'), hash);

  // Forward: the same response, with its answer.
  await page.goForward();
  await present(page.locator('article.form'), 'the form again');
  assert.equal(await page.evaluate(() => location.hash), hash);
  await until('the answer back', async () => (await page.locator('[data-name=interviewer_id] input').inputValue()) === '17');

  // The title link leaves too, and the notice's link comes back.
  await page.click('.topbar h1 a');
  await present(notice, 'the notice after the title link');
  await notice.locator('a').click();
  await until('the answer back again', async () => (await page.locator('[data-name=interviewer_id] input').count()) === 1
    && (await page.locator('[data-name=interviewer_id] input').inputValue()) === '17');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('item 4: a touch tap right after a wrong value is not lost to the problem message', async () => {
  for (const [width, height] of [[800, 1280], [360, 740]]) {
    const { page, context, errors } = await fresh({ hasTouch: true, isMobile: true, viewport: { width, height } });
    await openForm(page, GGS, 'en');
    await page.fill('[data-name=interviewer_id] input', '17');
    // A wrong household number, then a tap straight on the next choice.
    await page.locator('[data-name=hh_id] input').tap();
    await page.locator('[data-name=hh_id] input').fill('1234');
    await page.tap('[data-name=region] input[value=centre]');
    await until(`the tapped choice to be chosen at ${width} px`,
      async () => page.locator('[data-name=region] input[value=centre]').isChecked(), { timeout: 3_000 });
    assert.equal(await question(page, 'hh_id').locator('.issue').count(), 1, 'the wrong value says so');
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('item 8: on a phone, a compact header, page x of y, a blocked Next shows the problem with its label, cards titled by their content', async () => {
  const { page, context, errors } = await fresh({ hasTouch: true, isMobile: true, viewport: { width: 360, height: 740 } });
  await openForm(page, GGS, 'en');
  assert.equal(await page.locator('.sections ol').isVisible(), false, 'no wall of section pills');
  assert.equal(await page.locator('.section-select').isVisible(), true, 'one section picker');
  assert.equal(await page.locator('.progress .page-of').textContent(), 'Page 1 of 1');
  const first = await page.locator('.page .question').first().boundingBox();
  assert.ok(first.y < 740 / 2, `the first question starts in the top half (${first.y} px)`);

  await introduction(page);
  await until('more pages once consent is given', async () => /^Page 1 of [2-9]$/.test(await page.locator('.progress .page-of').textContent()));
  await page.selectOption('.section-select', '1');
  await present(page.locator('.page[data-page="1"]'), 'the respondent page from the picker');
  assert.match(await page.locator('.progress .page-of').textContent(), /^Page 2 of \d$/);

  // Next with nothing answered: the first problem is scrolled to, label and all.
  await page.locator('.pager .next').tap();
  const label = question(page, 'resp_name').locator('.label');
  await until('the first problem focused', async () => page.evaluate(
    () => document.activeElement?.closest('.question')?.dataset.name === 'resp_name',
  ), { timeout: 5_000 });
  const box = await label.boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= 740, `the label is in view: ${JSON.stringify(box)}`);

  // Roster cards say whom they are about.
  await page.fill('[data-name=resp_name] input', 'Ana');
  await page.check('[data-name=resp_sex] input[value=female]');
  await page.fill('[data-name=resp_birth_year] input', '1990');
  await page.fill('[data-name=resp_birth_month] input', '4');
  await page.check('[data-name=resp_education] input >> nth=3');
  await page.locator('.pager .next').tap();
  await present(page.locator('.page[data-page="2"]'), 'the household page');
  await page.fill('[data-name=hh_others] input', '1');
  await page.locator('[data-name=hh_others] input').blur();
  const card = page.locator('.repeat[data-name=hh_member] .instance').first();
  await present(card, 'the first member card');
  await card.locator('[data-name=hh_name] input').fill('Ion');
  await card.locator('[data-name=hh_birth_year] input').fill('1990');
  await until('the card titled by its content', async () => /\(1\): Ion, 1990$/.test(await card.locator('h4').textContent()));
  assert.deepEqual(errors, []);
  await context.close();
});

test('item 10: a cleared answer can be brought back with one tap', async () => {
  const { page, errors } = await fresh();
  await openForm(page, GGS, 'ro');
  const region = question(page, 'region');
  await page.check('[data-name=region] input[value=centre]');
  await region.locator('button.clear').click();
  assert.equal(await region.locator('input:checked').count(), 0, 'Clear empties the answer');
  const undo = region.locator('.cleared button.undo');
  await present(undo, 'the Undo button after Clear');
  assert.match(await region.locator('.cleared').textContent(), /Răspuns șters/);
  await undo.click();
  await present(region.locator('input[value=centre]:checked'), 'the answer back after Undo');
  assert.equal(await region.locator('.cleared').count(), 0, 'Undo goes once the answer is back');
  assert.deepEqual(errors, []);
});

test('item 8: a long roster folds its finished cards; a problem inside a folded card unfolds it and is focused', async () => {
  const { page, context, errors } = await fresh({ viewport: { width: 360, height: 740 } });
  await openForm(page, GGS, 'en');
  await introduction(page);
  await next(page, 1);
  await page.fill('[data-name=resp_name] input', 'Ana');
  await page.check('[data-name=resp_sex] input[value=female]');
  await page.fill('[data-name=resp_birth_year] input', '1990');
  await page.fill('[data-name=resp_birth_month] input', '4');
  await page.check('[data-name=resp_education] input >> nth=3');
  await next(page, 2);
  const household = [
    ['Ion', 'male', 'parent', '1960', '5', 'retired'],
    ['Maria', 'female', 'parent', '1962', '3', 'retired'],
    ['Petru', 'male', 'sibling', '1993', '7', 'employed'],
    ['Elena', 'female', 'sibling', '1999', '11', 'student'],
    ['Vasile', 'male', 'grandparent', '1936', '1', 'retired'],
  ];
  await page.fill('[data-name=hh_others] input', String(household.length));
  await page.locator('[data-name=hh_others] input').blur();
  await present(members(page), 'five member cards', { count: household.length });
  for (const [i, [name, sex, relation, year, month, activity]] of household.entries()) {
    const card = members(page).nth(i);
    await card.locator('[data-name=hh_name] input').fill(name);
    await card.locator(`[data-name=hh_sex] input[value=${sex}]`).check();
    await card.locator(`[data-name=hh_relation] input[value=${relation}]`).check();
    await card.locator('[data-name=hh_birth_year] input').fill(year);
    await card.locator('[data-name=hh_birth_month] input').fill(month);
    await card.locator(`[data-name=hh_activity] input[value=${activity}]`).check();
  }
  // Cards being filled stay open; folding happens when the page is opened.
  assert.equal(await page.locator('.instance.folded').count(), 0, 'no card folds under the fingers');

  // Away and back: the finished cards are folded, the last one is open.
  await next(page, 3);
  await page.click('.pager .back');
  await present(page.locator('.page[data-page="2"]'), 'the household page again');
  const toggle = (i) => members(page).nth(i).locator(':scope > header .instance-toggle');
  await until('four folded cards', async () => (await page.locator('.instance.folded').count()) === 4);
  for (let i = 0; i < household.length; i += 1) {
    const open = i === household.length - 1;
    assert.equal(await toggle(i).getAttribute('aria-expanded'), String(open), `member ${i + 1} aria-expanded`);
    const body = await toggle(i).getAttribute('aria-controls');
    assert.equal(await page.locator(`#${body}`).isVisible(), open, `member ${i + 1}'s questions shown: ${open}`);
    // Folded is screen state: the inputs keep their answers.
    assert.equal(await members(page).nth(i).locator('[data-name=hh_name] input').inputValue(), household[i][0]);
  }
  // Named by the card's title, a finger-sized target, one line when folded.
  const second = page.getByRole('button', { name: /^Household member \(2\): Maria, 1962/ });
  assert.equal(await second.count(), 1, 'the toggle is named by the card title');
  const box = await toggle(1).boundingBox();
  assert.ok(box.width >= 48 && box.height >= 48, `toggle target ${JSON.stringify(box)}`);
  const folded = await members(page).nth(1).boundingBox();
  assert.ok(folded.height < 80, `a folded card is one line (${folded.height} px)`);
  const violations = await axe(page);
  assert.deepEqual(violations, [], describeViolations(violations));
  await screenshots(page, 'roster-collapsed');

  // The keyboard opens a card.
  await toggle(1).focus();
  await page.keyboard.press('Enter');
  await until('member 2 open', async () => (await toggle(1).getAttribute('aria-expanded')) === 'true');
  const name2 = members(page).nth(1).locator('[data-name=hh_name] input');
  assert.equal(await name2.isVisible(), true, 'its questions are shown');
  // Expand all, then Collapse all (which folds every filled card).
  const foldAll = page.locator('.repeat[data-name=hh_member] > .fold-all');
  assert.match(await foldAll.textContent(), /^Expand all/);
  await foldAll.click();
  await until('every card open', async () => (await page.locator('.instance.folded').count()) === 0);
  assert.match(await foldAll.textContent(), /^Collapse all/);
  await foldAll.click();
  await until('every card folded', async () => (await page.locator('.instance.folded').count()) === household.length);

  // A required answer emptied in an opened card, which is then folded again.
  await toggle(1).focus();
  await page.keyboard.press('Enter');
  await until('member 2 open again', async () => (await toggle(1).getAttribute('aria-expanded')) === 'true');
  await name2.fill('');
  await name2.blur();
  await toggle(1).focus();
  await page.keyboard.press('Space');
  await until('member 2 folded with Space', async () => (await toggle(1).getAttribute('aria-expanded')) === 'false');
  const flag = members(page).nth(1).locator('.instance-flag');
  await present(flag, 'the problem marker in the folded card\'s header');
  assert.equal(await flag.isVisible(), true);
  assert.match(await toggle(1).textContent(), /needs attention/, 'the marker is part of the toggle\'s name');
  await screenshots(page, 'roster-collapsed-problem', [[360, 740]]);
  const flagged = await axe(page);
  assert.deepEqual(flagged, [], describeViolations(flagged));

  // Next is blocked: the card opens and the question is focused, its label in view.
  await page.click('.pager .next');
  await until('member 2 unfolded by the blocked Next', async () => (await toggle(1).getAttribute('aria-expanded')) === 'true');
  await until('the emptied name focused', async () => page.evaluate(() => {
    const card = document.querySelectorAll('.repeat[data-name=hh_member] > .instance')[1];
    return card?.contains(document.activeElement) && document.activeElement.closest('.question')?.dataset.name === 'hh_name';
  }), { timeout: 5_000 });
  const label = await members(page).nth(1).locator('[data-name=hh_name] .label').boundingBox();
  assert.ok(label && label.y >= 0 && label.y + label.height <= 740, `the label is in view: ${JSON.stringify(label)}`);
  assert.equal(await page.locator('.page[data-page="2"]').count(), 1, 'Next was blocked');
  assert.equal(await toggle(0).getAttribute('aria-expanded'), 'false', 'cards without a problem stay folded');
  assert.deepEqual(errors, []);
  await context.close();
});
