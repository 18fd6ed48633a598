// resolve_server_lifecycle.test.js - examples/resolve-server and model
// lifecycles (issue 23): GET /lifecycle, the watch that keeps the resolve
// cache true (so a long TTL is safe), and what /metrics says of both. Run
// by meson with RESOLVE_SERVER, FAKE_API_SERVER and NPM_DIR set (as
// resolve_server_ops.test.js, with which it shares resolve_server_harness.js).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { startFake, fakeControl, until } = require('./fake-api/start.js');
const { SERVER, serverEnv, spawnServer, scrape, sample } = require('./resolve_server_harness.js');

// A bound on a deadlock, not on speed.
const T = { timeout: 60000 };
const DAY = 86400 * 1000;
let fake, fakeUrl, catalogue;

before(async () => {
  ({ proc: fake, url: fakeUrl } = await startFake());
  catalogue = await (await fetch(fakeUrl + '/_fake/catalogue')).json();
});

after(() => { fake.kill('SIGTERM'); });

const env = serverEnv;

const fake_ = () => fakeControl(fakeUrl);
const fakeReset = () => fake_().reset();
const fakeFaults = (list) => fake_().faults(list);
async function fakeChange(ops) {
  const r = await fetch(fakeUrl + '/_fake/catalogue', { method: 'POST', body: JSON.stringify(ops) });
  assert.equal(r.status, 200, await r.text());
}
// The lookups (retrieves) the fake saw since its last reset: not the
// watch's list pages.
const lookups = async () => (await (await fetch(fakeUrl + '/_fake/requests')).json())
  .filter((r) => r.path.startsWith('/v1/models/'));

async function startServer(args = [], extraEnv = {}) {
  const all = ['--listen', '127.0.0.1:0', '--base-url', fakeUrl, ...args];
  return spawnServer(all, env(extraEnv));
}
// withServer(args, body): a server of the test's own (a fresh cache),
// which must then exit 0 on SIGTERM (under ASan: no leak either).
async function withServer(args, body) {
  const srv = await startServer(args);
  let out;
  try {
    out = await body(srv);
  } catch (e) {
    await fakeReset();
    await srv.stop();
    throw e;
  }
  await fakeReset();
  assert.deepEqual(await srv.stop(), { code: 0, signal: null }, srv.log.slice(-20).join('\n'));
  return out;
}

// Watch cycles done, from /metrics.
async function cycles(srv) {
  return sample((await scrape(srv)).watch_cycles_total);
}

// Wait until the server has ended `n` more watch cycles.
async function moreCycles(srv, n) {
  const start = await cycles(srv);
  await until(`${n} more watch cycles`, async () => (await cycles(srv)) >= start + n);
}

function assertError(status, body, want, kind) {
  assert.equal(status, want, JSON.stringify(body));
  assert.deepEqual(Object.keys(body.error), ['kind', 'status', 'type', 'message', 'request_id']);
  assert.equal(body.error.kind, kind);
  assert.equal(body.error.status, want);
  return body.error;
}

// RFC 3339 of `ms` since the epoch, whole seconds.
const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
const days = (at, now) => Math.floor((Date.parse(at) - now) / DAY);

// ------------------------------------------------------------ /lifecycle

test('/lifecycle: an active alias, a deprecated model, a retired one, in one answer', T, () => withServer([], async (srv) => {
  // Dates from now, half a day off a boundary, so that the days are sure.
  const now = Date.now();
  const soon = iso(now + 30.5 * DAY), later = iso(now + 200.5 * DAY);
  await fakeChange([
    { op: 'set', id: 'claude-opus-4-20250514', fields: { lifecycle: 'deprecated', retires_at: later } },
    { op: 'set', id: 'claude-sonnet-4-5-20250929', fields: { retires_at: soon } },
  ]);
  const q = '/lifecycle?alias=claude-opus-4-1&alias=claude-opus-4-0&aliases=claude-3-5-sonnet-latest,claude-sonnet-4-5';
  const { status, body } = await srv.json(q);
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.within_days, 90);
  assert.ok(Math.abs(Date.parse(body.now) - now) < 3600e3, body.now);
  assert.equal(body.error, undefined);
  const [active, deprecated, retired, risky] = body.results;
  assert.deepEqual(body.results.map((r) => r.alias),
    ['claude-opus-4-1', 'claude-opus-4-0', 'claude-3-5-sonnet-latest', 'claude-sonnet-4-5']);
  assert.deepEqual(active, {
    alias: 'claude-opus-4-1', id: catalogue.aliases['claude-opus-4-1'], lifecycle: 'active',
    deprecated_at: null, retires_at: null, days_to_retirement: null, risk: 'none',
  });
  assert.equal(deprecated.id, 'claude-opus-4-20250514');
  assert.equal(deprecated.lifecycle, 'deprecated');
  assert.equal(deprecated.deprecated_at, '2025-10-28T00:00:00Z');
  assert.equal(deprecated.retires_at, later);
  assert.equal(deprecated.days_to_retirement, 200);
  assert.equal(deprecated.risk, 'at_risk');
  assert.equal(retired.id, 'claude-3-5-sonnet-20241022');
  assert.equal(retired.lifecycle, 'retired');
  assert.equal(retired.days_to_retirement, days('2025-10-22T00:00:00Z', Date.parse(body.now)));
  assert.ok(retired.days_to_retirement < 0);
  assert.equal(retired.risk, 'retired');
  assert.equal(risky.lifecycle, 'active');
  assert.equal(risky.days_to_retirement, 30);
  assert.equal(risky.risk, 'at_risk'); // within the default 90 days
  // The same lookups as /resolve: cached, so asked upstream once each.
  const before = (await lookups()).length;
  assert.equal((await srv.get('/resolve?alias=claude-opus-4-1')).status, 200);
  assert.equal((await srv.json(q)).status, 200);
  assert.equal((await lookups()).length, before);
}));

test('/lifecycle: --within moves the at-risk window', T, () => withServer(['--within', '10'], async (srv) => {
  await fakeChange([{ op: 'set', id: 'claude-sonnet-4-5-20250929', fields: { retires_at: iso(Date.now() + 30.5 * DAY) } }]);
  const { status, body } = await srv.json('/lifecycle?alias=claude-sonnet-4-5');
  assert.equal(status, 200);
  assert.equal(body.within_days, 10);
  assert.equal(body.results[0].days_to_retirement, 30);
  assert.equal(body.results[0].risk, 'none');
}));

test('/lifecycle: an unknown alias is a 404 in the error shape; among others, its error in its place', T, () => withServer([], async (srv) => {
  const one = await srv.json('/lifecycle?alias=no-such-model');
  const e = assertError(one.status, one.body, 404, 'http');
  assert.equal(e.type, 'not_found_error');
  assert.match(e.request_id, /^req_fake_\d+$/);
  assert.deepEqual(one.body.results, [{ alias: 'no-such-model', error: e }]);
  // /resolve says the same.
  const r = await srv.json('/resolve?alias=no-such-model');
  assert.equal(r.status, 404);
  assert.equal(r.body.error.type, e.type);
  const mixed = await srv.json('/lifecycle?aliases=claude-opus-4-1,no-such-model');
  assert.equal(mixed.status, 200);
  assert.equal(mixed.body.error, undefined);
  assert.equal(mixed.body.results[0].id, catalogue.aliases['claude-opus-4-1']);
  assert.equal(mixed.body.results[1].alias, 'no-such-model');
  assert.equal(mixed.body.results[1].error.status, 404);
  assert.equal(mixed.body.results[1].id, undefined);
}));

test('/lifecycle: a missing, empty, bad, too long or control-character alias is a 400', T, () => withServer([], async (srv) => {
  const long = 'a'.repeat(1025);
  for (const q of ['', '?alias=', '?other=x', '?aliases=', '?aliases=a,,b', '?aliases=a,', '?alias=%zz',
    '?alias=a%00b', '?alias=a%01b', '?aliases=x,a%0Ab', '?alias=..', `?alias=${long}`,
    '?alias=ok&alias=', `?aliases=${Array.from({ length: 101 }, (_, i) => `m${i}`).join(',')}`]) {
    const { status, body } = await srv.json('/lifecycle' + q);
    const e = assertError(status, body, 400, 'invalid_argument');
    assert.equal(e.request_id, null, q);
    assert.equal(body.results, undefined, q);
  }
  // Nothing went upstream for them.
  assert.deepEqual(await lookups(), []);
  // A request-target past the server's limit is refused as for /resolve.
  const r = await srv.get('/lifecycle?aliases=' + 'a,'.repeat(5000) + 'a');
  assert.equal(r.status, 414);
}));

test('/metrics: the aliases answered, by risk, and the days to the nearest retirement', T, () => withServer(['--watch-interval', 'off'], async (srv) => {
  let m = await scrape(srv);
  assert.equal(m.served_aliases.type, 'GAUGE');
  for (const risk of ['none', 'at_risk', 'retired']) assert.equal(sample(m.served_aliases, { risk }), 0);
  assert.equal(m.served_min_days_to_retirement, undefined); // no sample, no NaN
  const now = Date.now();
  await fakeChange([
    { op: 'set', id: 'claude-opus-4-20250514', fields: { lifecycle: 'deprecated', retires_at: iso(now + 200.5 * DAY) } },
    { op: 'set', id: 'claude-sonnet-4-5-20250929', fields: { retires_at: iso(now + 30.5 * DAY) } },
  ]);
  for (const a of ['claude-opus-4-1', 'claude-opus-4-0', 'claude-3-5-sonnet-latest'])
    assert.equal((await srv.get('/resolve?alias=' + a)).status, 200);
  assert.equal((await srv.get('/lifecycle?aliases=claude-sonnet-4-5,claude-opus-4-1,no-such-model')).status, 200);
  assert.equal((await srv.get('/resolve?alias=no-such-model')).status, 404);
  m = await scrape(srv);
  assert.equal(sample(m.served_aliases, { risk: 'none' }), 1);
  assert.equal(sample(m.served_aliases, { risk: 'at_risk' }), 2);
  assert.equal(sample(m.served_aliases, { risk: 'retired' }), 1);
  assert.equal(m.served_min_days_to_retirement.type, 'GAUGE');
  assert.equal(sample(m.served_min_days_to_retirement), 30); // the retired one aside
  assert.equal(sample(m.requests_total, { route: 'lifecycle', status: '200' }), 1);
}));

// ------------------------------------------------------------- options

test('--help shows --within and --watch-interval; bad values are usage errors', T, () => {
  const run = (args, extra) => spawnSync(SERVER, args, { env: env(extra), encoding: 'utf8', timeout: 10000 });
  const h = run(['--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /--within DAYS/);
  assert.match(h.stdout, /--watch-interval DURATION/);
  assert.match(h.stdout, /RESOLVE_SERVER_WATCH_INTERVAL/);
  assert.match(h.stdout, /\/lifecycle\?alias=A/);
  for (const [args, re] of [
    [['--watch-interval', '10'], /--watch-interval: '10': a number and a unit/],
    [['--watch-interval', '5x'], /--watch-interval: '5x'/],
    [['--watch-interval', '50ms'], /at least 100ms/],
    [['--watch-interval', '-1s'], /--watch-interval: '-1s'/],
    [['--watch-interval', ''], /--watch-interval: ''/],
    [['--within', 'soon'], /--within: bad number 'soon'/],
    [['--within', '36501'], /--within: bad number '36501' \(0\.\.36500\)/],
  ]) {
    const r = run(['--listen', ':0', ...args]);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, re);
  }
  const e = run([], { RESOLVE_SERVER_LISTEN: ':0', RESOLVE_SERVER_WATCH_INTERVAL: 'often' });
  assert.equal(e.status, 2);
  assert.match(e.stderr, /RESOLVE_SERVER_WATCH_INTERVAL: 'often'/);
});

test('--watch-interval takes ms, s, m, h, 0 and off: /metrics says which', T, async () => {
  for (const [v, secs] of [['off', 0], ['0', 0], ['1500ms', 1.5], ['30s', 30], ['10m', 600], ['2h', 7200]]) {
    await withServer(['--watch-interval', v], async (srv) => {
      assert.equal(sample((await scrape(srv)).watch_interval_seconds), secs, v);
    });
  }
});

// ----------------------------------------------------------------- watch

// The JSON log lines of `srv` from its watch, parsed.
const watchLines = (srv) => srv.log.filter((l) => l.includes('"source":"watch"')).map((l) => JSON.parse(l));

// Where the answer `r` came from ("hit", "miss", "stale"): its access
// line's cache field (waiting for the line, which may come after it).
async function cacheOf(srv, r) {
  const id = r.headers.get('x-request-id');
  let line;
  await until(`the access line of ${id}`, () => {
    line = srv.log.map((l) => { try { return JSON.parse(l); } catch { return {}; } })
      .find((l) => l.request_id === id);
    return line !== undefined;
  });
  return line.cache;
}

test('a long TTL is safe: an alias that moves answers its new model from the cache within a watch interval', T, () => withServer(['--cache-ttl-ms', '3600000', '--watch-interval', '300ms'], async (srv) => {
  const p = '/resolve?alias=claude-sonnet-4-0';
  const a = await srv.json(p);
  assert.equal(a.status, 200);
  const A = catalogue.aliases['claude-sonnet-4-0'], B = 'claude-sonnet-4-5-20250929';
  assert.equal(a.body.id, A);
  // Once a cycle has ended after the alias was cached, the watch has it.
  await moreCycles(srv, 2);
  const hit = await srv.get(p);
  assert.equal((await hit.json()).id, A);
  assert.equal(await cacheOf(srv, hit), 'hit');
  const asked = sample((await scrape(srv)).resolver_lookups_total);
  await fakeChange([{ op: 'move_alias', alias: 'claude-sonnet-4-0', to: B }]);
  let last;
  await until('/resolve answers the moved alias', async () => {
    last = await srv.get(p);
    return (await last.json()).id === B;
  });
  // From the cache the watch refreshed: a hit, fresh, not a lookup after a
  // TTL expiry (an hour away) nor a stale answer.
  assert.equal(await cacheOf(srv, last), 'hit');
  assert.equal(last.headers.get('x-stale'), null);
  const m = await scrape(srv);
  assert.equal(sample(m.resolver_lookups_total), asked); // the resolver asked nothing more
  assert.ok(sample(m.watch_changes_total, { kind: 'alias_moved' }) >= 1);
  // The log line may come after the scrape (stderr is a pipe of its own).
  await until('the move logged', () => watchLines(srv).some((l) => l.event === 'alias_moved' && l.from === A));
  const moved = watchLines(srv).find((l) => l.event === 'alias_moved' && l.from === A);
  assert.ok(moved, srv.log.join('\n'));
  assert.deepEqual([moved.level, moved.alias, moved.to], ['info', 'claude-sonnet-4-0', B]);
  assert.match(moved.msg, /^alias moved: claude-sonnet-4-0: /);
  // /lifecycle, through the same cache, says the same.
  assert.equal((await srv.json('/lifecycle?alias=claude-sonnet-4-0')).body.results[0].id, B);
}));

test('--watch-interval off: a cached alias keeps its model for its TTL', T, () => withServer(['--cache-ttl-ms', '3600000', '--watch-interval', 'off'], async (off) => {
  // A second server, watching, is the clock: its cycles say how long.
  const clock = await startServer(['--cache-ttl-ms', '3600000', '--watch-interval', '300ms']);
  try {
    const p = '/resolve?alias=claude-sonnet-4-0';
    const A = catalogue.aliases['claude-sonnet-4-0'], B = 'claude-opus-4-1-20250805';
    assert.equal((await off.json(p)).body.id, A);
    assert.equal((await clock.json(p)).body.id, A);
    await fakeChange([{ op: 'move_alias', alias: 'claude-sonnet-4-0', to: B }]);
    await until('the watching server sees the move', async () => (await clock.json(p)).body.id === B);
    await moreCycles(clock, 3);
    const r = await off.get(p);
    assert.equal((await r.json()).id, A);
    assert.equal(await cacheOf(off, r), 'hit');
    const m = await scrape(off);
    assert.equal(sample(m.watch_interval_seconds), 0);
    assert.equal(sample(m.watch_cycles_total), 0);
    assert.equal(m.models, undefined); // no watch: no models counted
    assert.deepEqual(watchLines(off), []);
  } finally {
    assert.deepEqual(await clock.stop(), { code: 0, signal: null });
  }
}));

test('/metrics: the watch\'s families parse, and its models by lifecycle are the catalogue\'s', T, () => withServer(['--watch-interval', '300ms'], async (srv) => {
  await until('a first watch cycle', async () => (await scrape(srv)).models !== undefined);
  const count = (cat) => {
    const n = { active: 0, deprecated: 0, retired: 0, other: 0, unset: 0 };
    for (const m of cat.models) n[m.lifecycle == null ? 'unset' : m.lifecycle in n ? m.lifecycle : 'other']++;
    return n;
  };
  const byLifecycle = (m) => Object.fromEntries(['active', 'deprecated', 'retired', 'other', 'unset']
    .map((k) => [k, sample(m.models, { lifecycle: k })]));
  let m = await scrape(srv);
  assert.equal(m.models.type, 'GAUGE');
  assert.deepEqual(byLifecycle(m), count(catalogue));
  for (const [name, type] of [['watch_cycles_total', 'COUNTER'], ['watch_errors_total', 'COUNTER'],
    ['watch_changes_total', 'COUNTER'], ['watch_last_success_timestamp_seconds', 'GAUGE'],
    ['watch_interval_seconds', 'GAUGE'], ['served_aliases', 'GAUGE']]) {
    assert.equal(m[name]?.type, type, name);
    assert.ok(m[name].help.length > 0, name);
  }
  assert.equal(sample(m.watch_interval_seconds), 0.3);
  assert.ok(sample(m.watch_cycles_total) >= 1);
  assert.equal(sample(m.watch_errors_total), 0);
  const at = sample(m.watch_last_success_timestamp_seconds);
  assert.ok(Math.abs(at * 1000 - Date.now()) < 3600e3, String(at));
  for (const kind of ['added', 'removed', 'lifecycle_changed', 'deprecated_at_changed', 'retires_at_changed', 'alias_moved'])
    assert.equal(typeof sample(m.watch_changes_total, { kind }), 'number', kind);
  // A model deprecated, one added, one removed: the numbers follow.
  await fakeChange([
    { op: 'set', id: 'claude-opus-4-1-20250805', fields: { lifecycle: 'deprecated', deprecated_at: '2026-11-01T00:00:00Z' } },
    { op: 'add', model: { id: 'claude-new-20261201', type: 'model', display_name: 'New', created_at: '2026-11-30T00:00:00Z', lifecycle: 'active' } },
    { op: 'remove', id: 'claude-1-3-20230301' },
  ]);
  const now = await (await fetch(fakeUrl + '/_fake/catalogue')).json();
  await until('the watch counts the changed catalogue', async () => {
    m = await scrape(srv);
    return JSON.stringify(byLifecycle(m)) === JSON.stringify(count(now));
  });
  for (const kind of ['added', 'removed', 'lifecycle_changed', 'deprecated_at_changed'])
    assert.ok(sample(m.watch_changes_total, { kind }) >= 1, kind);
  await until('the changes logged', () => ['lifecycle_changed', 'added', 'removed']
    .every((k) => watchLines(srv).some((l) => l.event === k)));
  const lines = watchLines(srv);
  const dep = lines.find((l) => l.event === 'lifecycle_changed');
  assert.deepEqual([dep.level, dep.id, dep.from, dep.to], ['info', 'claude-opus-4-1-20250805', 'active', 'deprecated']);
  assert.match(dep.msg, /^model deprecated: claude-opus-4-1-20250805/);
  assert.ok(lines.some((l) => l.event === 'added' && l.id === 'claude-new-20261201'));
  assert.ok(lines.some((l) => l.event === 'removed' && l.id === 'claude-1-3-20230301'));
}));

test('the watch keeps the risk of the aliases served true', T, () => withServer(['--cache-ttl-ms', '3600000', '--watch-interval', '300ms'], async (srv) => {
  assert.equal((await srv.get('/resolve?alias=claude-opus-4-1')).status, 200);
  let m = await scrape(srv);
  assert.equal(sample(m.served_aliases, { risk: 'none' }), 1);
  assert.equal(m.served_min_days_to_retirement, undefined);
  await fakeChange([{ op: 'set', id: 'claude-opus-4-1-20250805', fields: { retires_at: iso(Date.now() + 10.5 * DAY) } }]);
  await until('the served alias is at risk', async () => {
    m = await scrape(srv);
    return sample(m.served_aliases, { risk: 'at_risk' }) === 1;
  });
  assert.equal(sample(m.served_aliases, { risk: 'none' }), 0);
  assert.equal(sample(m.served_min_days_to_retirement), 10);
}));

test('a watch error is counted and logged at warn, and the server serves on', T, () => withServer(['--watch-interval', '300ms'], async (srv) => {
  await until('a first watch cycle', async () => (await cycles(srv)) >= 1);
  // Every list page fails (with its retries), not the lookups.
  await fakeFaults([{ action: 'respond', status: 500, match: '/v1/models?', times: 1000 }]);
  await until('a watch error', async () => sample((await scrape(srv)).watch_errors_total) >= 1);
  // Its log line comes through the server's stderr, a pipe read on its
  // own: it may arrive after the scrape's answer.
  await until('the error logged', () => watchLines(srv).some((l) => l.event === 'error'));
  const e = watchLines(srv).find((l) => l.event === 'error');
  assert.equal(e.level, 'warn');
  assert.equal(e.kind, 'http');
  assert.match(e.msg, /status 500/);
  const r = await srv.json('/resolve?alias=claude-opus-4-1');
  assert.equal(r.status, 200);
  assert.equal((await srv.json('/lifecycle?alias=claude-opus-4-1')).status, 200);
  assert.equal((await srv.get('/healthz')).status, 200);
  // Once the upstream is back, cycles succeed again.
  const failedAt = sample((await scrape(srv)).watch_last_success_timestamp_seconds);
  await fakeReset();
  await until('a good cycle after the errors', async () =>
    sample((await scrape(srv)).watch_last_success_timestamp_seconds) > failedAt);
}));

test('SIGTERM with a watch running (a list request hung) exits 0 at once, not after the grace', T, async () => {
  const srv = await startServer(['--watch-interval', '300ms', '--grace-ms', '120000']);
  try {
    await until('a first watch cycle', async () => (await cycles(srv)) >= 1);
    await fakeFaults([{ action: 'hang', match: '/v1/models?', times: 1000 }]);
    await until('a list request hung', async () => (await (await fetch(fakeUrl + '/_fake/stats')).json()).faults >= 1);
  } finally {
    // 120 s of grace would outlast the test's timeout: it exits without it.
    assert.deepEqual(await srv.stop(), { code: 0, signal: null });
    await fakeReset();
  }
  assert.ok(!srv.log.some((l) => /grace over/.test(l)), srv.log.join('\n'));
});

test('an alias whose model goes is logged as gone, answers 404 and leaves the aliases served', T, () => withServer(['--cache-ttl-ms', '3600000', '--watch-interval', '300ms'], async (srv) => {
  const p = '/resolve?alias=claude-opus-4-1';
  assert.equal((await srv.get(p)).status, 200);
  await moreCycles(srv, 2); // the watch has the alias
  assert.equal(sample((await scrape(srv)).served_aliases, { risk: 'none' }), 1);
  await fakeChange([{ op: 'remove', id: 'claude-opus-4-1-20250805' }]);
  await srv.waitLog(/"event":"alias_moved"/);
  const gone = watchLines(srv).find((l) => l.event === 'alias_moved');
  assert.deepEqual([gone.alias, gone.from, gone.to], ['claude-opus-4-1', 'claude-opus-4-1-20250805', null]);
  assert.match(gone.msg, /^alias gone \(404\): claude-opus-4-1/);
  assert.ok(watchLines(srv).some((l) => l.event === 'removed' && l.id === 'claude-opus-4-1-20250805'));
  const m = await scrape(srv);
  assert.equal(sample(m.served_aliases, { risk: 'none' }), 0);
  assert.equal(sample(m.watch_changes_total, { kind: 'removed' }), 1);
  // The cache dropped it: a 404 now, not the model of an hour's TTL.
  assert.equal((await srv.get(p)).status, 404);
  // HEAD /lifecycle: the same status, no body.
  const h = await srv.get('/lifecycle?alias=claude-opus-4-1', { method: 'HEAD' });
  assert.equal(h.status, 404);
  assert.equal(await h.text(), '');
}));

test('the aliases served are kept no more than the cache holds: 4096', T, () => withServer(['--watch-interval', 'off'], async (srv) => {
  await fakeChange([{ op: 'generate', count: 4200 }]);
  const cat = await (await fetch(fakeUrl + '/_fake/catalogue')).json();
  const ids = cat.models.map((m) => m.id).slice(0, 4200);
  for (let i = 0; i < ids.length; i += 100) {
    const r = await srv.get('/lifecycle?aliases=' + ids.slice(i, i + 100).join(','));
    assert.equal(r.status, 200);
    const { results } = await r.json();
    assert.ok(results.every((x) => x.id !== undefined), JSON.stringify(results.find((x) => x.error)));
  }
  const m = await scrape(srv);
  const kept = ['none', 'at_risk', 'retired'].reduce((n, risk) => n + sample(m.served_aliases, { risk }), 0);
  assert.equal(kept, 4096);
}));
