// The two peer engines behind one small interface, so bench/page.mjs drives
// them and Fieldform's engine the same way. Bundled by esbuild
// (xtask/src/bench_peers.rs) into one script loaded by the benchmark page.
//
// Each adapter: load(file, fills) → a handle with node(path), set(node,
// value), value(path), relevant(path), choices(path) and errors().
// Paths are the workload's: `b5_b`, `members[3]/m0_age`, `hh[2]/member[4]/age`
// (positions 1-based). `fills` lists repeats to fill: [[path, count], ...].

import { Model, Serializer } from 'survey-core';
import { createInstance } from '@getodk/xforms-engine';

/** `hh[2]/member[4]/age` → [['hh', 2], ['member', 4], ['age', null]]. */
function steps(path) {
  return path.split('/').map((step) => {
    const m = /^([\w-]+)(?:\[(\d+)\])?$/.exec(step);
    if (!m) throw new Error(`bad path ${path}`);
    return [m[1], m[2] === undefined ? null : Number(m[2])];
  });
}

// The cascading select's choices carry the columns their filter reads
// (`{$item.state}`, the `$` reads an item's property); SurveyJS keeps only declared item properties.
Serializer.addProperty('itemvalue', 'state');
Serializer.addProperty('itemvalue', 'district');

const surveyjs = {
  name: 'SurveyJS (survey-core 3.1.1)',
  // SurveyJS builds a dynamic panel's rows from its `panelCount`, so the
  // workload writes the counts into its JSON (adding rows one by one after
  // the survey is built re-runs every expression per row: much slower);
  // `fills` is not needed.
  async load(json) {
    const survey = new Model(json);
    const node = (path) => {
      let container = survey;
      let question = null;
      for (const [name, index] of steps(path)) {
        question = container.getQuestionByName(name);
        if (!question) throw new Error(`SurveyJS: no question ${name} in ${path}`);
        if (index !== null) container = question.panels[index - 1];
      }
      return question;
    };
    return {
      node,
      set(question, value) {
        question.value = value;
      },
      value(path) {
        const v = node(path).value;
        return v === undefined || v === null ? '' : String(v);
      },
      relevant(path) {
        return node(path).isVisible;
      },
      choices(path) {
        return node(path).visibleChoices.length;
      },
      errors() {
        // `validate(true, false)`: every question checked and its errors
        // recorded (with `false` first, SurveyJS only answers yes or no),
        // focus left where it is.
        survey.validate(true, false);
        return survey.getAllQuestions(true).filter((q) => q.errors.length > 0).length;
      },
    };
  },
};

function indexOdk(node, into) {
  const children = node.currentState.children;
  if (!children) return;
  for (const child of children) {
    into.set(child.currentState.reference, child);
    indexOdk(child, into);
  }
}

const odk = {
  name: 'ODK Web Forms (@getodk/xforms-engine 0.22.0)',
  async load(xml, fills) {
    const instance = await createInstance(xml);
    const root = instance.root;
    let nodes = null;
    const byPath = (path) => {
      if (!nodes) {
        nodes = new Map();
        indexOdk(root, nodes);
      }
      const node = nodes.get(`/data/${path}`);
      if (!node) throw new Error(`ODK: no node /data/${path}`);
      return node;
    };
    for (const [path, count] of fills) {
      byPath(path).addInstances(undefined, count);
      nodes = null; // the tree changed
    }
    return {
      node: byPath,
      set(node, value) {
        if (node.nodeType === 'select') node.selectValue(value);
        else if (node.valueType === 'int') node.setValue(Number(value));
        else node.setValue(value);
        // A repeat_count change adds or removes instances.
        nodes = null;
      },
      value(path) {
        const v = byPath(path).currentState.value;
        return v === null || v === undefined ? '' : String(v);
      },
      relevant(path) {
        return byPath(path).currentState.relevant;
      },
      choices(path) {
        return byPath(path).currentState.valueOptions.length;
      },
      errors() {
        return root.validationState.violations.length;
      },
    };
  },
};

window.peers = { surveyjs, odk };
