// Signing in to the console starts no sync. The console shares the
// tablet's sign-in form and person credential, but it is online only and
// never sends the tablet's outbox: a sync run there would send what
// another tab of the app has queued, from the wrong document. A sync run
// asks the server `/api/me` and then `/api/corrections`, which nothing in
// the console asks; the same watch sees the tablet's sign-in start a run,
// so it would see one started by the console's.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, present, signInToConsole, until, useServerAndBrowser, within } from './harness.mjs';

const env = useServerAndBrowser();

/** What only a sync run requests: the paths are pushed as `page` asks them. */
function syncRequests(page) {
  const seen = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path === '/api/corrections' || path === '/api/submissions/batch') seen.push(path);
  });
  return seen;
}

test('signing in on the tablet starts a sync run (the watch sees one)', async () => {
  const { context, page, errors } = await openPage(env.browser);
  try {
    const seen = syncRequests(page);
    await within(30_000, 'the app to load', page.goto(`${env.server.url}/#/`));
    await present(page.locator('.sync form.sign-in'), 'the sign-in on the home screen', { timeout: 30_000 });
    await page.fill('.sign-in input[name=username]', env.server.admin.username);
    await page.fill('.sign-in input[name=password]', env.server.admin.password);
    await page.click('.sign-in-button');
    await until('a sync run after the sign-in', () => seen.includes('/api/corrections'));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('signing in to the console starts no sync run', async () => {
  const { context, page, errors } = await openPage(env.browser);
  try {
    const seen = syncRequests(page);
    await signInToConsole(page, env.server, env.server.admin);
    await present(page.locator('.console-nav'), "the console's tabs after the sign-in");
    // The tablet's run starts right after its sign-in (well within this).
    await page.waitForTimeout(3_000);
    assert.deepEqual(seen, [], 'requests only a sync run makes, after the console sign-in');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
