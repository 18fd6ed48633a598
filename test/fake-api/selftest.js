'use strict';
// Self-test of the fake Models API: node --test test/fake-api/selftest.js
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { models, aliases, lifecycleOf } = require('./catalogue.js');

const SERVER = path.join(__dirname, 'server.js');
const AUTH = { 'x-api-key': 'fake-key', 'anthropic-version': '2023-06-01' };
let child, base;

function startServer(args = []) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [SERVER, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.setEncoding('utf8');
    c.stdout.on('data', (d) => {
      out += d;
      const m = /^listening (http:\/\/127\.0\.0\.1:(\d+))\n/.exec(out);
      if (m) resolve({ child: c, base: m[1], out: () => out });
    });
    c.on('exit', (code) => reject(new Error(`server exited early: ${code}`)));
  });
}

function waitExit(c) {
  return new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve(c.exitCode);
    c.once('exit', (code) => resolve(code));
  });
}

// One request on a fresh connection. Resolves {status, headers, body, json}
// or {error} when the connection breaks.
function request(p, { method = 'GET', headers = AUTH, body, timeout } = {}) {
  return new Promise((resolve) => {
    const req = http.request(base + p, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (e) => resolve({ error: e, status: res.statusCode }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, body: text, json, complete: res.complete });
      });
    });
    req.on('error', (e) => resolve({ error: e }));
    if (timeout) req.setTimeout(timeout, () => req.destroy(new Error('client timeout')));
    req.end(body);
  });
}
const get = (p, o) => request(p, o);
const control = (p, body) => request(p, { method: body === undefined ? 'GET' : 'POST',
  headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
const fault = (specs) => control('/_fake/faults', specs);

const listed = models.filter((m) => lifecycleOf(m) !== 'retired').map((m) => m.id);

before(async () => {
  ({ child, base } = await startServer());
});
after(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await waitExit(child);
  }
});

test('catalogue shape', () => {
  assert.ok(models.length >= 57);
  const counts = {};
  for (const m of models) counts[lifecycleOf(m)] = (counts[lifecycleOf(m)] || 0) + 1;
  assert.ok(counts.retired >= 5 && counts.deprecated >= 8);
  for (const t of Object.values(aliases)) assert.ok(models.some((m) => m.id === t));
});

test('auth and version', async () => {
  let r = await get('/v1/models', { headers: { 'anthropic-version': '2023-06-01' } });
  assert.equal(r.status, 401);
  assert.equal(r.json.error.type, 'authentication_error');
  r = await get('/v1/models', { headers: { 'x-api-key': 'wrong', 'anthropic-version': '2023-06-01' } });
  assert.equal(r.status, 401);
  r = await get('/v1/models', { headers: { authorization: 'Bearer fake-token', 'anthropic-version': '2023-06-01' } });
  assert.equal(r.status, 200);
  r = await get('/v1/models', { headers: { 'x-api-key': 'fake-key' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.type, 'invalid_request_error');
});

test('retrieve by id and alias, 404 shape', async () => {
  let r = await get('/v1/models/claude-sonnet-4-20250514');
  assert.equal(r.status, 200);
  assert.equal(r.json.id, 'claude-sonnet-4-20250514');
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.headers['anthropic-ratelimit-requests-limit'], '1000');
  assert.match(r.headers['anthropic-ratelimit-requests-reset'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  r = await get('/v1/models/claude-sonnet-4-0?beta=true');
  assert.equal(r.json.id, 'claude-sonnet-4-20250514');
  r = await get('/v1/models/claude-3-5-sonnet-20240620');
  assert.equal(r.json.lifecycle, 'retired');
  r = await get('/v1/models/claude-release-unknown');
  assert.equal(r.json.created_at, '1970-01-01T00:00:00Z');
  r = await get('/v1/models/no%20such%2Fmodel');
  assert.equal(r.status, 404);
  assert.deepEqual(Object.keys(r.json), ['type', 'error', 'request_id']);
  assert.equal(r.json.type, 'error');
  assert.equal(r.json.error.type, 'not_found_error');
  assert.equal(r.json.error.message, 'model: no such/model');
  assert.match(r.headers['request-id'], /^req_fake_\d+$/);
  assert.equal(r.headers['request-id'], r.json.request_id);
  r = await get('/v1/nothing');
  assert.equal(r.status, 404);
  r = await get('/v1/models', { method: 'POST' });
  assert.equal(r.status, 405);
});

test('list default page', async () => {
  const r = await get('/v1/models');
  assert.equal(r.status, 200);
  assert.equal(r.json.data.length, 20);
  assert.equal(r.json.has_more, true);
  assert.deepEqual(r.json.data.map((m) => m.id), listed.slice(0, 20));
  assert.equal(r.json.first_id, listed[0]);
  assert.equal(r.json.last_id, listed[19]);
});

test('walk forward with after_id, pages of 7', async () => {
  const seen = [];
  let after = null;
  for (;;) {
    const r = await get(`/v1/models?limit=7${after ? `&after_id=${after}` : ''}`);
    assert.equal(r.status, 200);
    seen.push(...r.json.data.map((m) => m.id));
    if (!r.json.has_more || r.json.data.length === 0) break;
    after = r.json.last_id;
  }
  assert.deepEqual(seen, listed);
});

test('walk backward with before_id', async () => {
  const seen = [];
  let r = await get('/v1/models?limit=1000');
  assert.equal(r.json.has_more, false);
  assert.deepEqual(r.json.data.map((m) => m.id), listed);
  let cursor = listed[listed.length - 1];
  const expected = listed.slice(0, -1);
  for (;;) {
    r = await get(`/v1/models?limit=7&before_id=${cursor}`);
    assert.equal(r.status, 200);
    seen.unshift(...r.json.data.map((m) => m.id));
    if (!r.json.has_more || r.json.data.length === 0) break;
    cursor = r.json.first_id;
  }
  assert.deepEqual(seen, expected);
  r = await get(`/v1/models?before_id=${listed[0]}`);
  assert.deepEqual(r.json, { data: [], has_more: false, first_id: null, last_id: null });
});

test('lifecycle filter', async () => {
  let r = await get('/v1/models?lifecycle[]=retired&limit=1000');
  const retired = models.filter((m) => lifecycleOf(m) === 'retired').map((m) => m.id);
  assert.deepEqual(r.json.data.map((m) => m.id), retired);
  r = await get('/v1/models?lifecycle%5B%5D=active&lifecycle%5B%5D=deprecated&lifecycle%5B%5D=retired&limit=1000');
  assert.deepEqual(r.json.data.map((m) => m.id), models.map((m) => m.id));
  r = await get('/v1/models?lifecycle[]=bogus');
  assert.equal(r.status, 400);
});

test('limit and cursor validation', async () => {
  for (const q of ['limit=0', 'limit=1001', 'limit=abc', 'limit=2.5', 'limit=-1',
    `after_id=${listed[0]}&before_id=${listed[3]}`, 'after_id=nope', 'before_id=nope']) {
    const r = await get(`/v1/models?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.json.error.type, 'invalid_request_error', q);
    assert.equal(r.headers['request-id'], r.json.request_id);
  }
  const r = await get('/v1/models?limit=1');
  assert.equal(r.json.data.length, 1);
});

test('request recording and reset', async () => {
  assert.deepEqual((await control('/_fake/reset', {})).json, { ok: true });
  await get('/v1/models/claude-opus-4-1%2Dx?beta=true&lifecycle[]=a%20b',
    { headers: { ...AUTH, 'x-stainless-retry-count': '0' } });
  await get('/v1/models', { headers: {} });
  const recs = (await control('/_fake/requests')).json;
  assert.equal(recs.length, 2);
  assert.equal(recs[0].seq, 1);
  assert.equal(recs[0].method, 'GET');
  assert.equal(recs[0].path, '/v1/models/claude-opus-4-1%2Dx');
  assert.deepEqual(recs[0].query, { beta: ['true'], 'lifecycle[]': ['a b'] });
  assert.equal(recs[0].headers['x-stainless-retry-count'], '0');
  assert.equal(recs[0].headers['x-api-key'], 'fake-key');
  assert.equal(recs[0].status, 404);
  assert.equal(recs[1].status, 401);
  assert.ok(recs[1].t_ms >= recs[0].t_ms);
  assert.equal(recs[0].http_version, '1.1');
  assert.equal(recs[1].http_version, '1.1');
  const cat = (await control('/_fake/catalogue')).json;
  assert.equal(cat.models.length, models.length);
  assert.deepEqual(cat.aliases, aliases);
});

test('faults: respond', async () => {
  await control('/_fake/reset', {});
  await fault([{ match: 'claude-opus-4-1', status: 529, headers: { 'x-should-retry': 'true' }, times: 2 },
    { status: 429, headers: { 'retry-after-ms': '12.5' }, body: { custom: 1 } }]);
  let r = await get('/v1/models');           // no match for the first spec
  assert.equal(r.status, 429);
  assert.equal(r.headers['retry-after-ms'], '12.5');
  assert.deepEqual(r.json, { custom: 1 });
  r = await get('/v1/models/claude-opus-4-1');
  assert.equal(r.status, 529);
  assert.equal(r.headers['x-should-retry'], 'true');
  assert.equal(r.json.error.type, 'overloaded_error');
  assert.equal(r.json.request_id, r.headers['request-id']);
  r = await get('/v1/models/claude-opus-4-1');
  assert.equal(r.status, 529);
  r = await get('/v1/models/claude-opus-4-1');
  assert.equal(r.status, 200);
  const recs = (await control('/_fake/requests')).json;
  assert.deepEqual(recs.map((x) => x.status), [429, 529, 529, 200]);
});

test('faults: html, empty, invalid_json, wrong_types', async () => {
  await fault([{ action: 'html', status: 502 }, { action: 'empty', status: 503 },
    { action: 'invalid_json' }, { action: 'wrong_types' }]);
  let r = await get('/v1/models');
  assert.equal(r.status, 502);
  assert.match(r.headers['content-type'], /^text\/html/);
  assert.match(r.body, /<html>/);
  r = await get('/v1/models');
  assert.equal(r.status, 503);
  assert.equal(r.body, '');
  r = await get('/v1/models');
  assert.equal(r.status, 200);
  assert.equal(r.body, '{"id": "x",');
  r = await get('/v1/models/claude-opus-5');
  assert.equal(typeof r.json.id, 'number');
  assert.equal(typeof r.json.max_tokens, 'string');
});

test('faults: endless_list pages on after any endless-N cursor, never ending', async () => {
  await fault([{ action: 'endless_list', match: '/v1/models?', times: 2 }]);
  let r = await get('/v1/models?limit=3');
  assert.deepEqual(r.json.data.map((m) => m.id), ['endless-0', 'endless-1', 'endless-2']);
  assert.equal(r.json.has_more, true);
  assert.equal(r.json.last_id, 'endless-2');
  r = await get(`/v1/models?limit=3&after_id=${r.json.last_id}`);
  assert.deepEqual(r.json.data.map((m) => m.id), ['endless-3', 'endless-4', 'endless-5']);
  assert.equal(r.json.has_more, true);
});

test('faults: reset_before, reset_during, truncate', async () => {
  await control('/_fake/reset', {});
  await fault([{ action: 'reset_before' }, { action: 'reset_during' }, { action: 'truncate' }]);
  let r = await get('/v1/models');
  assert.ok(r.error, 'reset_before breaks the connection');
  r = await get('/v1/models');
  assert.ok(r.error || r.complete === false, 'reset_during breaks the body');
  assert.equal(r.status, 200);
  r = await get('/v1/models');
  assert.ok(r.error || r.complete === false, 'truncate gives a short body');
  assert.equal(r.status, 200);
  const recs = (await control('/_fake/requests')).json;
  assert.deepEqual(recs.map((x) => x.status), [0, 200, 200]);
});

test('faults: hang, delay, huge', async () => {
  await control('/_fake/reset', {});
  await fault([{ action: 'hang' }, { action: 'delay', delay_ms: 300 },
    { action: 'huge', bytes: 3000000 }]);
  let r = await get('/v1/models', { timeout: 300 });
  assert.equal(r.error.message, 'client timeout');
  let t = Date.now();
  r = await get('/v1/models/claude-haiku-5');
  assert.ok(Date.now() - t >= 280);
  assert.equal(r.json.id, 'claude-haiku-5-20260320');
  r = await get('/v1/models');
  assert.equal(r.status, 200);
  assert.equal(Buffer.byteLength(r.body), 3000000);
  assert.equal(r.json.data.length, 1);
  const recs = (await control('/_fake/requests')).json;
  assert.deepEqual(recs.map((x) => x.status), [0, 200, 200]);
});

test('1000 concurrent keep-alive connections', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const one = () => new Promise((resolve, reject) => {
    http.get(base + '/v1/models?limit=1', { headers: AUTH, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject);
  });
  const statuses = await Promise.all(Array.from({ length: 1000 }, one));
  assert.ok(statuses.every((s) => s === 200));
  agent.destroy();
});

test('server exits on stdin EOF and on SIGINT', async () => {
  const a = await startServer();
  a.child.stdin.end();
  assert.equal(await waitExit(a.child), 0);
  assert.equal(a.out(), a.out().split('\n')[0] + '\n'); // one stdout line only
  const b = await startServer(['--api-key', 'k2']);
  b.child.kill('SIGINT');
  assert.equal(await waitExit(b.child), 0);
});

test('faults: reset_idle answers, then resets the connection a reused request is on', async () => {
  await control('/_fake/reset', {});
  await fault([{ action: 'reset_idle', delay_ms: 150 }]);
  const u = new URL(base);
  const reqText = (p) => `GET ${p} HTTP/1.1\r\nhost: ${u.host}\r\nx-api-key: fake-key\r\n` +
    'anthropic-version: 2023-06-01\r\n\r\n';
  const got = await new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname);
    let text = '';
    let second = null; // what arrives after the second request was sent
    sock.setEncoding('utf8');
    sock.on('data', (d) => {
      if (second !== null) { second += d; return; }
      text += d;
      const m = /content-length: (\d+)\r\n[^]*?\r\n\r\n/i.exec(text);
      if (m && text.length >= m.index + m[0].length + Number(m[1])) {
        second = '';
        sock.write(reqText('/v1/models?limit=2')); // reuses the kept-alive socket
      }
    });
    sock.on('error', (e) => resolve({ first: text, second, code: e.code }));
    sock.on('close', () => resolve({ first: text, second, code: 'closed cleanly' }));
    sock.on('timeout', () => reject(new Error('no reset')));
    sock.setTimeout(5000);
    sock.write(reqText('/v1/models?limit=1'));
  });
  assert.match(got.first, /^HTTP\/1\.1 200 /);
  assert.doesNotMatch(got.first, /connection: close/i);
  assert.equal(got.second, '', 'the reused connection answers nothing');
  assert.equal(got.code, 'ECONNRESET');
  const recs = (await control('/_fake/requests')).json;
  assert.deepEqual(recs.map((x) => [x.query.limit[0], x.status]), [['1', 200], ['2', 0]]);
  // Only that connection: a new one is answered.
  assert.equal((await get('/v1/models?limit=3')).status, 200);
});

// ---------------------------------------------------------------- soak support
// (--fault-rate, --seed, --no-record, /_fake/stats, stall_during)

// Like request(), against another server's base URL.
function requestAt(b, p, opts) {
  const saved = base;
  base = b;
  try { return request(p, opts); } finally { base = saved; }
}
async function stop(s) {
  s.child.kill('SIGTERM');
  await waitExit(s.child);
}

// A fake API of the test's own started with `args` and an HTTP/2 session
// to it, for `body(s, session)`; both closed after, whatever it did.
async function withH2Session(args, body) {
  const s = await startServer(args);
  const session = await h2connect(s.base);
  try {
    return await body(s, session);
  } finally {
    session.close();
    await stop(s);
  }
}
// What a client sees of one request, as a label of the fault behind it.
function outcome(r, ms) {
  if (r.error && r.status === undefined) return 'reset_before';
  if (r.error || r.complete === false) return 'broken_body';
  if (r.status !== 200) return `status_${r.status}`;
  return ms >= 45 ? 'delayed' : 'ok';
}
async function timedGet(b, p) {
  const t = Date.now();
  const r = await requestAt(b, p);
  return { r, ms: Date.now() - t };
}

test('/_fake/stats counts API requests and queued faults, not itself', async () => {
  await control('/_fake/reset', {});
  let st = (await control('/_fake/stats')).json;
  assert.deepEqual(st.requests, 0);
  assert.deepEqual(st.faults, 0);
  assert.deepEqual(st.by_action, {});
  assert.equal(st.fault_rate, 0);
  assert.equal(typeof st.seed, 'number');
  await fault([{ status: 503 }, { action: 'reset_before' }]);
  await get('/v1/models');
  await get('/v1/models');
  await get('/v1/models/claude-opus-4-0');
  await control('/_fake/requests');
  st = (await control('/_fake/stats')).json;
  assert.equal(st.requests, 3);
  assert.equal(st.faults, 2);
  assert.deepEqual(st.by_action, { respond_503: 1, reset_before: 1 });
  assert.equal((await control('/_fake/requests')).json.length, 3);
  await control('/_fake/reset', {});
  st = (await control('/_fake/stats')).json;
  assert.equal(st.requests, 0);
  assert.equal(st.faults, 0);
});

test('--fault-rate 1 faults every request with each of the 8 faults', async () => {
  const s = await startServer(['--fault-rate', '1', '--seed', '7', '--no-record']);
  try {
    const seen = {};
    const N = 240;
    for (let i = 0; i < N; i++) {
      const { r, ms } = await timedGet(s.base, '/v1/models/claude-opus-4-1');
      const o = outcome(r, ms);
      seen[o] = (seen[o] || 0) + 1;
      if (o === 'status_429') assert.equal(r.headers['retry-after-ms'], '20');
      if (o.startsWith('status_')) assert.equal(r.json.request_id, r.headers['request-id']);
      if (o === 'delayed') assert.equal(r.json.id, 'claude-opus-4-1-20250805');
    }
    assert.equal(seen.ok, undefined, 'no request escapes a fault');
    for (const k of ['status_500', 'status_503', 'status_529', 'status_429',
      'reset_before', 'broken_body', 'delayed'])
      assert.ok(seen[k] > 0, `${k} seen`);
    const st = (await requestAt(s.base, '/_fake/stats')).json;
    assert.equal(st.requests, N);
    assert.equal(st.faults, N);
    assert.equal(st.fault_rate, 1);
    assert.equal(st.seed, 7);
    assert.deepEqual(Object.keys(st.by_action).sort(), ['delay', 'reset_before', 'reset_during',
      'respond_429', 'respond_500', 'respond_503', 'respond_529', 'truncate']);
    assert.equal(Object.values(st.by_action).reduce((a, b) => a + b, 0), N);
    assert.equal(st.by_action.respond_500, seen.status_500);
    assert.equal(st.by_action.respond_429, seen.status_429);
    assert.equal(st.by_action.reset_before, seen.reset_before);
    assert.equal(st.by_action.reset_during + st.by_action.truncate, seen.broken_body);
    assert.equal(st.by_action.delay, seen.delayed);
    // --no-record: nothing kept.
    assert.deepEqual((await requestAt(s.base, '/_fake/requests')).json, []);
    // Queued faults still come first.
    await requestAt(s.base, '/_fake/faults', { method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ status: 418, body: { queued: true }, times: 3 }]) });
    for (let i = 0; i < 3; i++) {
      const r = await requestAt(s.base, '/v1/models');
      assert.equal(r.status, 418);
      assert.deepEqual(r.json, { queued: true });
    }
    const st2 = (await requestAt(s.base, '/_fake/stats')).json;
    assert.equal(st2.by_action.respond_418, 3);
    assert.equal(st2.faults, N + 3);
  } finally {
    await stop(s);
  }
});

test('--seed makes random faults repeatable; --fault-rate 0.3 faults some', async () => {
  const run = async (args) => {
    const s = await startServer(args);
    try {
      const seq = [];
      for (let i = 0; i < 60; i++) {
        const { r, ms } = await timedGet(s.base, '/v1/models?limit=2');
        seq.push(outcome(r, ms));
      }
      return { seq, st: (await requestAt(s.base, '/_fake/stats')).json };
    } finally {
      await stop(s);
    }
  };
  const a = await run(['--fault-rate', '0.3', '--seed', '12345']);
  const b = await run(['--fault-rate', '0.3', '--seed', '12345']);
  // Delays can blur "ok" and "delayed" timing only upward, so compare stats
  // and the non-timing outcomes.
  assert.deepEqual(a.st, b.st);
  const strip = (q) => q.map((o) => (o === 'delayed' ? 'ok' : o));
  assert.deepEqual(strip(a.seq), strip(b.seq));
  assert.ok(a.st.faults > 5 && a.st.faults < 40, `faults ${a.st.faults} of 60`);
  assert.equal(a.st.requests, 60);
  // Every request without a fault is answered (a busy machine can make
  // one slow enough to look delayed: counted with the ok ones).
  assert.ok(strip(a.seq).filter((o) => o === 'ok').length >= 60 - a.st.faults);
});

test('bad --fault-rate and --seed are usage errors', async () => {
  for (const args of [['--fault-rate', '1.5'], ['--fault-rate', '-0.1'], ['--fault-rate', 'x'],
    ['--seed', '-1'], ['--seed', '1.5']]) {
    const c = spawn(process.execPath, [SERVER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    assert.equal(await waitExit(c), 2, args.join(' '));
  }
});

test('faults: stall_during sends half the body and keeps the socket open', async () => {
  await control('/_fake/reset', {});
  const normal = await get('/v1/models/claude-haiku-5');
  const want = Buffer.byteLength(normal.body);
  await fault([{ action: 'stall_during', match: 'claude-haiku-5' }]);
  const got = await new Promise((resolve, reject) => {
    const req = http.get(base + '/v1/models/claude-haiku-5', { headers: AUTH, agent: false }, (res) => {
      let n = 0;
      let closed = false;
      res.on('data', (c) => { n += c.length; });
      res.on('close', () => { closed = true; });
      // Nothing more arrives and the connection stays open.
      setTimeout(() => {
        const out = { status: res.statusCode, length: Number(res.headers['content-length']),
          received: n, closedEarly: closed, requestId: res.headers['request-id'] };
        req.destroy();
        resolve(out);
      }, 400);
    });
    req.on('error', (e) => { if (e.code !== 'ECONNRESET') reject(e); });
  });
  assert.equal(got.status, 200);
  assert.equal(got.length, want);
  assert.equal(got.received, Math.floor(want / 2));
  assert.equal(got.closedEarly, false);
  assert.match(got.requestId, /^req_fake_\d+$/);
  // The server is fine afterwards.
  const r = await get('/v1/models/claude-haiku-5');
  assert.equal(r.status, 200);
  const recs = (await control('/_fake/requests')).json;
  assert.equal(recs[recs.length - 2].status, 200);
  const st = (await control('/_fake/stats')).json;
  assert.deepEqual(st.by_action, { stall_during: 1 });
});

// ---------------------------------------------------------------- --h2c
// The same API over cleartext HTTP/2 (prior knowledge); faults act on one
// stream, never on the connection.
const http2 = require('node:http2');
const { NGHTTP2_INTERNAL_ERROR, NGHTTP2_PROTOCOL_ERROR } = http2.constants;

// One request as a new stream on `session`. Resolves {status, headers, body,
// json, bytes, ended (clean END_STREAM seen), error, rstCode}.
function h2request(session, p, { method = 'GET', headers = AUTH, body } = {}) {
  return new Promise((resolve) => {
    const st = session.request({ ':method': method, ':path': p, ...headers },
      { endStream: body === undefined });
    const chunks = [];
    let status, hdrs, error, ended = false;
    st.on('response', (h) => { status = h[':status']; hdrs = h; });
    st.on('data', (c) => chunks.push(c));
    st.on('end', () => { ended = true; });
    st.on('error', (e) => { error = e; });
    st.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json;
      try { json = JSON.parse(text); } catch { /* not JSON */ }
      resolve({ status, headers: hdrs, body: text, json, bytes: Buffer.byteLength(text),
        ended, error, rstCode: st.rstCode });
    });
    if (body !== undefined) st.end(body);
  });
}
const h2control = (session, p, body) => h2request(session, p,
  { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
function h2connect(b) {
  return new Promise((resolve, reject) => {
    const session = http2.connect(b);
    session.once('remoteSettings', () => resolve(session));
    session.once('error', reject);
  });
}

// The frames the server sends for two GETs on streams 1 and 3 of one raw
// connection (HPACK literals, no Huffman): [{type, flags, stream, length,
// code}] in wire order, read for `ms` milliseconds.
const FRAME_TYPES = { 0: 'DATA', 1: 'HEADERS', 3: 'RST_STREAM', 4: 'SETTINGS', 6: 'PING',
  7: 'GOAWAY', 8: 'WINDOW_UPDATE' };
function rawFrames(b, p, ms = 300) {
  const port = Number(new URL(b).port);
  const lit = (n, v) => Buffer.concat([Buffer.from([0, n.length]), Buffer.from(n),
    Buffer.from([v.length]), Buffer.from(v)]);
  const block = Buffer.concat([lit(':method', 'GET'), lit(':path', p), lit(':scheme', 'http'),
    lit(':authority', 'x'), lit('x-api-key', 'fake-key'), lit('anthropic-version', '2023-06-01')]);
  const frame = (type, flags, id, payload) => {
    const h = Buffer.alloc(9);
    h.writeUIntBE(payload.length, 0, 3);
    h[3] = type; h[4] = flags; h.writeUInt32BE(id, 5);
    return Buffer.concat([h, payload]);
  };
  return new Promise((resolve, reject) => {
    const chunks = [];
    const sock = net.connect(port, '127.0.0.1', () => {
      sock.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
        frame(4, 0, 0, Buffer.alloc(0)), frame(1, 5, 1, block), frame(1, 5, 3, block)]));
    });
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', reject);
    setTimeout(() => {
      sock.destroy();
      let buf = Buffer.concat(chunks);
      const out = [];
      while (buf.length >= 9) {
        const length = buf.readUIntBE(0, 3);
        const f = { type: FRAME_TYPES[buf[3]] || buf[3], flags: buf[4],
          stream: buf.readUInt32BE(5) & 0x7fffffff, length };
        if (f.type === 'RST_STREAM') f.code = buf.readUInt32BE(9);
        out.push(f);
        buf = buf.subarray(9 + length);
      }
      resolve(out.filter((f) => f.stream !== 0));
    }, ms);
  });
}

test('--h2c: retrieve, records with http_version 2.0, control routes', () => withH2Session(['--h2c'], async (s, session) => {
  assert.equal(session.remoteSettings.maxConcurrentStreams, 1000);
  let r = await h2request(session, '/v1/models/claude-opus-4-1');
  assert.equal(r.status, 200);
  assert.equal(r.json.id, 'claude-opus-4-1-20250805');
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(Number(r.headers['content-length']), r.bytes);
  assert.match(r.headers['request-id'], /^req_fake_\d+$/);
  assert.equal(r.headers['anthropic-ratelimit-requests-limit'], '1000');
  r = await h2request(session, '/v1/models?limit=3', { headers: { 'anthropic-version': '2023-06-01' } });
  assert.equal(r.status, 401);
  assert.equal(r.json.request_id, r.headers['request-id']);
  r = await h2request(session, '/v1/models?limit=3',
    { headers: { authorization: 'Bearer fake-token', 'anthropic-version': '2023-06-01' } });
  assert.equal(r.json.data.length, 3);
  const recs = (await h2control(session, '/_fake/requests')).json;
  assert.equal(recs.length, 3);
  assert.deepEqual(recs.map((x) => x.http_version), ['2.0', '2.0', '2.0']);
  assert.deepEqual(recs.map((x) => x.status), [200, 401, 200]);
  assert.equal(recs[0].path, '/v1/models/claude-opus-4-1');
  assert.deepEqual(recs[1].query, { limit: ['3'] });
  assert.equal(recs[0].headers['x-api-key'], 'fake-key');
  assert.ok(!Object.keys(recs[0].headers).some((k) => k.startsWith(':')), 'no pseudo-headers');
  assert.ok(recs[2].t_ms >= recs[0].t_ms);
  assert.deepEqual((await h2control(session, '/_fake/reset', {})).json, { ok: true });
  assert.equal((await h2control(session, '/_fake/stats')).json.requests, 0);
}));

test('--h2c: 50 concurrent streams on one session', () => withH2Session(['--h2c'], async (s, session) => {
  const ids = listed.slice(0, 50);
  const rs = await Promise.all(ids.map((id) => h2request(session, `/v1/models/${id}`)));
  assert.deepEqual(rs.map((r) => r.status), ids.map(() => 200));
  assert.deepEqual(rs.map((r) => r.json.id), ids);
  assert.equal(new Set(rs.map((r) => r.headers['request-id'])).size, 50);
  assert.equal((await h2control(session, '/_fake/stats')).json.requests, 50);
  assert.equal(session.closed, false);
}));

test('--h2c: reset_before, reset_during, truncate act on one stream only', () => withH2Session(['--h2c'], async (s, session) => {
  const want = (await h2request(session, '/v1/models?limit=5')).bytes;
  await h2control(session, '/_fake/faults', [
    { action: 'reset_before', match: 'claude-opus-4-0' },
    { action: 'reset_during', match: 'limit=5' },
    { action: 'truncate', match: 'limit=6' }]);
  // The three faulted streams run alongside 30 normal ones on the session.
  const normal = listed.slice(0, 30).map((id) => h2request(session, `/v1/models/${id}`));
  const [rb, rd, tr] = await Promise.all([
    h2request(session, '/v1/models/claude-opus-4-0'),
    h2request(session, '/v1/models?limit=5'),
    h2request(session, '/v1/models?limit=6')]);
  const rs = await Promise.all(normal);
  // reset_before: RST_STREAM, no response at all.
  assert.equal(rb.status, undefined);
  assert.equal(rb.rstCode, NGHTTP2_INTERNAL_ERROR);
  assert.equal(rb.error.code, 'ERR_HTTP2_STREAM_ERROR');
  // reset_during: headers with the full content-length, half the body,
  // then RST_STREAM.
  assert.equal(rd.status, 200);
  assert.equal(Number(rd.headers['content-length']), want);
  assert.equal(rd.bytes, Math.floor(want / 2));
  assert.ok(rd.bytes > 0);
  assert.equal(rd.ended, false);
  assert.equal(rd.rstCode, NGHTTP2_INTERNAL_ERROR);
  assert.match(rd.error.message, /NGHTTP2_INTERNAL_ERROR/);
  // truncate: fewer bytes than content-length. The server ends the stream
  // cleanly (checked on the wire below); node's nghttp2 notices the short
  // body itself and resets the stream with PROTOCOL_ERROR.
  assert.equal(tr.status, 200);
  const trWant = Number(tr.headers['content-length']);
  assert.equal(tr.bytes, Math.floor(trWant / 2));
  assert.ok(tr.bytes < trWant);
  assert.equal(tr.rstCode, NGHTTP2_PROTOCOL_ERROR);
  // The other streams and the session are unaffected.
  assert.ok(rs.every((r) => r.status === 200 && r.ended && r.json && r.error === undefined));
  assert.equal(session.closed, false);
  assert.equal(session.destroyed, false);
  const after = await h2request(session, '/v1/models/claude-opus-4-0');
  assert.equal(after.status, 200);
  // Recorded as in HTTP/1.1: 0 for reset_before, the status otherwise.
  const recs = (await h2control(session, '/_fake/requests')).json;
  const rec = (p, q) => recs.filter((x) => x.path === p && (!q || x.query.limit?.[0] === q))
    .map((x) => x.status);
  assert.deepEqual(rec('/v1/models/claude-opus-4-0'), [0, 200]);
  assert.deepEqual(rec('/v1/models', '5'), [200, 200]);
  assert.deepEqual(rec('/v1/models', '6'), [200]);
  assert.deepEqual((await h2control(session, '/_fake/stats')).json.by_action,
    { reset_before: 1, reset_during: 1, truncate: 1 });
}));

test('--h2c: on the wire, truncate ends cleanly and reset_during is RST_STREAM', async () => {
  const s = await startServer(['--h2c']);
  const queue = (specs) => requestH2Once(s.base, '/_fake/faults', specs);
  try {
    const only = (frames, id) => frames.filter((f) => f.stream === id && f.type !== 'WINDOW_UPDATE')
      .map((f) => (f.type === 'RST_STREAM' ? `RST_STREAM ${f.code}`
        : `${f.type}${f.flags & 1 ? ' END_STREAM' : ''}${f.type === 'DATA' && f.length ? ' data' : ''}`));
    const normal = ['HEADERS', 'DATA data', 'DATA END_STREAM'];
    // Stream 1 gets the fault, stream 3 (same connection) is normal.
    await queue([{ action: 'truncate' }]);
    let fr = await rawFrames(s.base, '/v1/models?limit=2');
    assert.deepEqual(only(fr, 1), normal);
    assert.deepEqual(only(fr, 3), normal);
    const data1 = fr.filter((f) => f.stream === 1 && f.type === 'DATA')
      .reduce((n, f) => n + f.length, 0);
    const data3 = fr.filter((f) => f.stream === 3 && f.type === 'DATA')
      .reduce((n, f) => n + f.length, 0);
    assert.equal(data1, Math.floor(data3 / 2));
    await queue([{ action: 'reset_during' }]);
    fr = await rawFrames(s.base, '/v1/models?limit=2');
    assert.deepEqual(only(fr, 1), ['HEADERS', 'DATA data', `RST_STREAM ${NGHTTP2_INTERNAL_ERROR}`]);
    assert.deepEqual(only(fr, 3), normal);
    await queue([{ action: 'reset_before' }]);
    fr = await rawFrames(s.base, '/v1/models?limit=2');
    assert.deepEqual(only(fr, 1), [`RST_STREAM ${NGHTTP2_INTERNAL_ERROR}`]);
    assert.deepEqual(only(fr, 3), normal);
    assert.ok(!fr.some((f) => f.type === 'GOAWAY'));
  } finally {
    await stop(s);
  }
});

test('--h2c: reset_during without content-length, whole, with an rst_code', async () => {
  const s = await startServer(['--h2c']);
  const session = await h2connect(s.base);
  try {
    const want = (await h2request(session, '/v1/models?limit=4')).bytes;
    await h2control(session, '/_fake/faults', [
      { action: 'reset_during', content_length: false, match: 'limit=4' },
      { action: 'reset_during', content_length: false, whole: true, rst_code: 0, match: 'limit=4' }]);
    const half = await h2request(session, '/v1/models?limit=4');
    assert.equal(half.status, 200);
    assert.equal(half.headers['content-length'], undefined);
    assert.equal(half.bytes, Math.floor(want / 2));
    assert.equal(half.rstCode, NGHTTP2_INTERNAL_ERROR);
    const whole = await h2request(session, '/v1/models?limit=4');
    assert.equal(whole.headers['content-length'], undefined);
    assert.equal(whole.bytes, want);
    assert.equal(whole.json.data.length, 4); // every byte, then RST_STREAM(NO_ERROR)
    assert.equal(whole.rstCode, 0);
    assert.equal(session.closed, false);
  } finally {
    session.close();
    await stop(s);
  }
  // On the wire: the whole body, no END_STREAM, then RST_STREAM(NO_ERROR).
  const t = await startServer(['--h2c']);
  try {
    await requestH2Once(t.base, '/_fake/faults',
      [{ action: 'reset_during', content_length: false, whole: true, rst_code: 0 }]);
    const fr = (await rawFrames(t.base, '/v1/models?limit=2')).filter((f) => f.stream === 1 &&
      f.type !== 'WINDOW_UPDATE');
    assert.deepEqual(fr.map((f) => `${f.type}${f.flags & 1 ? ' END_STREAM' : ''}`),
      ['HEADERS', 'DATA', 'RST_STREAM']);
    assert.equal(fr[2].code, 0);
  } finally {
    await stop(t);
  }
});

// A POST of `body` (JSON) on a short-lived session.
async function requestH2Once(b, p, body) {
  const session = await h2connect(b);
  try { return await h2control(session, p, body); } finally { session.close(); }
}

test('--h2c: stall_during, hang, delay, huge, statuses, html on one session', () => withH2Session(['--h2c'], async (s, session) => {
  await h2control(session, '/_fake/faults', [
    { action: 'stall_during', match: 'claude-haiku-5' },
    { action: 'hang', match: 'claude-opus-5' },
    { action: 'delay', delay_ms: 200, match: 'claude-sonnet-4-5' },
    { action: 'huge', bytes: 3000000, match: 'huge' },
    { status: 529, headers: { 'x-should-retry': 'true', connection: 'close' }, match: 'opus-4-0' },
    { action: 'html', match: 'html' }, { action: 'invalid_json', match: 'bad' }]);
  // stall_during and hang: streams that stay open while others complete.
  const open = (p) => new Promise((resolve) => {
    const st = session.request({ ':path': p, ...AUTH });
    let n = 0, closed = false, status;
    st.on('response', (h) => { status = h[':status']; });
    st.on('data', (c) => { n += c.length; });
    st.on('close', () => { closed = true; });
    st.on('error', () => {});
    setTimeout(() => { resolve({ status, n, closed }); st.close(); }, 400);
  });
  const t = Date.now();
  const [stall, hang, delayed, huge, r529, html, bad] = await Promise.all([
    open('/v1/models/claude-haiku-5'), open('/v1/models/claude-opus-5'),
    h2request(session, '/v1/models/claude-sonnet-4-5'),
    h2request(session, '/v1/models?huge'),
    h2request(session, '/v1/models/claude-opus-4-0'),
    h2request(session, '/v1/models?html'), h2request(session, '/v1/models/bad')]);
  assert.equal(stall.status, 200);
  assert.ok(stall.n > 0 && !stall.closed);
  assert.equal(hang.status, undefined);
  assert.ok(hang.n === 0 && !hang.closed);
  assert.equal(delayed.status, 200);
  assert.ok(Date.now() - t >= 190);
  assert.equal(huge.bytes, 3000000);
  assert.equal(huge.json.data.length, 1);
  assert.equal(r529.status, 529);
  assert.equal(r529.headers['x-should-retry'], 'true');
  assert.equal(r529.headers.connection, undefined); // not allowed in HTTP/2
  assert.equal(r529.json.error.type, 'overloaded_error');
  assert.equal(html.status, 502);
  assert.match(html.body, /<html>/);
  assert.equal(bad.body, '{"id": "x",');
  const recs = (await h2control(session, '/_fake/requests')).json;
  assert.equal(recs.length, 7);
  assert.ok(recs.every((x) => x.http_version === '2.0'));
  assert.equal(session.closed, false);
}));

test('--h2c --fault-rate 1: random faults on one session never kill it', () => withH2Session(['--h2c', '--fault-rate', '1', '--seed', '7'], async (s, session) => {
  const N = 160;
  const rs = await Promise.all(Array.from({ length: N },
    () => h2request(session, '/v1/models/claude-opus-4-1')));
  const seen = {};
  for (const r of rs) {
    const o = r.status === undefined ? 'reset_before'
      : r.error || !r.ended ? 'broken_body' : `status_${r.status}`;
    seen[o] = (seen[o] || 0) + 1;
  }
  const st = (await h2control(session, '/_fake/stats')).json;
  assert.equal(st.requests, N);
  assert.equal(st.faults, N);
  assert.equal(seen.reset_before, st.by_action.reset_before);
  assert.equal(seen.broken_body, st.by_action.reset_during + st.by_action.truncate);
  assert.equal(seen.status_500, st.by_action.respond_500);
  assert.equal(seen.status_200, st.by_action.delay);
  assert.equal(session.closed, false);
}));

test('count_tokens: POST a JSON body, its words counted, the body recorded', async () => {
  await control('/_fake/reset', {});
  const headers = Object.assign({ 'content-type': 'application/json' }, AUTH);
  const sent = JSON.stringify({ model: 'claude-sonnet-4-0', messages: [
    { role: 'user', content: 'Hello there, world' },
    { role: 'assistant', content: [{ type: 'text', text: 'two  words' }, { type: 'image' }] }] });
  let r = await request('/v1/messages/count_tokens', { method: 'POST', headers, body: sent });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { input_tokens: 5 });
  assert.match(r.headers['request-id'], /^req_fake_\d+$/);
  r = await request('/v1/messages/count_tokens', { method: 'POST', headers, body: '{"model":' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.type, 'invalid_request_error');
  assert.match(r.json.error.message, /^body: /);
  r = await request('/v1/messages/count_tokens', { method: 'POST', headers,
    body: JSON.stringify({ model: 'm', messages: [] }) });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.message, 'messages: Field required');
  r = await request('/v1/messages/count_tokens');
  assert.equal(r.status, 405);
  assert.equal(r.headers.allow, 'POST');
  r = await request('/v1/messages/count_tokens', { method: 'POST', headers: { 'anthropic-version': '2023-06-01' }, body: sent });
  assert.equal(r.status, 401);
  const seen = (await control('/_fake/requests')).json;
  assert.equal(seen[0].method, 'POST');
  assert.equal(seen[0].body, sent);
  assert.equal(seen[0].status, 200);
  assert.equal(seen[3].method, 'GET');
  assert.equal('body' in seen[3], false);
});

test('faults: respond with content_length false sends no Content-Length', async () => {
  await control('/_fake/reset', {});
  await fault([{ action: 'respond', status: 200, body: '{"input_tokens": 1', content_length: false }]);
  const r = await request('/v1/models');
  assert.equal(r.status, 200);
  assert.equal(r.body, '{"input_tokens": 1');
  assert.equal(r.headers['content-length'], undefined);
  assert.equal(r.headers['transfer-encoding'], 'chunked');
});

test('catalogue changes: an alias moved, a model deprecated, retired, added, removed; reset restores', async () => {
  await control('/_fake/reset', {});
  const get = async (id) => (await request(`/v1/models/${id}`, { headers: AUTH }));
  const listIds = async (q) => (await request(`/v1/models?limit=1000${q || ''}`, { headers: AUTH })).json.data.map((m) => m.id);
  const before = (await get('claude-sonnet-4-5')).json.id;
  const opus41 = (await get('claude-opus-4-1-20250805')).json;
  const added = { type: 'model', id: 'claude-test-9-20260501', display_name: 'Claude Test 9',
    created_at: '2026-05-01T00:00:00Z', lifecycle: 'active' };
  let r = await control('/_fake/catalogue', [
    { op: 'move_alias', alias: 'claude-sonnet-4-5', to: 'claude-opus-4-1-20250805' },
    { op: 'set', id: 'claude-opus-4-1-20250805', fields: { lifecycle: 'deprecated',
      deprecated_at: '2026-11-01T00:00:00Z', retires_at: '2026-12-22T00:00:00Z' } },
    { op: 'set', id: 'claude-sonnet-4-20250514', fields: { lifecycle: 'retired' } },
    { op: 'add', model: added },
    { op: 'remove', id: 'claude-opus-5-preview-20260405' }]);
  assert.equal(r.status, 200);
  assert.equal((await get('claude-sonnet-4-5')).json.id, 'claude-opus-4-1-20250805');
  const dep = (await get('claude-opus-4-1-20250805')).json;
  assert.equal(dep.lifecycle, 'deprecated');
  assert.equal(dep.retires_at, '2026-12-22T00:00:00Z');
  assert.equal((await get('claude-sonnet-4-20250514')).json.lifecycle, 'retired');
  assert.equal((await get('claude-test-9-20260501')).json.display_name, 'Claude Test 9');
  assert.equal((await get('claude-opus-5-preview-20260405')).status, 404);
  const ids = await listIds();
  assert.ok(ids.indexOf('claude-test-9-20260501') === 0, 'the newest model comes first');
  assert.ok(!ids.includes('claude-opus-5-preview-20260405'));
  assert.ok(!ids.includes('claude-sonnet-4-20250514'), 'retired: not listed by default');
  assert.ok((await listIds('&lifecycle[]=retired')).includes('claude-sonnet-4-20250514'));
  // Bad changes are refused whole, and change nothing.
  for (const bad of [[{ op: 'move_alias', alias: 'claude-sonnet-4-5', to: 'no-such-model' }],
    [{ op: 'set', id: 'no-such-model', fields: {} }], [{ op: 'add', model: { id: 'claude-opus-4-1-20250805' } }],
    [{ op: 'remove', id: 'no-such-model' }], [{ op: 'rename' }], {}]) {
    r = await control('/_fake/catalogue', bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
  }
  assert.equal((await get('claude-sonnet-4-5')).json.id, 'claude-opus-4-1-20250805');
  await control('/_fake/reset', {});
  assert.equal((await get('claude-sonnet-4-5')).json.id, before);
  assert.equal((await get('claude-opus-5-preview-20260405')).status, 200);
  assert.equal((await get('claude-test-9-20260501')).status, 404);
  assert.deepEqual((await get('claude-opus-4-1-20250805')).json, opus41);
});

test('conditional requests: an ETag on 200s, 304 to If-None-Match, a new ETag after a change', async () => {
  await control('/_fake/reset', {});
  const page = '/v1/models?limit=5&lifecycle[]=active';
  const a = await get(page);
  assert.equal(a.status, 200);
  assert.match(a.headers.etag, /^"[0-9a-f]{20}"$/);
  const b = await get(page, { headers: Object.assign({ 'if-none-match': a.headers.etag }, AUTH) });
  assert.equal(b.status, 304);
  assert.equal(b.body, '');
  assert.equal(b.headers.etag, a.headers.etag);
  assert.ok(b.headers['request-id']);
  // a list of tags, weak ones included, and * match; another tag does not
  for (const inm of [`"x", W/${a.headers.etag}`, '*'])
    assert.equal((await get(page, { headers: Object.assign({ 'if-none-match': inm }, AUTH) })).status, 304);
  assert.equal((await get(page, { headers: Object.assign({ 'if-none-match': '"nope"' }, AUTH) })).status, 200);
  // retrieve too, and errors carry none
  const r = await get('/v1/models/claude-opus-4-0');
  assert.match(r.headers.etag, /^"/);
  assert.equal((await get('/v1/models/nope')).headers.etag, undefined);
  // a change to a model on the page changes its tag
  const first = a.json.data[0].id;
  await control('/_fake/catalogue', [{ op: 'set', id: first, fields: { display_name: 'Changed' } }]);
  const c = await get(page, { headers: Object.assign({ 'if-none-match': a.headers.etag }, AUTH) });
  assert.equal(c.status, 200);
  assert.notEqual(c.headers.etag, a.headers.etag);
  const recs = (await control('/_fake/requests')).json;
  assert.ok(recs.some((x) => x.status === 304 && x.headers['if-none-match'] === a.headers.etag));
  await control('/_fake/reset', {});
});

test('--no-etag: no ETag, If-None-Match ignored', async () => {
  const s = await startServer(['--no-etag']);
  const saved = base;
  base = s.base;
  try {
    const a = await get('/v1/models');
    assert.equal(a.headers.etag, undefined);
    assert.equal((await get('/v1/models', { headers: Object.assign({ 'if-none-match': '*' }, AUTH) })).status, 200);
  } finally {
    base = saved;
    s.child.kill('SIGTERM');
    await waitExit(s.child);
  }
});

test('"now": --now fixes the Date header and /_fake/catalogue reports it; POST /_fake/now; reset restores', async () => {
  const s = await startServer(['--now', '2026-10-08T00:00:00Z']);
  const saved = base;
  base = s.base;
  try {
    let r = await get('/v1/models?limit=1');
    assert.equal(r.headers.date, 'Thu, 08 Oct 2026 00:00:00 GMT');
    assert.equal((await control('/_fake/catalogue')).json.now, '2026-10-08T00:00:00Z');
    r = await control('/_fake/now', { now: '2027-01-02T03:04:05Z' });
    assert.equal(r.status, 200);
    assert.equal((await get('/v1/models/claude-opus-4-0')).headers.date, 'Sat, 02 Jan 2027 03:04:05 GMT');
    for (const bad of [{ now: 'yesterday' }, { now: 5 }, {}, null])
      assert.equal((await control('/_fake/now', bad)).status, 400, JSON.stringify(bad));
    r = await control('/_fake/now', { now: null });
    assert.equal((await control('/_fake/catalogue')).json.now, null);
    const date = Date.parse((await get('/v1/models?limit=1')).headers.date);
    assert.ok(Math.abs(date - Date.now()) < 60000);
    await control('/_fake/reset', {});
    assert.equal((await control('/_fake/catalogue')).json.now, '2026-10-08T00:00:00Z');
  } finally {
    base = saved;
    s.child.kill('SIGTERM');
    await waitExit(s.child);
  }
});

test('a big catalogue: --models N and the generate change, in order, walkable; reset restores', async () => {
  const s = await startServer(['--models', '1100']);
  const saved = base;
  base = s.base;
  try {
    const walk = async () => {
      const ids = [];
      let after = '';
      for (;;) {
        const r = await get(`/v1/models?limit=1000&lifecycle[]=active&lifecycle[]=deprecated&lifecycle[]=retired${after}`);
        assert.equal(r.status, 200);
        ids.push(...r.json.data.map((m) => m.id));
        if (!r.json.has_more) return { ids, last: r.json.data[r.json.data.length - 1] };
        after = `&after_id=${r.json.last_id}`;
      }
    };
    let w = await walk();
    assert.equal(w.ids.length, models.length + 1100);
    assert.equal(new Set(w.ids).size, w.ids.length);
    assert.equal(w.last.id, 'claude-release-unknown'); // the epoch one stays last
    const cat = (await control('/_fake/catalogue')).json.models;
    for (let i = 1; i < cat.length; i++)
      assert.ok(Date.parse(cat[i - 1].created_at) > Date.parse(cat[i].created_at), cat[i].id);
    assert.equal((await control('/_fake/catalogue', [{ op: 'generate', count: 100 }])).status, 200);
    w = await walk();
    assert.equal(w.ids.length, models.length + 1200);
    assert.equal(new Set(w.ids).size, w.ids.length);
    assert.equal((await control('/_fake/catalogue', [{ op: 'generate', count: -1 }])).status, 400);
    await control('/_fake/reset', {});
    assert.equal((await walk()).ids.length, models.length + 1100);
  } finally {
    base = saved;
    s.child.kill('SIGTERM');
    await waitExit(s.child);
  }
});

test('bad --now and --models are usage errors', async () => {
  for (const args of [['--now', 'soon'], ['--models', '-3'], ['--models', 'x']]) {
    const c = spawn(process.execPath, [SERVER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    assert.equal(await waitExit(c), 2, args.join(' '));
  }
});
