// The HTTP API over real sockets, as a coordinator and a tablet use it:
// sign in, publish a form, provision a device, submit (idempotently), read
// the submissions back. The full route-by-route matrix is in
// server/tests/api.rs; this checks the real process end to end.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callApi, useServerAndBrowser, uuidv7 } from './harness.mjs';

const env = useServerAndBrowser();

const call = (method, path, options) => callApi(env.server, method, path, options);

const form = {
  format: 1, id: 'visit', version: '1', title: { en: 'Visit' },
  languages: [{ code: 'en', name: 'English' }], default_language: 'en',
  items: [
    { kind: 'question', name: 'village', type: 'text', required: true },
    { kind: 'question', name: 'hh_size', type: 'integer', constraint: '. >= 1 and . <= 30' },
  ],
};

test('a coordinator publishes, a tablet submits idempotently, and nothing invalid is stored', async () => {
  const { admin } = env.server;
  assert.ok(admin, 'the first start printed the admin credentials');

  const wrong = await call('POST', '/api/sessions', { body: { username: admin.username, password: 'nope-nope' } });
  assert.equal(wrong.status, 401);
  assert.equal(typeof wrong.body.error.code, 'string');

  const login = await call('POST', '/api/sessions', { body: admin });
  assert.equal(login.status, 201, JSON.stringify(login.body));
  const coordinator = login.body.token;

  assert.equal((await call('POST', '/api/forms', { body: form })).status, 401, 'publishing needs a token');
  const published = await call('POST', '/api/forms', { token: coordinator, body: form });
  assert.equal(published.status, 201, JSON.stringify(published.body));

  const device = await call('POST', '/api/device-tokens', { token: coordinator, body: { label: 'tablet 1', forms: ['visit'] } });
  assert.equal(device.status, 201, JSON.stringify(device.body));
  assert.match(device.body.provisioning_url, /#\/provision\?token=/);
  const tablet = device.body.token;

  const submission = {
    instance_id: uuidv7(), form_id: 'visit', form_version: '1',
    answers: { village: 'Orhei', hh_size: '4' },
  };
  const first = await call('POST', '/api/submissions', { token: tablet, body: submission });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const again = await call('POST', '/api/submissions', { token: tablet, body: submission });
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.equal(again.body.status, 'duplicate');
  const changed = await call('POST', '/api/submissions', {
    token: tablet, body: { ...submission, answers: { village: 'Orhei', hh_size: '5' } },
  });
  assert.equal(changed.status, 409, JSON.stringify(changed.body));

  const invalid = await call('POST', '/api/submissions', {
    token: tablet, body: { instance_id: uuidv7(), form_id: 'visit', form_version: '1', answers: { hh_size: '99' } },
  });
  assert.equal(invalid.status, 422, JSON.stringify(invalid.body));
  assert.equal(invalid.body.error.code, 'invalid_submission');
  assert.deepEqual(
    invalid.body.error.fields.map((f) => f.field).sort(),
    ['answers.hh_size', 'answers.village'],
  );

  const malformed = await call('POST', '/api/submissions', { token: tablet, body: '{"instance_id": ' });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.error.code, 'malformed_json');

  const stored = await call('GET', '/api/forms/visit/submissions', { token: coordinator });
  assert.equal(stored.status, 200, JSON.stringify(stored.body));
  const items = Array.isArray(stored.body) ? stored.body : stored.body.submissions;
  assert.equal(items.length, 1, JSON.stringify(stored.body));
});
