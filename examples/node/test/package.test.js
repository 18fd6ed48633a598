// package.test.js - the package's own tests (`npm test` where it is
// installed): the addon npm built loads, and a client talks to a tiny
// Models API this file serves on loopback. Needs nothing but node.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');

const PKG = path.join(__dirname, '..');
const pkg = require(PKG);
const Anthropic = pkg.Anthropic || pkg.default || pkg.Client;
const NotFoundError = pkg.NotFoundError || Anthropic.NotFoundError;
const KEY = 'package-test-key';

// Five models, listed newest first, two to a page by default; the oldest
// deprecated, retiring on 2026-01-01.
const MODELS = Array.from({ length: 5 }, (_, i) => ({
  type: 'model',
  id: `test-model-${i}`,
  display_name: `Test Model ${i}`,
  created_at: `2025-0${9 - i}-01T00:00:00Z`,
  ...(i === 4 ? { lifecycle: 'deprecated', deprecated_at: '2025-06-01T00:00:00Z', retires_at: '2026-01-01T00:00:00Z' } : {}),
}));

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json',
    'content-length': Buffer.byteLength(text), 'request-id': 'req_package_test' });
  res.end(text);
}

function notFound(res, message) {
  send(res, 404, { type: 'error', error: { type: 'not_found_error', message } });
}

const server = http.createServer((req, res) => {
  if (req.headers['x-api-key'] !== KEY) {
    return send(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'bad key' } });
  }
  const u = new URL(req.url, 'http://localhost');
  if (u.pathname === '/v1/models') {
    const limit = Number(u.searchParams.get('limit') || 2);
    const after = u.searchParams.get('after_id');
    const start = after ? MODELS.findIndex((m) => m.id === after) + 1 : 0;
    const data = MODELS.slice(start, start + limit);
    return send(res, 200, { data, has_more: start + limit < MODELS.length,
      first_id: data.length ? data[0].id : null, last_id: data.length ? data[data.length - 1].id : null });
  }
  const m = /^\/v1\/models\/([^/]+)$/.exec(u.pathname);
  const model = m && MODELS.find((x) => x.id === decodeURIComponent(m[1]));
  if (!model) return notFound(res, `model: ${u.pathname}`);
  send(res, 200, model);
});
let baseURL;

before(async () => {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

const client = () => new Anthropic({ apiKey: KEY, baseURL, maxRetries: 0 });

// A program of its own (`node -e`), with this package; resolves with its
// exit code and output, or fails if it has not exited within 20 s.
function program(code) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', code, PKG, baseURL, KEY], { timeout: 20000 },
      (err, stdout, stderr) => {
        if (err && err.killed) reject(new Error(`did not exit by itself: ${stderr}`));
        else resolve({ code: err ? err.code : 0, stdout, stderr });
      });
  });
}

test('retrieve returns the model the API sent', async () => {
  const m = await client().models.retrieve('test-model-2');
  assert.equal(m.id, 'test-model-2');
  assert.equal(m.display_name, 'Test Model 2');
  assert.equal(m.type, 'model');
});

test('an unknown model is a NotFoundError with status 404', async () => {
  await assert.rejects(client().models.retrieve('no-such-model'), (e) => {
    assert.ok(e instanceof NotFoundError, `${e.name}: ${e.message}`);
    assert.equal(e.status, 404);
    return true;
  });
});

test('list is iterable over every model of every page', async () => {
  const ids = [];
  for await (const m of client().models.list({ limit: 2 })) ids.push(m.id);
  assert.deepEqual(ids, MODELS.map((m) => m.id));
});

test('a program that never closes its client exits by itself', async () => {
  const r = await program(`
    const pkg = require(process.argv[1]);
    const A = pkg.Anthropic || pkg.default || pkg.Client;
    new A({ baseURL: process.argv[2], apiKey: process.argv[3] })
      .models.retrieve('test-model-0').then((m) => console.log(m.id));`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'test-model-0\n');
});

test('a client in a worker thread works and the worker ends', async () => {
  const r = await program(`
    const { Worker } = require('node:worker_threads');
    const w = new Worker(\`
      const { parentPort, workerData: [dir, url, key] } = require('node:worker_threads');
      const pkg = require(dir);
      const A = pkg.Anthropic || pkg.default || pkg.Client;
      new A({ baseURL: url, apiKey: key }).models.retrieve('test-model-1')
        .then((m) => parentPort.postMessage(m.id));\`,
      { eval: true, workerData: process.argv.slice(1) });
    w.on('message', (id) => console.log('worker', id));
    w.on('exit', (code) => console.log('exit', code));`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'worker test-model-1\nexit 0\n');
});

test('audit judges each model at a given time, with the CLI\'s exit code', async () => {
  const c = client();
  const r = await c.models.audit(['test-model-0', 'test-model-4'], { now: '2025-12-01T00:00:00Z', within: 90 });
  assert.deepEqual(r.results.map((x) => [x.id, x.risk, x.daysToRetirement]),
    [['test-model-0', 'none', null], ['test-model-4', 'at_risk', 31]]);
  assert.equal(r.exitCode, 3);
  const u = await c.models.audit(['no-such-model']);
  assert.deepEqual([u.results[0].risk, u.exitCode], ['unknown', 4]);
  await c.close();
});

test('a watch starts with a snapshot; break ends it and the program exits by itself', async () => {
  const r = await program(`
    const pkg = require(process.argv[1]);
    const A = pkg.Anthropic || pkg.default || pkg.Client;
    const c = new A({ baseURL: process.argv[2], apiKey: process.argv[3] });
    (async () => {
      for await (const ev of c.models.watch({ interval: 50, jitter: false })) {
        console.log(ev.type, ev.count);
        if (ev.type === 'cycle' && ev.cycle === 2) break;
      }
    })();`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'snapshot 5\ncycle 5\ncycle 5\n');
});
