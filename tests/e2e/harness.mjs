// The end-to-end harness: a real `fieldform serve` on a free loopback port
// with a fresh data directory, serving the real release build of the app,
// and Debian's Chromium driven by playwright-core. Everything started here
// is torn down by `stop()`.

import { spawn } from 'node:child_process';
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
 * Starts the server, publishing the shipped forms (or those in `formsDir`);
 * resolves once it prints the address it listens on.
 */
export async function startServer({ formsDir } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'fieldform-e2e-'));
  const child = spawn(
    required('FIELDFORM_BIN'),
    [
      'serve', '--addr', '127.0.0.1:0', '--data-dir', dataDir,
      '--forms-dir', formsDir ?? required('FIELDFORM_FORMS_DIR'), '--app-dir', required('FIELDFORM_APP_DIR'),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
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
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
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
 */
export function useServerAndBrowser() {
  const env = { server: undefined, browser: undefined };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}
