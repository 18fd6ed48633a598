// resolve_server_lifecycle.test.js - examples/resolve-server and model
// lifecycles (issue 23): GET /lifecycle, the watch that keeps the resolve
// cache true (so a long TTL is safe), and what /metrics says of both. Run
// by meson with RESOLVE_SERVER, FAKE_API_SERVER and NPM_DIR set (as
// resolve_server_ops.test.js, whose Prometheus parser it shares).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { startFake, listening, fakeControl, until, serverRunner } = require('./fake-api/start.js');

const SERVER = process.env.RESOLVE_SERVER;
const NPM_DIR = process.env.NPM_DIR;
// A bound on a deadlock, not on speed.
const T = { timeout: 60000 };
const DAY = 86400 * 1000;
let fake, fakeUrl, catalogue;

before(async () => {
  ({ proc: fake, url: fakeUrl } = await startFake());
  catalogue = await (await fetch(fakeUrl + '/_fake/catalogue')).json();
});

after(() => { fake.kill('SIGTERM'); });

function env(extra = {}) {
  const e = { ...process.env, ANTHROPIC_API_KEY: 'fake-key', ...extra };
  for (const k of ['ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_CUSTOM_HEADERS', 'ANTHROPIC_LOG'])
    delete e[k];
  for (const k of Object.keys(e))
    if (k.startsWith('RESOLVE_SERVER_') && !(k in extra)) delete e[k];
  return e;
}

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
  const proc = spawn(SERVER, all, { env: env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  readline.createInterface({ input: proc.stderr }).on('line', (l) => log.push(l));
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await listening(proc);
  return {
    proc, log, exited, url,
    get: (p, init) => fetch(url + p, init),
    json: async (p) => { const r = await fetch(url + p); return { status: r.status, body: await r.json() }; },
    waitLog: (re, n = 1) => until(`log ${re} x${n}`, () => log.filter((l) => re.test(l)).length >= n),
    stop: () => { proc.kill('SIGTERM'); return exited; },
  };
}
// withServer(args, body): a server of the test's own (a fresh cache).
const withServer = serverRunner(startServer, fakeReset);

// parse-prometheus-text-format from npm, in NPM_DIR (installed once, as
// resolve_server_ops.test.js does).
function prometheusParser() {
  const mod = path.join(NPM_DIR, 'node_modules', 'parse-prometheus-text-format');
  if (!fs.existsSync(mod)) {
    fs.mkdirSync(NPM_DIR, { recursive: true });
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', NPM_DIR,
      'parse-prometheus-text-format@1.1.1'], { encoding: 'utf8', timeout: 180000 });
    assert.equal(r.status, 0, `npm install parse-prometheus-text-format: ${r.stderr}`);
  }
  return require(mod);
}

// /metrics, parsed: {name: {type, help, metrics}} (names without the prefix).
async function scrape(srv) {
  const r = await srv.get('/metrics');
  assert.equal(r.status, 200);
  const text = await r.text();
  const out = { _text: text };
  for (const f of prometheusParser()(text)) out[f.name.replace(/^resolve_server_/, '')] = f;
  return out;
}

// The value of the sample of family `f` whose labels include `labels`.
function sample(f, labels = {}) {
  assert.ok(f, 'no such metric');
  const m = f.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
  return m === undefined ? undefined : Number(m.value);
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
