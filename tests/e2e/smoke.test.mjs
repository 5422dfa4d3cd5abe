// Smoke test: the app loads, lists every shipped form, and logs no errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, shippedForms, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

test('the app lists the shipped forms without console errors', async () => {
  const forms = await shippedForms();
  assert.ok(forms.length >= 2, 'the two shipped questionnaires are in forms/');

  const { page, errors } = await openPage(env.browser);
  await page.goto(env.server.url);
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

  // The wasm, scripts and styles came compressed (the build's `.br`/`.gz`
  // beside each hashed asset): fewer bytes on the wire than decoded.
  const assets = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => /\.(wasm|js|css)$/.test(new URL(e.name).pathname) && !e.name.endsWith('/sw.js'))
    .map((e) => ({ name: new URL(e.name).pathname, encoded: e.encodedBodySize, decoded: e.decodedBodySize })));
  assert.ok(assets.some((a) => a.name.endsWith('_bg.wasm')), JSON.stringify(assets));
  for (const a of assets) {
    assert.ok(a.encoded > 0 && a.encoded < a.decoded * 0.6, `${a.name} came uncompressed: ${JSON.stringify(a)}`);
  }
});

test('the server serves the manifest and answers health checks', async () => {
  const health = await fetch(`${env.server.url}/healthz`);
  assert.equal(health.status, 200);
  // The check writes to the database (a read-only one is not healthy).
  assert.deepEqual(await health.json(), { status: 'ok', database: 'sqlite' });

  const manifest = await fetch(`${env.server.url}/manifest.webmanifest`);
  assert.equal(manifest.status, 200);
  const app = await manifest.json();
  assert.equal(app.start_url, '/');
  // Installable on Android: PNG icons of 192 and 512 px, each served as
  // declared (a tablet's browser evicts the storage of sites not installed).
  const sizes = [];
  for (const icon of app.icons) {
    const response = await fetch(`${env.server.url}${icon.src}`);
    assert.equal(response.status, 200, icon.src);
    assert.equal(response.headers.get('content-type'), icon.type, icon.src);
    if (icon.type === 'image/png') {
      const bytes = Buffer.from(await response.arrayBuffer());
      const [w, h] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
      assert.equal(`${w}x${h}`, icon.sizes, `${icon.src} is ${w}x${h}`);
      sizes.push(icon.sizes);
    }
  }
  assert.deepEqual(sizes.sort(), ['192x192', '512x512']);
});

test('a form that does not exist says so, with the way back', async () => {
  const { page } = await openPage(env.browser);
  await page.goto(`${env.server.url}/#/forms/no_such_form/1`);
  const error = page.locator('.status.error');
  await error.waitFor({ timeout: 30_000 });
  assert.match(await error.textContent(), /404: form `no_such_form` version `1`/);
  await page.click('.back-to-forms');
  await page.locator('.form-entry').first().waitFor();
});
