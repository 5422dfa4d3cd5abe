// The cases where today's tools fall over, each written for the three
// engines (Fieldform's form file, SurveyJS JSON, an XForm):
//
// - `roster200`: a roster grown to 200 instances by `repeat_count`
//   (enketo-express#806, collect#3379: slow past 40 to 50 instances);
// - `nested`: a repeat in a repeat, 20 households of 10 members, with
//   calculations across the levels (SurveyJS#1518: slow past 10 panels);
// - `cascade`: a village list of 40,000 rows filtered by two earlier
//   answers with `choice_filter` (enketo-express#506: a 1,000-option list
//   taking 25 s).
//
// Each case says how to load it (`fills`, `sets`), which edits to time, and
// what every engine must compute after them (bench/run.mjs checks it), with
// the peers' known faults listed as they are.

const label = (text) => ({ en: text });
const q = (name, type, extra = {}) => ({ kind: 'question', name, type, label: label(name), ...extra });
const form = (id, items, choices = {}) => ({
  format: 1, id, version: '1', title: label(id),
  languages: [{ code: 'en', name: 'English' }], default_language: 'en', choices, items,
});
const xform = (id, model, binds, body, extraInstances = '') => `<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" xmlns:odk="http://www.opendatakit.org/xforms">
<h:head><h:title>${id}</h:title>
<model odk:xforms-version="1.0.0"><instance><data id="${id}">${model}<meta><instanceID/></meta></data></instance>${extraInstances}
${binds.join('\n')}
<bind nodeset="/data/meta/instanceID" type="string" readonly="true()" jr:preload="uid"/>
</model></h:head>
<h:body>${body}</h:body></h:html>`;
const input = (ref, name) => `<input ref="${ref}"><label>${name}</label></input>`;
// SurveyJS elements: a number question, a computed value.
const sjNumber = (name) => ({ type: 'text', inputType: 'number', name });
const sjExpression = (name, expression) => ({ type: 'expression', name, expression });
// XForm binds: a whole number, a text, a calculation (`calculate` as XML).
const bindInt = (nodeset) => `<bind nodeset="${nodeset}" type="int"/>`;
const bindText = (nodeset) => `<bind nodeset="${nodeset}" type="string"/>`;
const bindCalculate = (nodeset, calculate) => `<bind nodeset="${nodeset}" type="string" calculate="${calculate}"/>`;

function roster200() {
  const rows = 200;
  return {
    name: 'roster of 200 by repeat_count',
    fieldform: form('roster200', [
      q('n', 'integer'),
      { kind: 'repeat', name: 'people', label: label('People'), repeat_count: '${n}', items: [
        q('age', 'integer'),
        q('adult', 'calculate', { calculation: 'if(${age} >= 18, 1, 0)' }),
        q('pos', 'calculate', { calculation: 'position(..)' }),
      ] },
      q('adults', 'calculate', { calculation: 'sum(${adult})' }),
    ]),
    surveyjs: { pages: [{ name: 'p', elements: [
      sjNumber('n'),
      { type: 'paneldynamic', name: 'people', bindings: { panelCount: 'n' }, templateElements: [
        sjNumber('age'),
        sjExpression('adult', 'iif({panel.age} >= 18, 1, 0)'),
        sjExpression('pos', '{panelIndex} + 1'),
      ] },
      sjExpression('adults', "sumInArray({people}, 'adult')"),
    ] }] },
    odk: xform('roster200',
      '<n/><people jr:template=""><age/><adult/><pos/></people><adults/>',
      [
        bindInt('/data/n'),
        bindInt('/data/people/age'),
        bindCalculate('/data/people/adult', 'if(../age &gt;= 18, 1, 0)'),
        bindCalculate('/data/people/pos', 'position(..)'),
        bindCalculate('/data/adults', 'sum(/data/people/adult)'),
      ],
      input('/data/n', 'n') +
        '<group ref="/data/people"><label>People</label><repeat nodeset="/data/people" jr:count="/data/n">' +
        input('/data/people/age', 'age') + '</repeat></group>'),
    fills: [],
    sets: [['n', String(rows)]],
    // Alternating 201 and 200 adds the 201st instance, then removes it.
    ops: [
      { name: 'add an instance (201st, then back)', path: 'n', values: ['201', String(rows)] },
      { name: 'one edit in row 100', path: 'people[100]/age', values: ['12', '40'] },
    ],
    checks: [
      { set: [['people[150]/age', '40'], ['people[7]/age', '30'], ['people[180]/age', '50']], expect: { adults: '3', 'people[200]/pos': '200' } },
      // Instances 151 to 200 go, the 180th's adult with them.
      { set: [['n', '150']], expect: { adults: '2', 'people[150]/pos': '150' } },
    ],
    // What a peer gets wrong, asserted as it is (so a fixed release shows).
    faults: [{
      engine: 'surveyjs', step: 2, what: 'adults', value: '3',
      why: 'when the bound count removes panels, SurveyJS trims the data to 150 rows but does not re-run `sumInArray` over it, so the removed 180th member is still counted',
    }],
  };
}

function nested() {
  const [outer, inner] = [20, 10];
  const fills = [['hh', outer]];
  for (let i = 1; i <= outer; i++) fills.push([`hh[${i}]/member`, inner]);
  return {
    name: 'repeat in a repeat, 20 x 10',
    fieldform: form('nested', [
      { kind: 'repeat', name: 'hh', label: label('Households'), items: [
        q('head_age', 'integer'),
        { kind: 'repeat', name: 'member', label: label('Members'), items: [
          q('age', 'integer'),
          q('older', 'calculate', { calculation: 'if(${age} > ${head_age}, 1, 0)' }),
        ] },
        q('members_older', 'calculate', { calculation: 'sum(${older})' }),
      ] },
      q('total_older', 'calculate', { calculation: 'sum(${members_older})' }),
    ]),
    surveyjs: { pages: [{ name: 'p', elements: [
      { type: 'paneldynamic', name: 'hh', panelCount: outer, templateElements: [
        sjNumber('head_age'),
        { type: 'paneldynamic', name: 'member', panelCount: inner, templateElements: [
          sjNumber('age'),
          sjExpression('older', 'iif({panel.age} > {parentPanel.head_age}, 1, 0)'),
        ] },
        sjExpression('members_older', "sumInArray({panel.member}, 'older')"),
      ] },
      sjExpression('total_older', "sumInArray({hh}, 'members_older')"),
    ] }] },
    odk: xform('nested',
      '<hh jr:template=""><head_age/><member jr:template=""><age/><older/></member><members_older/></hh><total_older/>',
      [
        bindInt('/data/hh/head_age'),
        bindInt('/data/hh/member/age'),
        bindCalculate('/data/hh/member/older', 'if(../age &gt; ../../head_age, 1, 0)'),
        bindCalculate('/data/hh/members_older', 'sum(../member/older)'),
        bindCalculate('/data/total_older', 'sum(/data/hh/members_older)'),
      ],
      '<group ref="/data/hh"><label>Households</label><repeat nodeset="/data/hh">' +
        input('/data/hh/head_age', 'head_age') +
        '<group ref="/data/hh/member"><label>Members</label><repeat nodeset="/data/hh/member">' +
        input('/data/hh/member/age', 'age') + '</repeat></group></repeat></group>'),
    fills,
    sets: [],
    ops: [
      { name: 'one edit in a member', path: 'hh[10]/member[5]/age', values: ['20', '50'] },
      { name: "one edit of a household's head (10 members recomputed)", path: 'hh[10]/head_age', values: ['30', '60'] },
    ],
    checks: [
      {
        set: [['hh[3]/head_age', '30'], ['hh[3]/member[5]/age', '40'], ['hh[3]/member[6]/age', '20']],
        expect: { 'hh[3]/members_older': '1', total_older: '1' },
      },
      { set: [['hh[3]/head_age', '10']], expect: { 'hh[3]/members_older': '2', total_older: '2' } },
      // Another household's members count in its own sum only.
      {
        set: [['hh[4]/head_age', '10'], ['hh[4]/member[1]/age', '50']],
        expect: { 'hh[3]/members_older': '2', 'hh[4]/members_older': '1', total_older: '3' },
      },
    ],
  };
}

function cascade() {
  const [states, districts, villages] = [10, 40, 100]; // 40,000 villages
  const stateChoices = [];
  const districtChoices = [];
  const villageChoices = [];
  for (let s = 1; s <= states; s++) {
    stateChoices.push({ name: `s${s}`, label: label(`State ${s}`) });
    for (let d = 1; d <= districts; d++) {
      districtChoices.push({ name: `d${s}_${d}`, label: label(`District ${s}.${d}`), properties: { state: `s${s}` } });
      for (let v = 1; v <= villages; v++) {
        villageChoices.push({
          name: `v${s}_${d}_${v}`, label: label(`Village ${s}.${d}.${v}`),
          properties: { state: `s${s}`, district: `d${s}_${d}` },
        });
      }
    }
  }
  const sj = (choices) => choices.map((c) => ({ value: c.name, text: c.label.en, ...c.properties }));
  const items = (choices) => choices.map((c) =>
    `<item><name>${c.name}</name><label>${c.label.en}</label>${Object.entries(c.properties ?? {}).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</item>`).join('');
  const secondary = ['states', 'districts', 'villages'].map((id, i) =>
    `<instance id="${id}"><root>${items([stateChoices, districtChoices, villageChoices][i])}</root></instance>`).join('');
  const itemset = (ref, instance, filter) =>
    `<select1 ref="${ref}"><label>${ref}</label><itemset nodeset="instance('${instance}')/root/item${filter}"><value ref="name"/><label ref="label"/></itemset></select1>`;
  return {
    name: 'cascading select over 40,000 villages',
    fieldform: form('cascade', [
      q('state', 'select_one', { choices: 'states' }),
      q('district', 'select_one', { choices: 'districts', choice_filter: 'state = ${state}' }),
      q('village', 'select_one', { choices: 'villages', choice_filter: 'state = ${state} and district = ${district}' }),
    ], { states: stateChoices, districts: districtChoices, villages: villageChoices }),
    surveyjs: { pages: [{ name: 'p', elements: [
      { type: 'dropdown', name: 'state', choices: sj(stateChoices) },
      { type: 'dropdown', name: 'district', choices: sj(districtChoices), choicesVisibleIf: '{$item.state} = {state}' },
      { type: 'dropdown', name: 'village', choices: sj(villageChoices), choicesVisibleIf: '{$item.state} = {state} and {$item.district} = {district}' },
    ] }] },
    odk: xform('cascade', '<state/><district/><village/>', [
      bindText('/data/state'),
      bindText('/data/district'),
      bindText('/data/village'),
    ],
    itemset('/data/state', 'states', '') +
      itemset('/data/district', 'districts', '[state = /data/state]') +
      itemset('/data/village', 'villages', '[state = /data/state and district = /data/district]'),
    secondary),
    fills: [],
    sets: [['state', 's3']],
    ops: [
      // The village list is read after each edit: an engine that filters
      // only when asked pays for it here.
      { name: 'pick another district (village list re-filtered)', path: 'district', values: ['d3_7', 'd3_8'], read: 'village' },
    ],
    checks: [
      { set: [['district', 'd3_12']], expect: {}, choices: { district: districts, village: villages } },
      { set: [['state', 's5']], expect: {}, choices: { district: districts, village: 0 } },
      { set: [['district', 'd5_1']], expect: {}, choices: { village: villages } },
    ],
  };
}

export const CASES = { roster200, nested, cascade };
