// Writes `<file>.gz` and `<file>.br` beside every hashed asset of a
// release build (Trunk's `name-<hash>.js`, `name-<hash>_bg.wasm`,
// `name-<hash>.css`; run by `cargo xtask build-app` after Trunk), at the
// highest levels: it runs once per build, and the server sends the smaller
// encoding a browser accepts instead of compressing per request. Without
// these a tablet downloads the wasm uncompressed (about 2.5x the bytes).
// Unhashed files (sw.js, index.html) are left alone: the server sends them
// as they are, so an edited one can never be answered from a stale copy.
import { readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

// As the server's `is_hashed_asset` (server/src/http/app.rs).
const HASHED_ASSET = /-[0-9a-f]{8,16}(_bg)?\.(wasm|js|css)$/;

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

const root = process.argv[2];
if (!root) {
  console.error('compress.mjs: usage: node tools/compress.mjs <dist dir>');
  process.exit(2);
}
let count = 0;
for await (const path of files(root)) {
  // Leftovers of an earlier run whose original is gone are removed: the
  // server would otherwise answer for a file that no longer exists.
  if (/\.(gz|br)$/.test(path)) {
    const original = path.slice(0, -3);
    if (!(await stat(original).catch(() => null))) await unlink(path);
    continue;
  }
  if (!HASHED_ASSET.test(path)) continue;
  const bytes = await readFile(path);
  await writeFile(`${path}.gz`, gzipSync(bytes, { level: 9 }));
  await writeFile(
    `${path}.br`,
    brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
  );
  count += 1;
}
console.log(`compress.mjs: ${count} files in ${root} precompressed (gzip, brotli)`);
