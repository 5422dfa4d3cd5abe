// Both shipped forms render in every one of their languages: titles,
// section names, question labels, hints and choices come out in the
// language picked (right to left for Arabic), answers survive switching
// language, and nothing is logged as an error.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axe, contrast, describeViolations, openPage, screenshots, shippedForms, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

/** Every item of a form, by name. */
function itemsByName(form) {
  const out = new Map();
  const walk = (items) => {
    for (const item of items) {
      out.set(item.name, item);
      walk(item.items ?? []);
    }
  };
  walk(form.items);
  return out;
}

/** The text in `lang`, else the default language, as the engine picks it. */
function text(form, t, lang) {
  if (!t) return '';
  return t[lang] ?? t[form.default_language] ?? Object.values(t)[0] ?? '';
}

/**
 * Whether `shown` is `template` with its `${name}` insertions filled in:
 * the literal parts must appear, in order.
 */
function matchesTemplate(shown, template) {
  const parts = template.split(/\$\{[^}]*\}/);
  const pattern = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^]*?');
  return new RegExp(`^${pattern}$`).test(shown);
}

/** Answers that make every section of a form relevant. */
const unlock = {
  ggs_household: async (page) => {
    await page.fill('[data-name=interviewer_id] input', '17');
    await page.fill('[data-name=hh_id] input', '104233');
    await page.check('[data-name=region] input[value=north]');
    await page.check('[data-name=settlement] input[value=urban]');
    await page.check('[data-name=consent] input[value=yes]');
    await page.click('.section-link[data-page="1"]');
    await page.fill('[data-name=resp_name] input', 'Ana');
    await page.check('[data-name=resp_sex] input[value=female]');
    await page.fill('[data-name=resp_birth_year] input', '1990');
    await page.fill('[data-name=resp_birth_month] input', '4');
  },
  ssc_annual_report: async () => {},
};

/** What the page shows: questions with label, hint and choice texts. */
async function shownQuestions(page) {
  return page.locator('.page .question').evaluateAll((nodes) =>
    nodes.map((q) => {
      const label = q.querySelector('.label');
      const copy = label?.cloneNode(true);
      copy?.querySelectorAll('.required').forEach((r) => r.remove());
      return {
        name: q.dataset.name,
        label: copy?.textContent ?? '',
        hint: q.querySelector('.hint')?.textContent ?? '',
        // An acknowledge box's word is the app's, not the form's.
        choices: [...q.querySelectorAll('.choice:not(.acknowledge) span, select option')]
          .map((c) => c.textContent),
      };
    }),
  );
}

for (const form of await shippedForms()) {
  test(`${form.id} renders in ${form.languages.map((l) => l.code).join(', ')}`, async () => {
    const items = itemsByName(form);
    const { page, errors } = await openPage(env.browser);
    await page.goto(`${env.server.url}/#/forms/${form.id}/${form.version}`);
    await page.locator('article.form').waitFor({ timeout: 30_000 });
    await unlock[form.id](page);
    const sections = await page.locator('.section-link').count();
    assert.ok(sections >= 5, `${form.id}: ${sections} sections`);
    for (let i = 0; i < sections; i++) {
      assert.equal(
        await page.locator(`.section-link[data-page="${i}"]`).isDisabled(),
        false,
        `${form.id}: section ${i} is open once the unlocking answers are given`,
      );
    }

    for (const language of form.languages) {
      const lang = language.code;
      await page.selectOption('.language-picker', lang);
      const article = page.locator('article.form');
      assert.equal(await article.getAttribute('lang'), lang);
      assert.equal(await article.getAttribute('dir'), language.rtl ? 'rtl' : 'ltr');
      assert.equal(await page.locator('.form-title').textContent(), text(form, form.title, lang));
      const next = await page.locator('.pager .next').textContent();
      if (lang !== 'en') assert.ok(!['Next', 'Finish'].includes(next), `${lang}: pager is translated`);

      let questions = 0;
      for (let i = 0; i < sections; i++) {
        await page.click(`.section-link[data-page="${i}"]`);
        await page.locator(`.page[data-page="${i}"]`).waitFor();
        const title = await page.locator('.page-title').textContent();
        const where = `${form.id} (${lang}), section ${i} "${title}"`;
        assert.ok(title.trim().length > 0, `${where}: has a title`);
        for (const shown of await shownQuestions(page)) {
          const item = items.get(shown.name);
          assert.ok(item, `${where}: ${shown.name} is a field of the form`);
          const label = text(form, item.label, lang);
          assert.ok(
            matchesTemplate(shown.label, label),
            `${where}: label of ${shown.name} is ${JSON.stringify(shown.label)}, expected ${JSON.stringify(label)}`,
          );
          const hint = text(form, item.hint, lang);
          assert.ok(matchesTemplate(shown.hint, hint), `${where}: hint of ${shown.name}`);
          if (item.choices) {
            const allowed = new Set(form.choices[item.choices].map((c) => text(form, c.label, lang)));
            for (const c of shown.choices) {
              assert.ok(
                allowed.has(c) || c.endsWith('…') || item.or_other,
                `${where}: ${shown.name} offers ${JSON.stringify(c)}, not a ${lang} label of list ${item.choices}`,
              );
            }
          }
          questions += 1;
        }
      }
      assert.ok(questions >= 20, `${form.id} (${lang}): ${questions} questions shown`);
    }

    // Answers outlive the language switches.
    if (form.id === 'ggs_household') {
      await page.click('.section-link[data-page="1"]');
      assert.equal(await page.inputValue('[data-name=resp_name] input'), 'Ana');
    }
    assert.deepEqual(errors, []);
  });
}

test("a tablet set to Romanian opens GGS in Romanian, and a form without Romanian in its default language", async () => {
  const forms = Object.fromEntries((await shippedForms()).map((f) => [f.id, f]));
  const { page, errors } = await openPage(env.browser, { locale: 'ro-MD' });
  const open = async (form) => {
    await page.goto(`${env.server.url}/#/forms/${form.id}/${form.version}`);
    await page.locator('article.form').waitFor({ timeout: 30_000 });
  };
  await open(forms.ggs_household);
  assert.equal(await page.locator('article.form').getAttribute('lang'), 'ro');
  assert.equal(await page.inputValue('.language-picker'), 'ro', 'the picker shows the language in use');
  assert.equal(await page.locator('.form-title').textContent(), forms.ggs_household.title.ro);
  // A choice made on the device wins next time.
  await page.selectOption('.language-picker', 'ru');
  await open(forms.ssc_annual_report);
  assert.equal(await page.locator('article.form').getAttribute('lang'), forms.ssc_annual_report.default_language);
  await page.goto('about:blank');
  await open(forms.ggs_household);
  assert.equal(await page.locator('article.form').getAttribute('lang'), 'ru');
  assert.deepEqual(errors, []);
});

// Every section of GGS (in Romanian, as fielded) and of the South-South
// report in Arabic: no axe-core violation and nothing axe asks a person to
// review of serious or critical impact; a screenshot of each at 800x1280
// and 360x740 in target/screenshots/ (look at them).
for (const [id, lang] of [['ggs_household', 'ro'], ['ssc_annual_report', 'ar']]) {
  test(`every section of ${id} in ${lang}: accessibility and screenshots`, async () => {
    const form = (await shippedForms()).find((f) => f.id === id);
    const { page, errors } = await openPage(env.browser, { viewport: { width: 800, height: 1280 } });
    page.on('dialog', (dialog) => dialog.accept());
    await page.goto(`${env.server.url}/#/forms/${form.id}/${form.version}`);
    await page.locator('article.form').waitFor({ timeout: 30_000 });
    await unlock[form.id](page);
    await page.selectOption('.language-picker', lang);
    const sections = await page.locator('.section-link').count();
    const found = [];
    for (let i = 0; i < sections; i++) {
      await page.click(`.section-link[data-page="${i}"]`);
      await page.locator(`.page[data-page="${i}"]`).waitFor({ timeout: 10_000 });
      // Unclipped, so axe can measure every contrast itself: the whole page
      // in the viewport and scroll boxes open (it leaves partly hidden text
      // for a person to review).
      await page.evaluate(() => document.querySelectorAll('.choices.searchable')
        .forEach((e) => { e.style.maxHeight = 'none'; }));
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.setViewportSize({ width: 800, height: Math.min(height + 50, 30_000) });
      for (const v of await axe(page, { needsReview: true })) {
        // axe leaves a textarea's contrast undecided ("partially obscured",
        // by its own scroll area): measure those from the computed colours.
        if (v.id === 'color-contrast (needs review)') {
          const low = [];
          for (const target of v.targets) {
            const selector = target.split(': ')[0];
            const ratio = await contrast(page, selector);
            if (!(ratio >= 4.5)) low.push(`${target} (measured ${ratio})`);
          }
          if (low.length === 0) continue;
          v.targets = low;
        }
        found.push(`section ${i}: ${describeViolations([v])}`);
      }
      await page.evaluate(() => document.querySelectorAll('.choices.searchable')
        .forEach((e) => { e.style.maxHeight = ''; }));
      await page.setViewportSize({ width: 800, height: 1280 });
      await screenshots(page, `${id}-${lang}-section-${i + 1}`);
    }
    assert.ok(sections >= 5, `${id}: ${sections} sections`);
    assert.deepEqual(found, [], 'axe-core: serious or critical findings');
    assert.deepEqual(errors, []);
  });
}
