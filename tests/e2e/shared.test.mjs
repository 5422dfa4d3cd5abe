// Real XLSForms written by other projects (../shared/xlsforms, beside the
// repository) imported with `fieldform form import`, published, and walked
// in the app section by section in every language: whatever their types,
// appearances and nesting, every question renders with an input and
// nothing is logged as an error.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { openPage, useServerAndBrowser } from './harness.mjs';

const root = dirname(resolve(process.env.FIELDFORM_FORMS_DIR ?? 'forms'));
const shared = join(root, '..', 'shared', 'xlsforms');
const present = existsSync(shared);
const env = useServerAndBrowser({
  writeForms: async (dir) => {
    if (!present) return; // the test below fails, saying why
    const workbooks = (await readdir(shared)).filter((f) => /\.(xlsx|xls|ods|csv|md)$/.test(f) && f !== 'README.md');
    for (const workbook of workbooks) {
      execFileSync(process.env.FIELDFORM_BIN, ['form', 'import', join(shared, workbook), '-o', dir], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    }
    const files = (await readdir(dir)).filter((f) => f.endsWith('.form.json'));
    env.forms = await Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8'))));
    for (const form of env.forms) await writeStandInDataFiles(form, dir);
  },
});
env.forms = [];

/**
 * The corpus has the workbooks but not their data files: a form whose
 * selects take their choices from a file gets a stand-in beside it (the
 * server publishes files beside form files), with the columns the form
 * reads, so that it publishes and its questions can be walked.
 */
async function writeStandInDataFiles(form, dir) {
  const needs = new Map();
  const walk = (items) => {
    for (const item of items ?? []) {
      walk(item.items);
      if (!item.choices_file) continue;
      const columns = needs.get(item.choices_file) ?? new Set(['name', 'label']);
      for (const key of ['value', 'label']) if (item.parameters?.[key]) columns.add(item.parameters[key]);
      // Bare names in the filter are the file's columns (`${x}` are fields).
      const filter = (item.choice_filter ?? '').replace(/\$\{[^}]*\}|'[^']*'|"[^"]*"/g, ' ');
      for (const word of filter.match(/[A-Za-z_][\w.-]*/g) ?? []) {
        if (!['and', 'or', 'div', 'mod', 'not', 'true', 'false'].includes(word) && !filter.includes(`${word}(`)) columns.add(word);
      }
      needs.set(item.choices_file, columns);
    }
  };
  walk(form.items);
  for (const [file, columnSet] of needs) {
    const columns = [...columnSet];
    const rows = [1, 2, 3].map((n) => columns.map((c) => `${c}_${n}`));
    let text;
    if (file.endsWith('.geojson')) {
      text = JSON.stringify({
        type: 'FeatureCollection',
        features: rows.map((row, i) => ({
          type: 'Feature',
          id: `id_${i + 1}`,
          geometry: { type: 'Point', coordinates: [28.8 + i / 10, 47.0] },
          properties: Object.fromEntries(columns.map((c, k) => [c === 'label' ? 'title' : c, row[k]])),
        })),
      });
    } else if (file.endsWith('.xml')) {
      text = `<root>${rows.map((row) => `<item>${columns.map((c, k) => `<${c}>${row[k]}</${c}>`).join('')}</item>`).join('')}</root>`;
    } else {
      text = [columns, ...rows].map((row) => row.join(',')).join('\n') + '\n';
    }
    await writeFile(join(dir, file), text);
  }
}

/** Questions shown on the page without an input of their kind. */
async function inputless(page) {
  return page.locator('.page .question').evaluateAll((nodes) =>
    nodes
      .filter((q) => q.dataset.type !== 'note')
      .filter((q) => !q.querySelector('input, select, textarea, .rank, .no-choices'))
      .map((q) => `${q.dataset.name} (${q.dataset.type})`),
  );
}

test('every shared XLSForm renders in the app in each of its languages', async (t) => {
  // The corpus sits beside the repository; CI always has it, so its
  // absence fails instead of passing without checking anything.
  assert.ok(present, `the shared XLSForm corpus is missing at ${shared}`);
  assert.ok(env.forms.length >= 10, `${env.forms.length} shared forms imported`);
  let pages = 0;
  let notRelevant = 0;
  for (const form of env.forms) {
    const { page, context, errors } = await openPage(env.browser);
    page.on('dialog', (dialog) => dialog.accept());
    await page.goto(`${env.server.url}/#/forms/${encodeURIComponent(form.id)}/${encodeURIComponent(form.version)}`);
    await page.locator('article.form, .status.error').first().waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.status.error').count(), 0, `${form.id}: ${await page.locator('main').textContent()}`);
    for (const language of form.languages) {
      await page.selectOption('.language-picker', language.code);
      assert.equal(await page.locator('article.form').getAttribute('dir'), language.rtl ? 'rtl' : 'ltr');
      const sections = await page.locator('.section-link').count();
      let shown = 0;
      for (let i = 0; i < sections; i++) {
        const link = page.locator(`.section-link[data-page="${i}"]`);
        // A section that is not relevant yet (nothing answered) cannot be
        // opened; counted, so that a run rendering nothing cannot pass.
        if (await link.isDisabled()) {
          notRelevant += 1;
          continue;
        }
        shown += 1;
        await link.click();
        await page.locator(`.page[data-page="${i}"]`).waitFor();
        // Repeats without instances: add one so their questions render too.
        const add = page.locator('.page .add-instance:not([disabled])');
        if ((await add.count()) > 0 && (await page.locator('.page .instance').count()) === 0) {
          await add.first().click();
        }
        assert.deepEqual(await inputless(page), [], `${form.id} (${language.code}), section ${i}`);
        pages += 1;
      }
      assert.ok(shown > 0, `${form.id} (${language.code}): no section rendered of ${sections}`);
    }
    // Next (or Finish, which finalizes a form with nothing required) runs
    // the checks of the page without an error.
    await page.click('.pager .next');
    assert.deepEqual(errors, [], form.id);
    await context.close();
  }
  t.diagnostic(`${env.forms.length} shared forms, ${pages} pages rendered, ${notRelevant} not relevant yet`);
  // The corpus renders 114 pages in all its languages today; far fewer
  // means sections stopped rendering.
  assert.ok(pages >= 100, `${pages} pages rendered`);
  assert.ok(notRelevant <= pages / 5, `${notRelevant} sections could not be opened (${pages} rendered)`);
});
