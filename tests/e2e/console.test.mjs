// The coordinator console (issue 13), end to end in headless Chromium
// against the real server: an admin signs in, uploads an XLSForm with an
// error and sees it located (sheet, row, column), fixes and publishes it,
// closes and reopens it, previews it in each language, creates a device
// token and reads its QR code back (the rendered SVG's pixels decoded
// with jsQR), revokes it, manages accounts, and signs out. Every screen
// passes axe-core with 48 px touch targets at 1280×800 and 360×740, in
// every UI language, Arabic right to left.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import jsQR from 'jsqr';
import {
  axe, callApi, describeViolations, openPage, present, screenshots, signInToConsole, smallTargets, storedResponses, until,
  useServerAndBrowser, uuidv7, within,
} from './harness.mjs';
import { workbook } from './xlsx.mjs';

const env = useServerAndBrowser();

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The test's XLSForm, English and French, with `type` as hh_size's type. */
const visitBook = (type, version = '1') => workbook({
  survey: [
    ['type', 'name', 'label::English (en)', 'label::Français (fr)'],
    ['text', 'village', 'Village name', 'Nom du village'],
    [type, 'hh_size', 'Household size', 'Taille du ménage'],
  ],
  settings: [
    ['form_id', 'version', 'form_title', 'default_language'],
    ['console_visit', version, 'Console visit', 'English (en)'],
  ],
});

/** What a finger must hit on the console's screens (a choice row is hit as a whole). */
const CONSOLE_CONTROLS = {
  controls: 'button, select, textarea, a[href], .choice, input:not([type=radio]):not([type=checkbox]):not([type=hidden])',
  exempt: '.choice, .label, .hint, .guidance',
};

/** axe-core and the touch targets at both sizes, then screenshots. */
async function checkScreen(page, name, found) {
  for (const size of [[1280, 800], [360, 740]]) {
    await page.setViewportSize({ width: size[0], height: size[1] });
    for (const v of await axe(page, { needsReview: true })) found.push({ screen: `${name} ${size.join('×')}`, ...v });
    for (const s of await smallTargets(page, CONSOLE_CONTROLS)) found.push({ screen: `${name} ${size.join('×')}`, id: 'target-size', impact: 'serious', help: s, targets: [] });
  }
  await screenshots(page, `console-${name}`, [[1280, 800], [360, 740]]);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/**
 * Decodes the QR code `locator` shows: its screenshot (the SVG as the
 * browser drew it) is drawn onto a canvas in a blank page, whose pixels
 * jsQR reads in Node.
 */
async function readQr(browser, locator) {
  const png = await locator.screenshot();
  const { context, page } = await openPage(browser);
  try {
    const { width, height, data } = await page.evaluate(async (base64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(image, 0, 0);
      const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
      return { width: pixels.width, height: pixels.height, data: Array.from(pixels.data) };
    }, png.toString('base64'));
    const code = jsQR(Uint8ClampedArray.from(data), width, height);
    assert.ok(code, `no QR code found in the ${width}×${height} screenshot`);
    return code.data;
  } finally {
    await context.close();
  }
}

test('an admin publishes a form from a workbook with an error fixed, enrols a tablet by QR code and manages accounts', async () => {
  const { context, page, errors } = await openPage(env.browser, { locale: 'en-GB', viewport: { width: 1280, height: 800 } });
  page.on('dialog', (dialog) => dialog.accept());
  const found = [];
  try {
    await signInToConsole(page, env.server, env.server.admin);
    // The console is its own document (tablets never download it), on the
    // same origin: the app at / knows the session and offers the console
    // back; an address from before the split still leads there.
    assert.equal(new URL(page.url()).pathname, '/console/');
    await page.click('.topbar h1 a[href="/"]');
    await present(page.locator('.topbar .console-link'), 'the console link in the app\'s header', { timeout: 30_000 });
    await page.click('.topbar .console-link');
    await present(page.locator('.console-account .console-username'), 'still signed in to the console', { timeout: 30_000 });
    await within(30_000, 'an old console address', page.goto(`${env.server.url}/#/console/devices`));
    await present(page.locator('.console[data-tab=devices] .enrol-form'), 'the devices page at its new address', { timeout: 30_000 });
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).hash, '/console/#/devices');
    await page.click('.console-tab[data-tab=forms]');
    await present(page.locator('.console-form[data-form-id=ggs_household]'), 'the shipped forms listed', { timeout: 30_000 });
    await checkScreen(page, 'forms', found);

    // A workbook with an unknown type: nothing is published, the error is located.
    await page.setInputFiles('.form-file', { name: 'visit.xlsx', mimeType: XLSX, buffer: visitBook('integr') });
    await page.click('.publish-form button[type=submit]');
    const errorRow = page.locator('.import-errors tr.import-error');
    await present(errorRow, 'the import error', { timeout: 30_000 });
    assert.equal(await errorRow.count(), 1);
    assert.equal(await errorRow.locator('.error-sheet').textContent(), 'survey');
    assert.equal(await errorRow.locator('.error-row').textContent(), '3');
    assert.equal(await errorRow.locator('.error-column').textContent(), 'type');
    assert.match(await errorRow.locator('.error-message').textContent(), /unknown type `integr`; did you mean `integer`\?/);
    assert.equal(await page.locator('.console-form[data-form-id=console_visit]').count(), 0, 'nothing was published');
    await checkScreen(page, 'import-errors', found);

    // Fixed: published, and listed open.
    await page.setInputFiles('.form-file', { name: 'visit.xlsx', mimeType: XLSX, buffer: visitBook('integer') });
    await page.click('.publish-form button[type=submit]');
    await present(page.locator('.console-publish .status.published'), 'the form published', { timeout: 30_000 });
    assert.equal(await page.locator('.console-publish .status.published').textContent(), 'Published: console_visit, version 1');
    assert.equal(await page.locator('.import-errors').count(), 0, 'the errors are gone');
    const v1 = page.locator('.console-form[data-form-id=console_visit] .console-version[data-version="1"]');
    await present(v1, 'the new version in the list');
    assert.equal(await v1.getAttribute('data-open'), 'true');

    // A second version; then close and reopen the first.
    await page.setInputFiles('.form-file', { name: 'visit-2.xlsx', mimeType: XLSX, buffer: visitBook('integer', '2') });
    await page.click('.publish-form button[type=submit]');
    await present(page.locator('.console-form[data-form-id=console_visit] .console-version[data-version="2"]'), 'version 2 listed', { timeout: 30_000 });
    await v1.locator('.toggle-open').click();
    await until('version 1 closed', async () => (await v1.getAttribute('data-open')) === 'false');
    const catalog = await (await fetch(`${env.server.url}/api/forms`)).json();
    assert.deepEqual(catalog.filter((e) => e.id === 'console_visit').map((e) => e.version), ['2'], 'the public catalog lists only the open version');
    await v1.locator('.toggle-open').click();
    await until('version 1 open again', async () => (await v1.getAttribute('data-open')) === 'true');
    // The whole form: every version closed, then opened.
    const visitCard = page.locator('.console-form[data-form-id=console_visit]');
    const openStates = () => visitCard.locator('.console-version').evaluateAll((els) => els.map((e) => e.dataset.open).join());
    await visitCard.locator('.toggle-form').click();
    await until('every version closed', async () => (await openStates()) === 'false,false');
    await visitCard.locator('.toggle-form').click();
    await until('every version open', async () => (await openStates()) === 'true,true');

    // The preview, as an enumerator sees it, in each language; nothing is stored.
    await v1.locator('a.preview').click();
    await present(page.locator('.console-preview [data-name=village]'), 'the preview', { timeout: 30_000 });
    assert.match(await page.locator('.console-preview [data-name=village] .label').textContent(), /Village name/);
    await page.selectOption('.console-preview .language-picker', 'fr');
    await until('the preview in French', async () => /Nom du village/.test(await page.locator('.console-preview [data-name=village] .label').textContent()));
    await page.fill('.console-preview [data-name=village] input', 'Ungheni');
    await checkScreen(page, 'preview', found);
    assert.deepEqual(await storedResponses(page), [], 'the preview saved no response');
    await page.click('.console-preview .back-to-console');
    await present(page.locator('.console[data-tab=forms]'), 'back in the console');

    // Devices: a token for the new form, its QR code read back.
    await page.click('.console-tab[data-tab=devices]');
    await present(page.locator('.enrol-form'), 'the devices page');
    await present(page.locator('.enrol-form input[name=forms][value=console_visit]'), 'the forms to choose from');
    await page.fill('.enrol-form input[name=label]', 'tablet 7 (Ion)');
    await page.check('.enrol-form input[name=forms][value=console_visit]');
    await page.click('.enrol-form button[type=submit]');
    await present(page.locator('.enrolment svg.qr'), 'the QR code', { timeout: 30_000 });
    const link = (await page.locator('.enrolment .provisioning-link').textContent()).trim();
    assert.match(link, new RegExp(`^${env.server.url.replace(/[.]/g, '\\.')}/#/provision\\?token=ffd_\\S+$`));
    assert.equal(await readQr(env.browser, page.locator('.enrolment svg.qr')), link, 'the QR code holds the link');
    const device = page.locator('.console-device', { hasText: 'tablet 7 (Ion)' });
    await present(device, 'the device listed');
    assert.equal(await device.getAttribute('data-revoked'), 'false');
    assert.match(await device.locator('.device-forms').textContent(), /console_visit/);
    await checkScreen(page, 'devices-token', found);
    // The QR code is readable on a phone-sized screen too.
    await page.setViewportSize({ width: 360, height: 740 });
    assert.equal(await readQr(env.browser, page.locator('.enrolment svg.qr')), link, 'the QR code at 360 px');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The link enrols a tablet (another browser context).
    const tablet = await openPage(env.browser, { locale: 'en-GB' });
    try {
      await tablet.page.goto(link);
      await present(tablet.page.locator('.provision .enrolled'), 'the tablet enrolled', { timeout: 30_000 });
      assert.equal(await tablet.page.locator('.provision .device-name').textContent(), 'tablet 7 (Ion)');
    } finally {
      await tablet.context.close();
    }

    assert.match(await device.locator('.device-sent').textContent(), /: 0$/);
    assert.match(await device.locator('.device-last-sync').textContent(), /Never/);
    // The device sends a response with its token.
    const token = new URL(link.replace('#/provision?', 'provision?')).searchParams.get('token');
    const sent = await api('POST', '/api/submissions', {
      token,
      body: { instance_id: uuidv7(), form_id: 'console_visit', form_version: '2', answers: { village: 'Orhei', hh_size: '4' } },
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));

    // Shown once: Done hides it; revoking marks the device (and rereads the list).
    await page.click('.enrolment .done');
    await absent(page, '.enrolment');
    await device.locator('.revoke').click();
    await until('the device revoked', async () => (await device.getAttribute('data-revoked')) === 'true');
    assert.match(await device.locator('.device-sent').textContent(), /: 1$/, 'what the device sent');
    assert.doesNotMatch(await device.locator('.device-last-sync').textContent(), /Never/);
    await checkScreen(page, 'devices', found);

    // People: an account created, its role changed.
    await page.click('.console-tab[data-tab=people]');
    await present(page.locator('.user-form'), 'the people page');
    await page.fill('.user-form input[name=new-username]', 'coord.ana');
    await page.fill('.user-form input[name=new-password]', 'a long enough password');
    await page.selectOption('.user-form select[name=new-role]', 'coordinator');
    await page.click('.user-form button[type=submit]');
    const ana = page.locator('.console-user[data-username="coord.ana"]');
    await present(ana, 'the new account listed', { timeout: 30_000 });
    assert.equal(await ana.getAttribute('data-role'), 'coordinator');
    await ana.locator('select').selectOption('enumerator');
    await until('the role changed', async () => (await ana.getAttribute('data-role')) === 'enumerator');
    const own = page.locator(`.console-user[data-username="${env.server.admin.username}"] select`);
    assert.ok(await own.isDisabled(), "an admin's own role is not offered");
    // A refusal is shown with the server's reason.
    await page.fill('.user-form input[name=new-username]', 'coord.ana');
    await page.fill('.user-form input[name=new-password]', 'another long password');
    await page.click('.user-form button[type=submit]');
    await present(page.locator('.console-new-user .status.error'), 'the refusal', { timeout: 30_000 });
    assert.match(await page.locator('.console-new-user .status.error').textContent(), /already taken/);
    await checkScreen(page, 'people', found);

    // Signing out ends the session on the server and hides the console.
    const logout = page.waitForResponse((r) => r.url().endsWith('/api/sessions/current') && r.request().method() === 'DELETE');
    await page.click('.console-account .sign-out');
    assert.equal((await within(30_000, 'the session ended on the server', logout)).status(), 204);
    await present(page.locator('.console-sign-in form'), 'the sign-in again', { timeout: 30_000 });
    await checkScreen(page, 'sign-in', found);

    assert.equal(describeViolations(found), '', 'accessibility violations');
    // The browser logs the two refusals this test asked for, nothing else.
    const expected = [422, 409].map((s) => new RegExp(`status of ${s} `));
    assert.deepEqual(errors.filter((e) => !expected.some((r) => r.test(e))), [], 'console errors');
    assert.equal(errors.length, 2, errors.join('\n'));
  } finally {
    await context.close();
  }
});

test('a coordinator sees forms and devices but not accounts; an enumerator is turned away', async () => {
  const admin = await api('POST', '/api/sessions', { body: env.server.admin });
  for (const [username, role] of [['coord.ion', 'coordinator'], ['enum.eva', 'enumerator']]) {
    const made = await api('POST', '/api/users', { token: admin.body.token, body: { username, password: 'a long enough password', role } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
  }
  const { context, page, errors } = await openPage(env.browser, { locale: 'en-GB', viewport: { width: 1280, height: 800 } });
  try {
    // Signed in on the home screen (as an enumerator would), the header
    // offers the console.
    await within(30_000, 'the home screen to load', page.goto(`${env.server.url}/#/`));
    await present(page.locator('.sync .sign-in'), 'the home sign-in', { timeout: 30_000 });
    // What is typed survives sync's status changes: the first sync runs
    // while the enumerator types, and another is started (the `online`
    // event) with the focus still in the field. The form used to be
    // rebuilt, emptied, at every status change.
    await page.fill('.sync .sign-in input[name=username]', 'coord.ion');
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await present(page.locator('.form-entry .form-offline'), 'every form kept on the device', { count: 3, timeout: 30_000 });
    await until('sync idle', async () => (await page.locator('.sync-activity').getAttribute('data-queued')) === '0'
      && /Nothing is waiting/.test(await page.locator('.sync-activity').textContent()));
    assert.equal(await page.inputValue('.sync .sign-in input[name=username]'), 'coord.ion', 'the typed name is kept');
    assert.ok(await page.evaluate(() => document.activeElement?.getAttribute('name') === 'username'), 'the focus stays in the field');
    await page.fill('.sync .sign-in input[name=password]', 'a long enough password');
    await page.click('.sync .sign-in button[type=submit]');
    await present(page.locator('.topbar .console-link'), 'the console link', { timeout: 30_000 });
    await page.click('.topbar .console-link');
    await present(page.locator('.console-account .console-username'), 'signed in to the console', { timeout: 30_000 });
    assert.equal(await page.locator('.console-account .console-username').textContent(), 'coord.ion');
    await present(page.locator('.console-nav .console-tab[data-tab=devices]'), 'the devices tab');
    assert.equal(await page.locator('.console-nav .console-tab[data-tab=people]').count(), 0, 'no people tab');
    await page.goto(`${env.server.url}/console/#/people`);
    await present(page.locator('.console[data-tab=people] .status.error'), 'people refused to a coordinator');
    await page.click('.console-account .sign-out');
    await present(page.locator('.console-sign-in form'), 'signed out');

    await page.fill('.console-sign-in input[name=username]', 'enum.eva');
    await page.fill('.console-sign-in input[name=password]', 'a long enough password');
    await page.click('.console-sign-in button[type=submit]');
    await present(page.locator('.console .status.error'), 'the enumerator turned away', { timeout: 30_000 });
    assert.equal(await page.locator('.console-nav').count(), 0);
    // Back in the app at /, signed in as the enumerator: no console link.
    await page.click('.topbar h1 a[href="/"]');
    await present(page.locator('.sync .sync-activity'), 'the home screen', { timeout: 30_000 });
    await until('sync idle', async () => /Nothing is waiting/.test(await page.locator('.sync-activity').textContent()));
    await absent(page, '.topbar .console-link');
    assert.deepEqual(errors, [], 'console errors');
  } finally {
    await context.close();
  }
});

test('the console speaks every UI language, Arabic right to left', async () => {
  const expected = {
    'en-GB': ['Console', 'Devices'],
    'fr-FR': ['Console', 'Appareils'],
    'es-ES': ['Consola', 'Dispositivos'],
    'ar-EG': ['لوحة التحكم', 'الأجهزة'],
    'ro-RO': ['Consolă', 'Dispozitive'],
    'ru-RU': ['Консоль', 'Устройства'],
  };
  const found = [];
  for (const [locale, [title, devices]] of Object.entries(expected)) {
    const { context, page, errors } = await openPage(env.browser, { locale, viewport: { width: 1280, height: 800 } });
    try {
      await signInToConsole(page, env.server, env.server.admin);
      assert.equal(await page.locator('.console-title').textContent(), title, locale);
      assert.equal((await page.locator('.console-tab[data-tab=devices]').textContent()).trim(), devices, locale);
      assert.equal(await page.evaluate(() => document.documentElement.dir), locale === 'ar-EG' ? 'rtl' : 'ltr', locale);
      if (locale === 'ar-EG' || locale === 'ru-RU') {
        await page.click('.console-tab[data-tab=devices]');
        await present(page.locator('.enrol-form input[name=forms]'), 'the devices page', { timeout: 30_000 });
        await checkScreen(page, `devices-${locale}`, found);
      }
      assert.deepEqual(errors, [], `${locale}: console errors`);
    } finally {
      await context.close();
    }
  }
  assert.equal(describeViolations(found), '', 'accessibility violations');
});

test('the service worker leaves the console to the network: never the enumerator\'s shell in its place', async () => {
  const { context, page, errors } = await openPage(env.browser, { locale: 'en-GB' });
  try {
    await within(30_000, 'the app to load', page.goto(`${env.server.url}/`));
    await present(page.locator('.form-entry').first(), 'the forms', { timeout: 30_000 });
    await within(30_000, 'the service worker to control the page', page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
      }
    }));
    // Online, under the worker's scope (it sees the request and lets the
    // network answer): the console's own document.
    await within(30_000, 'the console to load', page.goto(`${env.server.url}/console/`));
    await present(page.locator('.console-sign-in form'), 'the console sign-in', { timeout: 30_000 });
    assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the worker controls the console page');
    assert.equal(await page.locator('.form-entry').count(), 0);
    assert.deepEqual(errors, []);

    // Offline: the app's shell comes from the cache, the console does not
    // (it is online only), and is never replaced by the app.
    await context.setOffline(true);
    await within(30_000, 'the app offline', page.goto(`${env.server.url}/`));
    await present(page.locator('.form-entry').first(), 'the forms offline', { timeout: 30_000 });
    const offline = await page.goto(`${env.server.url}/console/#/devices`).then((r) => `answered ${r?.status()}`, (e) => e.message);
    assert.match(offline, /ERR_INTERNET_DISCONNECTED/);
    assert.equal(await page.locator('.form-entry, .console').count(), 0, 'neither app drawn');
  } finally {
    await context.setOffline(false);
    await context.close();
  }
});

async function absent(page, selector) {
  await until(`${selector} to go`, async () => (await page.locator(selector).count()) === 0);
}

const api = (method, path, options) => callApi(env.server, method, path, options);
