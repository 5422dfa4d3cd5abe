// Issue 14 in the app: a geotrace entered as a list of points from the
// device's location, and a new response whose default reads the last
// finalized response of the form on the device (`${last-saved#name}`).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminToken, callApi, openPage, present, until, useServerAndBrowser } from './harness.mjs';
import { finish } from './ggs.mjs';

const env = useServerAndBrowser();

const question = (page, name) => page.locator(`.question[data-name="${name}"]`);

test('a walk is entered point by point, and the next visit starts on the same street', async () => {
  const token = await adminToken(env.server);
  const q = (name, type, extra = {}) => ({ kind: 'question', name, type, label: { en: name }, ...extra });
  const form = {
    format: 1, id: 'walks', version: '1', title: { en: 'Walks' },
    languages: [{ code: 'en', name: 'English' }], default_language: 'en',
    items: [
      q('street', 'text', { default: '${last-saved#street}', required: true }),
      q('path', 'geotrace', { required: true }),
      q('walked', 'calculate', { calculation: 'round(distance(${path}), 0)' }),
      q('shown', 'note', { label: { en: 'Walked ${walked} m' } }),
    ],
  };
  const published = await callApi(env.server, 'POST', '/api/forms', { token, body: form });
  assert.equal(published.status, 201, JSON.stringify(published.body));

  const { page, context, errors } = await openPage(env.browser);
  await context.grantPermissions(['geolocation'], { origin: env.server.url });
  await page.goto(`${env.server.url}/#/forms/walks/1`);
  await page.locator('article.form').waitFor({ timeout: 30_000 });
  assert.equal(await page.inputValue('[data-name=street] input'), '', 'nothing saved yet');
  await page.fill('[data-name=street] input', 'Abbey Road');

  // Two fixes, one degree of longitude apart on the equator.
  const points = question(page, 'path').locator('li');
  const addLocation = question(page, 'path').getByRole('button', { name: 'Add my location' });
  for (const [longitude, count] of [[0, 1], [1, 2]]) {
    await context.setGeolocation({ latitude: 0, longitude, accuracy: 5 });
    await addLocation.click();
    await until(`point ${count} added`, async () => (await points.count()) === count);
  }
  assert.match(await points.nth(1).textContent(), /^0\.000000 1\.000000 /);
  assert.equal(await question(page, 'shown').locator('.label').textContent(), 'Walked 111319 m');
  await finish(page);

  // The next response of the form starts from the one just finalized.
  await page.goto(`${env.server.url}/#/`);
  await page.goto(`${env.server.url}/#/forms/walks/1`);
  await present(page.locator('[data-name=street] input'), 'the new response');
  await until('the last saved street', async () => (await page.inputValue('[data-name=street] input')) === 'Abbey Road');
  assert.equal(await question(page, 'path').locator('li').count(), 0, 'a default only where the form asks');
  assert.deepEqual(errors, []);
});
