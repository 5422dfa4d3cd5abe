// The app shell survives losing the network: once the service worker has
// cached it, a reload with no connection still starts the app.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

test('a reload while offline still starts the app', async () => {
  const { context, page, errors } = await openPage(env.browser);
  await page.goto(env.server.url);
  await page.locator('.form-entry').first().waitFor({ timeout: 30_000 });
  // Wait until the service worker controls the page (the shell is cached).
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });
  assert.deepEqual(errors, []);

  await context.setOffline(true);
  await page.reload();
  await page.locator('.topbar h1').waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.topbar h1').textContent(), 'Fieldform');
  // The catalog needs the server: the app says so instead of breaking.
  await page.locator('.catalog .status.error').waitFor({ timeout: 30_000 });
  await context.setOffline(false);
});
