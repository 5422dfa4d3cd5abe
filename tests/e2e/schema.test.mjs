// The shipped forms against the published form schema
// (engine/form.schema.json, generated from the engine's types and kept
// current by an engine test), checked by an independent JSON Schema
// validator (ajv, draft 2020-12): what the repository ships is what the
// schema promises to authors and tools.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { repoRoot, shippedForms } from './harness.mjs';

async function validator() {
  const schema = JSON.parse(await readFile(join(repoRoot, 'engine/form.schema.json'), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  // The one format schemars writes: an unsigned 32-bit integer.
  ajv.addFormat('uint32', { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff });
  return ajv.compile(schema);
}

test('every shipped form validates against the published form schema', async () => {
  const validate = await validator();
  const forms = await shippedForms();
  assert.ok(forms.length >= 2, `${forms.length} shipped forms`);
  for (const form of forms) {
    assert.ok(validate(form), `${form.id}: ${JSON.stringify(validate.errors, null, 1)}`);
  }
});

test('the schema refuses what the engine refuses', async () => {
  const validate = await validator();
  const [form] = await shippedForms();
  const broken = structuredClone(form);
  broken.items[0].kind = 'questoin';
  assert.equal(validate(broken), false, 'an unknown item kind');
  const noId = structuredClone(form);
  delete noId.id;
  assert.equal(validate(noId), false, 'a form without an id');
});
