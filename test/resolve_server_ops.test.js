// resolve_server_ops.test.js - examples/resolve-server as an operator
// meets it (issue 19): its options and environment, health and readiness,
// /metrics read by a real Prometheus text parser, access logs, HTTP
// caching, stale-if-error, signals and the deployment files. Run by meson
// with RESOLVE_SERVER and FAKE_API_SERVER set; NPM_DIR is where test-only
// npm packages are installed (once, then reused).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startFake, listening, fakeControl, serverRunner } = require('./fake-api/start.js');
const { SERVER, serverEnv, spawnServer, prometheusParser, scrape, sample } =
  require('./resolve_server_harness.js');

const T = { timeout: 60000 };
let fake, fakeUrl, catalogue;

before(async () => {
  ({ proc: fake, url: fakeUrl } = await startFake());
  catalogue = await (await fetch(fakeUrl + '/_fake/catalogue')).json();
});

after(() => { fake.kill('SIGTERM'); });

const env = serverEnv;

const fakeFaults = (list) => fakeControl(fakeUrl).faults(list);
const fakeReset = () => fakeControl(fakeUrl).reset();
// withServer(args, body, ...rest): a server of the test's own for body(srv).
const withServer = serverRunner(startServer, fakeReset);

// The server run with `args` (and --base-url unless given one) and the
// environment `extraEnv`; its stderr lines in `log`. No watch unless
// `args` or `extraEnv` says: the tests count the upstream's requests (the
// watch's tests are resolve_server_lifecycle.test.js).
async function startServer(args = [], extraEnv = {}, base = fakeUrl) {
  const watch = 'RESOLVE_SERVER_WATCH_INTERVAL' in extraEnv ? [] : ['--watch-interval', 'off'];
  const all = ['--listen', '127.0.0.1:0', ...(base ? ['--base-url', base] : []), ...watch, ...args];
  return spawnServer(all, env(extraEnv));
}

// One route's series of the latency histogram, parsed alone: the parser
// merges the buckets of every label set of a histogram into one.
function histogram(m, route) {
  const name = 'resolve_server_request_duration_seconds';
  const lines = m._text.split('\n').filter((l) => l.startsWith(`# TYPE ${name} `) ||
    l.startsWith(`${name}_`) && l.includes(`route="${route}"`));
  const alone = lines.map((l) => l.replace(`route="${route}",`, '').replace(`{route="${route}"}`, '')).join('\n');
  const [f] = prometheusParser()(alone + '\n');
  assert.equal(f.type, 'HISTOGRAM');
  return f.metrics[0];
}

function run(args, extraEnv = {}) {
  return spawnSync(SERVER, args, { env: env(extraEnv), encoding: 'utf8', timeout: 10000 });
}

// ------------------------------------------------------------- options

test('--help and -h print every option and its variable on stdout, exit 0', T, () => {
  for (const flag of ['--help', '-h']) {
    const r = run([flag]);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    for (const o of ['listen', 'base-url', 'cache-ttl-ms', 'stale-if-error', 'log-format',
      'log-level', 'max-connections', 'ready-window'])
      assert.match(r.stdout, new RegExp(`--${o}\\b`));
    assert.match(r.stdout, /RESOLVE_SERVER_LISTEN/);
    assert.match(r.stdout, /RESOLVE_SERVER_STALE_IF_ERROR/);
  }
});

test('--version prints the version, exit 0', T, () => {
  const r = run(['--version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^resolve-server \d+\.\d+\.\d+/);
});

test('usage errors name the option and the value, exit 2', T, () => {
  const cases = [
    [['--bogus'], /unknown option.*--bogus/],
    [['--listen', ':0', '--page-size', 'x'], /--page-size: bad number 'x'/],
    [['--listen', ':0', '--page-size', '1001'], /--page-size: bad number '1001' \(1\.\.1000\)/],
    [['--listen'], /--listen: needs a value/],
    [['--listen', '::1:80'], /--listen: bad address '::1:80'/],
    [['--listen', ':0', '--log-format', 'xml'], /--log-format: 'xml': json or text/],
    [['--listen', ':0', '--log-level', 'loud'], /--log-level: 'loud'/],
    [[], /--listen: required/],
    [['--listen', ':0', 'extra'], /unexpected argument: 'extra'/],
  ];
  for (const [args, re] of cases) {
    const r = run(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, re);
    assert.equal(r.stdout, '');
  }
  const e = run([], { RESOLVE_SERVER_LISTEN: ':0', RESOLVE_SERVER_GRACE_MS: 'soon' });
  assert.equal(e.status, 2);
  assert.match(e.stderr, /RESOLVE_SERVER_GRACE_MS: bad number 'soon'/);
});

test('--listen takes PORT, :PORT, [::1]:PORT and localhost:PORT', T, async () => {
  for (const spec of ['0', ':0', '[::1]:0', 'localhost:0']) {
    let srv;
    try {
      srv = await startServer(['--listen', spec]);
    } catch (e) {
      if (spec === '[::1]:0') continue; // no IPv6 here
      throw e;
    }
    try {
      const u = new URL(srv.url);
      if (spec === '[::1]:0') assert.equal(u.hostname, '[::1]');
      assert.ok(Number(u.port) > 0);
      const host = u.hostname === '[::]' ? '[::1]' : u.hostname === '0.0.0.0' ? '127.0.0.1' : u.hostname;
      const r = await fetch(`http://${host}:${u.port}/metrics`);
      assert.equal(r.status, 200);
    } finally {
      assert.deepEqual(await srv.stop(), { code: 0, signal: null });
    }
  }
});

test('every option can come from its environment variable; the command line wins', T, async () => {
  const srv = await startServer(['--page-size', '3'], {
    RESOLVE_SERVER_PAGE_SIZE: '2', RESOLVE_SERVER_LOG_LEVEL: 'debug',
  });
  try {
    await fakeReset();
    const r = await srv.get('/models');
    assert.equal(r.status, 200);
    const stats = await (await fetch(fakeUrl + '/_fake/requests')).json();
    const limits = stats.map((x) => String(x.query.limit));
    assert.ok(limits.includes('3'), JSON.stringify(limits));
    assert.ok(srv.log.some((l) => /GET \/models/.test(l)), srv.log.join('\n'));
  } finally {
    await srv.stop();
  }
  // Only the environment: the server listens where it says.
  const proc = spawn(SERVER, [], { env: env({ RESOLVE_SERVER_LISTEN: '127.0.0.1:0', RESOLVE_SERVER_BASE_URL: fakeUrl }),
    stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await listening(proc);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  proc.kill('SIGTERM');
});

// ---------------------------------------------------------------- logs

// The JSON lines of `log` that are access lines.
function accessLines(log) {
  return log.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((j) => 'status' in j);
}

test('one JSON access line per request by default, with the ids of both sides', T, () => withServer([], async (srv) => {
  const a = await srv.get('/resolve?alias=claude-sonnet-4-0');
  const body = await a.text();
  const b = await srv.get('/nowhere');
  await b.text();
  await srv.waitLog(/"status":404/);
  const lines = accessLines(srv.log);
  assert.equal(lines.length, 2, srv.log.join('\n'));
  const [l1, l2] = lines;
  assert.match(l1.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.match(l1.client, /^127\.0\.0\.1:\d+$/);
  assert.equal(l1.level, 'info');
  assert.equal(l1.method, 'GET');
  assert.equal(l1.path, '/resolve?alias=claude-sonnet-4-0');
  assert.equal(l1.status, 200);
  assert.equal(l1.bytes, Buffer.byteLength(body));
  assert.equal(typeof l1.latency_ms, 'number');
  assert.ok(l1.latency_ms >= 0);
  assert.ok('cache' in l1);
  assert.match(l1.upstream_request_id, /^req_fake_\d+$/);
  assert.equal(a.headers.get('request-id'), l1.upstream_request_id);
  assert.equal(a.headers.get('x-request-id'), l1.request_id);
  assert.equal(l2.status, 404);
  assert.equal(l2.upstream_request_id, null);
  assert.equal(b.headers.get('x-request-id'), l2.request_id);
  assert.notEqual(l1.request_id, l2.request_id);
}));

test('access lines written a loop turn at a time stay whole, one per request, none dropped', T, () => withServer([], async (srv) => {
  await (await srv.get('/resolve?alias=claude-sonnet-4-0')).text(); // cached from now
  const answers = await Promise.all(Array.from({ length: 200 }, () =>
    srv.get('/resolve?alias=claude-sonnet-4-0').then(async (r) => (await r.text(), r.headers.get('x-request-id')))));
  await srv.waitLog(/"status":200/, 201);
  const lines = accessLines(srv.log); // each parses: no line cut or merged
  assert.equal(lines.length, 201);
  assert.deepEqual(new Set(lines.slice(1).map((l) => l.request_id)), new Set(answers));
  const m = await scrape(srv);
  assert.equal(m.log_dropped_total.type, 'COUNTER');
  assert.equal(sample(m.log_dropped_total), 0);
}));

test('--log-format text writes one plain line per request', T, () => withServer(['--log-format', 'text'], async (srv) => {
  await (await srv.get('/resolve?alias=claude-opus-4-1')).text();
  await srv.waitLog(/"GET \/resolve/);
  const line = srv.log.find((l) => /"GET \/resolve/.test(l));
  assert.match(line, /^resolve-server: info: 127\.0\.0\.1:\d+ "GET \/resolve\?alias=claude-opus-4-1" 200 \d+ [\d.]+ms cache=\S+ upstream=req_fake_\d+ id=\S+$/);
  assert.ok(!srv.log.some((l) => l.startsWith('{')));
}));

test('--log-level warn: no access lines, but an upstream give-up is logged', T, () => withServer(['--log-level', 'warn'], async (srv) => {
  await fakeFaults([{ action: 'respond', status: 500, times: 10, match: 'claude-haiku-4-6' }]);
  const r = await srv.get('/resolve?alias=claude-haiku-4-6-20260125');
  assert.equal(r.status, 500);
  await srv.waitLog(/giving up/);
  const line = JSON.parse(srv.log.find((l) => /giving up/.test(l)));
  assert.equal(line.level, 'warn');
  assert.equal(line.source, 'upstream');
  assert.equal(accessLines(srv.log).length, 0);
}));

// ---------------------------------------------------------------- HTTP

test('HEAD on every GET route: the same status and headers, no body', T, () => withServer([], async (srv) => {
  for (const p of ['/resolve?alias=claude-sonnet-4-0', '/models', '/resolve?alias=no-such-model', '/nowhere']) {
    const g = await srv.get(p);
    const gb = await g.text();
    const h = await srv.get(p, { method: 'HEAD' });
    assert.equal(await h.text(), '');
    assert.equal(h.status, g.status, p);
    assert.equal(h.headers.get('content-type'), g.headers.get('content-type'), p);
    assert.equal(Number(h.headers.get('content-length')), Buffer.byteLength(gb), p);
  }
  for (const p of ['/metrics', '/healthz', '/readyz']) {
    const g = await srv.get(p);
    await g.text();
    const h = await srv.get(p, { method: 'HEAD' });
    assert.equal(await h.text(), '');
    assert.equal(h.status, g.status, p);
  }
  await srv.waitLog(/"method":"HEAD"/, 7);
  const lines = srv.log.filter((l) => l.includes('"method":"HEAD"')).map((l) => JSON.parse(l));
  for (const l of lines) assert.equal(l.bytes, 0);
}));

// ------------------------------------------------------------- metrics

test('/metrics parses as Prometheus text: requests, latency, upstream, connections', T, () => withServer([], async (srv) => {
  await fakeReset();
  for (const p of ['/resolve?alias=claude-sonnet-4-0', '/resolve?alias=claude-sonnet-4-0', '/nowhere'])
    await (await srv.get(p)).text();
  await fakeFaults([{ action: 'respond', status: 503, times: 1, match: 'claude-opus-4-1' }]);
  assert.equal((await srv.get('/resolve?alias=claude-opus-4-1')).status, 200);
  const m = await scrape(srv);
  assert.equal(m.requests_total.type, 'COUNTER');
  assert.equal(sample(m.requests_total, { route: 'resolve', status: '200' }), 3);
  assert.equal(sample(m.requests_total, { route: 'other', status: '404' }), 1);
  assert.equal(m.request_duration_seconds.type, 'HISTOGRAM');
  const res = histogram(m, 'resolve');
  assert.equal(Number(res.count), 3);
  const counts = Object.entries(res.buckets).map(([le, v]) => [Number(le), Number(v)])
    .sort((a, b) => a[0] - b[0]).map(([, v]) => v); // '+Inf' is Infinity
  assert.equal(counts.length, 15);
  for (let i = 1; i < counts.length; i++) assert.ok(counts[i] >= counts[i - 1]);
  assert.equal(Number(res.buckets['+Inf']), 3);
  assert.ok(Number(res.sum) > 0);
  assert.equal(sample(m.upstream_requests_total), 3); // two lookups, one retried
  assert.equal(sample(m.upstream_retries_total), 1);
  assert.equal(sample(m.upstream_errors_total, { kind: 'http_5xx' }), 1);
  assert.equal(sample(m.upstream_errors_total, { kind: 'connection' }), 0);
  assert.equal(m.open_connections.type, 'GAUGE');
  assert.ok(sample(m.open_connections) >= 1); // this scrape's (fetch keeps others)
  assert.equal(sample(m.in_flight_requests), 1);
  assert.equal(sample(m.stale_answers_total), 0);
  // The gauges that were there before stay.
  for (const g of ['connections', 'write_queue_bytes', 'max_connections', 'shed_total', 'refused_total'])
    assert.ok(m[g], g);
}));

// -------------------------------------------------------------- caching

function maxAge(r) {
  const m = /^max-age=(\d+)$/.exec(r.headers.get('cache-control'));
  assert.ok(m, r.headers.get('cache-control'));
  return Number(m[1]);
}

test('/resolve: Cache-Control max-age is the TTL left, with Age; ETag and If-None-Match give 304', T, () => withServer(['--cache-ttl-ms', '60000'], async (srv) => {
  const p = '/resolve?alias=claude-sonnet-4-5';
  const a = await srv.get(p);
  const body = await a.text();
  assert.equal(a.status, 200);
  assert.equal(maxAge(a) + Number(a.headers.get('age') ?? 0), 60);
  const etag = a.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{16}"$/);
  const b = await srv.get(p);
  assert.equal(await b.text(), body);
  assert.equal(b.headers.get('etag'), etag);
  assert.ok(b.headers.get('age') === null || Number(b.headers.get('age')) >= 0);
  assert.equal(maxAge(b) + Number(b.headers.get('age') ?? 0), 60);
  for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
    const c = await srv.get(p, { headers: { 'if-none-match': inm } });
    assert.equal(c.status, 304, inm);
    assert.equal(await c.text(), '');
    assert.equal(c.headers.get('etag'), etag);
    assert.match(c.headers.get('cache-control'), /^max-age=\d+$/);
  }
  const d = await srv.get(p, { headers: { 'if-none-match': '"0000000000000000"' } });
  assert.equal(d.status, 200);
  assert.equal(await d.text(), body);
  await srv.waitLog(/"status":200/, 3);
  const caches = accessLines(srv.log).filter((l) => l.path === p).map((l) => l.cache);
  assert.deepEqual(caches.slice(0, 2), ['miss', 'hit']);
}));

// ------------------------------------------------------ stale-if-error

function assertStale(r) {
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-stale'), 'true');
  assert.match(r.headers.get('warning'), /^110 - "Response is Stale"/);
  assert.match(r.headers.get('warning'), /111 - "Revalidation Failed"/);
  assert.equal(r.headers.get('cache-control'), 'max-age=0');
  assert.ok(Number(r.headers.get('age')) >= 0);
}

test('stale-if-error: an alias answered before is served stale when the upstream fails', T, async () => {
  const own = await startFake(); // killed below
  const srv = await startServer(['--cache-ttl-ms', '0'], {}, own.url);
  try {
    const p = '/resolve?alias=claude-opus-4-1';
    const fresh = await srv.get(p);
    const body = await fresh.text();
    assert.equal(fresh.status, 200);
    assert.equal(fresh.headers.get('x-stale'), null);
    // A 5xx (no retry asked) past the TTL (0): the last good answer.
    await fetch(own.url + '/_fake/faults', { method: 'POST', body: JSON.stringify([
      { action: 'respond', status: 503, times: 1, headers: { 'x-should-retry': 'false' } }]) });
    const s1 = await srv.get(p);
    assertStale(s1);
    assert.equal(await s1.text(), body);
    // An alias never answered has nothing to fall back on.
    await fetch(own.url + '/_fake/faults', { method: 'POST', body: JSON.stringify([
      { action: 'respond', status: 500, times: 1, headers: { 'x-should-retry': 'false' } }]) });
    const none = await srv.get('/resolve?alias=claude-sonnet-4-0');
    assert.equal(none.status, 500);
    assert.equal(none.headers.get('x-stale'), null);
    // The upstream gone altogether: still the last good answer.
    own.proc.kill('SIGKILL');
    await new Promise((r) => own.proc.once('exit', r));
    const s2 = await srv.get(p);
    assertStale(s2);
    assert.equal(await s2.text(), body);
    await srv.waitLog(/"cache":"stale"/, 2);
    assert.ok(srv.log.some((l) => /"level":"warn".*claude-opus-4-1: the upstream failed/.test(l)));
    const m = await scrape(srv);
    assert.equal(sample(m.stale_answers_total), 2);
  } finally {
    own.proc.kill('SIGKILL');
    await srv.stop();
  }
});

test('stale-if-error: a 404 is never served stale, and 0 turns it off', T, async () => {
  const srv = await startServer(['--cache-ttl-ms', '0', '--stale-if-error', '0']);
  try {
    const p = '/resolve?alias=claude-opus-4-1';
    assert.equal((await srv.get(p)).status, 200);
    await fakeFaults([{ action: 'respond', status: 503, times: 1, headers: { 'x-should-retry': 'false' } }]);
    const r = await srv.get(p);
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('x-stale'), null);
  } finally {
    await fakeReset();
    await srv.stop();
  }
  const srv2 = await startServer(['--cache-ttl-ms', '0']);
  try {
    const p = '/resolve?alias=claude-opus-4-1';
    assert.equal((await srv2.get(p)).status, 200);
    await fakeFaults([{ action: 'respond', status: 404, times: 1 }]);
    assert.equal((await srv2.get(p)).status, 404);
    await fakeFaults([{ action: 'respond', status: 503, times: 1, headers: { 'x-should-retry': 'false' } }]);
    const r = await srv2.get(p); // the 404 dropped the model kept
    assert.equal(r.status, 503);
    assert.equal(r.headers.get('x-stale'), null);
  } finally {
    await fakeReset();
    await srv2.stop();
  }
});

test('/metrics counts the upstream from the client, whatever --log-level', T, () => withServer(['--log-level', 'error'], async (srv) => {
  await fakeReset();
  await fakeFaults([{ action: 'respond', status: 503, times: 1, match: 'claude-opus-4-1' }]);
  assert.equal((await srv.get('/resolve?alias=claude-opus-4-1')).status, 200);
  let m = await scrape(srv);
  assert.equal(sample(m.upstream_requests_total), 2);
  assert.equal(sample(m.upstream_retries_total), 1);
  assert.equal(sample(m.upstream_errors_total, { kind: 'http_5xx' }), 1);
  assert.equal((await srv.get('/resolve?alias=no-such-model')).status, 404);
  m = await scrape(srv);
  assert.ok(sample(m.upstream_requests_total) > 2);
  assert.equal(sample(m.upstream_errors_total, { kind: 'http_4xx' }), 0); // a 404 is an answer
  assert.equal(sample(m.upstream_giveups_total), 0);
  assert.deepEqual(srv.log, []); // nothing at error: the library's lines stay unasked
}));

test('/metrics counts the resolver cache: hits, misses, coalesced lookups', T, () => withServer([], async (srv) => {
  await fakeFaults([{ action: 'delay', delay_ms: 300, times: 1, match: 'claude-sonnet-4-0' }]);
  // Three at once share one lookup; a fourth later is a hit.
  const rs = await Promise.all([1, 2, 3].map(() => srv.get('/resolve?alias=claude-sonnet-4-0')));
  for (const r of rs) assert.equal(r.status, 200);
  assert.equal((await srv.get('/resolve?alias=claude-sonnet-4-0')).status, 200);
  const m = await scrape(srv);
  assert.equal(sample(m.resolver_lookups_total), 1);
  assert.equal(sample(m.resolver_cache_misses_total), 3);
  assert.equal(sample(m.resolver_coalesced_total), 2);
  assert.equal(sample(m.resolver_cache_hits_total), 1);
  assert.equal(sample(m.resolver_cache_entries), 1);
  assert.equal(m.resolver_cache_entries.type, 'GAUGE');
}));

// ------------------------------------------------------------- /models

async function listRequests() {
  const rs = await (await fetch(fakeUrl + '/_fake/requests')).json();
  return rs.filter((r) => r.path === '/v1/models');
}

test('/models: one walk for many requests at once, then cached with the TTL', T, () => withServer(['--page-size', '20', '--cache-ttl-ms', '60000'], async (srv) => {
  await fakeReset();
  await fakeFaults([{ action: 'delay', delay_ms: 300, times: 1, match: '/v1/models?' }]);
  const rs = await Promise.all([1, 2, 3, 4, 5].map(() => srv.get('/models')));
  const bodies = await Promise.all(rs.map((r) => r.text()));
  for (const r of rs) assert.equal(r.status, 200);
  for (const b of bodies) assert.equal(b, bodies[0]);
  const pages = (await listRequests()).length;
  const listed = catalogue.models.filter((m) => m.lifecycle !== 'retired').length;
  assert.equal(pages, Math.ceil(listed / 20), 'one walk');
  assert.equal(JSON.parse(bodies[0]).length, listed);
  const again = await srv.get('/models');
  assert.equal(await again.text(), bodies[0]);
  assert.equal((await listRequests()).length, pages, 'from the cache');
  assert.equal(maxAge(again) + Number(again.headers.get('age') ?? 0), 60);
  const etag = again.headers.get('etag');
  assert.equal((await srv.get('/models', { headers: { 'if-none-match': etag } })).status, 304);
  await srv.waitLog(/"path":"\/models".*"cache":"hit"/);
}));

test('/models: the last good list is served stale when the upstream fails', T, () => withServer(['--cache-ttl-ms', '0'], async (srv) => {
  const fresh = await srv.get('/models');
  const body = await fresh.text();
  assert.equal(fresh.status, 200);
  await fakeFaults([{ action: 'respond', status: 503, times: 1, match: '/v1/models?',
    headers: { 'x-should-retry': 'false' } }]);
  const r = await srv.get('/models');
  assertStale(r);
  assert.equal(await r.text(), body);
  // A refusal (403) is not hidden.
  await fakeFaults([{ action: 'respond', status: 403, times: 1, match: '/v1/models?' }]);
  assert.equal((await srv.get('/models')).status, 403);
}));

// -------------------------------------------------------------- health

async function probes(url) {
  const rs = await (await fetch(url + '/_fake/requests')).json();
  return rs.filter((r) => r.path === '/v1/models' && String(r.query.limit) === '1').length;
}

test('/healthz is 200 while the process lives, whatever the upstream', T, async () => {
  const own = await startFake();
  const srv = await startServer([], {}, own.url);
  try {
    for (const method of ['GET', 'HEAD']) {
      const r = await srv.get('/healthz', { method });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.equal(await r.text(), method === 'GET' ? '{"status":"ok"}' : '');
    }
    own.proc.kill('SIGKILL');
    await new Promise((r) => own.proc.once('exit', r));
    assert.equal((await srv.get('/healthz')).status, 200);
  } finally {
    own.proc.kill('SIGKILL');
    await srv.stop();
  }
});

test('/readyz probes the upstream once for many, then trusts a recent answer', T, async () => {
  const srv = await startServer(['--ready-window', '600']);
  try {
    await fakeReset();
    await fakeFaults([{ action: 'delay', delay_ms: 300, times: 1, match: 'limit=1' }]);
    const rs = await Promise.all([1, 2, 3].map(() => srv.get('/readyz')));
    for (const r of rs) {
      assert.equal(r.status, 200);
      assert.equal((await r.json()).ready, true);
    }
    assert.equal(await probes(fakeUrl), 1);
    assert.equal((await srv.get('/readyz')).status, 200);
    assert.equal(await probes(fakeUrl), 1, 'within the window: no probe');
  } finally {
    await fakeReset();
    await srv.stop();
  }
  // An answer to a lookup counts as the upstream answering.
  const srv2 = await startServer(['--ready-window', '600']);
  try {
    await fakeReset();
    assert.equal((await srv2.get('/resolve?alias=claude-sonnet-4-0')).status, 200);
    assert.equal((await srv2.get('/readyz')).status, 200);
    assert.equal(await probes(fakeUrl), 0);
  } finally {
    await srv2.stop();
  }
});

test('/readyz is 503 with the reason when the upstream is down or refuses', T, async () => {
  const own = await startFake();
  const srv = await startServer(['--ready-window', '0'], {}, own.url);
  try {
    assert.equal((await srv.get('/readyz')).status, 200);
    await fetch(own.url + '/_fake/faults', { method: 'POST', body: JSON.stringify([
      { action: 'respond', status: 401, times: 1, match: 'limit=1' }]) });
    const r401 = await srv.get('/readyz');
    assert.equal(r401.status, 503);
    const b401 = await r401.json();
    assert.equal(b401.ready, false);
    assert.equal(b401.error.kind, 'http');
    assert.equal(b401.error.status, 401);
    assert.match(b401.error.request_id, /^req_fake_/);
    own.proc.kill('SIGKILL');
    await new Promise((r) => own.proc.once('exit', r));
    const down = await srv.get('/readyz');
    assert.equal(down.status, 503);
    assert.equal((await down.json()).error.kind, 'connection');
    assert.equal((await srv.get('/healthz')).status, 200);
  } finally {
    own.proc.kill('SIGKILL');
    await srv.stop();
  }
});

// ------------------------------------------------------------- signals

test('SIGHUP is logged and ignored: the server answers on, SIGTERM still ends it', T, async () => {
  const srv = await startServer();
  try {
    srv.proc.kill('SIGHUP');
    await srv.waitLog(/SIGHUP: ignored/);
    srv.proc.kill('SIGHUP');
    await srv.waitLog(/SIGHUP: ignored/, 2);
    assert.equal((await srv.get('/healthz')).status, 200);
    assert.equal((await srv.get('/resolve?alias=claude-sonnet-4-0')).status, 200);
  } finally {
    assert.deepEqual(await srv.stop(), { code: 0, signal: null });
  }
});

// ---------------------------------------------------------- deployment

test('--api-key-file reads the key from a file (a systemd credential)', T, async () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'rs-key-'));
  try {
    const file = path.join(dir, 'api-key');
    fs.writeFileSync(file, 'fake-key\n', { mode: 0o600 });
    // The file wins over the environment (whose key the fake refuses).
    const srv = await startServer(['--api-key-file', file], { ANTHROPIC_API_KEY: 'wrong-key' });
    try {
      await fakeReset();
      assert.equal((await srv.get('/resolve?alias=claude-sonnet-4-0')).status, 200);
      const [req] = await (await fetch(fakeUrl + '/_fake/requests')).json();
      assert.equal(req.headers['x-api-key'], 'fake-key');
    } finally {
      await srv.stop();
    }
    const r = run(['--listen', '127.0.0.1:0', '--api-key-file', path.join(dir, 'missing')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--api-key-file .*missing: No such file/);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test('meson install puts resolve-server in bindir (-Dserver)', T, (t) => {
  if (process.env.RESOLVE_SERVER_INSTALLED !== 'true') return t.skip('-Dserver=disabled');
  const r = spawnSync('meson', ['introspect', '--installed', process.env.MESON_BUILD_ROOT], { encoding: 'utf8' });
  if (r.error) return t.skip('no meson on PATH');
  assert.equal(r.status, 0, r.stderr);
  const installed = JSON.parse(r.stdout);
  const built = Object.keys(installed).find((k) => k.endsWith('/resolve-server'));
  assert.ok(built, JSON.stringify(installed));
  assert.match(installed[built], /\/bin\/resolve-server$/);
});

test('stale-if-error covers a 429 and a timeout, and /metrics names the kinds', T, () => withServer(['--cache-ttl-ms', '0', '--upstream-timeout-ms', '300'], async (srv) => {
  const p = '/resolve?alias=claude-haiku-4-5';
  const fresh = await srv.get(p);
  const body = await fresh.text();
  assert.equal(fresh.status, 200);
  await fakeFaults([{ action: 'respond', status: 429, times: 1, match: 'claude-haiku-4-5',
    headers: { 'x-should-retry': 'false' } }]);
  const r429 = await srv.get(p);
  assertStale(r429);
  assert.equal(await r429.text(), body);
  // Every attempt hangs past --upstream-timeout-ms.
  await fakeFaults([{ action: 'hang', times: 3, match: 'claude-haiku-4-5' }]);
  const slow = await srv.get(p);
  assertStale(slow);
  assert.equal(await slow.text(), body);
  const m = await scrape(srv);
  assert.equal(sample(m.upstream_errors_total, { kind: 'http_429' }), 1);
  assert.equal(sample(m.upstream_errors_total, { kind: 'timeout' }), 3);
  assert.equal(sample(m.upstream_giveups_total), 1);
  assert.equal(sample(m.stale_answers_total), 2);
}));

test('an upstream request id that would end a header line is defused', T, () => withServer([], async (srv) => {
  // No request-id header: the library takes the error body's.
  await fakeFaults([{ action: 'respond', status: 404, times: 1, match: 'evil-alias',
    headers: { 'request-id': '' },
    body: JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'x' },
      request_id: 'req_1\r\nX-Evil: 1' }) }]);
  const r = await srv.get('/resolve?alias=evil-alias');
  assert.equal(r.status, 404);
  assert.equal(r.headers.get('x-evil'), null);
  assert.match(r.headers.get('request-id') ?? '', /^[\w.:?-]*$/);
  assert.doesNotMatch(JSON.stringify(accessLines(srv.log)), /X-Evil: 1/);
  await r.text();
}));

test('/models: waiters that go away leave the walk, which still fills the cache', T, () => withServer(['--cache-ttl-ms', '60000', '--log-level', 'debug'], async (srv) => {
  await fakeReset();
  await fakeFaults([{ action: 'delay', delay_ms: 300, times: 1, match: '/v1/models?' }]);
  const port = Number(new URL(srv.url).port);
  const net = require('node:net');
  for (let i = 0; i < 3; i++) {
    const s = net.connect(port, '127.0.0.1', () => s.write('GET /models HTTP/1.1\r\nHost: x\r\n\r\n'));
    s.on('error', () => {});
    setTimeout(() => s.resetAndDestroy(), 50); // a reset: it is gone
  }
  await srv.waitLog(/client gone/, 3);
  await srv.waitLog(/models -> \d+, ok/);
  const pages = (await listRequests()).length;
  const r = await srv.get('/models');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-stale'), null);
  assert.equal((await listRequests()).length, pages, 'answered from the cache the walk filled');
}));
