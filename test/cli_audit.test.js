// cli_audit.test.js - `anthropic-models audit`: every input resolved in one
// batch and judged with anthropic_model_lifecycle(), one line per input in
// input order, and an exit status a CI job can act on (0 none at risk, 3 at
// risk, 4 retired or unknown, 1 a failure that is no answer, 2 usage).
// Run by meson (`node --test`), with ANTHROPIC_MODELS_CLI and
// FAKE_API_SERVER set.
'use strict';
const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { startFake } = require('./fake-api/start.js');

const CLI = process.env.ANTHROPIC_MODELS_CLI;
const KEY = 'fake-key';
let server, url, catalogue, tmp;

// The fake's deprecated models retire at 2026-10-28T00:00:00Z: twenty days
// after this.
const TWENTY_DAYS_BEFORE = '2026-10-08T00:00:00Z';

before(async () => {
  // The fake's "now" fixed there too: its Date header says it.
  ({ proc: server, url } = await startFake(['--now', TWENTY_DAYS_BEFORE]));
  catalogue = await (await fetch(url + '/_fake/catalogue')).json();
  assert.equal(catalogue.now, TWENTY_DAYS_BEFORE);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-audit-'));
});

after(() => {
  server.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
});

beforeEach(async () => { await fake('/_fake/reset', {}); });

async function fake(route, body) {
  const r = await fetch(url + route, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(r.status, 200, await r.text());
}

function env() {
  const e = { ...process.env };
  for (const k of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN',
    'ANTHROPIC_BASE_URL', 'ANTHROPIC_CUSTOM_HEADERS']) delete e[k];
  return e;
}

// The CLI with `args`; `input` on stdin (a pipe), or none (/dev/null).
function audit(args, input) {
  const r = spawnSync(CLI, ['--base-url', url, '--api-key', KEY, ...args],
    { env: env(), encoding: 'utf8', input: input ?? '' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function jsonLines(out) {
  return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function writeFile(name, text) {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, text);
  return f;
}

const FIELDS = ['input', 'id', 'lifecycle', 'deprecated_at', 'retires_at',
  'days_to_retirement', 'risk'];

test('audit of active models exits 0 and says so on stderr', () => {
  const r = audit(['audit', 'claude-opus-4-1', 'claude-sonnet-4-5']);
  assert.equal(r.code, 0, r.err);
  const lines = jsonLines(r.out);
  assert.deepEqual(lines.map((l) => l.input), ['claude-opus-4-1', 'claude-sonnet-4-5']);
  assert.deepEqual(lines.map((l) => l.id),
    [catalogue.aliases['claude-opus-4-1'], catalogue.aliases['claude-sonnet-4-5']]);
  for (const l of lines) {
    assert.deepEqual(Object.keys(l), FIELDS);
    assert.equal(l.lifecycle, 'active');
    assert.equal(l.risk, 'none');
    assert.equal(l.days_to_retirement, null);
    assert.equal(l.retires_at, null);
  }
  assert.equal(r.err, 'audit: 2 models, 0 at risk within 90 days, 0 retired or unknown\n');
});

test('--now fixes the day: a deprecated model 20 days from retirement is at risk (exit 3)', () => {
  const r = audit(['--json', 'audit', '--now', TWENTY_DAYS_BEFORE, 'claude-3-5-haiku-latest',
    'claude-opus-4-1']);
  assert.equal(r.code, 3, r.err);
  const [l, ok] = jsonLines(r.out);
  assert.deepEqual(l, {
    input: 'claude-3-5-haiku-latest', id: 'claude-3-5-haiku-20241022',
    lifecycle: 'deprecated', deprecated_at: '2025-10-28T00:00:00Z',
    retires_at: '2026-10-28T00:00:00Z', days_to_retirement: 20, risk: 'at_risk',
  });
  assert.equal(ok.risk, 'none');
  assert.match(r.err, /^audit: 2 models, 1 at risk within 90 days, 0 retired or unknown$/m);
  // A day past it, the same model is retired: its date has passed.
  const late = audit(['audit', '--now', '2026-10-29T00:00:00+00:00', 'claude-3-5-haiku-latest']);
  assert.equal(late.code, 4, late.err);
  const [gone] = jsonLines(late.out);
  assert.equal(gone.lifecycle, 'retired');
  assert.equal(gone.days_to_retirement, -1);
  assert.equal(gone.risk, 'retired');
});

test('--within: an active model retiring in 20 days is at risk within 30, not within 10', async () => {
  const id = catalogue.aliases['claude-sonnet-4-5'];
  await fake('/_fake/catalogue', [{ op: 'set', id, fields: { retires_at: '2026-10-28T00:00:00Z' } }]);
  let r = audit(['audit', '--within', '30', '--now', TWENTY_DAYS_BEFORE, 'claude-sonnet-4-5']);
  assert.equal(r.code, 3, r.err);
  assert.equal(jsonLines(r.out)[0].days_to_retirement, 20);
  assert.match(r.err, /1 at risk within 30 days/);
  r = audit(['audit', '--within=10', '--now', TWENTY_DAYS_BEFORE, 'claude-sonnet-4-5']);
  assert.equal(r.code, 0, r.err);
  assert.equal(jsonLines(r.out)[0].risk, 'none');
  // The window's last day counts; the day after it does not.
  assert.equal(audit(['audit', '--within', '20', '--now', TWENTY_DAYS_BEFORE, 'claude-sonnet-4-5']).code, 3);
  assert.equal(audit(['audit', '--within', '19', '--now', TWENTY_DAYS_BEFORE, 'claude-sonnet-4-5']).code, 0);
  // --within 0: only what is retired or deprecated now.
  assert.equal(audit(['audit', '--within', '0', '--now', TWENTY_DAYS_BEFORE, 'claude-sonnet-4-5']).code, 0);
});

test("judged as of the fake API's fixed now (its Date header): 20 days, at risk within 30", async () => {
  const r0 = await fetch(url + '/v1/models/claude-sonnet-4-5',
    { headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' } });
  const now = new Date(r0.headers.get('date')).toISOString().replace('.000Z', 'Z');
  assert.equal(now, TWENTY_DAYS_BEFORE);
  await fake('/_fake/catalogue', [{ op: 'set', id: catalogue.aliases['claude-sonnet-4-5'],
    fields: { retires_at: '2026-10-28T00:00:00Z' } }]);
  const r = audit(['--json', 'audit', '--within', '30', '--now', now, 'claude-sonnet-4-5']);
  assert.equal(r.code, 3, r.err);
  const [line] = jsonLines(r.out);
  assert.equal(line.days_to_retirement, 20);
  assert.equal(line.risk, 'at_risk');
});

test('a retired model or an unknown alias exits 4, which wins over 3', () => {
  let r = audit(['audit', '--now', TWENTY_DAYS_BEFORE, 'claude-3-5-sonnet-latest', 'claude-3-5-haiku-latest']);
  assert.equal(r.code, 4, r.err);
  assert.deepEqual(jsonLines(r.out).map((l) => l.risk), ['retired', 'at_risk']);
  r = audit(['audit', '--now', TWENTY_DAYS_BEFORE, 'claude-opus-4-1', 'no-such-model', 'claude-3-5-haiku-latest']);
  assert.equal(r.code, 4, r.err);
  const lines = jsonLines(r.out);
  assert.deepEqual(lines.map((l) => l.risk), ['none', 'unknown', 'at_risk']);
  assert.deepEqual(Object.keys(lines[1]), [...FIELDS, 'error']);
  assert.equal(lines[1].id, null);
  assert.equal(lines[1].error.kind, 'http');
  assert.equal(lines[1].error.status, 404);
  assert.match(r.err, /^audit: 3 models, 1 at risk within 90 days, 1 retired or unknown$/m);
  // An input no model can be named by is unknown too, without a request.
  r = audit(['audit', 'claude-opus-4-1', '..']);
  assert.equal(r.code, 4, r.err);
  assert.equal(jsonLines(r.out)[1].risk, 'unknown');
  assert.equal(jsonLines(r.out)[1].error.kind, 'invalid_argument');
});

test('a failure that is no answer exits 1, says which input on stderr, and wins over 4', async () => {
  await fake('/_fake/faults', [{ action: 'respond', status: 500, match: 'claude-opus-4-1', times: 100 }]);
  const r = audit(['--max-retries', '0', 'audit', 'claude-opus-4-1', 'no-such-model', 'claude-sonnet-4-5']);
  assert.equal(r.code, 1, r.err);
  const lines = jsonLines(r.out);
  assert.deepEqual(lines.map((l) => l.input), ['claude-opus-4-1', 'no-such-model', 'claude-sonnet-4-5']);
  assert.equal(lines[0].risk, null);
  assert.equal(lines[0].error.status, 500);
  assert.equal(lines[1].risk, 'unknown');
  assert.equal(lines[2].risk, 'none');
  assert.match(r.err, /^anthropic-models: claude-opus-4-1: http 500: /m);
  assert.match(r.err, /^audit: 3 models, 0 at risk within 90 days, 1 retired or unknown, 1 failed$/m);
});

test('audit reads --from FILE (comments, blanks), stdin with "-" or no argument, keeping order and repeats', () => {
  const text = '# models we use\n\nclaude-opus-4-1\n  claude-3-5-haiku-latest  \r\n# old\nclaude-opus-4-1\n' +
    'claude-sonnet-4-5 # the main one\n';
  const want = ['claude-opus-4-1', 'claude-3-5-haiku-latest', 'claude-opus-4-1', 'claude-sonnet-4-5'];
  const f = writeFile('aliases.txt', text);
  for (const [args, input] of [[['audit', '--from', f]], [['audit', `--from=${f}`]],
    [['audit', '-'], text], [['audit'], text]]) {
    const r = audit([...args, '--now', TWENTY_DAYS_BEFORE], input);
    assert.equal(r.code, 3, `${args}: ${r.err}`);
    const lines = jsonLines(r.out);
    assert.deepEqual(lines.map((l) => l.input), want, args.join(' '));
    assert.equal(lines[0].id, lines[2].id);
    assert.deepEqual(lines.map((l) => l.risk), ['none', 'at_risk', 'none', 'none']);
  }
  // Arguments and --from together: the arguments first.
  const r = audit(['audit', 'no-such-model', '--from', f]);
  assert.deepEqual(jsonLines(r.out).map((l) => l.input), ['no-such-model', ...want]);
});

test('audit --table: a header and aligned columns', () => {
  const r = audit(['--table', 'audit', '--now', TWENTY_DAYS_BEFORE, 'claude-3-5-haiku-latest',
    'claude-opus-4-1', 'no-such-model']);
  assert.equal(r.code, 4, r.err);
  const rows = r.out.trimEnd().split('\n');
  assert.equal(rows.length, 4);
  assert.match(rows[0], /^INPUT +ID +LIFECYCLE +DEPRECATED +RETIRES +DAYS +RISK$/);
  const at = (row, col) => row.slice(rows[0].indexOf(col));
  assert.match(at(rows[1], 'ID'), /^claude-3-5-haiku-20241022 /);
  assert.match(at(rows[1], 'LIFECYCLE'), /^deprecated /);
  assert.match(at(rows[1], 'DEPRECATED'), /^2025-10-28 /);
  assert.match(at(rows[1], 'RETIRES'), /^2026-10-28 /);
  assert.match(at(rows[1], 'DAYS'), /^ *20 /);
  assert.match(at(rows[1], 'RISK'), /^at_risk$/);
  assert.match(at(rows[2], 'RETIRES'), /^- /);
  assert.match(at(rows[2], 'RISK'), /^none$/);
  assert.match(rows[3], /^no-such-model +- .*unknown \(http 404/);
});

test('audit usage errors exit 2 and say what is wrong', () => {
  const f = writeFile('empty.txt', '# nothing\n\n');
  for (const [args, re] of [
    [['audit', '--within', '-1', 'x'], /--within/],
    [['audit', '--within', 'ten', 'x'], /--within/],
    [['audit', '--within', '', 'x'], /--within/],
    [['audit', '--within'], /--within/],
    [['audit', '--within', '99999999999', 'x'], /--within/],
    [['audit', '--now', 'yesterday', 'x'], /--now/],
    [['audit', '--now', '2026-02-30T00:00:00Z', 'x'], /--now/],
    [['audit', '--now', '2026-10-08', 'x'], /--now/],
    [['audit', '--now', '2026-10-08T00:00:00', 'x'], /--now/],
    [['audit', '--now', '2026-10-08T25:00:00Z', 'x'], /--now/],
    [['audit', '--from', path.join(tmp, 'missing.txt')], /missing\.txt/],
    [['audit', '--from', f], /no model/],
    [['audit', '-', 'x'], /'-'/],
    [['--within', '30', 'audit', 'x'], /after the command/],
    [['get', '--within', '30', 'x'], /unknown option '--within' for 'get'/],
    [['list', '--now', '2026-10-08T00:00:00Z'], /unknown option '--now' for 'list'/],
    [['audit', '--beta', 'b', 'x'], /--beta/],
  ]) {
    const r = audit(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, re, args.join(' '));
    assert.equal(r.out, '');
  }
  // No input at all, stdin empty.
  const r = audit(['audit'], '');
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /no model/);
});

test('--now takes RFC 3339 offsets and fractions', () => {
  for (const now of ['2026-10-08T00:00:00Z', '2026-10-08t00:00:00z', '2026-10-08T02:00:00+02:00',
    '2026-10-07T19:00:00.999-05:00', '2026-10-08 00:00:00Z']) {
    const r = audit(['audit', '--now', now, 'claude-3-5-haiku-latest']);
    assert.equal(r.code, 3, `${now}: ${r.err}`);
    assert.equal(jsonLines(r.out)[0].days_to_retirement, 20, now);
  }
});

// The README's CI example, as a CI job runs it: the aliases in a file on
// stdin, judged at the real current time.
test('done when: audit --within 30 < aliases.txt exits 3 for a model retiring in 20 days, 0 without it', async () => {
  const id = catalogue.aliases['claude-sonnet-4-5'];
  const retires = new Date(Date.now() + 20 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
  await fake('/_fake/catalogue', [{ op: 'set', id, fields: { retires_at: retires } }]);
  const withIt = 'claude-opus-4-1\nclaude-sonnet-4-5\nclaude-haiku-4-5\n';
  const without = 'claude-opus-4-1\nclaude-haiku-4-5\n';
  const sh = (file, within) => spawnSync('sh', ['-c',
    `"$0" --base-url "$1" --api-key "$2" audit --within ${within} < "$3"`,
    CLI, url, KEY, file], { env: env(), encoding: 'utf8' });
  let r = sh(writeFile('with.txt', withIt), 30);
  assert.equal(r.status, 3, r.stderr);
  const risky = jsonLines(r.stdout).find((l) => l.input === 'claude-sonnet-4-5');
  assert.equal(risky.retires_at, retires);
  assert.ok(risky.days_to_retirement === 19 || risky.days_to_retirement === 20);
  r = sh(writeFile('with.txt', withIt), 10);
  assert.equal(r.status, 0, r.stderr);
  r = sh(writeFile('without.txt', without), 30);
  assert.equal(r.status, 0, r.stderr);
});

test('--help names audit and its exit statuses', () => {
  const r = audit(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /audit \[--within DAYS\] \[--now TIME\] \[--from FILE\]/);
  assert.match(r.out, /^ +3 +audit: /m);
  assert.match(r.out, /^ +4 +audit: /m);
});

test('audit: a --from line with a NUL or bytes that are not UTF-8 is unknown, with no request', async () => {
  const f = path.join(tmp, 'bad.txt');
  fs.writeFileSync(f, Buffer.concat([Buffer.from('claude-opus-4-1\nbad\0id\n'),
    Buffer.from([0x63, 0xff, 0x0a])]));
  const r = audit(['audit', '--from', f]);
  assert.equal(r.code, 4, r.err);
  const lines = jsonLines(r.out);
  assert.deepEqual(lines.map((l) => l.risk), ['none', 'unknown', 'unknown']);
  assert.match(lines[1].error.message, /NUL/);
  assert.match(lines[2].error.message, /UTF-8/);
  assert.equal(lines[2].input, 'c\ufffd');
  const seen = await (await fetch(url + '/_fake/requests')).json();
  assert.equal(seen.length, 1);
});

test('audit: a directory on stdin is a read error (exit 1), not an empty list', () => {
  const r = spawnSync(CLI, ['--base-url', url, '--api-key', KEY, 'audit', '-'],
    { env: env(), encoding: 'utf8', stdio: [fs.openSync(tmp, 'r'), 'pipe', 'pipe'] });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /reading stdin: Is a directory/);
  assert.equal(r.stdout, '');
});

test('audit: SIGINT while an answer hangs exits 130 and says what was not done', async () => {
  await fake('/_fake/faults', [{ action: 'hang', match: 'claude-opus-4-1', times: 1 }]);
  const { spawn } = require('node:child_process');
  const child = spawn(CLI, ['--base-url', url, '--api-key', KEY, 'audit', 'claude-sonnet-4-5', 'claude-opus-4-1'],
    { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const exit = new Promise((resolve) => child.on('close', resolve));
  // Wait until the hanging request has reached the server.
  for (let i = 0; i < 2000; i++) {
    const seen = await (await fetch(url + '/_fake/requests')).json();
    if (seen.some((q) => q.path.includes('claude-opus-4-1'))) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGINT');
  assert.equal(await exit, 130);
  assert.match(err, /interrupted: 1 of 2 inputs not done/);
  assert.deepEqual(jsonLines(out).map((l) => l.input), ['claude-sonnet-4-5']);
});
