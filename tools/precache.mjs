// Trunk post_build hook: writes the service worker into the staging
// directory with the list of files to precache and a version derived from
// their contents (Trunk hashes file names, so the list changes per build).
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('precache.mjs: TRUNK_STAGING_DIR is not set (run it through trunk build)');
  process.exit(1);
}
// Trunk runs this hook for every document it builds; only the enumerator's
// app (app/index.html, served at `/`) has a service worker. The console
// (app/console.html, in dist/console/) is online only: writing a worker
// there would give it a wrong list, and one registered from there would
// take over `/console/`.
const html = basename(process.env.TRUNK_HTML_FILE ?? 'index.html');
if (html !== 'index.html') {
  console.log(`precache.mjs: ${html} has no service worker, nothing written`);
  process.exit(0);
}
const skip = new Set(['sw.js']);
const files = (await readdir(staging)).filter((f) => !f.startsWith('.') && !skip.has(f)).sort();
const hash = createHash('sha256');
for (const file of files) {
  hash.update(file);
  hash.update(await readFile(join(staging, file)));
}
const version = hash.digest('hex').slice(0, 16);
const precache = ['/', ...files.map((f) => `/${f}`)];
const template = await readFile(new URL('../public/sw.js', import.meta.url), 'utf8');
const header = `self.__PRECACHE__ = ${JSON.stringify(precache)};\nself.__VERSION__ = ${JSON.stringify(version)};\n`;
await writeFile(join(staging, 'sw.js'), header + template);
console.log(`precache.mjs: sw.js version ${version}, ${precache.length} entries`);
