// Smoke test: the app loads, lists every shipped form, and logs no errors.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, openPage, shippedForms, startServer } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the app lists the shipped forms without console errors', async () => {
  const forms = await shippedForms();
  assert.ok(forms.length >= 2, 'the two shipped questionnaires are in forms/');

  const { page, errors } = await openPage(browser);
  await page.goto(server.url);
  await page.locator('.form-entry').first().waitFor({ timeout: 30_000 });

  const shown = await page.locator('.form-entry').evaluateAll((items) =>
    items.map((li) => ({
      id: li.dataset.formId,
      title: li.querySelector('.form-title')?.textContent,
    })),
  );
  const expected = forms
    .map((f) => ({ id: f.id, title: f.title[f.default_language] }))
    .sort((a, b) => a.id.localeCompare(b.id));
  assert.deepEqual(shown, expected);
  assert.deepEqual(errors, []);
});

test('the server serves the manifest and answers health checks', async () => {
  const health = await fetch(`${server.url}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'ok' });

  const manifest = await fetch(`${server.url}/manifest.webmanifest`);
  assert.equal(manifest.status, 200);
  assert.equal((await manifest.json()).start_url, '/');
});
