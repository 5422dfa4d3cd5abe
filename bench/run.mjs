// `cargo xtask bench` (and, with --check, `cargo xtask test`): serves the
// benchmark page built in DIR (xtask copies bench/ there with the peers
// bundled by esbuild and Fieldform's engine built for wasm) to Debian's
// headless Chromium and runs the three engines in it.
//
//   node bench/run.mjs DIR --check   the engines agree on the smallest form
//   node bench/run.mjs DIR           prints BENCHMARKS.md's peer section
//   node bench/run.mjs DIR --only fieldform[,odk,...]
//                                    times only those engines on the generated
//                                    forms (sizes: BENCH_SIZES, e.g. '[[200,10]]')
//                                    and prints the figures as JSON, for
//                                    working on one engine's times
//
// The page is served cross-origin isolated (COOP + COEP), which gives
// `performance.now()` 5 µs resolution instead of 100 µs.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'e2e', 'package.json'));
const { chromium } = require('playwright-core');

const [dir, ...flags] = process.argv.slice(2);
const mode = flags.includes('--check') ? '--check' : undefined;
const onlyAt = flags.indexOf('--only');
const only = onlyAt >= 0 ? (flags[onlyAt + 1] ?? '').split(',').filter(Boolean) : null;
if (!dir || (only && !only.length)) {
  console.error('usage: node bench/run.mjs DIR [--check | --only ENGINE[,ENGINE]]');
  process.exit(2);
}

const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const server = http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const file = path.join(dir, rel === '/' ? 'index.html' : rel);
  if (!file.startsWith(path.resolve(dir)) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(200, {
    'content-type': types[path.extname(file)] ?? 'application/octet-stream',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  });
  fs.createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    // measureUserAgentSpecificMemory answers at once instead of at the next GC.
    '--enable-blink-features=ForceEagerMeasureMemory', '--js-flags=--expose-gc'],
});
const page = await browser.newPage();
const problems = [];
page.on('pageerror', (e) => problems.push(String(e)));
page.on('console', (m) => {
  if (m.type() === 'error') problems.push(m.text());
});
let exitCode = 0;
try {
  await page.goto(url);
  await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60_000 });
  if (!(await page.evaluate(() => self.crossOriginIsolated))) throw new Error('the page is not cross-origin isolated');
  const names = await page.evaluate(() => window.bench.names);
  if (only) {
    const unknown = only.filter((k) => !(k in names));
    if (unknown.length) throw new Error(`--only: no engine ${unknown.join(', ')} (there are ${Object.keys(names).join(', ')})`);
    const skip = Object.keys(names).filter((k) => !only.includes(k));
    const sizes = JSON.parse(process.env.BENCH_SIZES ?? '[[200,10]]');
    const out = [];
    for (const [questions, rows] of sizes) {
      const r = await page.evaluate(([q, r, s]) => window.bench.measure(q, r, 3, s), [questions, rows, skip]);
      out.push({ size: `${questions}x${rows}`, ...r });
    }
    process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
  } else {
    const seen = await page.evaluate(() => window.bench.crosscheck());
    const disagreements = crosscheck(seen);
    if (mode === '--check') {
      for (const [key, values] of Object.entries(seen.generated)) console.log(`${names[key]}: ${JSON.stringify(values)}`);
      if (disagreements.length) throw new Error(`the engines disagree:\n${disagreements.join('\n')}`);
      console.log('bench: the three engines agree after the same edits, on the smallest generated form and the heavy cases (the peers\' known faults as listed in bench/heavy.mjs)');
    } else {
      if (disagreements.length) throw new Error(`the engines disagree:\n${disagreements.join('\n')}`);
      const sizes = JSON.parse(process.env.BENCH_SIZES ?? '[[200,10],[1000,50],[3000,100]]');
      const results = [];
      // A peer whose load took over 10 s is not run at the larger sizes: its
      // loads there take minutes (SurveyJS: 15 s at 1000 x 50).
      const skip = [];
      const skipped = {};
      for (const [questions, rows] of sizes) {
        const loads = 9;
        const r = await page.evaluate(([q, r, l, s]) => window.bench.measure(q, r, l, s), [questions, rows, loads, skip]);
        for (const [key, v] of Object.entries(r)) {
          if (v.load > 10_000 && !skip.includes(key) && questions !== sizes[sizes.length - 1][0]) {
            skip.push(key);
            skipped[key] = `${(v.load / 1000).toFixed(1)} s to load at ${questions} x ${rows}`;
          }
        }
        console.error(`bench: ${questions}x${rows} ${JSON.stringify(r)}`);
        results.push({ size: `${questions}x${rows}`, r });
      }
      const heavy = [];
      for (const name of await page.evaluate(() => window.bench.heavyNames)) {
        // Each case in a fresh page: the peers' garbage from the large forms
        // (ODK holds hundreds of MB at 3000 x 100) would be collected during
        // the next case's timings.
        const fresh = await browser.newPage();
        await fresh.goto(url);
        await fresh.waitForFunction(() => window.benchReady === true, null, { timeout: 60_000 });
        const r = await fresh.evaluate((n) => window.bench.heavy(n), name);
        await fresh.close();
        console.error(`bench: ${name} ${JSON.stringify(r)}`);
        heavy.push(r);
      }
      // Memory in a fresh page, so nothing measured before (the 40,000-choice
      // list above all) has grown the wasm memory; a peer not run at the
      // largest size is not loaded there either.
      const [mq, mr] = sizes.length ? sizes[sizes.length - 1] : [200, 10];
      const last = results.length ? results[results.length - 1].r : {};
      const memSkip = ['surveyjs', 'odk'].filter((k) => !last[k]);
      const fresh = await browser.newPage();
      await fresh.goto(url);
      await fresh.waitForFunction(() => window.benchReady === true, null, { timeout: 60_000 });
      const mem = await fresh.evaluate(([q, r, s]) => window.bench.memory(q, r, s), [mq, mr, memSkip]);
      console.error(`bench: memory ${mq}x${mr} ${JSON.stringify(mem)}`);
      process.stdout.write(report(names, results, skipped) + memoryReport(names, `${mq}x${mr}`, mem) + heavyReport(names, heavy));
    }
  }
} catch (e) {
  console.error(`bench: ${e.message ?? e}`);
  if (problems.length) console.error(`page errors:\n${problems.slice(0, 20).join('\n')}`);
  exitCode = 1;
} finally {
  await browser.close();
  server.close();
}
process.exit(exitCode);

/** What the workload expects, then every engine against it. */
function crosscheck(seen) {
  const expected = {
    calc_after_7: '14', relevant_after_7: true, calc_after_3: '6', relevant_after_3: false,
    errors_before: 0, errors_after: 1,
    sum_before: '0', sum_after_40: '1', roster_relevant_after_40: true,
    sum_after_12: '0', roster_relevant_after_12: false, position: '5',
  };
  const out = [];
  let compared = 0;
  for (const [key, values] of Object.entries(seen.generated)) {
    for (const [what, want] of Object.entries(expected)) {
      compared++;
      if (values[what] !== want) out.push(`generated form, ${key}: ${what} is ${JSON.stringify(values[what])}, expected ${JSON.stringify(want)}`);
    }
  }
  for (const [name, { expected: steps, faults, ...engines }] of Object.entries(seen).filter(([k]) => k !== 'generated')) {
    for (const [key, got] of Object.entries(engines)) {
      steps.forEach((want, i) => {
        for (const [what, right] of Object.entries(want)) {
          const fault = faults.find((f) => f.engine === key && f.step === i + 1 && f.what === what);
          const value = fault ? fault.value : right;
          compared++;
          if (got[i][what] !== value) out.push(`${name}, ${key}, step ${i + 1}: ${what} is ${JSON.stringify(got[i][what])}, expected ${JSON.stringify(value)}`);
        }
      });
    }
  }
  // node's test runner prints these; `cargo xtask test` adds them up.
  if (mode === '--check') console.log(`# pass ${compared - out.length}\n# fail ${out.length}`);
  return out;
}

/** `best / ours` as "12.3x faster", or "4.5x slower" where a peer wins. */
function ratio(best, ours) {
  return best >= ours ? `**${(best / ours).toFixed(1)}x** faster` : `**${(ours / best).toFixed(1)}x slower**`;
}

function fmt(ms) {
  if (ms >= 1) return `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
  if (ms >= 0.001) return `${(ms * 1000).toFixed(ms >= 0.1 ? 0 : 2)} µs`;
  return `${(ms * 1e6).toFixed(0)} ns`;
}

function report(names, results, skipped) {
  const ops = [['load', 'load'], ['edit_top', 'edit, top level'], ['edit_roster', 'edit, in the roster'], ['validate', 'validate all']];
  const peers = ['surveyjs', 'odk'];
  let md = '';
  md += 'The three engines in the same headless Chromium, in the same run, one after the other in one page (`cargo xtask bench`, `bench/run.mjs`): ';
  md += `${names.fieldform} (wasm built as the app's: its \`wasm-release\` profile, then \`wasm-opt -Oz\`), ${names.surveyjs} and ${names.odk}. `;
  md += 'The questionnaire is written three ways from one description (`bench/workload.mjs`: the engine workload above, as a form file, SurveyJS JSON and an XForm). ';
  md += '*Load*: parse the file and instantiate with the roster filled (median of up to 9 after a warm-up load, at least 2 when 20 s are not enough). ';
  md += '*Edit*: one answer changed and everything depending on it recomputed (mean over at least 3 edits and 300 ms after 3 to warm up, alternating two values). ';
  md += '*Validate all*: every constraint and required answer checked. ';
  md += 'Before timing, the same edits are made in each engine and their results compared (a calculation, a relevance, a sum over the roster, a failed constraint); `cargo xtask test` runs that check too.\n\n';
  md += `| form | operation | Fieldform | SurveyJS | ODK | Fieldform vs the faster peer |\n| --- | --- | --- | --- | --- | --- |\n`;
  for (const { size, r } of results) {
    for (const [op, label] of ops) {
      const ours = r.fieldform[op];
      const ran = peers.filter((p) => r[p]);
      const best = Math.min(...ran.map((p) => r[p][op]));
      const cell = (p) => (r[p] ? fmt(r[p][op]) : 'not run*');
      md += `| ${size} | ${label} | ${fmt(ours)} | ${cell('surveyjs')} | ${cell('odk')} | ${ratio(best, ours)} |\n`;
    }
  }
  for (const [key, why] of Object.entries(skipped)) {
    md += `\n\\* ${names[key]} is not run at the larger sizes: it took ${why}, and its loads grow faster than the form (the ratio is then to the other peer).\n`;
  }
  return md;
}

function heavyReport(names, cases) {
  const peers = ['surveyjs', 'odk'];
  let md = '\n### The cases where today\'s tools fall over\n\n';
  md += 'Engine work only, each case in a fresh page, the three engines one after the other (`bench/heavy.mjs`): a roster grown to 200 instances by `repeat_count`; a repeat in a repeat (20 households of 10 members) with calculations across the levels; a cascading select over 40,000 villages filtered by two earlier answers (`choice_filter`; the filtered list is read after each edit). ';
  md += 'Each engine\'s results after the same edits are checked first (`cargo xtask test`). The app on screen is measured in the app section.\n\n';
  md += '| case | operation | Fieldform | SurveyJS | ODK | Fieldform vs the faster peer |\n| --- | --- | --- | --- | --- | --- |\n';
  for (const c of cases) {
    const rows = [['load', (e) => e.load], ...c.ops.map((op, i) => [op, (e) => e.ops[i]])];
    for (const [label, get] of rows) {
      const ours = get(c.engines.fieldform);
      const best = Math.min(...peers.map((p) => get(c.engines[p])));
      md += `| ${c.name} | ${label} | ${fmt(ours)} | ${fmt(get(c.engines.surveyjs))} | ${fmt(get(c.engines.odk))} | ${ratio(best, ours)} |\n`;
    }
  }
  const faults = cases.flatMap((c) => c.faults.map((f) => `- ${c.name}: ${names[f.engine]}: ${f.why}.`));
  if (faults.length) md += `\nWhat the check found wrong in a peer (asserted as it is, so a fixed release shows):\n\n${faults.join('\n')}\n`;
  return md;
}

function mb(bytes) {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

function memoryReport(names, size, mem) {
  const f = mem.fieldform;
  let md = `\n### Memory (${size})\n\n`;
  md += 'In a fresh page. The peers: what Chromium measures of the page (`performance.measureUserAgentSpecificMemory` after full garbage collections: JS heap and array buffers) before and after loading. ';
  md += 'Fieldform: the bytes its allocator holds (counted in `bench/wasm`) after loading, after 10,000 edits (a top-level answer and a roster answer alternately) and after 1,000 roster instances added, answered and removed, and the wasm memory, which only grows (its high-water mark). ';
  md += 'The peers only load at this size: their edits take milliseconds to seconds each.\n\n';
  md += '| engine | memory after loading |\n| --- | --- |\n';
  md += `| ${names.fieldform} | ${mb(f.live_after_load)} held (wasm memory ${mb(f.wasm_memory)} at the end) |\n`;
  for (const key of ['surveyjs', 'odk']) md += `| ${names[key]} | ${mem[key] ? mb(mem[key].page_after_load) : 'not run*'} |\n`;
  const perCycle = (f.live_after_instances - f.live_after_edits) / 1000;
  md += `\nFieldform held ${mb(f.live_after_load)} after loading, ${mb(f.live_after_edits)} after 10,000 edits `;
  md += `(${(f.live_after_edits - f.live_after_load).toFixed(0)} bytes more) and ${mb(f.live_after_instances)} after 1,000 instances added and removed `;
  md += `(${perCycle.toFixed(0)} bytes kept per removed instance: ${perCycle > 0.5 ? '**a leak to find**; the engine alone is tested to keep its arena bounded (`state::tree_tests`)' : 'what an instance takes is released when it is removed, its arena entry reused under a new generation'}).\n`;
  return md;
}
