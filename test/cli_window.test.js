// cli_window.test.js - `get -` and `resolve -` read stdin as they go:
// they keep at most a window of inputs (a few times --concurrency) read
// but not yet written, so memory follows the concurrency, not the input.
// Run by meson (`node --test`), with ANTHROPIC_MODELS_CLI and
// FAKE_API_SERVER set. Nothing here measures time: a held answer and the
// CLI's own count of inputs read show the window.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const { startFake } = require('./fake-api/start.js');

const CLI = process.env.ANTHROPIC_MODELS_CLI;
const KEY = 'fake-key';
let server, url;

before(async () => {
  ({ proc: server, url } = await startFake());
});

after(() => { server.kill('SIGTERM'); });

function env() {
  const e = { ...process.env };
  for (const k of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN',
    'ANTHROPIC_BASE_URL', 'ANTHROPIC_CUSTOM_HEADERS']) delete e[k];
  return e;
}

async function fake(p, body) {
  const r = await fetch(url + p, body === undefined ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return r.json();
}

// The API requests the fake has seen for `id`, once there are `n`.
async function requestsFor(id, n) {
  for (;;) {
    const seen = (await fake('/_fake/requests')).filter((q) => q.path.endsWith('/' + id));
    if (seen.length >= n) return seen.length;
    await new Promise((r) => setImmediate(r));
  }
}

function runInput(args, input) {
  const r = spawnSync(CLI, ['--base-url', url, '--api-key', KEY, ...args],
    { env: env(), encoding: 'utf8', input, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function runFile(args, input) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-window-'));
  const file = path.join(dir, 'in.txt');
  fs.writeFileSync(file, input);
  const fd = fs.openSync(file, 'r');
  try {
    const r = spawnSync(CLI, ['--base-url', url, '--api-key', KEY, ...args],
      { env: env(), encoding: 'utf8', stdio: [fd, 'pipe', 'pipe'], maxBuffer: 64 << 20 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const cmd of ['get', 'resolve']) {
  test(`${cmd} - stops reading stdin while the first answer is held`, async () => {
    await fake('/_fake/reset', {});
    await fake('/_fake/faults', [{ action: 'hang', match: 'claude-opus-4-1' }]);
    // The first input hangs; 20,000 more follow (340 KB: more than a
    // pipe and the reader's buffer hold). resolve: each a distinct id.
    const more = [];
    for (let i = 0; i < 20000; i++)
      more.push(cmd === 'get' ? 'claude-haiku-4-5' : `no-such-${String(i).padStart(6, '0')}`);
    const child = spawn(CLI, ['--base-url', url, '--api-key', KEY, '--concurrency', '2', cmd, '-'],
      { env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.resume();
    child.stdin.on('error', () => {}); // EPIPE once it is gone
    child.stdin.write('claude-opus-4-1\n' + more.join('\n') + '\n');
    const exit = new Promise((resolve) => child.on('close', (code) => resolve(code)));
    // Its window is full once it has asked for 10 of the others (it asks
    // for every one it reads, two at a time with one slot held).
    if (cmd === 'get') await requestsFor('claude-haiku-4-5', 10);
    else await requestsFor('no-such-000009', 1);
    child.kill('SIGINT');
    assert.equal(await exit, 130, err);
    // "interrupted: X of Y inputs not done (or not read)": Y read, of
    // 20,001, while the first was held.
    const m = /interrupted: \d+ of (\d+) inputs not done/.exec(err);
    assert.ok(m, err);
    assert.ok(Number(m[1]) <= 100, `read ${m[1]} inputs with the first held`);
  });
}

// Many times the window, through a pipe and from a file: the same lines,
// in input order, and resolve still asks once per distinct alias.
test('get - and resolve - past the window: every line, in order, as with arguments', async () => {
  const aliases = ['claude-opus-4-1', 'claude-haiku-4-5', 'no-such-model', 'claude-sonnet-4-0',
    'bad id', 'claude-opus-4-0'];
  const inputs = [];
  for (let i = 0; i < 600; i++) inputs.push(aliases[(i * 7 + (i >> 3)) % aliases.length]);
  const input = inputs.join('\n') + '\n';
  // Request ids differ from run to run.
  const same = (r) => ({ code: r.code, out: r.out.replace(/req_fake_\d+/g, 'req'),
    err: r.err.replace(/req_fake_\d+/g, 'req') });
  for (const cmd of ['get', 'resolve']) {
    await fake('/_fake/reset', {});
    const args = ['--json', '--concurrency', '2', cmd];
    const want = same(runInput([...args, ...inputs], ''));
    assert.equal(want.out.split('\n').length, 601, want.err);
    const asked = (await fake('/_fake/stats')).requests;
    if (cmd === 'resolve') assert.ok(asked <= aliases.length, `${asked} requests`);
    await fake('/_fake/reset', {});
    assert.deepEqual(same(runInput([...args, '-'], input)), want);
    assert.equal((await fake('/_fake/stats')).requests, asked);
    await fake('/_fake/reset', {});
    assert.deepEqual(same(runFile([...args, '-'], input)), want);
    assert.equal((await fake('/_fake/stats')).requests, asked);
  }
});

// A pipe read as it comes: the answers start before stdin ends, and each
// line in turn is written before the next is sent.
test('resolve - answers line by line while stdin stays open', async () => {
  await fake('/_fake/reset', {});
  const child = spawn(CLI, ['--base-url', url, '--api-key', KEY, '--concurrency', '1', 'resolve', '-'],
    { env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
  const out = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  for (let i = 0; i < 40; i++) {
    const alias = i % 2 ? 'claude-haiku-4-5' : `no-such-${i}`;
    child.stdin.write(alias + '\n');
    const { value } = await out.next();
    assert.equal(JSON.parse(value).alias, alias);
  }
  child.stdin.end();
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 1);
});
