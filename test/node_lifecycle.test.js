// node_lifecycle.test.js - the Node package's lifecycle calls against the
// fake Models API: client.models.audit() (risk and days at a fixed `now`,
// the CLI's exit codes, input checks) and client.models.watch() (an async
// iterator of change events: the snapshot, the changes the fake's
// catalogue makes, errors as events, cancel by break, return(), an
// AbortSignal or close(), 304s, the bounded buffer's resync, a worker ended
// with a watch running, and a process that still exits by itself). Run by
// meson (`node --test`) with NODE_ADDON and FAKE_API_SERVER set.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { startFake, until } = require('./fake-api/start.js');

const ADDON = process.env.NODE_ADDON;
const A = require(ADDON);
let server, url, catalogue;

before(async () => {
  ({ proc: server, url } = await startFake());
  catalogue = await (await fetch(url + '/_fake/catalogue')).json();
});
after(() => { server.kill('SIGTERM'); });

const post = (route, body) => fetch(url + route, { method: 'POST', body: JSON.stringify(body) });
const reset = () => post('/_fake/reset', {});
const faults = (f) => post('/_fake/faults', f);
async function change(ops) {
  const r = await post('/_fake/catalogue', ops);
  assert.equal(r.status, 200, await r.text());
}
const stats = async () => (await fetch(url + '/_fake/stats')).json();
const client = (o = {}) => new A.Client({ apiKey: 'fake-key', baseURL: url, ...o });
const model = (id) => catalogue.models.find((m) => m.id === id);
const DAY = 86400000;
const days = (iso, now) => Math.floor((Date.parse(iso) - now.getTime()) / DAY);

// ---------------------------------------------------------------- audit

const NOW = new Date('2026-10-08T00:00:00Z');

test('audit: each alias with its id, lifecycle, dates, days and risk at a fixed now, in input order', async () => {
  await reset();
  const c = client();
  const input = ['claude-opus-4-0', 'claude-opus-4-1', 'claude-3-5-sonnet-latest', 'claude-opus-4-0'];
  const r = await c.models.audit(input, { within: 30, now: NOW });
  assert.deepEqual(r.results.map((x) => x.alias), input);
  const [dep, ok, gone, again] = r.results;
  const depModel = model(catalogue.aliases['claude-opus-4-0']);
  assert.equal(dep.id, depModel.id);
  assert.equal(dep.lifecycle, 'deprecated');
  assert.equal(dep.deprecated_at, depModel.deprecated_at);
  assert.equal(dep.retires_at, depModel.retires_at);
  assert.equal(dep.daysToRetirement, 20);
  assert.equal(dep.daysToRetirement, days(depModel.retires_at, NOW));
  assert.equal(dep.daysToDeprecation, days(depModel.deprecated_at, NOW));
  assert.ok(dep.daysToDeprecation < 0);
  assert.equal(dep.risk, 'at_risk');
  assert.equal(dep.error, null);
  assert.deepEqual(dep.model, depModel);
  assert.deepEqual(again, dep);
  assert.equal(ok.id, catalogue.aliases['claude-opus-4-1']);
  assert.equal(ok.lifecycle, 'active');
  assert.equal(ok.retires_at, null);
  assert.equal(ok.daysToRetirement, null);
  assert.equal(ok.daysToDeprecation, null);
  assert.equal(ok.risk, 'none');
  assert.equal(gone.lifecycle, 'retired');
  assert.equal(gone.risk, 'retired');
  assert.ok(gone.daysToRetirement < 0);
  assert.equal(r.atRisk, 2);
  assert.equal(r.retired, 1);
  assert.equal(r.unknown, 0);
  assert.equal(r.exitCode, 4);
  // One batch through the resolver: each distinct alias asked once.
  assert.equal((await stats()).requests, new Set(input).size);
  await c.close();
});

test('audit: exitCode 0 when none is at risk, 3 when some are, 4 when some are retired or unknown', async () => {
  await reset();
  const c = client();
  const none = await c.models.audit(['claude-opus-4-1', 'claude-sonnet-4-5'], { now: NOW });
  assert.deepEqual([none.exitCode, none.atRisk, none.retired, none.unknown], [0, 0, 0, 0]);
  const some = await c.models.audit(['claude-opus-4-1', 'claude-opus-4-0'], { now: NOW });
  assert.deepEqual([some.exitCode, some.atRisk], [3, 1]);
  const retired = await c.models.audit(['claude-opus-4-0', 'claude-3-5-sonnet-latest'], { now: NOW });
  assert.deepEqual([retired.exitCode, retired.retired], [4, 1]);
  const empty = await c.models.audit([], { now: NOW });
  assert.deepEqual(empty, { results: [], atRisk: 0, retired: 0, unknown: 0, exitCode: 0 });
  await c.close();
});

test('audit: `within` sets the window of an active model that retires; a past date is retired', async () => {
  await reset();
  const id = catalogue.aliases['claude-sonnet-4-5'];
  await change([{ op: 'set', id, fields: { retires_at: '2026-10-28T00:00:00Z' } }]);
  const wide = client();
  const r30 = await wide.models.audit(['claude-sonnet-4-5'], { within: 30, now: NOW });
  assert.deepEqual([r30.results[0].risk, r30.results[0].daysToRetirement, r30.exitCode], ['at_risk', 20, 3]);
  // Exactly on the edge: retiring on or before now + within days.
  const r20 = await wide.models.audit(['claude-sonnet-4-5'], { within: 20, now: NOW });
  assert.equal(r20.results[0].risk, 'at_risk');
  const r19 = await wide.models.audit(['claude-sonnet-4-5'], { within: 19, now: NOW });
  assert.deepEqual([r19.results[0].risk, r19.exitCode], ['none', 0]);
  // The default window is 90 days, and `now` a Date, a number or a string.
  const dflt = await wide.models.audit(['claude-sonnet-4-5'], { now: NOW.getTime() });
  assert.equal(dflt.results[0].risk, 'at_risk');
  const later = await wide.models.audit(['claude-sonnet-4-5'], { now: '2026-10-29T00:00:00Z' });
  assert.deepEqual([later.results[0].lifecycle, later.results[0].risk, later.results[0].daysToRetirement, later.exitCode],
    ['retired', 'retired', -1, 4]);
  await wide.close();
  await reset();
});

test('audit: an unknown alias is risk unknown with its NotFoundError; exitCode 4', async () => {
  await reset();
  const c = client({ maxRetries: 0 });
  const r = await c.models.audit(['claude-opus-4-1', 'no-such-model'], { now: NOW });
  const u = r.results[1];
  assert.equal(u.alias, 'no-such-model');
  assert.equal(u.risk, 'unknown');
  assert.equal(u.id, null);
  assert.equal(u.lifecycle, null);
  assert.equal(u.model, null);
  assert.ok(u.error instanceof A.NotFoundError, String(u.error));
  assert.equal(u.error.status, 404);
  assert.deepEqual([r.unknown, r.exitCode], [1, 4]);
  // A failure that is not a 404 is unknown too, with its error.
  await faults([{ action: 'respond', status: 500, match: 'claude-haiku-4-5' }]);
  const f = await c.models.audit(['claude-haiku-4-5'], { now: NOW });
  assert.equal(f.results[0].risk, 'unknown');
  assert.ok(f.results[0].error instanceof A.InternalServerError);
  assert.equal(f.exitCode, 4);
  await c.close();
});

test('audit: any iterable of strings; a callback as the last argument', async () => {
  await reset();
  const c = client();
  const fromSet = await c.models.audit(new Set(['claude-opus-4-1', 'claude-opus-4-0']), { now: NOW });
  assert.deepEqual(fromSet.results.map((x) => x.alias), ['claude-opus-4-1', 'claude-opus-4-0']);
  function* gen() { yield 'claude-opus-4-0'; }
  const fromGen = await c.models.audit(gen(), { now: NOW });
  assert.equal(fromGen.results[0].daysToRetirement, 20);
  const viaCb = await new Promise((resolve, reject) => {
    const ret = c.models.audit(['claude-opus-4-1'], { now: NOW }, (e, v) => (e ? reject(e) : resolve(v)));
    assert.equal(ret, undefined);
  });
  assert.equal(viaCb.exitCode, 0);
  const noOpts = await c.models.audit(['claude-opus-4-1']);
  assert.equal(noOpts.results[0].risk, 'none');
  await c.close();
});

test('audit: bad input rejects with a TypeError (or RangeError) naming it; nothing is asked', async () => {
  await reset();
  const c = client();
  const bad = [
    [[42], TypeError, /aliases\[0\]/],
    [[''], TypeError, /aliases\[0\]/],
    [['ok', null], TypeError, /aliases\[1\]/],
    [['a\0b'], TypeError, /NUL/],
    ['claude-opus-4-1', TypeError, /iterable of strings/],
    [42, TypeError, /iterable of strings/],
    [undefined, TypeError, /iterable of strings/],
  ];
  for (const [aliases, E, re] of bad) {
    await assert.rejects(c.models.audit(aliases, { now: NOW }), (e) => e instanceof E && re.test(e.message), String(aliases));
  }
  const badOpts = [
    [{ within: -1 }, RangeError], [{ within: 1.5 }, RangeError], [{ within: '30' }, TypeError],
    [{ now: 'yesterday' }, RangeError], [{ now: new Date(NaN) }, RangeError], [{ now: {} }, TypeError],
    [{ whithin: 30 }, TypeError],
  ];
  for (const [o, E] of badOpts) await assert.rejects(c.models.audit(['claude-opus-4-1'], o), E, JSON.stringify(o));
  await new Promise((resolve) => c.models.audit([1], (e) => { assert.ok(e instanceof TypeError); resolve(); }));
  assert.equal((await stats()).requests, 0);
  await c.close();
});

// ---------------------------------------------------------------- watch

// The events of `w` up to and including the first that `pred` holds for
// (at most `max` of them: a bound on a bug, not on speed).
async function eventsUntil(w, pred, max = 500) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    const { value, done } = await w.next();
    assert.equal(done, false, `the watch ended after ${JSON.stringify(seen.map((e) => e.type))}`);
    seen.push(value);
    if (pred(value)) return seen;
  }
  throw new Error(`no such event in ${max}: ${seen.map((e) => e.type).join(' ')}`);
}

const KEYS = ['type', 'cycle', 'model', 'previous', 'alias', 'models', 'aliases', 'error', 'failures',
  'nextMs', 'changes', 'notModified', 'count'];

test('watch: the first event is a snapshot of every model (retired ones too) and the aliases watched', { timeout: 60000 }, async () => {
  await reset();
  const c = client();
  const w = c.models.watch({ interval: 100, jitter: false, aliases: ['claude-opus-4-1', 'no-such-model'] });
  assert.equal(w[Symbol.asyncIterator](), w);
  const { value: snap, done } = await w.next();
  assert.equal(done, false);
  for (const k of KEYS) assert.ok(k in snap, k);
  assert.equal(snap.type, 'snapshot');
  assert.equal(snap.cycle, 1);
  assert.deepEqual(snap.models, catalogue.models); // every field, newest first
  assert.equal(snap.count, catalogue.models.length);
  assert.ok(snap.models.some((m) => m.lifecycle === 'retired'));
  assert.deepEqual(snap.aliases, { 'claude-opus-4-1': model(catalogue.aliases['claude-opus-4-1']), 'no-such-model': null });
  assert.equal(snap.model, null);
  assert.equal(snap.error, null);
  // Then the cycle's end, and the next cycle's: nothing moved.
  const [cyc] = await eventsUntil(w, (e) => e.type === 'cycle');
  assert.equal(cyc.cycle, 1);
  assert.equal(cyc.models, null);
  assert.equal(typeof cyc.nextMs, 'number');
  const [cyc2] = await eventsUntil(w, (e) => e.type === 'cycle');
  assert.deepEqual([cyc2.cycle, cyc2.changes], [2, 0]);
  // The fake sends an ETag: an unchanged list comes back 304.
  assert.equal(cyc.notModified, false);
  assert.equal(cyc2.notModified, true);
  assert.equal(cyc2.count, catalogue.models.length);
  assert.deepEqual(await w.return(), { done: true, value: undefined });
  assert.deepEqual(await w.next(), { done: true, value: undefined });
  await c.close();
});

test('watch: catalogue changes become change events, then a cycle event that counts them', { timeout: 60000 }, async () => {
  await reset();
  const c = client();
  const w = c.models.watch({ interval: 50, jitter: false, aliases: ['claude-opus-4-1'] });
  await eventsUntil(w, (e) => e.type === 'cycle');
  const moved = 'claude-opus-4-5-20251101', sonnet = 'claude-sonnet-4-20250514', gone = 'claude-3-sonnet-20240229';
  const added = { ...model('claude-opus-5-20260415'), id: 'claude-opus-6-20261201', display_name: 'Claude Opus 6',
    created_at: '2026-12-01T00:00:00Z' };
  await change([
    { op: 'move_alias', alias: 'claude-opus-4-1', to: moved },
    { op: 'set', id: sonnet, fields: { lifecycle: 'deprecated', deprecated_at: '2026-11-01T00:00:00Z', retires_at: '2027-05-01T00:00:00Z' } },
    { op: 'add', model: added },
    { op: 'remove', id: gone },
  ]);
  const want = new Set(['added', 'removed', 'lifecycle_changed', 'deprecated_at_changed', 'retires_at_changed', 'alias_moved']);
  const got = new Map();
  let counted = 0;
  for (let cycles = 0; got.size < want.size; cycles++) {
    assert.ok(cycles < 10, `after 10 cycles, only ${[...got.keys()]}`);
    const evs = await eventsUntil(w, (e) => e.type === 'cycle');
    const cyc = evs.pop();
    for (const e of evs) {
      assert.ok(want.has(e.type), `unexpected ${e.type}`);
      assert.equal(e.cycle, cyc.cycle);
      got.set(e.type, e);
    }
    assert.equal(cyc.changes, evs.length);
    counted += cyc.changes;
  }
  assert.equal(counted, want.size);
  assert.deepEqual(got.get('added').model, added);
  assert.equal(got.get('added').previous, null);
  assert.equal(got.get('removed').previous.id, gone);
  assert.equal(got.get('removed').model, null);
  const lc = got.get('lifecycle_changed');
  assert.deepEqual([lc.model.id, lc.previous.lifecycle, lc.model.lifecycle], [sonnet, 'active', 'deprecated']);
  assert.equal(got.get('deprecated_at_changed').model.deprecated_at, '2026-11-01T00:00:00Z');
  assert.equal(got.get('deprecated_at_changed').previous.deprecated_at, null);
  assert.equal(got.get('retires_at_changed').model.retires_at, '2027-05-01T00:00:00Z');
  const am = got.get('alias_moved');
  assert.deepEqual([am.alias, am.previous.id, am.model.id], ['claude-opus-4-1', catalogue.aliases['claude-opus-4-1'], moved]);
  await w.return();
  await c.close();
  await reset();
});

test('watch: addAlias() watches one more alias: an alias_moved with no previous', { timeout: 60000 }, async () => {
  await reset();
  const c = client();
  const w = c.models.watch({ interval: 50, jitter: false });
  await eventsUntil(w, (e) => e.type === 'cycle');
  w.addAlias('claude-haiku-4-5');
  const evs = await eventsUntil(w, (e) => e.type === 'alias_moved');
  const am = evs.pop();
  assert.deepEqual([am.alias, am.previous, am.model.id], ['claude-haiku-4-5', null, catalogue.aliases['claude-haiku-4-5']]);
  assert.throws(() => w.addAlias(''), TypeError);
  assert.throws(() => w.addAlias(7), TypeError);
  await w.return();
  assert.throws(() => w.addAlias('claude-opus-4-1'), /ended/);
  await c.close();
});

test('watch: injected faults are error events, with the iterator still going', { timeout: 60000 }, async () => {
  await reset();
  const c = client({ maxRetries: 0 });
  const w = c.models.watch({ interval: 50, jitter: false, backoff: 20 });
  await eventsUntil(w, (e) => e.type === 'cycle');
  await faults([{ action: 'respond', status: 500, match: '/v1/models', times: 2 }]);
  const evs = await eventsUntil(w, (e) => e.type === 'error' && e.failures === 2);
  const errs = evs.filter((e) => e.type === 'error');
  assert.deepEqual(errs.map((e) => e.failures), [1, 2]);
  for (const e of errs) {
    assert.ok(e.error instanceof A.InternalServerError, String(e.error));
    assert.equal(e.error.status, 500);
    assert.equal(e.error.kind, 'http');
    assert.equal(typeof e.nextMs, 'number');
  }
  // And then the watch recovers: a cycle with nothing changed.
  const [cyc] = (await eventsUntil(w, (e) => e.type === 'cycle')).slice(-1);
  assert.equal(cyc.changes, 0);
  await w.return();
  await c.close();
});

test('watch: a list past maxModels is an error event, and no snapshot', { timeout: 60000 }, async () => {
  await reset();
  const c = client();
  const w = c.models.watch({ interval: 50, jitter: false, maxModels: 10 });
  const { value: ev } = await w.next();
  assert.equal(ev.type, 'error');
  assert.match(ev.error.message, /more than 10 models/);
  await w.return();
  await c.close();
});

test('watch: an AbortSignal ends the iteration; one aborted already starts nothing', { timeout: 60000 }, async () => {
  await reset();
  const c = client();
  const ac = new AbortController();
  const types = [];
  for await (const ev of c.models.watch({ interval: 50, jitter: false, signal: ac.signal })) {
    types.push(ev.type);
    if (ev.type === 'cycle') ac.abort();
  }
  assert.equal(types[0], 'snapshot');
  assert.equal(types.at(-1), 'cycle');
  // As a request option too, and already aborted: no request at all.
  await reset();
  const w = c.models.watch({ interval: 50 }, { signal: AbortSignal.abort() });
  assert.deepEqual(await w.next(), { done: true, value: undefined });
  assert.equal((await stats()).requests, 0);
  // A pending next() ends with the abort.
  const ac2 = new AbortController();
  const w2 = c.models.watch({ interval: 60000, jitter: false, signal: ac2.signal });
  await eventsUntil(w2, (e) => e.type === 'cycle');
  const pending = w2.next();
  ac2.abort();
  assert.deepEqual(await pending, { done: true, value: undefined });
  await c.close();
});

test('watch: close() ends every watch of the client; a pending next() resolves done', { timeout: 60000 }, async () => {
  await reset();
  const c = client();
  const w = c.models.watch({ interval: 60000, jitter: false });
  await eventsUntil(w, (e) => e.type === 'cycle');
  const pending = w.next();
  await c.close();
  assert.deepEqual(await pending, { done: true, value: undefined });
  assert.throws(() => c.models.watch(), /closed/);
});

test('watch: a consumer that falls behind gets one resync snapshot in place of what it missed', { timeout: 60000 }, async () => {
  await reset();
  const c = client();
  const w = c.models.watch({ interval: 20, jitter: false, maxBuffered: 3, aliases: ['claude-opus-4-1'] });
  await eventsUntil(w, (e) => e.type === 'cycle');
  const added = { ...model('claude-opus-5-20260415'), id: 'claude-opus-6-20261201', created_at: '2026-12-01T00:00:00Z' };
  const moved = 'claude-opus-4-5-20251101';
  await change([{ op: 'add', model: added }, { op: 'move_alias', alias: 'claude-opus-4-1', to: moved }]);
  // Not pulling while the watch runs several cycles (each lists once).
  const base = (await stats()).requests;
  await until('ten more requests', async () => (await stats()).requests >= base + 10);
  const { value: snap } = await w.next();
  assert.equal(snap.type, 'snapshot');
  assert.equal(snap.resync, true);
  assert.ok(snap.dropped > 3, String(snap.dropped));
  assert.ok(snap.cycle > 2);
  assert.deepEqual(snap.models[0], added);
  assert.equal(snap.models.length, catalogue.models.length + 1);
  assert.deepEqual(snap.models.slice(1), catalogue.models);
  assert.equal(snap.aliases['claude-opus-4-1'].id, moved);
  // Then the watch goes on, events again.
  const next = await w.next();
  assert.ok(['cycle', 'snapshot'].includes(next.value.type), next.value.type);
  await w.return();
  await c.close();
  await reset();
});

test('watch: bad options are thrown by watch() as TypeError or RangeError, naming them', () => {
  const c = client();
  const bad = [
    [{ interval: 'soon' }, RangeError, /interval/], [{ interval: -5 }, RangeError, /interval/],
    [{ interval: 0 }, RangeError, /interval/], [{ interval: {} }, TypeError, /interval/],
    [{ aliases: 'claude-opus-4-1' }, TypeError, /aliases/], [{ aliases: [1] }, TypeError, /aliases\[0\]/],
    [{ aliases: [''] }, TypeError, /aliases\[0\]/], [{ jitter: 'no' }, TypeError, /jitter/],
    [{ maxBuffered: 0 }, RangeError, /maxBuffered/], [{ signal: {} }, TypeError, /signal/],
    [{ lifecycle: 'active' }, TypeError, /lifecycle/], [{ backoff: -1 }, RangeError, /backoff/],
    [{ intervall: 5 }, TypeError, /intervall/], [42, TypeError, /params/],
  ];
  for (const [p, E, re] of bad) assert.throws(() => c.models.watch(p), (e) => e instanceof E && re.test(e.message), JSON.stringify(p));
  assert.throws(() => c.models.watch({}, { timeout: 'x' }), TypeError);
  return c.close();
});

test('watch: interval strings', () => {
  const c = client();
  const ms = (interval) => c.models.watch({ interval, signal: AbortSignal.abort() }).interval;
  assert.equal(ms(undefined), 600000);
  assert.equal(ms('10m'), 600000);
  assert.equal(ms('250ms'), 250);
  assert.equal(ms('30s'), 30000);
  assert.equal(ms('1.5s'), 1500);
  assert.equal(ms('2h'), 7200000);
  assert.equal(ms('1d'), 86400000);
  assert.equal(ms(1234), 1234);
  return c.close();
});

// Run `src` in a child node; its {status, signal, stdout, stderr}. Killed
// after a minute: a loop kept alive.
function runScript(src, ext = 'js') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anthropic-node-'));
  const file = path.join(dir, `script.${ext}`);
  fs.writeFileSync(file, src);
  const r = spawnSync(process.execPath, [file], {
    env: { ...process.env, ADDON, URL: url }, encoding: 'utf8', timeout: 60000,
  });
  fs.rmSync(dir, { recursive: true });
  return r;
}

// What the library hands over from a timer callback (libcurl ends a
// transfer from its timeout timer as often as from a socket) must reach
// JS in that loop turn, not wait in the batch until the next timer fires:
// with a 10-minute watch as the only other thing alive, the first
// snapshot came in about half the runs of an ES module (whose top level
// runs as a promise job). Eight processes, each a watch until its first
// cycle; a hang is a failure, whatever the machine.
test('watch: a long interval still delivers the first cycle at once (no result held until the next timer)', () => {
  const src = `
    import A from ${JSON.stringify(path.join(ADDON, 'index.js'))};
    const guard = setTimeout(() => { console.log('stuck'); process.exit(1); }, 20000);
    guard.unref();
    (async () => {
      const c = new A.Client({ apiKey: 'fake-key', baseURL: process.env.URL });
      for await (const ev of c.models.watch({ interval: '10m', aliases: ['claude-opus-4-1'] }))
        if (ev.type === 'cycle') break;
      console.log('cycle');
    })();
  `;
  for (let i = 0; i < 8; i++) {
    const r = runScript(src, 'mjs');
    assert.equal(r.status, 0, `run ${i}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout.trim(), 'cycle', `run ${i}`);
  }
});

test('watch: a long interval still delivers each cycle at once, client after client', () => {
  const r = runScript(`
    const A = require(process.env.ADDON);
    const guard = setTimeout(() => { console.log('stuck'); process.exit(1); }, 30000);
    (async () => {
      for (let i = 0; i < 8; i++) {
        const c = new A.Client({ apiKey: 'fake-key', baseURL: process.env.URL });
        for await (const ev of c.models.watch({ interval: '10m', aliases: ['claude-opus-4-1'] }))
          if (ev.type === 'cycle') break;
        await c.close();
        console.log('cycle', i);
      }
      clearTimeout(guard);
    })();
  `);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 8);
});

test('watch: break cancels it, and the process exits by itself (no close())', () => {
  const r = runScript(`
    const A = require(process.env.ADDON);
    const c = new A.Client({ apiKey: 'fake-key', baseURL: process.env.URL });
    (async () => {
      for await (const ev of c.models.watch({ interval: 20, jitter: false })) {
        console.log(ev.type);
        if (ev.type === 'cycle' && ev.cycle === 2) break;
      }
      console.log('out');
    })();
  `);
  assert.equal(r.signal, null, 'killed: the loop was kept alive');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['snapshot', 'cycle', 'cycle', 'out']);
});

test('watch: an AbortSignal cancels it, and the process exits by itself (no close())', () => {
  const r = runScript(`
    const A = require(process.env.ADDON);
    const c = new A.Client({ apiKey: 'fake-key', baseURL: process.env.URL });
    const ac = new AbortController();
    (async () => {
      const w = c.models.watch({ interval: 20, jitter: false, signal: ac.signal });
      const { value } = await w.next();
      console.log(value.type);
      ac.abort(); // nothing pulls any more: the abort alone ends it
    })();
  `);
  assert.equal(r.signal, null, 'killed: the loop was kept alive');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'snapshot');
});

test('watch: a watch running keeps the process alive until it is cancelled', () => {
  const r = runScript(`
    const A = require(process.env.ADDON);
    const c = new A.Client({ apiKey: 'fake-key', baseURL: process.env.URL });
    const w = c.models.watch({ interval: 20, jitter: false });
    let n = 0;
    // Nothing awaited: only the watch keeps the loop alive, through cycles.
    (function pull() {
      w.next().then(({ value }) => {
        if (value.type === 'cycle' && ++n === 3) { console.log('three'); w.return(); } else pull();
      });
    })();
  `);
  assert.equal(r.signal, null, 'killed: the loop was kept alive');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'three');
});

test('watch: a worker thread that ends with a watch running ends cleanly', () => {
  const r = runScript(`
    const { Worker } = require('node:worker_threads');
    const w = new Worker(\`
      const { parentPort } = require('node:worker_threads');
      const A = require(process.env.ADDON);
      const c = new A.Client({ apiKey: 'fake-key', baseURL: process.env.URL });
      (async () => {
        for await (const ev of c.models.watch({ interval: 20, jitter: false })) parentPort.postMessage(ev.type);
      })();\`, { eval: true });
    w.once('message', (type) => { console.log(type); w.terminate(); });
    w.on('exit', (code) => console.log('exit', code));
  `);
  assert.equal(r.signal, null, 'killed: the loop was kept alive');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'snapshot\nexit 1');
});
