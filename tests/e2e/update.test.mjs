// A deployment never interrupts an interview: the new service worker
// installs and waits, the app shows a banner, and the page reloads only
// when the enumerator clicks it. The "deployment" rewrites sw.js in a copy
// of the app build, which the server under test serves.

import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, openPage, startServer } from './harness.mjs';

const NEXT_VERSION = 'e2e-next-version';

let appDir;
let server;
let browser;

before(async () => {
  const built = process.env.FIELDFORM_APP_DIR;
  if (!built) throw new Error('FIELDFORM_APP_DIR is not set: run the end-to-end tests through `cargo xtask test`');
  appDir = await mkdtemp(join(tmpdir(), 'fieldform-e2e-app-'));
  await cp(built, appDir, { recursive: true });
  server = await startServer({ appDir });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (appDir) await rm(appDir, { recursive: true, force: true });
});

/** `promise`, or a failure naming `what` after `ms` (no unbounded waits). */
async function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } catch (error) {
    throw new Error(`${what}: ${error.message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** What the page knows of its service worker and the shell caches. */
function workerState(page) {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    return {
      controlled: navigator.serviceWorker.controller !== null,
      waiting: registration?.waiting?.state ?? null,
      active: registration?.active?.state ?? null,
      caches: (await caches.keys()).filter((k) => k.startsWith('fieldform-shell-')).sort(),
    };
  });
}

test('a new version waits for the enumerator, then takes over on their click', async () => {
  const swPath = join(appDir, 'sw.js');
  const original = await readFile(swPath, 'utf8');
  const versionLine = /^self\.__VERSION__ = "([^"]*)";$/m;
  const oldVersion = original.match(versionLine)?.[1];
  assert.ok(oldVersion, 'the built sw.js has no `self.__VERSION__ = "...";` line');

  const { page, errors } = await openPage(browser, { locale: 'en-US' });
  await within(30_000, 'the app did not start', page.goto(server.url).then(() => page.locator('.topbar h1').waitFor({ timeout: 30_000 })));
  // A synchronous predicate: waitForFunction takes a returned promise as
  // truthy, so an async one would pass at once.
  await within(30_000, 'the first service worker never controlled the page', page.waitForFunction(
    () => navigator.serviceWorker.controller !== null, null, { timeout: 30_000, polling: 200 },
  ));
  await within(30_000, 'the first service worker never became active', (async () => {
    while ((await workerState(page)).active !== 'activated') await new Promise((r) => setTimeout(r, 200));
  })());
  assert.deepEqual(await workerState(page), {
    controlled: true, waiting: null, active: 'activated', caches: [`fieldform-shell-${oldVersion}`],
  });
  // The first install is no update: no banner.
  assert.equal(await page.locator('.update-reload').count(), 0, 'a banner on the first visit');
  await page.evaluate(() => { window.__marker = 1; });

  // Deploy: a new sw.js, then the check the app would make on its timer or
  // when the tablet wakes up.
  await writeFile(swPath, original.replace(versionLine, `self.__VERSION__ = ${JSON.stringify(NEXT_VERSION)};`));
  await within(30_000, 'registration.update() did not settle', page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    await registration.update();
  }));

  const reload = page.locator('.update-banner .update-reload');
  await within(30_000, 'no update banner after the new version installed', reload.waitFor({ timeout: 30_000 }));
  assert.match(await page.locator('.update-banner').textContent(), /A new version of Fieldform is ready\./);
  assert.equal(await reload.textContent(), 'Reload to update');

  // Nothing reloads by itself: the old page and the old worker stay.
  await page.waitForTimeout(4_000);
  assert.equal(await page.evaluate(() => window.__marker), 1, 'the page reloaded by itself');
  const waiting = await workerState(page);
  assert.equal(waiting.waiting, 'installed', 'the new worker is not waiting');
  assert.deepEqual(waiting.caches, [`fieldform-shell-${NEXT_VERSION}`, `fieldform-shell-${oldVersion}`].sort());
  assert.equal(await reload.count(), 1, 'the banner went away by itself');

  // The click: the new worker takes over and the page reloads under it.
  const loaded = page.waitForEvent('load', { timeout: 30_000 });
  await reload.click();
  await within(30_000, 'the page did not reload after the click', loaded);
  await within(30_000, 'the reloaded page never got a controller', page.waitForFunction(
    () => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 },
  ));
  assert.equal(await page.evaluate(() => window.__marker), undefined, 'the page was not reloaded');
  // Only the new worker deletes the other versions' caches, as it activates.
  const next = `fieldform-shell-${NEXT_VERSION}`;
  await within(30_000, 'the old version\'s cache was never deleted', (async () => {
    for (;;) {
      const state = await workerState(page);
      if (state.caches.join() === next && state.active === 'activated') return;
      await new Promise((r) => setTimeout(r, 200));
    }
  })());
  assert.deepEqual(await workerState(page), {
    controlled: true, waiting: null, active: 'activated', caches: [next],
  });
  await within(30_000, 'the app did not start again', page.locator('.topbar h1').waitFor({ timeout: 30_000 }));
  assert.equal(await page.locator('.update-reload').count(), 0, 'the banner is still there after the update');
  assert.deepEqual(errors, []);
});
