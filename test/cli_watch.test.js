// cli_watch.test.js - `anthropic-models watch`: anthropic_models_watch()'s
// events as NDJSON lines (or human lines with --table), flushed one by one,
// until SIGINT or SIGTERM (exit 130, clean stderr). Nothing here waits on a
// clock: each step waits for a line or the exit.
// Run by meson (`node --test`), with ANTHROPIC_MODELS_CLI and
// FAKE_API_SERVER set.
'use strict';
const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const readline = require('node:readline');

const { startFake } = require('./fake-api/start.js');

const CLI = process.env.ANTHROPIC_MODELS_CLI;
const KEY = 'fake-key';
let server, url, catalogue;

before(async () => {
  ({ proc: server, url } = await startFake());
  catalogue = await (await fetch(url + '/_fake/catalogue')).json();
});

after(() => { server.kill('SIGTERM'); });

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

// The CLI in the background: its stdout lines as they come, a wait for a
// line that matches, and its end.
function background(args) {
  const child = spawn(CLI, ['--base-url', url, '--api-key', KEY, ...args],
    { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let err = '';
  const waiters = [];
  const wake = () => { for (const w of waiters.splice(0)) w(); };
  readline.createInterface({ input: child.stdout }).on('line', (l) => { lines.push(l); wake(); });
  child.stderr.on('data', (d) => { err += d; wake(); });
  const exit = new Promise((resolve) => child.on('close', (code, signal) =>
    resolve({ code, signal, lines, err })));
  child.on('close', wake);
  // The first line from `from` on that `pred` holds for, and its index.
  const lineWhere = (pred, from = 0) => new Promise((resolve, reject) => {
    const check = () => {
      for (let i = from; i < lines.length; i++) if (pred(lines[i])) return resolve({ line: lines[i], i });
      if (child.exitCode !== null || child.signalCode !== null)
        return reject(new Error(`exited without the line: ${lines.join('\n')}\n${err}`));
      waiters.push(check);
    };
    check();
  });
  return { child, lines, lineWhere, exit };
}

const json = (pred) => (l) => { try { return pred(JSON.parse(l)); } catch { return false; } };

test('watch prints a snapshot, then each change as one JSON line, and exits 130 on SIGINT', async () => {
  const w = background(['--json', 'watch', '--interval', '200ms', 'claude-sonnet-4-0', 'no-such-alias']);
  const { line: snap, i } = await w.lineWhere(json((e) => e.kind === 'snapshot'));
  const s = JSON.parse(snap);
  assert.equal(s.cycle, 1);
  assert.match(s.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.equal(s.count, catalogue.models.length);
  assert.deepEqual(s.models.slice().sort(), catalogue.models.map((m) => m.id).sort());
  assert.deepEqual(s.aliases, { 'claude-sonnet-4-0': catalogue.aliases['claude-sonnet-4-0'], 'no-such-alias': null });

  const id = catalogue.aliases['claude-sonnet-4-5'];
  await fake('/_fake/catalogue', [
    { op: 'set', id, fields: { lifecycle: 'deprecated', retires_at: '2027-01-01T00:00:00Z' } },
    { op: 'move_alias', alias: 'claude-sonnet-4-0', to: id },
  ]);
  const lc = JSON.parse((await w.lineWhere(json((e) => e.kind === 'lifecycle_changed'), i)).line);
  assert.deepEqual({ id: lc.id, previous: lc.previous, new: lc.new }, { id, previous: 'active', new: 'deprecated' });
  assert.ok(lc.cycle > 1);
  const ra = JSON.parse((await w.lineWhere(json((e) => e.kind === 'retires_at_changed'), i)).line);
  assert.deepEqual({ id: ra.id, previous: ra.previous, new: ra.new }, { id, previous: null, new: '2027-01-01T00:00:00Z' });
  const am = JSON.parse((await w.lineWhere(json((e) => e.kind === 'alias_moved'), i)).line);
  assert.deepEqual({ alias: am.alias, previous: am.previous, new: am.new },
    { alias: 'claude-sonnet-4-0', previous: catalogue.aliases['claude-sonnet-4-0'], new: id });
  const cyc = JSON.parse((await w.lineWhere(json((e) => e.kind === 'cycle' && e.changes > 0), i)).line);
  assert.equal(cyc.changes, 3);

  w.child.kill('SIGINT');
  const r = await w.exit;
  assert.equal(r.code, 130);
  assert.equal(r.err, '');
  for (const l of r.lines) JSON.parse(l); // every line whole
});

test('watch: a removed model, an added one; SIGTERM ends it too', async () => {
  const w = background(['--json', 'watch', '--interval=200ms']);
  const { i } = await w.lineWhere(json((e) => e.kind === 'snapshot'));
  const gone = catalogue.models[0].id;
  await fake('/_fake/catalogue', [{ op: 'remove', id: gone },
    { op: 'add', model: { ...catalogue.models[1], id: 'claude-new-20261201', created_at: '2026-12-01T00:00:00Z' } }]);
  const rm = JSON.parse((await w.lineWhere(json((e) => e.kind === 'removed'), i)).line);
  assert.equal(rm.id, gone);
  const add = JSON.parse((await w.lineWhere(json((e) => e.kind === 'added'), i)).line);
  assert.equal(add.id, 'claude-new-20261201');
  w.child.kill('SIGTERM');
  const r = await w.exit;
  assert.equal(r.code, 130);
  assert.equal(r.err, '');
});

test('watch: a failed cycle is an error event, not an exit', async () => {
  const w = background(['--json', '--max-retries', '0', 'watch', '--interval', '200ms']);
  const { i } = await w.lineWhere(json((e) => e.kind === 'snapshot'));
  await fake('/_fake/faults', [{ action: 'respond', status: 500, match: '/v1/models', times: 1 }]);
  const { line, i: at } = await w.lineWhere(json((x) => x.kind === 'error'), i);
  const e = JSON.parse(line);
  assert.equal(e.error.status, 500);
  assert.equal(e.failures, 1);
  // And it goes on.
  await w.lineWhere(json((x) => x.kind === 'cycle'), at + 1);
  w.child.kill('SIGINT');
  assert.equal((await w.exit).code, 130);
});

test('watch --table prints human lines, the snapshot as one line', async () => {
  const w = background(['--table', 'watch', '--interval', '200ms', 'claude-opus-4-1']);
  const { line, i } = await w.lineWhere((l) => / snapshot /.test(l));
  assert.match(line, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z +snapshot +cycle 1: ${catalogue.models.length} models, 1 alias$`));
  const id = catalogue.aliases['claude-sonnet-4-5'];
  await fake('/_fake/catalogue', [{ op: 'set', id, fields: { lifecycle: 'deprecated' } }]);
  const { line: lc } = await w.lineWhere((l) => / lifecycle_changed /.test(l), i);
  assert.match(lc, new RegExp(`lifecycle_changed +cycle \\d+: ${id}: active -> deprecated$`));
  w.child.kill('SIGINT');
  const r = await w.exit;
  assert.equal(r.code, 130);
  assert.equal(r.err, '');
});

test('watch usage errors exit 2: a bad --interval, a watch option elsewhere', () => {
  for (const args of [['watch', '--interval', '0'], ['watch', '--interval', '0s'],
    ['watch', '--interval', '10'], ['watch', '--interval', 'soon'], ['watch', '--interval', '-1m'],
    ['watch', '--interval', '1.5m'], ['watch', '--interval', '10 m'], ['watch', '--interval', ''],
    ['watch', '--interval'], ['watch', '--interval', '99999999999h'], ['watch', '--interval', '5d'],
    ['get', '--interval', '1m', 'x'], ['watch', '-'], ['watch', '--within', '3']]) {
    const r = spawnSync(CLI, ['--base-url', url, '--api-key', KEY, ...args], { env: env(), encoding: 'utf8' });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /try --help/, args.join(' '));
    assert.equal(r.stdout, '');
  }
});

test('watch of an alias no model can have fails at once (exit 1) and says why', () => {
  const r = spawnSync(CLI, ['--base-url', url, '--api-key', KEY, 'watch', 'claude-opus-4-1', '..'],
    { env: env(), encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^anthropic-models: watch: .*"\.\."/m);
  assert.equal(r.stdout, '');
});
