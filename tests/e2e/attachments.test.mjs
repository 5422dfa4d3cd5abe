// Form attachments (issue 14): a form whose choices come from a CSV
// (`select_one_from_file`) and whose calculation reads it (`pulldata()`),
// published from a forms directory with the CSV beside it. After one
// online visit the app keeps the form and its file in IndexedDB; offline,
// with the page reloaded, the form opens and shows the CSV's choices and
// the looked-up value.

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openPage, present, readStore, until, useServerAndBrowser, within } from './harness.mjs';

const CSV = 'name,label,population\nnorth,North village,1200\nsouth,South village,800\n';

const FORM = {
  format: 1,
  id: 'villages',
  version: '1',
  title: { en: 'Villages' },
  languages: [{ code: 'en', name: 'English' }],
  default_language: 'en',
  items: [
    { kind: 'question', name: 'village', type: 'select_one', choices_file: 'villages.csv', label: { en: 'Village' } },
    {
      kind: 'question', name: 'population', type: 'calculate',
      calculation: "pulldata('villages', 'population', 'name', ${village})",
    },
    { kind: 'question', name: 'shown', type: 'note', label: { en: 'Population: ${population}' } },
  ],
};

const env = useServerAndBrowser({
  writeForms: async (dir) => {
    await writeFile(join(dir, 'villages.form.json'), JSON.stringify(FORM));
    await writeFile(join(dir, 'villages.csv'), CSV);
  },
});

test('the server lists and serves the file published beside the form', async () => {
  const catalog = await (await fetch(`${env.server.url}/api/forms`)).json();
  assert.deepEqual(catalog.map((e) => [e.id, e.attachments.map((a) => [a.name, a.size])]), [
    ['villages', [['villages.csv', CSV.length]]],
  ]);
  const reply = await fetch(`${env.server.url}/api/forms/villages/versions/1/attachments/villages.csv`);
  assert.equal(reply.status, 200);
  assert.equal(await reply.text(), CSV);
});

test('a form with select_one_from_file opens offline with the choices of its CSV', async () => {
  const { context, page, errors } = await openPage(env.browser);
  await page.goto(env.server.url);
  // Kept on the device ("available offline"), with its file.
  await page.locator('.form-offline').first().waitFor({ timeout: 30_000 });
  const stored = await until('the CSV kept in IndexedDB', async () => {
    const files = await readStore(page, 'attachments');
    return files.length > 0 && files;
  });
  assert.deepEqual(
    stored.map((f) => [f.form_id, f.version, f.name, f.text]),
    [['villages', '1', 'villages.csv', CSV]],
  );
  await within(30_000, 'the service worker to control the page', page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  }));

  await context.setOffline(true);
  await page.reload();
  await page.locator('.status.offline').waitFor({ timeout: 30_000 });
  await page.evaluate(() => { window.location.hash = '#/forms/villages/1'; });
  await page.locator('article.form, .status.error').first().waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.status.error').count(), 0, await page.locator('main').textContent());
  const labels = await page.locator('.question[data-name="village"] label.choice').allTextContents();
  assert.deepEqual(labels.map((l) => l.trim()), ['North village', 'South village']);

  // `pulldata()` reads the same file.
  await page.locator('.question[data-name="village"] label.choice', { hasText: 'South village' }).click();
  await until('the population looked up in the CSV', async () =>
    (await page.locator('.question[data-name="shown"]').textContent()).includes('Population: 800'));
  await context.setOffline(false);
  assert.deepEqual(errors.filter((e) => !e.includes('net::ERR_INTERNET_DISCONNECTED')), []);
});

const WORKBOOK = [
  'survey,,,',
  ',type,name,label',
  ',select_one_from_file towns.csv,town,Town',
  'settings,,,',
  ',form_id,version,',
  ',towns,1,',
  '',
].join('\n');

const TOWNS = 'name,label\nhill,Hill town\nriver,River town\n';

test('the console publishes a workbook with its data file', async () => {
  const { context, page, errors } = await openPage(env.browser, { locale: 'en-GB' });
  await within(30_000, 'the console to load', page.goto(`${env.server.url}/console/`));
  await present(page.locator('.console-sign-in form'), 'the console sign-in', { timeout: 30_000 });
  await page.fill('.console-sign-in input[name=username]', env.server.admin.username);
  await page.fill('.console-sign-in input[name=password]', env.server.admin.password);
  await page.click('.console-sign-in button[type=submit]');
  await present(page.locator('.console-account .console-username'), 'signed in to the console', { timeout: 30_000 });

  // Without its file: refused, naming the file.
  await page.setInputFiles('.form-file', { name: 'towns-form.csv', mimeType: 'text/csv', buffer: Buffer.from(WORKBOOK) });
  await page.click('.publish-form button[type=submit]');
  await present(page.locator('.console-publish table, .console-publish .status.error'), 'the refusal', { timeout: 30_000 });
  assert.match(await page.locator('.console-publish').textContent(), /towns\.csv/);

  // With it: published, and the catalog lists the file.
  await page.setInputFiles('.data-files', { name: 'towns.csv', mimeType: 'text/csv', buffer: Buffer.from(TOWNS) });
  await page.click('.publish-form button[type=submit]');
  await present(page.locator('.console-publish .status.published'), 'the form published', { timeout: 30_000 });
  assert.equal(await page.locator('.console-publish .status.published').textContent(), 'Published: towns, version 1');
  const catalog = await (await fetch(`${env.server.url}/api/forms`)).json();
  const towns = catalog.find((e) => e.id === 'towns');
  assert.deepEqual(towns.attachments.map((a) => [a.name, a.size]), [['towns.csv', TOWNS.length]]);
  await context.close();
  assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
});
