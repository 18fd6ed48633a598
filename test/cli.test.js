// cli.test.js - the anthropic-models CLI against the fake Models API.
// Run by meson (`node --test`), with ANTHROPIC_MODELS_CLI and
// FAKE_API_SERVER set.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const { startFake, makeCert } = require('./fake-api/start.js');
// schemaCaps(): the capabilities as the library writes them back, from
// the header's ANTHROPIC_CAPABILITY_MAP.
const { schemaCaps } = require('./caps_map.js');

const CLI = process.env.ANTHROPIC_MODELS_CLI;
const MAN = path.join(__dirname, '..', 'cli', 'anthropic-models.1');
const BASH_COMPLETION = path.join(__dirname, '..', 'cli', 'completions', 'anthropic-models.bash');
const ZSH_COMPLETION = path.join(__dirname, '..', 'cli', 'completions', '_anthropic-models');
const KEY = 'fake-key';
let server, url, catalogue;

const SCHEMA = ['id', 'type', 'display_name', 'created_at', 'max_input_tokens',
  'max_tokens', 'lifecycle', 'line', 'deprecated_at', 'retires_at',
  'capabilities'];

before(async () => {
  ({ proc: server, url } = await startFake());
  catalogue = await (await fetch(url + '/_fake/catalogue')).json();
});

after(() => { server.kill('SIGTERM'); });

// The environment of the CLI: never a developer's real key or endpoint.
function env(extra = {}) {
  const e = { ...process.env, ...extra };
  for (const k of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN',
    'ANTHROPIC_BASE_URL', 'ANTHROPIC_CUSTOM_HEADERS']) {
    if (!(k in extra)) delete e[k];
  }
  return e;
}

function run(args, extraEnv) {
  const r = spawnSync(CLI, args, { env: env(extraEnv), encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function cli(...args) {
  return run(['--base-url', url, '--api-key', KEY, ...args]);
}

function jsonLines(out) {
  return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function model(id) {
  return catalogue.models.find((m) => m.id === id);
}

// What the CLI must print for a catalogue model: every schema field, with
// null for null and absent alike.
function expected(m) {
  const e = {};
  for (const k of SCHEMA) e[k] = m[k] === undefined ? null : m[k];
  return e;
}

function assertModel(got, m) {
  assert.deepEqual(Object.keys(got), SCHEMA);
  const want = expected(m);
  want.capabilities = schemaCaps(m.capabilities);
  assert.deepEqual(got, want);
}

test('get <alias> --json prints the resolved model with every field', () => {
  const r = cli('--json', 'get', 'claude-sonnet-4-0');
  assert.equal(r.code, 0, r.err);
  const [got] = jsonLines(r.out);
  assert.equal(got.id, catalogue.aliases['claude-sonnet-4-0']);
  assertModel(got, model(got.id));
});

test('every catalogue model round-trips through the parsed structs', () => {
  const ids = catalogue.models.map((m) => m.id);
  const r = cli('--json', 'get', ...ids);
  assert.equal(r.code, 0, r.err);
  const lines = jsonLines(r.out);
  assert.equal(lines.length, ids.length);
  lines.forEach((got, i) => assertModel(got, model(ids[i])));
});

test('get keeps argument order and reports failures as error objects', () => {
  const r = cli('--json', 'get', 'claude-opus-4-1', 'no-such-model', '..', 'claude-haiku-4-5');
  assert.equal(r.code, 1);
  const lines = jsonLines(r.out);
  assert.equal(lines.length, 4);
  assert.equal(lines[0].id, catalogue.aliases['claude-opus-4-1']);
  assert.deepEqual(Object.keys(lines[1]), ['input', 'error']);
  assert.equal(lines[1].input, 'no-such-model');
  assert.equal(lines[1].error.kind, 'http');
  assert.equal(lines[1].error.status, 404);
  assert.equal(lines[1].error.type, 'not_found_error');
  assert.match(lines[1].error.request_id, /^req_fake_/);
  assert.equal(lines[2].input, '..');
  assert.equal(lines[2].error.kind, 'invalid_argument');
  assert.equal(lines[2].error.status, 0);
  assert.equal(lines[3].id, catalogue.aliases['claude-haiku-4-5']);
});

test('json is the default when stdout is not a terminal', () => {
  const r = cli('get', 'claude-opus-4-1');
  assert.equal(r.code, 0, r.err);
  assert.equal(jsonLines(r.out)[0].id, catalogue.aliases['claude-opus-4-1']);
});

test('list prints one page, one model per line, honouring limit and cursor', () => {
  const listed = catalogue.models.filter((m) => m.lifecycle !== 'retired');
  let r = cli('--json', 'list', '--limit', '5');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(jsonLines(r.out).map((m) => m.id), listed.slice(0, 5).map((m) => m.id));
  r = cli('--json', 'list', '--limit=3', '--after-id', listed[4].id);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(jsonLines(r.out).map((m) => m.id), listed.slice(5, 8).map((m) => m.id));
});

test('table output has aligned columns', () => {
  const r = cli('--table', 'get', 'claude-opus-4-1', 'claude-3-5-haiku-latest');
  assert.equal(r.code, 0, r.err);
  const rows = r.out.trimEnd().split('\n');
  assert.equal(rows.length, 3);
  assert.match(rows[0], /^ID\s+DISPLAY NAME\s+CREATED\s+LIFECYCLE\s+MAX IN\s+MAX OUT$/);
  const created = rows[0].indexOf('CREATED');
  for (const row of rows.slice(1)) assert.match(row.slice(created), /^\d{4}-\d\d-\d\d /);
});

test('usage errors exit 2', () => {
  for (const args of [[], ['frobnicate'], ['get'], ['list', '--limit', '0'],
    ['list', '--limit', '1001'], ['list', '--limit', 'x'],
    ['list', '--after-id', 'a', '--before-id', 'b'], ['--bogus', 'list'],
    ['list', '--limit']]) {
    const r = cli(...args);
    assert.equal(r.code, 2, `args ${JSON.stringify(args)}: ${r.err}`);
    assert.notEqual(r.err, '');
  }
});

test('a failed request exits 1', () => {
  const r = run(['--base-url', url, '--api-key', 'wrong', '--json', 'get', 'claude-opus-4-1']);
  assert.equal(r.code, 1);
  assert.equal(jsonLines(r.out)[0].error.status, 401);
  assert.equal(jsonLines(r.out)[0].error.type, 'authentication_error');
});

test('--verbose logs each request with its status and never the key', () => {
  const key = 'fake-key-that-is-long-enough-1234';
  const r = run(['--base-url', url, '--api-key', key, '--verbose', '--json', 'get', 'claude-opus-4-1', 'nope']);
  assert.equal(r.code, 1);
  assert.ok(!r.err.includes(key), r.err);
  assert.match(r.err, /GET \S+\/v1\/models\/claude-opus-4-1 -> 401/);
  assert.match(r.err, /GET \S+\/v1\/models\/nope -> 401/);
});

test('a base URL with a password is refused and the password never shown', () => {
  const bad = url.replace('http://', 'http://user:hunter2@');
  let r = run(['--base-url', bad, '--api-key', KEY, '--verbose', 'get', 'a']);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /user name or password/);
  assert.ok(!r.err.includes('hunter2'), r.err);
  r = run(['--verbose', 'get', 'a'], { ANTHROPIC_BASE_URL: bad, ANTHROPIC_API_KEY: KEY });
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /ANTHROPIC_BASE_URL/);
  assert.ok(!r.err.includes('hunter2'), r.err);
});

test('--verbose shows at most the last 4 characters of a key', () => {
  const shown = (key) => {
    const r = run(['--base-url', url, '--api-key', key, '--verbose', '--json', 'list', '--limit', '1']);
    assert.equal(r.code, 1, r.err); // the fake server refuses these keys
    return r.err;
  };
  // Every 5-character piece of the key stays hidden; of a short one, every 4.
  const hidden = (err, key, n) => {
    for (let i = 0; i + n <= key.length; i++)
      assert.ok(!err.includes(key.slice(i, i + n)), `"${key.slice(i, i + n)}" shown: ${err}`);
  };
  const long = 'qwzxvbnmlkjhgfdspoiu';
  let err = shown(long);
  hidden(err, long, 5);
  assert.match(err, /API key \S*spoiu|API key \S*poiu/);
  const short = 'qwzxvbnmlkj';
  err = shown(short);
  hidden(err, short, 4);
});

test('the key and base URL come from the environment', () => {
  const r = run(['--json', 'get', 'claude-opus-4-1'],
    { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: url });
  assert.equal(r.code, 0, r.err);
  assert.equal(jsonLines(r.out)[0].id, catalogue.aliases['claude-opus-4-1']);
});

test('no credential is a usage error that names --api-key and the variables', () => {
  for (const extra of [{}, { ANTHROPIC_API_KEY: '' }, { ANTHROPIC_AUTH_TOKEN: '' }]) {
    const r = run(['--base-url', url, 'list'], extra);
    assert.equal(r.code, 2, `${JSON.stringify(extra)}: ${r.err}`);
    assert.equal(r.out, '');
    assert.match(r.err, /no credential/);
    assert.match(r.err, /--api-key/);
    assert.match(r.err, /ANTHROPIC_API_KEY/);
    assert.match(r.err, /ANTHROPIC_AUTH_TOKEN/);
  }
  assert.equal(run(['--base-url', url, '--api-key', '', 'get', 'x']).code, 2);
  // Any one of them is enough (the fake server then refuses a wrong one).
  let r = run(['--base-url', url, '--json', 'list', '--limit', '1'], { ANTHROPIC_AUTH_TOKEN: 'tok' });
  assert.notEqual(r.code, 2, r.err);
  r = run(['--base-url', url, '--json', 'list', '--limit', '1'],
    { ANTHROPIC_CUSTOM_HEADERS: 'x-api-key: ' + KEY });
  assert.equal(r.code, 0, r.err);
});

test('a bad base URL is a usage error; a bad environment is a failure', () => {
  let r = run(['--base-url', 'ftp://x', 'get', 'a']);
  assert.equal(r.code, 2);
  assert.match(r.err, /base/i);
  r = run(['get', 'a'], { ANTHROPIC_BASE_URL: 'ftp://x' });
  assert.equal(r.code, 1);
  assert.match(r.err, /ANTHROPIC_BASE_URL/);
});

async function fake(path, body) {
  const r = await fetch(url + path, body === undefined ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return r.json();
}

// spawnSync would block the event loop that serves nothing here (the fake
// server is another process), so it is fine; the control calls are async.
// A server's text on stderr must not drive the terminal: --verbose prints
// it as the table does, control characters replaced.
test('--verbose never prints control characters the server sent', async () => {
  const page = { data: [], has_more: false, first_id: '\u001b]0;owned\u0007\u001b[2J', last_id: 'x\u009b31m' };
  for (const all of [false, true]) {
    await fake('/_fake/reset', {});
    await fake('/_fake/faults', [{ status: 200, body: page }]);
    const r = cli('--verbose', '--json', 'list', ...(all ? ['--all'] : []));
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /first_id /);
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(r.err), JSON.stringify(r.err));
  }
});

test('--max-retries bounds the attempts the server sees', async () => {
  await fake('/_fake/reset', {});
  await fake('/_fake/faults', [{ status: 500, times: 5 }]);
  let r = cli('--max-retries', '0', '--json', 'get', 'claude-opus-4-1');
  assert.equal(r.code, 1);
  assert.equal(jsonLines(r.out)[0].error.status, 500);
  assert.equal((await fake('/_fake/requests')).length, 1);
  await fake('/_fake/reset', {});
  await fake('/_fake/faults', [{ status: 503, times: 1 }]);
  r = cli('--max-retries=1', '--json', 'get', 'claude-opus-4-1');
  assert.equal(r.code, 0, r.err);
  assert.equal((await fake('/_fake/requests')).length, 2);
});

test('--timeout ends an attempt that gets no answer', async () => {
  await fake('/_fake/reset', {});
  await fake('/_fake/faults', [{ action: 'hang', times: 2 }]);
  const r = cli('--timeout', '300', '--max-retries', '1', '--connect-timeout', '1000',
    '--json', 'get', 'claude-opus-4-1');
  assert.equal(r.code, 1);
  const e = jsonLines(r.out)[0].error;
  assert.equal(e.kind, 'timeout');
  assert.match(e.message, /after 2 attempts/);
  assert.equal((await fake('/_fake/requests')).length, 2);
});

test('bad retry and timeout values are usage errors', () => {
  for (const args of [['--max-retries', '-1'], ['--max-retries', '101'],
    ['--timeout', '0'], ['--timeout', 'x'], ['--connect-timeout=']]) {
    const r = cli(...args, 'get', 'x');
    assert.equal(r.code, 2, `${args}: ${r.err}`);
  }
});

// ------------------------------------------------------------ list --all,
// --lifecycle, --beta, --workspace

// The stage the fake server files a model under (none: active).
function stage(m) {
  return m.lifecycle == null ? 'active' : m.lifecycle;
}

const ids = (models) => models.map((m) => m.id);

test('list --all walks every page, printing models in catalogue order', async () => {
  const listed = catalogue.models.filter((m) => stage(m) !== 'retired');
  assert.equal(listed.length, 50);
  await fake('/_fake/reset', {});
  const r = cli('--json', 'list', '--all', '--page-size', '7');
  assert.equal(r.code, 0, r.err);
  const lines = jsonLines(r.out);
  assert.deepEqual(lines.map((m) => m.id), ids(listed));
  lines.forEach((got, i) => assertModel(got, listed[i]));
  const reqs = await fake('/_fake/requests');
  assert.equal(reqs.length, 8); // 7 full pages of 7, then 1
  reqs.forEach((q, n) => {
    assert.equal(q.path, '/v1/models');
    assert.deepEqual(q.query.limit, ['7']);
    assert.equal(q.query.beta, undefined);
    assert.equal(q.query['lifecycle[]'], undefined);
    // Each page starts after the last model of the one before.
    if (n === 0) assert.equal(q.query.after_id, undefined);
    else assert.deepEqual(q.query.after_id, [listed[n * 7 - 1].id]);
  });
});

test('list --all without --page-size uses the server default page size', async () => {
  await fake('/_fake/reset', {});
  const r = cli('--json', 'list', '--all');
  assert.equal(r.code, 0, r.err);
  assert.equal(jsonLines(r.out).length, 50);
  const reqs = await fake('/_fake/requests');
  assert.equal(reqs.length, 3); // 20 + 20 + 10
  for (const q of reqs) assert.equal(q.query.limit, undefined);
});

test('list --all --after-id starts after the cursor; --before-id walks backward', async () => {
  const listed = catalogue.models.filter((m) => stage(m) !== 'retired');
  let r = cli('--json', 'list', '--all', '--page-size', '9', '--after-id', listed[39].id);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(jsonLines(r.out).map((m) => m.id), ids(listed.slice(40)));
  await fake('/_fake/reset', {});
  r = cli('--json', 'list', '--all', '--page-size=4', '--before-id', listed[10].id);
  assert.equal(r.code, 0, r.err);
  const got = jsonLines(r.out).map((m) => m.id);
  // Pages come newest-last (each page is newest first): 6..9, 2..5, 0..1.
  assert.deepEqual(got, ids([...listed.slice(6, 10), ...listed.slice(2, 6),
    ...listed.slice(0, 2)]));
  const reqs = await fake('/_fake/requests');
  assert.equal(reqs.length, 3);
  assert.deepEqual(reqs.map((q) => q.query.before_id[0]),
    [listed[10].id, listed[6].id, listed[2].id]);
});

test('list --lifecycle filters, with --all and without', async () => {
  const retired = catalogue.models.filter((m) => stage(m) === 'retired');
  assert.equal(retired.length, 7);
  await fake('/_fake/reset', {});
  let r = cli('--json', 'list', '--lifecycle', 'retired', '--all', '--page-size', '3');
  assert.equal(r.code, 0, r.err);
  let lines = jsonLines(r.out);
  assert.deepEqual(lines.map((m) => m.id), ids(retired));
  for (const m of lines) assert.equal(m.lifecycle, 'retired');
  const reqs = await fake('/_fake/requests');
  assert.equal(reqs.length, 3);
  for (const q of reqs) assert.deepEqual(q.query['lifecycle[]'], ['retired']);

  await fake('/_fake/reset', {});
  r = cli('--json', 'list', '--all', '--page-size', '25', '--lifecycle', 'active',
    '--lifecycle=deprecated', '--lifecycle', 'retired');
  assert.equal(r.code, 0, r.err);
  lines = jsonLines(r.out);
  assert.equal(lines.length, 57);
  assert.deepEqual(lines.map((m) => m.id), ids(catalogue.models));
  for (const q of await fake('/_fake/requests'))
    assert.deepEqual(q.query['lifecycle[]'], ['active', 'deprecated', 'retired']);

  r = cli('--json', 'list', '--lifecycle', 'deprecated', '--limit', '3');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(jsonLines(r.out).map((m) => m.id),
    ids(catalogue.models.filter((m) => stage(m) === 'deprecated').slice(0, 3)));
});

test('list --all --table prints one header and every model', () => {
  const r = cli('--table', 'list', '--all', '--page-size', '6');
  assert.equal(r.code, 0, r.err);
  const rows = r.out.trimEnd().split('\n');
  assert.equal(rows.length, 51);
  assert.match(rows[0], /^ID\s+DISPLAY NAME\s+CREATED\s+LIFECYCLE\s+MAX IN\s+MAX OUT$/);
  assert.equal(rows.filter((row) => row.startsWith('ID ')).length, 1);
  const listed = catalogue.models.filter((m) => stage(m) !== 'retired');
  rows.slice(1).forEach((row, i) => assert.ok(row.startsWith(listed[i].id + ' '), row));
});

test('list --all --table aligns every page to the widest row of all', () => {
  // Pages of 5 have ids and names of different widths: widths fitted to
  // the first page alone would move CREATED from page to page.
  const r = cli('--table', 'list', '--all', '--page-size', '5');
  assert.equal(r.code, 0, r.err);
  const rows = r.out.trimEnd().split('\n');
  assert.equal(rows.length, 51);
  // Names may be wider than their length (an emoji) and the locale may
  // count bytes: measure from the right, past the names, where every row
  // ends at the same column (MAX OUT is right-aligned) and all is ASCII.
  const header = rows[0];
  const created = header.length - header.indexOf('CREATED');
  const lifecycle = header.length - header.indexOf('LIFECYCLE');
  for (const row of rows.slice(1)) {
    assert.match(row.slice(-created - 2), /^  \d{4}-\d\d-\d\d  /, row);
    assert.match(row.slice(-lifecycle - 2), /^  (active|deprecated|retired|-) /, row);
  }
});

test('a walk whose second page fails prints the first page, then the error', async () => {
  const listed = catalogue.models.filter((m) => stage(m) !== 'retired');
  await fake('/_fake/reset', {});
  await fake('/_fake/faults', [{ status: 404, match: 'after_id' }]);
  const r = cli('--json', 'list', '--all', '--page-size', '7');
  assert.equal(r.code, 1);
  const lines = jsonLines(r.out);
  assert.equal(lines.length, 8);
  assert.deepEqual(lines.slice(0, 7).map((m) => m.id), ids(listed.slice(0, 7)));
  assert.deepEqual(Object.keys(lines[7]), ['input', 'error']);
  assert.equal(lines[7].input, 'list');
  assert.equal(lines[7].error.kind, 'http');
  assert.equal(lines[7].error.status, 404);
  assert.equal(lines[7].error.type, 'not_found_error');
  assert.match(lines[7].error.request_id, /^req_fake_/);
  assert.equal((await fake('/_fake/requests')).length, 2);
});

test('a walk whose first page fails prints only the error', async () => {
  await fake('/_fake/reset', {});
  await fake('/_fake/faults', [{ status: 400 }]);
  let r = cli('--json', 'list', '--all');
  assert.equal(r.code, 1);
  const lines = jsonLines(r.out);
  assert.equal(lines.length, 1);
  assert.equal(lines[0].input, 'list');
  assert.equal(lines[0].error.status, 400);
  await fake('/_fake/faults', [{ status: 400 }]);
  r = cli('--table', 'list', '--all');
  assert.equal(r.code, 1);
  const rows = r.out.trimEnd().split('\n');
  assert.equal(rows.length, 2);
  assert.match(rows[0], /^ID\s+DISPLAY NAME/);
  assert.match(rows[1], /^list\s+error: http 400 /);
});

test('--beta sends anthropic-beta and uses the beta endpoints', async () => {
  const id = catalogue.aliases['claude-opus-4-1'];
  await fake('/_fake/reset', {});
  let r = cli('--beta', 'a', '--beta=b', '--json', 'get', 'claude-opus-4-1');
  assert.equal(r.code, 0, r.err);
  assert.equal(jsonLines(r.out)[0].id, id);
  let [q] = await fake('/_fake/requests');
  assert.equal(q.path, '/v1/models/claude-opus-4-1');
  assert.deepEqual(q.query.beta, ['true']);
  assert.equal(q.headers['anthropic-beta'], 'a,b');

  await fake('/_fake/reset', {});
  r = cli('--beta', 'x-2025', '--json', 'list', '--limit', '2');
  assert.equal(r.code, 0, r.err);
  assert.equal(jsonLines(r.out).length, 2);
  [q] = await fake('/_fake/requests');
  assert.equal(q.path, '/v1/models');
  assert.deepEqual(q.query.beta, ['true']);
  assert.equal(q.headers['anthropic-beta'], 'x-2025');

  await fake('/_fake/reset', {});
  r = cli('--beta', 'a', '--json', 'list', '--all', '--page-size', '20');
  assert.equal(r.code, 0, r.err);
  assert.equal(jsonLines(r.out).length, 50);
  const reqs = await fake('/_fake/requests');
  assert.equal(reqs.length, 3);
  for (const q2 of reqs) {
    assert.deepEqual(q2.query.beta, ['true']);
    assert.equal(q2.headers['anthropic-beta'], 'a');
  }

  // Without --beta: the plain endpoints, no header.
  await fake('/_fake/reset', {});
  r = cli('--json', 'get', 'claude-opus-4-1');
  assert.equal(r.code, 0, r.err);
  [q] = await fake('/_fake/requests');
  assert.equal(q.query.beta, undefined);
  assert.equal(q.headers['anthropic-beta'], undefined);
});

test('--workspace sends anthropic-workspace-id on every request', async () => {
  await fake('/_fake/reset', {});
  let r = cli('--workspace', 'ws_1', '--json', 'list', '--all', '--page-size', '10');
  assert.equal(r.code, 0, r.err);
  assert.equal(jsonLines(r.out).length, 50);
  let reqs = await fake('/_fake/requests');
  assert.equal(reqs.length, 5);
  for (const q of reqs) assert.equal(q.headers['anthropic-workspace-id'], 'ws_1');

  await fake('/_fake/reset', {});
  r = cli('--workspace=ws_2', '--json', 'get', 'claude-opus-4-1', 'claude-haiku-4-5');
  assert.equal(r.code, 0, r.err);
  r = cli('--workspace', 'ws_2', '--json', 'list', '--limit', '1');
  assert.equal(r.code, 0, r.err);
  reqs = await fake('/_fake/requests');
  assert.equal(reqs.length, 3);
  for (const q of reqs) assert.equal(q.headers['anthropic-workspace-id'], 'ws_2');

  await fake('/_fake/reset', {});
  r = cli('--json', 'get', 'claude-opus-4-1');
  assert.equal(r.code, 0, r.err);
  assert.equal((await fake('/_fake/requests'))[0].headers['anthropic-workspace-id'], undefined);
});

test('usage errors of list --all, --lifecycle, --beta and --workspace exit 2', () => {
  for (const args of [
    ['list', '--lifecycle', 'bogus'], ['list', '--lifecycle', 'Active'],
    ['list', '--lifecycle'], ['list', '--all', '--lifecycle='],
    ['list', '--all', '--limit', '5'], ['list', '--limit=5', '--all'],
    ['list', '--all', '--page-size', '0'], ['list', '--all', '--page-size', '1001'],
    ['list', '--all', '--page-size', 'x'], ['list', '--all', '--page-size'],
    ['list', '--page-size', '5'], ['list', '--all=yes'],
    ['list', '--all', '--after-id', 'a', '--before-id', 'b'],
    ['get', '--all', 'x'], ['get', '--lifecycle', 'active', 'x'],
    ['--beta'], ['--beta', '', 'get', 'x'], ['--workspace'], ['--workspace=', 'get', 'x'],
    ['resolve', 'x', '--beta', 'a'], ['--limit', '5', 'list']]) {
    const r = cli(...args);
    assert.equal(r.code, 2, `args ${JSON.stringify(args)}: ${r.err}`);
    assert.notEqual(r.err, '');
    assert.equal(r.out, '');
  }
});

test('--help exits 0 and documents the new options', () => {
  for (const args of [['--help'], ['list', '--help'], ['list', '--all', '-h']]) {
    const r = cli(...args);
    assert.equal(r.code, 0, r.err);
    for (const opt of ['--all', '--page-size', '--lifecycle', '--beta', '--workspace'])
      assert.ok(r.out.includes(opt), `${opt} in ${JSON.stringify(args)}`);
  }
});

test('options are taken after the command too, as gh and kubectl take them', async () => {
  const id = catalogue.aliases['claude-opus-4-1'];
  // Global options anywhere, without which stdout (a pipe) would be JSON.
  let r = run(['get', 'claude-opus-4-1', '--table', '--base-url', url, '--api-key', KEY]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^ID\s+DISPLAY NAME/);
  r = run(['list', '--base-url', url, '--limit', '2', '--api-key=' + KEY, '--json']);
  assert.equal(r.code, 0, r.err);
  assert.equal(jsonLines(r.out).length, 2);
  r = cli('get', '--json', 'claude-opus-4-1', '--verbose');
  assert.equal(r.code, 0, r.err);
  assert.equal(jsonLines(r.out)[0].id, id);
  assert.match(r.err, /GET \S+\/v1\/models\/claude-opus-4-1 -> 200/);
  await fake('/_fake/reset', {});
  r = cli('list', '--limit', '1', '--workspace', 'ws_9', '--json', '--beta', 'b');
  assert.equal(r.code, 0, r.err);
  const [q] = await fake('/_fake/requests');
  assert.equal(q.headers['anthropic-workspace-id'], 'ws_9');
  assert.equal(q.headers['anthropic-beta'], 'b');
});

test('short options: -j -t -v -c -h, combined as getopt takes them', () => {
  const id = catalogue.aliases['claude-opus-4-1'];
  let r = cli('-t', 'get', 'claude-opus-4-1', '-j');
  assert.equal(r.code, 0, r.err);
  assert.equal(jsonLines(r.out)[0].id, id);
  r = cli('get', 'claude-opus-4-1', '-t');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^ID\s+DISPLAY NAME/);
  for (const args of [['-jv', 'get', 'claude-opus-4-1'], ['get', '-vjc8', 'claude-opus-4-1'],
    ['-c8', '-jv', 'get', 'claude-opus-4-1'], ['get', 'claude-opus-4-1', '-vjc', '8'],
    ['-v', '-c', '8', '-j', 'get', 'claude-opus-4-1'], ['--concurrency=8', '-jv', 'get', 'claude-opus-4-1']]) {
    r = cli(...args);
    assert.equal(r.code, 0, `${JSON.stringify(args)}: ${r.err}`);
    assert.equal(jsonLines(r.out)[0].id, id, JSON.stringify(args));
    assert.match(r.err, /-> 200/, JSON.stringify(args));
  }
  for (const args of [['-h'], ['get', '-jh'], ['list', '-h']]) {
    r = cli(...args);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^usage: anthropic-models/, JSON.stringify(args));
  }
  for (const args of [['-c', '0', 'get', 'x'], ['get', 'x', '-c'], ['-jc', 'list'],
    ['-x', 'list'], ['-jx', 'list'], ['list', '-q'], ['get', 'x', '-c=8']]) {
    r = cli(...args);
    assert.equal(r.code, 2, `${JSON.stringify(args)}: ${r.err}`);
    assert.match(r.err, /try --help/, JSON.stringify(args));
    assert.equal(r.out, '');
  }
  assert.match(cli('-jx', 'list').err, /unknown option '-x'/);
});

test('"--" ends the options: an input may start with "-"; "-" alone is stdin', () => {
  let r = cli('--json', 'get', '--', '-j');
  assert.equal(r.code, 1, r.err);
  let lines = jsonLines(r.out);
  assert.equal(lines.length, 1);
  assert.equal(lines[0].input, '-j');
  r = cli('resolve', '--', '--json', '-v', 'claude-opus-4-1');
  assert.equal(r.code, 1, r.err);
  lines = jsonLines(r.out);
  assert.deepEqual(lines.map((l) => l.alias), ['--json', '-v', 'claude-opus-4-1']);
  assert.equal(lines[2].id, catalogue.aliases['claude-opus-4-1']);
  assert.equal(r.err.includes('GET '), false); // -v was an alias, not --verbose
  r = runInput(['resolve', '-', '--json'], 'claude-opus-4-1\n');
  assert.equal(r.code, 0, r.err);
  assert.equal(jsonLines(r.out)[0].alias, 'claude-opus-4-1');
});

test('a command option before the command is refused and says where it goes', () => {
  const r = cli('--limit', '5', 'list');
  assert.equal(r.code, 2);
  assert.match(r.err, /'--limit' .*after the command/);
  assert.equal(cli('get', 'x', '--limit', '5').code, 2);
});

test('--help lists the environment, the short flags and the exit statuses', () => {
  const r = cli('--help');
  assert.equal(r.code, 0, r.err);
  for (const v of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL',
    'ANTHROPIC_LOG', 'ANTHROPIC_CUSTOM_HEADERS'])
    assert.match(r.out, new RegExp(`^  ${v}\\b`, 'm'), v);
  for (const f of ['-j, --json', '-t, --table', '-v, --verbose', '-c, --concurrency',
    '-h, --help'])
    assert.ok(r.out.includes(f), f);
  assert.match(r.out, /^exit status:/m);
  assert.match(r.out, /2 +usage error.*credential/);
});

// The long options --help names, and its short ones.
function helpOptions() {
  const out = cli('--help').out;
  return {
    long: [...new Set(out.match(/--[a-z][a-z0-9.-]*[a-z0-9]/g))].filter((o) => o !== '--opt'),
    short: [...new Set(out.match(/(?<=^ {2})-[a-z](?=,)/gm))],
  };
}

test('the man page has no formatting warnings', (t) => {
  if (spawnSync('man', ['--version']).status !== 0) return t.skip('man is not installed');
  const r = spawnSync('man', ['--warnings', '-l', MAN],
    { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /ANTHROPIC_AUTH_TOKEN/);
});

test('the man page documents every option --help names', () => {
  const roff = fs.readFileSync(MAN, 'utf8');
  const { long, short } = helpOptions();
  assert.ok(long.length >= 20, long.join(' '));
  assert.deepEqual(short.sort(), ['-c', '-h', '-j', '-t', '-v']);
  for (const opt of [...long, ...short])
    assert.ok(roff.includes(opt.replace(/-/g, '\\-')), `${opt} not in the man page`);
  for (const v of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL',
    'ANTHROPIC_LOG', 'ANTHROPIC_CUSTOM_HEADERS'])
    assert.match(roff, new RegExp(`^\\.B ${v}$`, 'm'), v);
});

// What bash completes for the command line `words` (the last one being
// completed), as the bash completion script answers it.
function bashComplete(...words) {
  const script = 'source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); ' +
    'COMPREPLY=(); _anthropic_models; printf "%s\\n" "${COMPREPLY[@]}"';
  const r = spawnSync('bash', ['--norc', '-c', script, BASH_COMPLETION, 'anthropic-models', ...words],
    { encoding: 'utf8', cwd: path.join(__dirname, '..') });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout.split('\n').filter(Boolean);
}

test('bash completes commands, options where they belong, and values', () => {
  assert.deepEqual(bashComplete('li'), ['list']);
  assert.deepEqual(bashComplete(''), ['list', 'get', 'resolve', 'audit', 'watch']);
  assert.deepEqual(bashComplete('audit', '--wi'), ['--within']);
  assert.deepEqual(bashComplete('watch', '--in'), ['--interval']);
  assert.deepEqual(bashComplete('watch', '--interval', '1'), ['1m', '10m', '1h']);
  assert.deepEqual(bashComplete('get', '--wi'), []); // audit's, not get's
  assert.deepEqual(bashComplete('list', '--lif'), ['--lifecycle']);
  assert.deepEqual(bashComplete('list', '--lifecycle', ''), ['active', 'deprecated', 'retired']);
  assert.deepEqual(bashComplete('list', '--lifecycle', '=', 'de'), ['deprecated']);
  assert.deepEqual(bashComplete('--api-key', 'k', '-c', '8', 'r'), ['resolve']);
  assert.deepEqual(bashComplete('-jc', '8', 'g'), ['get']);
  assert.deepEqual(bashComplete('--js'), ['--json']);
  assert.deepEqual(bashComplete('get', 'x', '--verb'), ['--verbose']);
  assert.deepEqual(bashComplete('get', '--li'), []); // list's, not get's
  assert.deepEqual(bashComplete('list', '--limit', ''), []);
  assert.deepEqual(bashComplete('--cacert', 'cli/completions/_anthropic'),
    ['cli/completions/_anthropic-models']);
});

test('the completions offer every option --help names', () => {
  const bash = fs.readFileSync(BASH_COMPLETION, 'utf8');
  const zsh = fs.readFileSync(ZSH_COMPLETION, 'utf8');
  const { long, short } = helpOptions();
  const offered = new Set(['list', 'audit', 'watch'].flatMap((c) => bashComplete(c, '-')));
  for (const opt of [...long, ...short]) {
    assert.ok(offered.has(opt), `bash does not offer ${opt}`);
    assert.ok(zsh.includes(opt.length === 2 ? `-${opt[1]}` : opt), `zsh does not know ${opt}`);
  }
  assert.ok(bash.includes('complete -F _anthropic_models anthropic-models'));
  assert.match(zsh, /^#compdef anthropic-models$/m);
});

test('the zsh completion is valid zsh', (t) => {
  if (spawnSync('zsh', ['--version']).status !== 0) return t.skip('zsh is not installed');
  const r = spawnSync('zsh', ['-n', ZSH_COMPLETION], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
});

// ---------------------------------------------------------------- resolve

// The CLI run in the background: its stdout as lines as they come, and a
// promise of its end. Nothing here waits on a clock: each step waits for
// an event (a line, the exit).
function background(args, { stdin = 'ignore', extraEnv } = {}) {
  const child = spawn(CLI, ['--base-url', url, '--api-key', KEY, ...args],
    { env: env(extraEnv), stdio: [stdin, 'pipe', 'pipe'] });
  const lines = [];
  let err = '';
  const waiters = [];
  readline.createInterface({ input: child.stdout }).on('line', (l) => {
    lines.push(l);
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.on('data', (d) => {
    err += d;
    for (const w of waiters.splice(0)) w();
  });
  const exit = new Promise((resolve) => child.on('close', (code, signal) =>
    resolve({ code, signal, lines, err })));
  // Resolves once `n` lines are out.
  const linesOut = (n) => new Promise((resolve) => {
    const check = () => (lines.length >= n ? resolve(lines.slice()) : waiters.push(check));
    check();
  });
  // Resolves once stderr matches `re`.
  const errSays = (re) => new Promise((resolve) => {
    const check = () => (re.test(err) ? resolve() : waiters.push(check));
    check();
  });
  return { child, lines, linesOut, errSays, exit };
}

function runInput(args, input) {
  const r = spawnSync(CLI, ['--base-url', url, '--api-key', KEY, ...args],
    { env: env(), encoding: 'utf8', input, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('resolve prints one line per alias in input order, one request per distinct alias', async () => {
  await fake('/_fake/reset', {});
  const args = ['claude-opus-4-1', 'no-such-model', 'claude-opus-4-1', 'claude-haiku-4-5',
    'no-such-model'];
  const r = await background(['resolve', ...args]).exit;
  assert.equal(r.code, 1, r.err);
  const lines = r.lines.map((l) => JSON.parse(l));
  assert.equal(lines.length, 5);
  for (const i of [0, 2, 3]) {
    assert.deepEqual(Object.keys(lines[i]), ['alias', 'id', 'display_name']);
    const id = catalogue.aliases[args[i]];
    assert.deepEqual(lines[i], { alias: args[i], id, display_name: model(id).display_name });
  }
  for (const i of [1, 4]) {
    assert.deepEqual(Object.keys(lines[i]), ['alias', 'error']);
    assert.equal(lines[i].alias, 'no-such-model');
    assert.equal(lines[i].error.status, 404);
    assert.equal(lines[i].error.type, 'not_found_error');
  }
  // One human line a failure on stderr.
  const failures = r.err.split('\n').filter((l) => l.includes('no-such-model'));
  assert.equal(failures.length, 2);
  assert.match(failures[0], /404/);
  assert.equal((await fake('/_fake/stats')).requests, 3);
});

test('resolve - reads stdin: CR LF, blanks, long lines; 10,000 lines cost one request per distinct alias', async () => {
  await fake('/_fake/reset', {});
  const known = Object.keys(catalogue.aliases).slice(0, 10);
  const unknown = Array.from({ length: 4 }, (_, i) => `no-such-model-${i}`);
  const pool = [...known, ...unknown];
  const input = [];
  for (let i = 0; i < 10000; i++) input.push(pool[(i * 5) % pool.length]);
  assert.equal(new Set(input).size, pool.length);
  const text = input.map((a, i) => (i % 3 === 0 ? `  ${a}\r` : a)).join('\n')
    + '\n\n   \n' + 'x'.repeat(5000) + '\nclaude-opus-4-1'; // no final newline
  const r = runInput(['resolve', '-'], text);
  assert.equal(r.code, 1, r.err.slice(0, 500));
  const lines = jsonLines(r.out);
  assert.equal(lines.length, 10002);
  lines.slice(0, 10000).forEach((l, i) => {
    assert.equal(l.alias, input[i]);
    if (known.includes(input[i])) assert.equal(l.id, catalogue.aliases[input[i]]);
    else assert.equal(l.error.status, 404);
  });
  assert.equal(lines[10000].error.kind, 'invalid_argument');
  assert.match(lines[10000].error.message, /longer than 1024/);
  assert.equal(lines[10001].id, catalogue.aliases['claude-opus-4-1']);
  assert.equal((await fake('/_fake/stats')).requests, new Set([...pool, 'claude-opus-4-1']).size);
});

test('get - reads stdin; "-" must be the only input', () => {
  let r = runInput(['get', '-'], 'claude-opus-4-1\nclaude-haiku-4-5\n');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(jsonLines(r.out).map((m) => m.id),
    [catalogue.aliases['claude-opus-4-1'], catalogue.aliases['claude-haiku-4-5']]);
  r = runInput(['resolve', '-'], '');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, '');
  for (const args of [['get', 'x', '-'], ['resolve', '-', '-'], ['--table', 'resolve', 'x'],
    ['--beta', 'b', 'resolve', 'x'], ['resolve']]) {
    r = cli(...args);
    assert.equal(r.code, 2, `${JSON.stringify(args)}: ${r.err}`);
    assert.equal(r.out, '');
  }
});

test('a line is written as soon as it and every earlier one are known', async () => {
  for (const cmd of ['get', 'resolve']) {
    await fake('/_fake/reset', {});
    await fake('/_fake/faults', [{ action: 'hang', match: 'claude-haiku-4-5' }]);
    const run = background(['--verbose', cmd, 'claude-opus-4-1', 'claude-haiku-4-5',
      'claude-sonnet-4-0']);
    // The first line is out while the second still hangs (before, get
    // held every line to the end).
    const [first] = await run.linesOut(1);
    assert.equal(JSON.parse(first).id, catalogue.aliases['claude-opus-4-1']);
    // The third has its answer (its log line runs before its callback,
    // which runs before the loop next reads the signal's pipe).
    await run.errSays(/claude-sonnet-4-0 -> 200/);
    // Ctrl-C: what is done is written, in order; exit 130.
    run.child.kill('SIGINT');
    const r = await run.exit;
    assert.equal(r.code, 130, `${cmd}: ${r.err}`);
    assert.deepEqual(r.lines.map((l) => JSON.parse(l).id),
      [catalogue.aliases['claude-opus-4-1'], catalogue.aliases['claude-sonnet-4-0']]);
    assert.match(r.err, /interrupted: 1 of 3 inputs not done/);
    assert.doesNotMatch(r.err, /cancel/);
  }
});

test('resolve - reads a pipe as it comes, before it is closed', async () => {
  await fake('/_fake/reset', {});
  const run = background(['resolve', '-'], { stdin: 'pipe' });
  run.child.stdin.write('claude-opus-4-1\n');
  const [first] = await run.linesOut(1); // stdin still open
  assert.equal(JSON.parse(first).alias, 'claude-opus-4-1');
  run.child.stdin.end('claude-haiku-4-5\n');
  const r = await run.exit;
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.lines.map((l) => JSON.parse(l).alias), ['claude-opus-4-1', 'claude-haiku-4-5']);
});

test('--concurrency, --cacert and --http1.1', async () => {
  await fake('/_fake/reset', {});
  let r = cli('--concurrency', '2', '--http1.1', 'resolve', 'claude-opus-4-1', 'claude-haiku-4-5',
    'claude-sonnet-4-0');
  assert.equal(r.code, 0, r.err);
  assert.equal(jsonLines(r.out).length, 3);
  for (const bad of ['0', '100001', 'x', '']) {
    r = cli(`--concurrency=${bad}`, 'get', 'x');
    assert.equal(r.code, 2, `--concurrency=${bad}`);
  }
  r = cli('--cacert', '/nonexistent/ca.pem', 'get', 'claude-opus-4-1');
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.match(r.err, /--cacert: cannot read '\/nonexistent\/ca.pem': No such file/);
  r = cli('--http1.1=yes', 'get', 'x');
  assert.equal(r.code, 2);
  r = cli('--help');
  for (const opt of ['--concurrency', '--cacert', '--http1.1', 'resolve'])
    assert.ok(r.out.includes(opt), opt);
});

test('progress goes to stderr only when it is a terminal', async () => {
  await fake('/_fake/reset', {});
  await fake('/_fake/faults', [{ action: 'delay', delay_ms: 1600, match: 'claude-haiku-4-5' }]);
  let r = await background(['resolve', 'claude-opus-4-1', 'claude-haiku-4-5']).exit;
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, ''); // a pipe: nothing
  // A terminal, from util-linux's script(1) when it is there.
  const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (script.status !== 0) return;
  await fake('/_fake/faults', [{ action: 'delay', delay_ms: 1600, match: 'claude-haiku-4-5' }]);
  const cmd = [CLI, '--base-url', url, '--api-key', KEY, 'resolve', 'claude-opus-4-1',
    'claude-haiku-4-5'].join(' ');
  r = spawnSync('script', ['-qec', `${cmd} >/dev/null`, '/dev/null'],
    { env: env(), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /1\/2 done, \d+\/s/);
  assert.match(r.stdout, /\r\x1b\[K$/); // erased at the end
});

// A self-signed HTTPS fake server (the openssl CLI makes a throwaway pair).
test('--cacert trusts a self-signed server (HTTP/2), --http1.1 keeps HTTP/1.1; without it: refused', async (t) => {
  const fs = require('node:fs');
  const path = require('node:path');
  const dir = makeCert('cli-tls-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const { proc: tls, url: tlsUrl } = await startFake(['--tls', '--cert-dir', dir]);
  t.after(() => tls.kill('SIGTERM'));
  const ca = path.join(dir, 'cert.pem');
  const runTls = (...args) => run(['--base-url', tlsUrl, '--api-key', KEY, ...args]);
  let r = runTls('resolve', 'claude-haiku-4-5');
  assert.equal(r.code, 1);
  assert.equal(jsonLines(r.out)[0].error.kind, 'tls');
  const aliases = ['claude-haiku-4-5', 'claude-opus-4-1'];
  for (const [flags, version] of [[[], '2.0'], [['--http1.1'], '1.1']]) {
    spawnSync('curl', ['-s', '-X', 'POST', '--cacert', ca, tlsUrl + '/_fake/reset']);
    r = runTls('--cacert', ca, ...flags, 'resolve', ...aliases);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(jsonLines(r.out).map((l) => l.id), aliases.map((a) => catalogue.aliases[a]));
    // What the server saw (curl: node's fetch would not trust the CA).
    const seen = spawnSync('curl', ['-s', '--cacert', ca, tlsUrl + '/_fake/requests'], { encoding: 'utf8' });
    const reqs = JSON.parse(seen.stdout).filter((q) => q.path.startsWith('/v1/models/'));
    assert.equal(reqs.length, 2);
    for (const q of reqs) assert.equal(q.http_version, version);
  }
});

// ------------------------------------------------- standard descriptors

// The CLI run by sh with one standard descriptor closed (`redir` is `<&-`,
// `>&-` or `2>&-`), as a shell user would.
function withClosed(redir, args, input) {
  const r = spawnSync('sh', ['-c', `exec "$0" "$@" ${redir}`, CLI,
    '--base-url', url, '--api-key', KEY, ...args],
  { env: env(), encoding: 'utf8', input });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

test('a closed stdin is no abort: arguments resolve, "-" is a read error', () => {
  let r = withClosed('<&-', ['resolve', 'claude-opus-4-1']);
  assert.equal(r.code, 0, r.err);
  assert.equal(jsonLines(r.out)[0].id, catalogue.aliases['claude-opus-4-1']);
  r = withClosed('<&-', ['resolve', '-']);
  assert.equal(r.code, 1, r.err);
  assert.equal(r.out, '');
  assert.match(r.err, /reading stdin: Bad file descriptor/);
});

test('a closed stdout is no abort: writing to it fails, as with cat', () => {
  for (const args of [['resolve', 'claude-opus-4-1'], ['get', 'claude-opus-4-1'],
    ['list', '--limit', '2'], ['list', '--all']]) {
    const r = withClosed('>&-', args);
    assert.equal(r.code, 1, `${args}: ${r.err}`);
    assert.match(r.err, /error writing to stdout: Bad file descriptor/, `${args}`);
  }
});

test('--help and --version to a closed stdout fail as any output does', () => {
  for (const args of [['--help'], ['--version']]) {
    const r = withClosed('>&-', args);
    assert.equal(r.code, 1, `${args}: ${r.err}`);
    assert.match(r.err, /error writing to stdout: Bad file descriptor/, `${args}`);
  }
});

test('a closed stderr is no abort: the output is written as usual', () => {
  const r = withClosed('2>&-', ['resolve', 'claude-opus-4-1', 'claude-haiku-4-5']);
  assert.equal(r.code, 0, `signal ${r.signal}`);
  assert.deepEqual(jsonLines(r.out).map((l) => l.id),
    [catalogue.aliases['claude-opus-4-1'], catalogue.aliases['claude-haiku-4-5']]);
});

// ------------------------------------------------------ hostile input

test('resolve - refuses a stdin line with a NUL in it, and only that line', async () => {
  await fake('/_fake/reset', {});
  const input = Buffer.from('claude-opus-4-1\nclaude-sonnet-4-0\0garbage\nclaude-haiku-4-5\n');
  const r = spawnSync(CLI, ['--base-url', url, '--api-key', KEY, 'resolve', '-'],
    { env: env(), encoding: 'utf8', input });
  assert.equal(r.status, 1, r.stderr);
  const lines = jsonLines(r.stdout);
  assert.equal(lines.length, 3);
  assert.equal(lines[0].id, catalogue.aliases['claude-opus-4-1']);
  assert.deepEqual(Object.keys(lines[1]), ['alias', 'error']);
  assert.equal(lines[1].alias, 'claude-sonnet-4-0\ufffdgarbage');
  assert.equal(lines[1].error.kind, 'invalid_argument');
  assert.equal(lines[1].error.status, 0);
  assert.match(lines[1].error.message, /NUL/);
  assert.equal(lines[2].id, catalogue.aliases['claude-haiku-4-5']);
  // The refused line was never asked for.
  assert.equal((await fake('/_fake/stats')).requests, 2);
});

// The lines of `buf` the CLI takes as inputs: trimmed of blanks (after one
// CR at the end), blank ones skipped; a line past 1024 bytes always counts.
function inputLines(buf) {
  const lines = [];
  let start = 0;
  for (let i = 0; i <= buf.length; i++) {
    if (i < buf.length && buf[i] !== 0x0a) continue;
    let line = buf.subarray(start, i);
    start = i + 1;
    if (line.length > 1024) { lines.push(line); continue; }
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
    let a = 0, b = line.length;
    while (a < b && (line[a] === 0x20 || line[a] === 0x09)) a++;
    while (b > a && (line[b - 1] === 0x20 || line[b - 1] === 0x09)) b--;
    if (b > a) lines.push(line.subarray(a, b));
  }
  return lines;
}

test('resolve - writes strict UTF-8 JSON, one line per input line, for any bytes', async () => {
  await fake('/_fake/reset', {});
  // 64 KB from a seeded xorshift32, with a newline one byte in 64 on
  // average besides the random ones, so that many lines are short.
  let x = 0x9e3779b9;
  const input = Buffer.alloc(64 * 1024);
  for (let i = 0; i < input.length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    input[i] = (x & 0x3f00) === 0 ? 0x0a : x & 0xff;
  }
  const want = inputLines(input);
  assert.ok(want.length > 500, `${want.length} input lines`);
  const r = spawnSync(CLI, ['--base-url', url, '--api-key', KEY, '--max-retries', '0',
    'resolve', '-'], { env: env(), input, maxBuffer: 64 << 20 });
  assert.equal(r.status, 1, r.stderr.toString().slice(0, 500));
  const text = new TextDecoder('utf-8', { fatal: true }).decode(r.stdout);
  assert.ok(text.endsWith('\n'));
  const lines = text.slice(0, -1).split('\n');
  assert.equal(lines.length, want.length);
  lines.forEach((l, i) => {
    const got = JSON.parse(l);
    assert.deepEqual(Object.keys(got), ['alias', 'error'], l);
    // The alias shown is the line, invalid bytes as U+FFFD (a long line:
    // its first bytes).
    const shown = new TextDecoder('utf-8').decode(want[i]).replace(/\0/g, '\ufffd');
    if (want[i].length <= 1024) assert.equal(got.alias, shown);
  });
  assert.match(cli('--help').out, /U\+FFFD/);
});

test('an input that is not UTF-8 is refused before any request', async () => {
  for (const cmd of ['get', 'resolve']) {
    await fake('/_fake/reset', {});
    // Two bytes that are never UTF-8; then U+D800, a surrogate, encoded.
    const input = Buffer.from('claude-opus-4-1\nclaude-\xff\xfeopus\n'
      + 'claude-\xed\xa0\x80x\nclaude-haiku-4-5\n', 'latin1');
    const r = spawnSync(CLI, ['--base-url', url, '--api-key', KEY, cmd, '-'],
      { env: env(), encoding: 'utf8', input });
    assert.equal(r.status, 1, r.stderr);
    const lines = jsonLines(r.stdout);
    assert.equal(lines.length, 4);
    const key = cmd === 'get' ? 'input' : 'alias';
    assert.equal(lines[0].id, catalogue.aliases['claude-opus-4-1']);
    for (const [i, shown] of [[1, 'claude-\ufffd\ufffdopus'], [2, 'claude-\ufffd\ufffd\ufffdx']]) {
      assert.deepEqual(Object.keys(lines[i]), [key, 'error']);
      assert.equal(lines[i][key], shown);
      assert.equal(lines[i].error.kind, 'invalid_argument');
      assert.equal(lines[i].error.status, 0);
      assert.match(lines[i].error.message, /not valid UTF-8/);
    }
    assert.equal(lines[3].id, catalogue.aliases['claude-haiku-4-5']);
    assert.equal((await fake('/_fake/stats')).requests, 2, cmd);
  }
  // An argument too.
  const r = spawnSync('sh', ['-c', 'exec "$0" "$@" "$(printf "a\\377")"', CLI,
    '--base-url', url, '--api-key', KEY, 'resolve'], { env: env(), encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(jsonLines(r.stdout)[0].alias, 'a\ufffd');
  assert.equal(jsonLines(r.stdout)[0].error.kind, 'invalid_argument');
});

test('a directory on stdin is "Is a directory"', () => {
  const r = spawnSync(CLI, ['--base-url', url, '--api-key', KEY, 'resolve', '-'],
    { env: env(), encoding: 'utf8', stdio: [require('node:fs').openSync('/', 'r'), 'pipe', 'pipe'] });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /reading stdin: Is a directory/);
});

// Out of memory inside libcurl, from its Nth allocation on (the shim
// test/failmalloc.c, preloaded: a process that runs out of address space
// mid-transfer, as under ulimit -v). For every N until the request no
// longer fails: the CLI exits at once, 1, with an error line, never by its
// timeout; where libcurl reported the failure only as the result of
// curl_multi_socket_action(), the request used to wait for its whole
// timeout (10 minutes) with a connected socket nobody watched.
test('list --limit 1 out of memory inside libcurl fails at once and says so', (t) => {
  const shim = process.env.FAILMALLOC_SHIM;
  if (!shim) {
    t.skip('needs the failing-malloc shim, built without sanitizers (ASan ' +
      'must be the first library of a process and cannot run under ulimit -v): ' +
      'run this suite in a build without -Db_sanitize, e.g. build-valgrind');
    return;
  }
  const kinds = {};
  let n;
  for (n = 1; n < 2000; n++) {
    const r = spawnSync(CLI, ['--base-url', url, '--api-key', KEY, 'list', '--limit', '1'], {
      env: env({ LD_PRELOAD: shim, FAILMALLOC_CURL_AFTER: String(n) }),
      encoding: 'utf8',
      timeout: 60000, // a hang detector only: a lost failure waits 600 s
    });
    assert.equal(r.signal, null, `N=${n}: the CLI hung (killed by ${r.signal})`);
    if (r.status === 0) break; // libcurl made fewer than N allocations
    assert.equal(r.status, 1, `N=${n}: exit ${r.status}: ${r.stderr}`);
    const line = r.stdout.trim() ? JSON.parse(r.stdout.trim().split('\n').pop()) : null;
    const kind = line ? line.error.kind : r.stderr.trim();
    assert.ok(kind, `N=${n}: no error line`);
    assert.notEqual(kind, 'timeout', `N=${n}: ${r.stdout}`);
    kinds[kind] = (kinds[kind] || 0) + 1;
  }
  assert.ok(n > 1 && n < 2000, `N=${n}`);
  t.diagnostic(`libcurl allocations failed from the Nth on, N=1..${n - 1}: ${JSON.stringify(kinds)}`);
  assert.ok(kinds.out_of_memory > 0, JSON.stringify(kinds));
});
