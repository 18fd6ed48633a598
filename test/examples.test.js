// examples.test.js - the programs under examples/ against the fake Models
// API, run as the README shows them. Run by meson (`node --test`), with
// CALLBACKS_EXAMPLE and FAKE_API_SERVER set.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { startFake } = require('./fake-api/start.js');

let server, url, catalogue;

before(async () => {
  ({ proc: server, url } = await startFake());
  catalogue = await (await fetch(url + '/_fake/catalogue')).json();
});

after(() => { server.kill('SIGTERM'); });

function run(prog, args) {
  const env = { ...process.env, ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'fake-key' };
  delete env.ANTHROPIC_AUTH_TOKEN;
  delete env.ANTHROPIC_CUSTOM_HEADERS;
  const r = spawnSync(prog, args, { env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('callbacks resolves every alias in input order and walks the whole list', async () => {
  await fetch(url + '/_fake/reset', { method: 'POST', body: '{}' });
  const aliases = Object.keys(catalogue.aliases).slice(0, 3);
  const args = [aliases[0], aliases[1], aliases[0], aliases[2]];
  const r = run(process.env.CALLBACKS_EXAMPLE, args);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.deepEqual(lines.slice(0, 4), args.map((a) => `${a} -> ${catalogue.aliases[a]}`));
  const listed = (await (await fetch(url + '/v1/models?limit=1000', { headers: { 'x-api-key': 'fake-key', 'anthropic-version': '2023-06-01' } })).json()).data.length;
  assert.equal(lines[4], `${listed} models listed`);
  assert.equal(lines.length, 5);
  // Each distinct alias asked once, plus the walk's pages (limit 100), plus
  // the one list call this test made itself.
  const stats = await (await fetch(url + '/_fake/stats')).json();
  assert.equal(stats.requests, 3 + Math.max(1, Math.ceil(listed / 100)) + 1);
});

test('callbacks reports a failed alias and exits 1', () => {
  const r = run(process.env.CALLBACKS_EXAMPLE, ['claude-opus-4-1', 'no-such-model']);
  assert.equal(r.code, 1);
  const lines = r.out.trim().split('\n');
  assert.equal(lines[0], `claude-opus-4-1 -> ${catalogue.aliases['claude-opus-4-1']}`);
  assert.match(lines[1], /^no-such-model: .*\(HTTP 404\)$/);
});

test('callbacks with no alias still walks the list', () => {
  const r = run(process.env.CALLBACKS_EXAMPLE, []);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^\d+ models listed\n$/);
});

// A closed standard descriptor (`<&-`, `>&-`, `2>&-`) must not become the
// loop's own: libuv aborts when it closes a descriptor under 3.
test('callbacks with stdin, stdout or stderr closed does not abort', () => {
  const env = { ...process.env, ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'fake-key' };
  delete env.ANTHROPIC_AUTH_TOKEN;
  delete env.ANTHROPIC_CUSTOM_HEADERS;
  for (const redir of ['<&-', '>&-', '2>&-']) {
    const r = spawnSync('sh', ['-c', `exec "$0" "$@" ${redir}`,
      process.env.CALLBACKS_EXAMPLE, 'claude-opus-4-1'], { env, encoding: 'utf8' });
    assert.equal(r.signal, null, `${redir}: ${r.stderr}`);
    assert.equal(r.status, 0, `${redir}: ${r.stderr}`);
    if (redir !== '>&-')
      assert.match(r.stdout, new RegExp(`^claude-opus-4-1 -> ${catalogue.aliases['claude-opus-4-1']}\n\\d+ models listed\n$`));
  }
});

test('retrieve prints the model an alias names as one line of JSON', () => {
  const alias = Object.keys(catalogue.aliases)[0];
  const r = run(process.env.RETRIEVE_EXAMPLE, [alias]);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.equal(lines.length, 2);
  const model = JSON.parse(lines[0]);
  assert.equal(model.id, catalogue.aliases[alias]);
  assert.equal(model.type, 'model');
});

test('retrieve reports an unknown model with its kind and status, and exits 1', () => {
  const r = run(process.env.RETRIEVE_EXAMPLE, ['no-such-model']);
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.match(r.err, /^http \(HTTP 404, request-id [^)]+\): .+\n$/);
});

test('retrieve without a model id prints its usage and exits 2', () => {
  const r = run(process.env.RETRIEVE_EXAMPLE, []);
  assert.equal(r.code, 2);
  assert.match(r.err, /^usage: /);
});

test('pages steps through every model, three a page, in list order', async () => {
  const all = (await (await fetch(url + '/v1/models?limit=1000', { headers: { 'x-api-key': 'fake-key', 'anthropic-version': '2023-06-01' } })).json()).data;
  const r = run(process.env.PAGES_EXAMPLE, ['3']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  const pages = Math.ceil(all.length / 3);
  assert.deepEqual(lines, [...all.map((m, i) => `${Math.floor(i / 3) + 1} ${m.id}`), `${pages} pages`]);
});

test('pages refuses a page size outside 1..1000 before any request, and exits 1', () => {
  const r = run(process.env.PAGES_EXAMPLE, ['1001']);
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.match(r.err, /limit/);
});
