// The peer benchmark's questionnaire, written three ways from one
// description: Fieldform's form file, SurveyJS JSON and an ODK XForm.
//
// It is the engine benchmark's workload (engine/benches/workload/mod.rs):
// blocks of six questions (an integer with a constraint, a calculation, a
// text relevant on it, a required select, an integer relevant on both with
// a constraint, a calculation), then a roster whose rows have an age, an
// `adult` calculation, a select relevant on the age, a name with a length
// check and the row's position, then two sums over the roster. A test
// (`bench/crosscheck.mjs`) checks that all three engines compute the same
// things after the same edits.

export const SIZES = [
  [200, 10],
  [1000, 50],
  [3000, 100],
];
const BLOCK = 6;
const ROSTER_FIELDS = 5;

/** The questionnaire as plain data: every engine's file is written from it. */
export function describe(questions) {
  const rosterFields = Math.max(Math.floor(questions / 10), ROSTER_FIELDS);
  const blocks = Math.floor((questions - rosterFields) / BLOCK);
  const roster = [];
  for (let k = 0; k < Math.ceil(rosterFields / ROSTER_FIELDS); k++) roster.push(`m${k}`);
  return { id: `bench_${questions}`, questions, blocks, roster };
}

/** The top-level integer the edits change (its select answered `yes`). */
export function topLevelBlock(d) {
  return Math.floor(Math.floor(Math.floor(d.questions / 10) * 9 / BLOCK) / 2);
}

export const TOP_LEVEL_VALUES = ['3', '7'];
export const ROSTER_VALUES = ['12', '40'];

// ---- Fieldform ----------------------------------------------------------

const label = (text) => ({ en: text });

export function fieldform(d) {
  const q = (name, type, extra = {}) => ({ kind: 'question', name, type, label: label(name), ...extra });
  const items = [];
  for (let i = 0; i < d.blocks; i++) {
    const n = (s) => `b${i}_${s}`;
    items.push(
      q(n('a'), 'integer', { constraint: '. >= 0 and . < 1000' }),
      q(n('b'), 'calculate', { calculation: `\${${n('a')}} * 2` }),
      q(n('c'), 'text', { relevant: `\${${n('b')}} > 10` }),
      q(n('d'), 'select_one', { choices: 'yes_no', relevant: `\${${n('a')}} != ''`, required: true }),
      q(n('e'), 'integer', {
        relevant: `selected(\${${n('d')}}, 'yes') and \${${n('c')}} != ''`,
        constraint: `. <= \${${n('a')}}`,
      }),
      q(n('f'), 'calculate', { calculation: `if(\${${n('e')}} > 0, \${${n('e')}} + \${${n('b')}}, 0)` }),
    );
  }
  const rows = [];
  for (const m of d.roster) {
    rows.push(
      q(`${m}_age`, 'integer'),
      q(`${m}_adult`, 'calculate', { calculation: `if(\${${m}_age} >= 18, 1, 0)` }),
      q(`${m}_work`, 'select_one', { choices: 'yes_no', relevant: `\${${m}_age} >= 15` }),
      q(`${m}_name`, 'text', { constraint: 'string-length(.) <= 40' }),
      q(`${m}_pos`, 'calculate', { calculation: 'position(..)' }),
    );
  }
  items.push({ kind: 'repeat', name: 'members', label: label('Members'), items: rows });
  items.push(
    q('adults', 'calculate', { calculation: 'sum(${m0_adult})' }),
    q('total_age', 'calculate', { calculation: 'sum(${m0_age})' }),
  );
  return {
    format: 1,
    id: d.id,
    version: '1',
    title: label('Benchmark'),
    languages: [{ code: 'en', name: 'English' }],
    default_language: 'en',
    choices: { yes_no: ['yes', 'no'].map((v) => ({ name: v, label: label(v) })) },
    items,
  };
}

// ---- SurveyJS -----------------------------------------------------------

/** SurveyJS builds a dynamic panel's rows from `panelCount` (see peers.js). */
export function surveyjs(d, rows) {
  const elements = [];
  const yesNo = ['yes', 'no'];
  for (let i = 0; i < d.blocks; i++) {
    const n = (s) => `b${i}_${s}`;
    elements.push(
      {
        type: 'text', inputType: 'number', name: n('a'), title: n('a'),
        // SurveyJS runs expression validators on empty answers too; XLSForm
        // constraints skip them, and so does the numeric validator.
        validators: [{ type: 'numeric', minValue: 0, maxValue: 999 }],
      },
      { type: 'expression', name: n('b'), title: n('b'), expression: `{${n('a')}} * 2` },
      { type: 'text', name: n('c'), title: n('c'), visibleIf: `{${n('b')}} > 10` },
      { type: 'radiogroup', name: n('d'), title: n('d'), choices: yesNo, isRequired: true, visibleIf: `{${n('a')}} notempty` },
      {
        type: 'text', inputType: 'number', name: n('e'), title: n('e'),
        visibleIf: `{${n('d')}} = 'yes' and {${n('c')}} notempty`,
        validators: [{ type: 'expression', expression: `{${n('e')}} empty or {${n('e')}} <= {${n('a')}}` }],
      },
      { type: 'expression', name: n('f'), title: n('f'), expression: `iif({${n('e')}} > 0, {${n('e')}} + {${n('b')}}, 0)` },
    );
  }
  const template = [];
  for (const m of d.roster) {
    template.push(
      { type: 'text', inputType: 'number', name: `${m}_age`, title: `${m}_age` },
      { type: 'expression', name: `${m}_adult`, title: `${m}_adult`, expression: `iif({panel.${m}_age} >= 18, 1, 0)` },
      { type: 'radiogroup', name: `${m}_work`, title: `${m}_work`, choices: yesNo, visibleIf: `{panel.${m}_age} >= 15` },
      {
        type: 'text', name: `${m}_name`, title: `${m}_name`,
        validators: [{ type: 'text', maxLength: 40 }],
      },
      { type: 'expression', name: `${m}_pos`, title: `${m}_pos`, expression: '{panelIndex} + 1' },
    );
  }
  elements.push({ type: 'paneldynamic', name: 'members', title: 'Members', templateElements: template, panelCount: rows });
  elements.push(
    { type: 'expression', name: 'adults', title: 'adults', expression: "sumInArray({members}, 'm0_adult')" },
    { type: 'expression', name: 'total_age', title: 'total_age', expression: "sumInArray({members}, 'm0_age')" },
  );
  return { title: 'Benchmark', pages: [{ name: 'page1', elements }] };
}

// ---- ODK XForm ----------------------------------------------------------

export function xform(d) {
  const model = [];
  const binds = [];
  const body = [];
  const ref = (name) => `/data/${name}`;
  // `${name}` becomes an absolute path, as pyxform writes it (inside the
  // roster the row's own fields are relative, as pyxform does too).
  const topExpr = (e) => e.replaceAll(/\$\{(\w+)\}/g, (_, n) => ref(n));
  const rowExpr = (e) => e.replaceAll(/\$\{(\w+)\}/g, (_, n) => `../${n}`);
  const select = (path, name) =>
    `<select1 ref="${path}"><label>${name}</label>` +
    '<item><label>yes</label><value>yes</value></item>' +
    '<item><label>no</label><value>no</value></item></select1>';
  const input = (path, name) => `<input ref="${path}"><label>${name}</label></input>`;
  for (let i = 0; i < d.blocks; i++) {
    const n = (s) => `b${i}_${s}`;
    for (const s of ['a', 'b', 'c', 'd', 'e', 'f']) model.push(`<${n(s)}/>`);
    binds.push(
      `<bind nodeset="${ref(n('a'))}" type="int" constraint=". &gt;= 0 and . &lt; 1000"/>`,
      `<bind nodeset="${ref(n('b'))}" type="string" calculate="${topExpr(`\${${n('a')}} * 2`)}"/>`,
      `<bind nodeset="${ref(n('c'))}" type="string" relevant="${topExpr(`\${${n('b')}} &gt; 10`)}"/>`,
      `<bind nodeset="${ref(n('d'))}" type="string" required="true()" relevant="${topExpr(`\${${n('a')}} != ''`)}"/>`,
      `<bind nodeset="${ref(n('e'))}" type="int" relevant="${topExpr(`selected(\${${n('d')}}, 'yes') and \${${n('c')}} != ''`)}" constraint="${topExpr(`. &lt;= \${${n('a')}}`)}"/>`,
      `<bind nodeset="${ref(n('f'))}" type="string" calculate="${topExpr(`if(\${${n('e')}} &gt; 0, \${${n('e')}} + \${${n('b')}}, 0)`)}"/>`,
    );
    body.push(input(ref(n('a')), n('a')), input(ref(n('c')), n('c')), select(ref(n('d')), n('d')), input(ref(n('e')), n('e')));
  }
  const row = [];
  const rowBody = [];
  for (const m of d.roster) {
    const r = (s) => `/data/members/${m}_${s}`;
    for (const s of ['age', 'adult', 'work', 'name', 'pos']) row.push(`<${m}_${s}/>`);
    binds.push(
      `<bind nodeset="${r('age')}" type="int"/>`,
      `<bind nodeset="${r('adult')}" type="string" calculate="${rowExpr(`if(\${${m}_age} &gt;= 18, 1, 0)`)}"/>`,
      `<bind nodeset="${r('work')}" type="string" relevant="${rowExpr(`\${${m}_age} &gt;= 15`)}"/>`,
      `<bind nodeset="${r('name')}" type="string" constraint="string-length(.) &lt;= 40"/>`,
      `<bind nodeset="${r('pos')}" type="string" calculate="position(..)"/>`,
    );
    rowBody.push(input(r('age'), `${m}_age`), select(r('work'), `${m}_work`), input(r('name'), `${m}_name`));
  }
  model.push(`<members jr:template="">${row.join('')}</members>`, '<adults/>', '<total_age/>');
  binds.push(
    `<bind nodeset="/data/adults" type="string" calculate="sum(/data/members/m0_adult)"/>`,
    `<bind nodeset="/data/total_age" type="string" calculate="sum(/data/members/m0_age)"/>`,
  );
  body.push(`<group ref="/data/members"><label>Members</label><repeat nodeset="/data/members">${rowBody.join('')}</repeat></group>`);
  model.push('<meta><instanceID/></meta>');
  binds.push('<bind nodeset="/data/meta/instanceID" type="string" readonly="true()" jr:preload="uid"/>');
  return `<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" xmlns:odk="http://www.opendatakit.org/xforms">
<h:head><h:title>Benchmark</h:title>
<model odk:xforms-version="1.0.0"><instance><data id="${d.id}">${model.join('')}</data></instance>
${binds.join('\n')}
</model></h:head>
<h:body>${body.join('')}</h:body></h:html>`;
}
