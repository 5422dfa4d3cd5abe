// The end-to-end harness: a real `fieldform serve` on a free loopback port
// with a fresh data directory, serving the real release build of the app,
// and Debian's Chromium driven by playwright-core. Everything started here
// is torn down by `stop()`.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the end-to-end tests through \`cargo xtask test\``);
  }
  return value;
}

/**
 * Starts the server, publishing the shipped forms (or those in `formsDir`)
 * and serving the app build (or the one in `appDir`); resolves once it
 * prints the address it listens on. With `dataDir`, it starts on that
 * data directory (a restart after `kill()`), which `stop()` then leaves.
 */
export async function startServer({ formsDir, appDir, dataDir: reuse } = {}) {
  const dataDir = reuse ?? await mkdtemp(join(tmpdir(), 'fieldform-e2e-'));
  const child = spawn(
    required('FIELDFORM_BIN'),
    [
      'serve', '--addr', '127.0.0.1:0', '--data-dir', dataDir,
      '--forms-dir', formsDir ?? required('FIELDFORM_FORMS_DIR'), '--app-dir', appDir ?? required('FIELDFORM_APP_DIR'),
    ],
    // Never a database from the caller's environment: SQLite in dataDir.
    { stdio: ['ignore', 'pipe', 'pipe'], env: withoutDatabaseUrl() },
  );
  const log = [];
  let admin;
  child.stderr.on('data', (chunk) => log.push(chunk.toString()));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${log.join('')}`)), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${log.join('')}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const credentials = line.match(/user `(\S+)` and password `(\S+)`/);
      if (credentials) admin = { username: credentials[1], password: credentials[2] };
      const match = line.match(/^Fieldform listening on (http:\/\/\S+)$/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return {
    url,
    log,
    dataDir,
    /** The one-time credentials the first start printed. */
    admin,
    /** SIGKILL, as a crash or a power cut would; the data stays. */
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (!reuse) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function withoutDatabaseUrl() {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return env;
}

/** Debian's Chromium, headless, with nothing that reaches for the network. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A fresh page (in a fresh context, with `options` such as `locale`) that
 * records console errors and uncaught exceptions.
 */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  return { context, page, errors };
}

/** The shipped forms, read from the forms directory the server publishes. */
export async function shippedForms() {
  const dir = required('FIELDFORM_FORMS_DIR');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.form.json')).sort();
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8'))));
}

/**
 * One server and one browser for a test file: started before its tests,
 * torn down after them. Read `env.server` and `env.browser` inside tests.
 * The server publishes the shipped forms, or, with `writeForms`, what that
 * async function writes into a fresh directory (`env.formsDir`, removed
 * after the tests).
 */
export function useServerAndBrowser({ writeForms } = {}) {
  const env = { server: undefined, browser: undefined, formsDir: undefined };
  before(async () => {
    if (writeForms) {
      env.formsDir = await mkdtemp(join(tmpdir(), 'fieldform-forms-'));
      await writeForms(env.formsDir);
    }
    env.server = await startServer({ formsDir: env.formsDir });
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
    if (env.formsDir) await rm(env.formsDir, { recursive: true, force: true });
  });
  return env;
}

/**
 * `method path` on `server`, with `token` as the bearer and `body` as JSON
 * (a string is sent as it is), bounded to 30 s: the reply's status, its
 * JSON body (null when empty) and its headers.
 */
export async function callApi(server, method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await within(30_000, `${method} ${path}`, fetch(`${server.url}${path}`, {
    method, headers, body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
  }));
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

/** A UUID v7 for now, as devices make instance ids. */
export function uuidv7() {
  const b = randomBytes(16);
  b.writeUIntBE(Date.now(), 0, 6);
  b[6] = 0x70 | (b[6] & 0x0f); // version 7
  b[8] = 0x80 | (b[8] & 0x3f); // RFC 9562 variant
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A session token of `server`'s admin account. */
export async function adminToken(server) {
  const login = await callApi(server, 'POST', '/api/sessions', { body: server.admin });
  if (login.status !== 201) throw new Error(`the admin could not sign in: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body.token;
}

/** Opens the console on `server` and signs in there as `username`. */
export async function signInToConsole(page, server, { username, password }) {
  await within(30_000, 'the console to load', page.goto(`${server.url}/console/`));
  await present(page.locator('.console-sign-in form'), 'the console sign-in', { timeout: 30_000 });
  await page.fill('.console-sign-in input[name=username]', username);
  await page.fill('.console-sign-in input[name=password]', password);
  await page.click('.console-sign-in button[type=submit]');
  await present(page.locator('.console-account .console-username'), 'signed in to the console', { timeout: 30_000 });
}

// ---------------------------------------------------------------------------
// Helpers for tests that cut the network, stop the server or kill the
// browser: waits bounded by Node timers (Playwright's own waits can hang
// once the server is gone), a Chromium whose process the test owns,
// IndexedDB reads, accessibility checks with axe-core and screenshots.

import { mkdir as mkdirHelpers } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The repository's root directory. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Resolves as `promise` (or `promise()`) does, or rejects after `ms`
 * milliseconds (a Node timer) saying that `what` was awaited.
 */
export async function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([typeof promise === 'function' ? promise() : promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `check` (async; truthy when done) every `interval` ms until it is,
 * and returns its value; fails after `timeout` ms naming `what`, with the
 * last value or error seen.
 */
export async function until(what, check, { timeout = 15_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  let last = 'nothing yet';
  for (;;) {
    const left = Math.max(deadline - Date.now(), 1_000);
    try {
      const value = await within(left, what, check);
      if (value) return value;
      last = `last value: ${JSON.stringify(value)}`;
    } catch (error) {
      last = `last error: ${error.message}`;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Waits until `locator` matches at least `count` elements (polling `count()`). */
export async function present(locator, what, { count = 1, timeout = 15_000 } = {}) {
  await until(what, async () => (await locator.count()) >= count, { timeout });
  return locator;
}

/** Waits until `locator` matches nothing (polling `count()`). */
export async function absent(locator, what, { timeout = 15_000 } = {}) {
  await until(what, async () => (await locator.count()) === 0, { timeout });
}

/** Resolves once `child` has exited (at once if it already has). */
export function exited(child, what = 'the child process to exit', ms = 30_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return within(ms, what, new Promise((resolve) => child.once('exit', resolve)));
}

/**
 * Every record of the app's IndexedDB store `name` (none when the database
 * or the store does not exist yet: neither is created here, which would
 * confuse the app's schema upgrade).
 */
export async function readStore(page, name) {
  return within(10_000, `the store ${name} read from IndexedDB`, page.evaluate(async (name) => {
    const names = (await indexedDB.databases()).map((d) => d.name);
    if (!names.includes('fieldform')) return [];
    return new Promise((resolve, reject) => {
      const open = indexedDB.open('fieldform');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains(name)) {
          db.close();
          resolve([]);
          return;
        }
        const request = db.transaction(name, 'readonly').objectStore(name).getAll();
        request.onsuccess = () => { db.close(); resolve(request.result); };
        request.onerror = () => { db.close(); reject(request.error); };
      };
    });
  }, name));
}

/** Every record of the app's store `responses` (see `readStore`). */
export function storedResponses(page) {
  return readStore(page, 'responses');
}

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--no-default-browser-check',
];

/**
 * Chromium started here (not by Playwright) on the profile `userDataDir`,
 * so the test knows its process and can kill it like a crash or a flat
 * battery would; driven over CDP. `context` is the profile's context.
 */
export async function launchOwnedChromium(userDataDir) {
  const child = spawn(
    process.env.CHROMIUM ?? '/usr/bin/chromium',
    ['--headless=new', '--remote-debugging-port=0', `--user-data-dir=${userDataDir}`, ...CHROMIUM_ARGS, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const log = [];
  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Chromium printed no DevTools address in 30 s:\n${log.join('')}`)), 30_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code ?? signal}) before listening:\n${log.join('')}`));
    });
    child.stderr.on('data', (chunk) => {
      log.push(chunk.toString());
      const match = log.join('').match(/DevTools listening on (ws:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const browser = await within(30_000, 'Playwright to connect to Chromium over CDP', chromium.connectOverCDP(endpoint));
  const context = browser.contexts()[0];
  return {
    child,
    pid: child.pid,
    browser,
    context,
    log,
    /** Kills the browser process with `signal` and waits for it to go. */
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited(child, `Chromium (pid ${child.pid}) to exit after ${signal}`);
    },
    /** Ends the browser whatever its state. */
    async close() {
      await within(10_000, 'Playwright to disconnect from Chromium', browser.close()).catch(() => {});
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited(child, `Chromium (pid ${child.pid}) to exit after SIGTERM`, 10_000).catch(() => {
        child.kill('SIGKILL');
      });
    },
  };
}

let axeSource;

/**
 * Runs axe-core on the page and returns the violations of impact serious or
 * critical as `{ id, impact, help, targets }`. axe is injected with
 * `page.evaluate` (the app's CSP refuses script tags it does not know).
 */
export async function axe(page, { impacts = ['serious', 'critical'], needsReview = false } = {}) {
  if (axeSource === undefined) {
    const path = join(repoRoot, 'tests/e2e/node_modules/axe-core/axe.min.js');
    axeSource = await readFile(path, 'utf8').catch((error) => {
      throw new Error(`axe-core is missing (${error.message}): run \`npm ci\` in tests/e2e`);
    });
  }
  await within(15_000, 'axe-core to be injected', page.evaluate(`${axeSource}\n;typeof axe`));
  return within(60_000, 'axe-core to check the page', page.evaluate(async ({ wanted, review }) => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: review ? ['violations', 'incomplete'] : ['violations'] });
    // `incomplete`: what axe could not decide and asks a person to review.
    const found = [...result.violations, ...(review ? result.incomplete.map((r) => ({ ...r, id: `${r.id} (needs review)` })) : [])];
    return found
      .filter((v) => wanted.includes(v.impact))
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => {
          // For a needs-review item, why axe could not decide.
          const why = n.any?.[0]?.message;
          return review && why ? `${n.target.join(' ')}: ${why}` : n.target.join(' ');
        }),
      }));
  }, { wanted: impacts, review: needsReview }));
}

/** Violations from `axe()` as lines, one per violation. */
export function describeViolations(violations) {
  return violations
    .map((v) => `[${v.impact}] ${v.id}: ${v.help} (${v.targets.join(', ')})`)
    .join('\n');
}

/** Where screenshots go: `target/screenshots/` in the repository. */
export async function screenshotDir() {
  const dir = join(repoRoot, 'target/screenshots');
  await mkdirHelpers(dir, { recursive: true });
  return dir;
}

/**
 * Full-page PNGs of what `page` shows, one per viewport size, named
 * `<name>-<width>x<height>.png`; the viewport is restored afterwards.
 */
export async function screenshots(page, name, sizes = [[800, 1280], [360, 740]]) {
  const dir = await screenshotDir();
  const paths = [];
  const before = page.viewportSize();
  for (const [width, height] of sizes) {
    await page.setViewportSize({ width, height });
    // Two frames: the layout has followed the new size.
    await within(5_000, 'two animation frames after resizing', page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
    ));
    const path = join(dir, `${name}-${width}x${height}.png`);
    await within(30_000, `the screenshot ${path}`, page.screenshot({ path, fullPage: true }));
    paths.push(path);
  }
  if (before) await page.setViewportSize(before);
  return paths;
}

/**
 * The visible controls matching `controls` that are less than 48 px high
 * or wide (with half a pixel for rounding), as lines naming each. Those
 * inside `exempt` are left out (links in a sentence, as WCAG 2.5.8
 * allows), except a `.choice` row itself, which is hit as a whole.
 */
export function smallTargets(page, { controls, exempt }) {
  return page.evaluate(({ controls, exempt }) => [...document.querySelectorAll(controls)]
    .filter((el) => el.offsetParent !== null)
    .filter((el) => !exempt || el.matches('.choice') || !el.closest(exempt))
    .map((el) => ({ el, box: el.getBoundingClientRect() }))
    .filter(({ box }) => box.height < 47.5 || box.width < 47.5)
    .map(({ el, box }) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${el.textContent.trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`),
  { controls, exempt });
}

/**
 * The WCAG contrast ratio of the text of `selector` against the first
 * opaque background behind it (NaN when nothing matches): what axe leaves
 * undecided, measured.
 */
export function contrast(page, selector) {
  return page.evaluate((sel) => {
    const element = document.querySelector(sel);
    if (!element) return NaN;
    const rgba = (c) => (c.match(/[\d.]+/g) ?? []).map(Number);
    let node = element;
    let bg = [255, 255, 255, 1];
    while (node) {
      const c = rgba(getComputedStyle(node).backgroundColor);
      if (c.length >= 3 && (c[3] ?? 1) === 1) { bg = c; break; }
      node = node.parentElement;
    }
    const fg = rgba(getComputedStyle(element).color);
    const lum = ([r, g, b]) => [r, g, b]
      .map((v) => v / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
      .reduce((sum, v, k) => sum + v * [0.2126, 0.7152, 0.0722][k], 0);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100;
  }, selector);
}
