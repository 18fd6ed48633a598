'use strict';
// Self-test of the fake Models API: node --test test/fake-api/selftest.js
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
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
