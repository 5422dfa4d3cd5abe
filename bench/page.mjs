// Runs in the benchmark page (bench/index.html): the three engines, the
// same questionnaire, the same operations, one after the other in the same
// tab. bench/run.mjs calls `window.bench.crosscheck()`,
// `window.bench.measure(questions, rows, loads)` and
// `window.bench.heavy(name)`.

import './peers.js';
import init, { Loaded } from './fieldform/fieldform_bench_wasm.js';
import * as workload from './workload.mjs';
import { CASES } from './heavy.mjs';

const wasm = await init();

const fieldform = {
  name: 'Fieldform',
  async load(formJson, fills) {
    const loaded = new Loaded(formJson);
    for (const [path, count] of fills) loaded.add(path, count);
    return {
      node: (path) => loaded.node(path),
      set: (node, value) => loaded.set(node, value),
      set_path: (path, value) => loaded.set_path(path, value),
      value: (path) => loaded.value(path),
      relevant: (path) => loaded.relevant(path),
      choices: (path) => loaded.choices(path),
      errors: () => loaded.errors(),
      add: (path, count) => loaded.add(path, count),
      remove: (path) => loaded.remove(path),
      free: () => loaded.free(),
    };
  },
};

const engines = { fieldform, surveyjs: window.peers.surveyjs, odk: window.peers.odk };
const KEYS = Object.keys(engines);

/** The generated questionnaire as a case: each engine's file, how to fill it. */
function generated(questions, rows) {
  const d = workload.describe(questions);
  return {
    d,
    fieldform: JSON.stringify(workload.fieldform(d)),
    surveyjs: workload.surveyjs(d, rows),
    odk: workload.xform(d),
    fills: [['members', rows]],
    sets: [],
  };
}

function heavyCase(name) {
  const c = CASES[name]();
  return { ...c, fieldform: JSON.stringify(c.fieldform) };
}

/** Load a case: parse, instantiate, fill its repeats, answer what it presets. */
async function load(key, c) {
  const h = await engines[key].load(c[key], c.fills);
  for (const [path, value] of c.sets) h.set(h.node(path), value);
  return h;
}

/**
 * The same edits in every engine, and what each computes after them: a
 * calculation and a relevance at the top level, a sum and a relevance
 * across the roster, and a constraint that fails validation.
 */
async function observe(key, c, rows) {
  const h = await load(key, c);
  const blk = workload.topLevelBlock(c.d);
  const top = (s) => `b${blk}_${s}`;
  const row = `members[${Math.max(1, rows >> 1)}]`;
  const seen = {};
  h.set(h.node(top('d')), 'yes');
  h.set(h.node(top('a')), '7');
  seen.calc_after_7 = h.value(top('b'));
  seen.relevant_after_7 = h.relevant(top('c'));
  h.set(h.node(top('a')), '3');
  seen.calc_after_3 = h.value(top('b'));
  seen.relevant_after_3 = h.relevant(top('c'));
  seen.errors_before = h.errors();
  h.set(h.node(top('a')), '7');
  h.set(h.node(top('c')), 'x');
  h.set(h.node(top('e')), '9'); // 9 > 7: the constraint `. <= ${a}` fails
  seen.errors_after = h.errors();
  seen.sum_before = h.value('adults');
  h.set(h.node(`${row}/m0_age`), '40');
  seen.sum_after_40 = h.value('adults');
  seen.roster_relevant_after_40 = h.relevant(`${row}/m0_work`);
  h.set(h.node(`${row}/m0_age`), '12');
  seen.sum_after_12 = h.value('adults');
  seen.roster_relevant_after_12 = h.relevant(`${row}/m0_work`);
  seen.position = h.value(`${row}/m0_pos`);
  h.free?.();
  return seen;
}

/** A heavy case's checks: after each step's edits, the values and choice counts. */
async function observeHeavy(key, c) {
  const h = await load(key, c);
  const seen = [];
  for (const check of c.checks) {
    for (const [path, value] of check.set) h.set(h.node(path), value);
    const got = {};
    for (const path of Object.keys(check.expect)) got[path] = h.value(path);
    for (const path of Object.keys(check.choices ?? {})) got[`choices(${path})`] = h.choices(path);
    seen.push(got);
  }
  h.free?.();
  return seen;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Mean milliseconds per call of `f`, over at least 3 calls and 300 ms. */
function perCall(f) {
  for (let i = 0; i < 3; i++) f(i); // warm-up: let the JIT see it
  let n = 0;
  const start = performance.now();
  let now = start;
  while (n < 3 || now - start < 300) {
    f(n++);
    if ((n & 15) === 0 || n < 16) now = performance.now();
  }
  return (performance.now() - start) / n;
}

/**
 * Median load time: a warm-up load, then up to `loads` more, stopping
 * early once 20 s have gone (after two, or one when a load takes over
 * 10 s): a slow peer at 3000 questions takes many seconds a load.
 */
async function loadTimes(key, c, loads) {
  collect();
  const times = [];
  const start = performance.now();
  for (let i = 0; i <= loads; i++) {
    const t0 = performance.now();
    const h = await load(key, c);
    const t = performance.now() - t0;
    h.free?.();
    if (i > 0) times.push(t);
    if (times.length >= 2 && performance.now() - start > 20_000) break;
    if (times.length >= 1 && t > 10_000) break;
  }
  return { median: median(times), runs: times.length };
}

/** Full garbage collections (run.mjs starts Chromium with --expose-gc),
 * so that one engine's garbage is not collected in another's timing. */
function collect() {
  for (let i = 0; i < 2; i++) window.gc?.();
}

/** Mean time of an edit alternating between two values (and a read after it). */
function timeEdit(h, op) {
  const node = h.node(op.path);
  collect();
  const [a, b] = op.values;
  return perCall((i) => {
    h.set(node, i & 1 ? b : a);
    if (op.read) h.choices(op.read);
  });
}

async function measureEngine(key, c, loads) {
  const result = {};
  const l = await loadTimes(key, c, loads);
  result.load = l.median;
  result.load_runs = l.runs;
  const h = await load(key, c);
  const blk = workload.topLevelBlock(c.d);
  h.set(h.node(`b${blk}_d`), 'yes');
  result.edit_top = timeEdit(h, { path: `b${blk}_a`, values: workload.TOP_LEVEL_VALUES });
  const rows = c.fills[0][1];
  result.edit_roster = timeEdit(h, { path: `members[${Math.max(1, rows >> 1)}]/m0_age`, values: workload.ROSTER_VALUES });
  collect();
  result.validate = perCall(() => h.errors());
  h.free?.();
  return result;
}

/**
 * The page's memory as Chromium measures it (JS heap and ArrayBuffers,
 * wasm memory included) after full garbage collections; cross-origin
 * isolation makes `measureUserAgentSpecificMemory` available.
 */
async function pageBytes() {
  collect();
  const m = await performance.measureUserAgentSpecificMemory();
  return m.bytes;
}

/**
 * Memory after loading the generated form; for Fieldform also after 10,000
 * edits and 1,000 roster instances added and removed (the peers' edits at
 * this size take milliseconds to seconds each, so they are only loaded).
 */
async function memory(questions, rows, skip = []) {
  const c = generated(questions, rows);
  const out = {};
  for (const key of KEYS) {
    if (skip.includes(key)) continue;
    const before = await pageBytes();
    let h = await load(key, c);
    const r = { page_after_load: (await pageBytes()) - before };
    if (key === 'fieldform') {
      r.live_after_load = Loaded.live_bytes();
      const blk = workload.topLevelBlock(c.d);
      h.set(h.node(`b${blk}_d`), 'yes');
      const top = h.node(`b${blk}_a`);
      const cell = h.node(`members[${rows >> 1}]/m0_age`);
      for (let i = 0; i < 5_000; i++) {
        h.set(top, workload.TOP_LEVEL_VALUES[i & 1]);
        h.set(cell, workload.ROSTER_VALUES[i & 1]);
      }
      r.live_after_edits = Loaded.live_bytes();
      for (let i = 0; i < 1_000; i++) {
        h.add('members', 1);
        h.set_path(`members[${rows + 1}]/m0_age`, '33');
        h.remove(`members[${rows + 1}]`);
      }
      r.live_after_instances = Loaded.live_bytes();
      r.wasm_memory = wasm.memory.buffer.byteLength;
      r.page_after_all = (await pageBytes()) - before;
    }
    h.free?.();
    h = null;
    out[key] = r;
  }
  return out;
}

window.bench = {
  memory,
  names: Object.fromEntries(KEYS.map((k) => [k, engines[k].name])),
  heavyNames: Object.keys(CASES),
  async crosscheck() {
    const [questions, rows] = workload.SIZES[0];
    const c = generated(questions, rows);
    const out = { generated: {} };
    for (const key of KEYS) out.generated[key] = await observe(key, c, rows);
    for (const name of Object.keys(CASES)) {
      const hc = heavyCase(name);
      out[name] = { faults: hc.faults ?? [], expected: hc.checks.map((k) => ({ ...k.expect, ...Object.fromEntries(Object.entries(k.choices ?? {}).map(([p, n]) => [`choices(${p})`, n])) })) };
      for (const key of KEYS) out[name][key] = await observeHeavy(key, hc);
    }
    return out;
  },
  async measure(questions, rows, loads, skip = []) {
    const c = generated(questions, rows);
    const out = {};
    for (const key of KEYS) if (!skip.includes(key)) out[key] = await measureEngine(key, c, loads);
    return out;
  },
  async heavy(name) {
    const c = heavyCase(name);
    const out = { name: c.name, ops: c.ops.map((o) => o.name), faults: c.faults ?? [], engines: {} };
    for (const key of KEYS) {
      const l = await loadTimes(key, c, 5);
      const h = await load(key, c);
      out.engines[key] = { load: l.median, ops: c.ops.map((op) => timeEdit(h, op)) };
      h.free?.();
    }
    return out;
  },
};
window.benchReady = true;
