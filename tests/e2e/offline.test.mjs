// The app shell survives losing the network: once the service worker has
// cached it, a reload with no connection still starts the app and lists the
// forms kept on the device.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, useServerAndBrowser, within } from './harness.mjs';

const env = useServerAndBrowser();

test('a reload while offline still starts the app', async () => {
  const { context, page, errors } = await openPage(env.browser);
  await page.goto(env.server.url);
  await page.locator('.form-entry').first().waitFor({ timeout: 30_000 });
  // Both forms kept on the device ("available offline").
  await page.locator('.form-offline').nth(1).waitFor({ timeout: 30_000 });
  // Wait until the service worker controls the page (the shell is cached).
  // Bounded: a service worker that never takes control fails here, saying so.
  await within(30_000, 'the service worker to control the page', page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  }));
  assert.deepEqual(errors, []);

  await context.setOffline(true);
  await page.reload();
  await page.locator('.topbar h1').waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.topbar h1').textContent(), 'Fieldform');
  // The server is out of reach: the forms on the device are listed, and the
  // app says that is what they are.
  await page.locator('.status.offline').waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.form-entry').count(), 2);
  await context.setOffline(false);
});
