// resolve_server.test.js - examples/resolve-server against the fake Models
// API. Run by meson (`node --test`), with RESOLVE_SERVER, ANTHROPIC_MODELS_CLI
// and FAKE_API_SERVER set. Requests are written by hand on raw sockets, so
// that the tests choose the connections (one each, or several requests on
// one) and can send what no HTTP client library would.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const readline = require('node:readline');
const { startFake, listening, fakeControl, until, serverRunner } = require('./fake-api/start.js');
const { spawnServer } = require('./resolve_server_harness.js');

const SERVER = process.env.RESOLVE_SERVER;
const CLI = process.env.ANTHROPIC_MODELS_CLI;
const KEY = 'fake-key';
// A test that hangs fails with its name rather than stalling the run: a
// bound on a deadlock, not on speed.
const T = { timeout: 60000 };
let fake, fakeUrl, catalogue;

before(async () => {
  ({ proc: fake, url: fakeUrl } = await startFake());
  catalogue = await (await fetch(fakeUrl + '/_fake/catalogue')).json();
});

after(() => { fake.kill('SIGTERM'); });

// The environment of the server and the CLI: never a developer's key.
function env() {
  const e = { ...process.env, ANTHROPIC_API_KEY: KEY };
  for (const k of ['ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_CUSTOM_HEADERS'])
    delete e[k];
  return e;
}

const fakeReset = () => fakeControl(fakeUrl).reset();
// withServer(args, body, ...rest): a server of the test's own for body(srv).
const withServer = serverRunner(startServer, fakeReset);
const fakeFaults = (list) => fakeControl(fakeUrl).faults(list);
const fakeStats = () => fakeControl(fakeUrl).stats();

// A resolve-server of its own (a fresh cache), --verbose so that tests can
// wait for what it did. stop() sends SIGTERM and resolves with the exit.
// No watch (unless `args` says): the tests count the upstream's requests,
// and the watch's are resolve_server_lifecycle.test.js's.
function startServer(args = [], extraEnv = {}) {
  return spawnServer(['--listen', '127.0.0.1:0', '--base-url', fakeUrl,
    '--verbose', '--watch-interval', 'off', ...args], { ...env(), ...extraEnv });
}

// Responses in `buf`, by Content-Length; returns the complete ones.
function parseResponses(buf) {
  const out = [];
  let rest = buf;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return out;
    const lines = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
    }
    const len = Number(headers['content-length']);
    if (rest.length < end + 4 + len) return out;
    const body = rest.subarray(end + 4, end + 4 + len).toString('utf8');
    out.push({ status, headers, body, json: () => JSON.parse(body) });
    rest = rest.subarray(end + 4 + len);
  }
}

// One connection: write `text`, read until the server closes it.
function raw(port, text) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    s.on('data', (d) => chunks.push(d));
    s.on('error', reject);
    s.on('close', () => resolve(parseResponses(Buffer.concat(chunks))));
  });
}

function get(port, path, headers = '') {
  return raw(port, `GET ${path} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`)
    .then((rs) => { assert.equal(rs.length, 1); return rs[0]; });
}

// A connection kept open: send() writes, next() waits for the next answer.
function keepAlive(port) {
  const s = net.connect(port, '127.0.0.1');
  let buf = Buffer.alloc(0);
  let closed = false;
  const waiting = [];
  const check = () => {
    while (waiting.length > 0) {
      const rs = parseResponses(buf);
      if (rs.length === 0) {
        if (closed) waiting.shift().reject(new Error('closed'));
        else return;
        continue;
      }
      const r = rs[0];
      const end = buf.indexOf('\r\n\r\n') + 4 + Number(r.headers['content-length']);
      buf = buf.subarray(end);
      waiting.shift().resolve(r);
    }
  };
  s.on('data', (d) => { buf = Buffer.concat([buf, d]); check(); });
  s.on('close', () => { closed = true; check(); });
  s.on('error', () => {});
  const connected = new Promise((r) => s.once('connect', r));
  return {
    socket: s, connected,
    isClosed: () => closed,
    send: (text) => s.write(text),
    next: () => new Promise((resolve, reject) => { waiting.push({ resolve, reject }); check(); }),
    closedPromise: new Promise((r) => s.once('close', r)),
  };
}

function cliJson(...args) {
  const r = spawnSync(CLI, ['--base-url', fakeUrl, '--json', ...args], { env: env(), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function assertError(r, status, kind) {
  assert.equal(r.status, status, r.body.slice(0, 300));
  const e = r.json().error;
  assert.deepEqual(Object.keys(e), ['kind', 'status', 'type', 'message', 'request_id']);
  assert.equal(e.kind, kind);
  assert.equal(e.status, status);
  assert.equal(typeof e.message, 'string');
  return e;
}

// /metrics as {name: number}.
async function metrics(port) {
  const r = await get(port, '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/plain/);
  const m = {};
  for (const l of r.body.split('\n'))
    if (l && !l.startsWith('#')) m[l.split(' ')[0]] = Number(l.split(' ')[1]);
  return m;
}

const ALIASES = Object.keys(require('./fake-api/catalogue.js').aliases);

// ------------------------------------------------------------- routes

test('/resolve answers the model as the CLI prints it', T, async () => {
  const srv = await startServer();
  try {
    const r = await get(srv.port, '/resolve?alias=claude-sonnet-4-0');
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^application\/json/);
    const [want] = cliJson('get', 'claude-sonnet-4-0');
    assert.equal(want.id, catalogue.aliases['claude-sonnet-4-0']);
    assert.deepEqual(r.json(), want);
    // The query value is percent-decoded ('-' is %2D).
    const e = await get(srv.port, '/resolve?x=1&alias=claude%2Dopus%2D4%2D1');
    assert.equal(e.status, 200);
    assert.equal(e.json().id, catalogue.aliases['claude-opus-4-1']);
  } finally {
    assert.deepEqual(await srv.stop(), { code: 0, signal: null });
  }
});

test('an upstream 404 keeps its status, type and request id', T, () => withServer([], async (srv) => {
  const r = await get(srv.port, '/resolve?alias=no-such-model');
  const e = assertError(r, 404, 'http');
  assert.equal(e.type, 'not_found_error');
  assert.match(e.request_id, /^req_fake_\d+$/);
}));

test('a missing, empty or invalid alias is a 400', T, () => withServer([], async (srv) => {
  for (const path of ['/resolve', '/resolve?alias=', '/resolve?other=x', '/resolve?alias=%zz',
    '/resolve?alias=a%00b', '/resolve?alias=..']) {
    const e = assertError(await get(srv.port, path), 400, 'invalid_argument');
    assert.equal(e.request_id, null, path);
  }
  assertError(await get(srv.port, '/nowhere'), 404, 'invalid_argument');
}));

test('/models answers every model, walking every page', T, () => withServer(['--page-size', '7'], async (srv) => {
  await fakeReset();
  const r = await get(srv.port, '/models');
  assert.equal(r.status, 200);
  const got = r.json();
  const want = cliJson('list', '--all', '--page-size', '7');
  const listed = catalogue.models.filter((m) => m.lifecycle !== 'retired');
  assert.equal(want.length, listed.length);
  assert.deepEqual(got, want);
  // Every page was asked for, 7 models each.
  const pages = (await (await fetch(fakeUrl + '/_fake/requests')).json())
    .filter((q) => q.path === '/v1/models');
  assert.equal(pages.length, Math.ceil(listed.length / 7) * 2); // the CLI's too
}));

test('/models failing upstream answers the error: its status, or 502', T, () => withServer([], async (srv) => {
  await fakeFaults([{ action: 'respond', status: 403, match: '/v1/models?' }]);
  const e = assertError(await get(srv.port, '/models'), 403, 'http');
  assert.equal(e.type, 'permission_error');
  assert.match(e.request_id, /^req_fake_/);
  // No response at all (every attempt reset): a gateway's 502. (curl
  // also retries a reused connection found dead: hence more than 3.)
  await fakeFaults([{ action: 'reset_before', match: '/v1/models?', times: 20 }]);
  const c = assertError(await get(srv.port, '/models'), 502, 'connection');
  assert.equal(c.request_id, null);
}));

test('/metrics tells what the server holds, in Prometheus text', T, () => withServer([], async (srv) => {
  const c = keepAlive(srv.port);
  await c.connected;
  const m = await metrics(srv.port);
  assert.equal(m.resolve_server_connections, 2); // its own and c
  assert.equal(m.resolve_server_write_queue_bytes, 0);
  assert.equal(typeof m.resolve_server_write_queue_peak_bytes, 'number');
  assert.equal(m.resolve_server_input_copied_bytes_total, 0);
  c.socket.destroy();
}));

test('/models that never ends upstream is a 502 past --max-models-bytes', T, () => withServer(['--page-size', '100', '--max-models-bytes', '200000'], async (srv) => {
  // Pages of made-up models with no end and no cursor seen twice (a
  // bounded number here, so that a server without the bound answers).
  await fakeFaults([{ action: 'endless_list', match: '/v1/models?', times: 50 }]);
  const r = await get(srv.port, '/models');
  const e = assertError(r, 502, 'too_large');
  assert.equal(e.type, null);
  assert.match(e.message, /200000 bytes/);
  // The walk stopped soon after the bound: a few pages, not all 50.
  assert.ok((await fakeStats()).faults <= 5, `${(await fakeStats()).faults} pages`);
  // The bound is on the answer only: the next walk is whole.
  await fakeReset();
  assert.equal((await get(srv.port, '/models')).status, 200);
}));

// ------------------------------------------------------------ connections

test('keep-alive: several requests, and pipelined ones, on one connection', T, () => withServer([], async (srv) => {
  const c = keepAlive(srv.port);
  await c.connected;
  for (const path of ['/resolve?alias=claude-haiku-4-5', '/models', '/resolve']) {
    c.send(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const r = await c.next();
    assert.equal(r.status, path === '/resolve' ? 400 : 200);
    assert.equal(r.headers.connection, undefined);
  }
  // Three at once: answered in order.
  c.send('GET /resolve?alias=claude-opus-4-5 HTTP/1.1\r\nHost: x\r\n\r\n' +
    'GET /resolve?alias=nope HTTP/1.1\r\nHost: x\r\n\r\n' +
    'GET /resolve?alias=claude-opus-4-0 HTTP/1.1\r\nHost: x\r\n\r\n');
  const [a, b, d] = [await c.next(), await c.next(), await c.next()];
  assert.equal(a.json().id, catalogue.aliases['claude-opus-4-5']);
  assert.equal(b.status, 404);
  assert.equal(d.json().id, catalogue.aliases['claude-opus-4-0']);
  assert.equal(c.isClosed(), false);
  // Connection: close is honoured after the answer.
  c.send('GET /resolve?alias=claude-opus-4-5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  const last = await c.next();
  assert.equal(last.status, 200);
  assert.equal(last.headers.connection, 'close');
  await c.closedPromise;
}));

test('HTTP/1.0 closes unless asked to keep the connection', T, () => withServer([], async (srv) => {
  const rs = await raw(srv.port, 'GET /resolve?alias=claude-opus-4-5 HTTP/1.0\r\n\r\n');
  assert.equal(rs.length, 1);
  assert.equal(rs[0].status, 200);
  const c = keepAlive(srv.port);
  await c.connected;
  for (let i = 0; i < 2; i++) {
    c.send('GET /resolve?alias=claude-opus-4-5 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const r = await c.next();
    assert.equal(r.status, 200);
    assert.equal(r.headers.connection, 'keep-alive');
  }
  c.socket.destroy();
}));

test('a client that shuts its sending side still gets its answers', T, () => withServer([], async (srv) => {
  await fakeReset();
  // Uncached and slow: the answer comes well after the client's FIN.
  await fakeFaults([{ action: 'delay', delay_ms: 200, match: '/v1/models/claude-opus-4-1' }]);
  const req = (alias) => `GET /resolve?alias=${alias} HTTP/1.1\r\nHost: x\r\n\r\n`;
  // raw() writes, and end() shuts the sending side (SHUT_WR) after it.
  const rs = await new Promise((resolve, reject) => {
    const chunks = [];
    const s = net.connect({ port: srv.port, host: '127.0.0.1', allowHalfOpen: true },
      () => s.end(req('claude-opus-4-1') + req('claude-opus-4-5')));
    s.on('data', (d) => chunks.push(d));
    s.on('error', reject);
    s.on('close', () => resolve(parseResponses(Buffer.concat(chunks))));
  });
  assert.equal(rs.length, 2);
  assert.equal(rs[0].json().id, catalogue.aliases['claude-opus-4-1']);
  assert.equal(rs[1].json().id, catalogue.aliases['claude-opus-4-5']);
}));

test('a connection that sends no complete request is closed after the idle timeout', T, () => withServer(['--idle-timeout-ms', '200'], async (srv) => {
  const c = keepAlive(srv.port);
  await c.connected;
  c.send('GET /mod'); // and nothing more
  await c.closedPromise;
  await srv.waitLog(/idle, closing/);
  assert.equal((await get(srv.port, '/resolve?alias=claude-opus-4-5')).status, 200);
}));

// --------------------------------------------------------- bad requests

const BAD = [
  ['garbage', '\x16\x03\x01\x02\x00 hello\r\n\r\n', 400],
  ['a 200 KB request line', `GET /resolve?alias=${'a'.repeat(200 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414],
  ['100 header fields', 'GET /models HTTP/1.1\r\n' +
    Array.from({ length: 100 }, (_, i) => `X-H${i}: v\r\n`).join('') + '\r\n', 431],
  ['20 KB of header fields', `GET /models HTTP/1.1\r\nX-Big: ${'b'.repeat(20 * 1024)}\r\n\r\n`, 431],
  ['a POST', 'POST /models HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc', 405],
  ['a bad header line', 'GET /models HTTP/1.1\r\nNo colon here\r\n\r\n', 400],
];

for (const [name, text, status] of BAD) {
  test(`${name} is a ${status}, the connection closes, the server lives on`, T, async () => {
    const srv = await startServer();
    try {
      const rs = await raw(srv.port, text); // resolves once the server closed it
      assert.equal(rs.length, 1);
      assertError(rs[0], status, 'invalid_argument');
      assert.equal(rs[0].headers.connection, 'close');
      if (status === 405) assert.equal(rs[0].headers.allow, 'GET, HEAD');
      const ok = await get(srv.port, '/resolve?alias=claude-sonnet-4-5');
      assert.equal(ok.status, 200);
    } finally {
      assert.deepEqual(await srv.stop(), { code: 0, signal: null });
    }
  });
}

// ------------------------------------------------------------ concurrency

function vmHWMkB(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]);
}

test('1,000 connections at once: all answered, one upstream request per alias', T, async () => {
  const srv = await startServer();
  try {
    await fakeReset();
    const names = [...ALIASES, 'no-such-model-a', 'no-such-model-b'];
    const all = await Promise.all(Array.from({ length: 1000 }, (_, i) => {
      const alias = names[i % names.length];
      return get(srv.port, `/resolve?alias=${alias}`).then((r) => ({ alias, r }));
    }));
    for (const { alias, r } of all) {
      if (alias.startsWith('no-such-model')) {
        assertError(r, 404, 'http');
      } else {
        assert.equal(r.status, 200, r.body.slice(0, 300));
        assert.equal(r.json().id, catalogue.aliases[alias]);
      }
    }
    assert.equal((await fakeStats()).requests, names.length);
    const kB = vmHWMkB(srv.proc.pid);
    process.stderr.write(`resolve-server VmHWM after 1,000 connections: ${kB} kB\n`);
    // The sanitizers' shadow memory and quarantine are not the server's.
    const limit = process.env.RESOLVE_SERVER_SANITIZED === 'true' ? 100 * 1024 : 50 * 1024;
    assert.ok(kB < limit, `VmHWM ${kB} kB`);
  } finally {
    assert.deepEqual(await srv.stop(), { code: 0, signal: null });
  }
});

function vmRSSkB(pid) {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

// Polls `sample` until it gives the same value 5 times in a row: the
// state has settled (a count of polls, not a time).
async function settled(sample) {
  let last, same = 0;
  for (;;) {
    const v = JSON.stringify(await sample());
    same = v === last ? same + 1 : 0;
    last = v;
    if (same >= 5) return JSON.parse(v);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a pipelining client that never reads costs a bounded write queue', T, async () => {
  // Freed answers wait in ASan's quarantine (256 MB by default): not the server's.
  const srv = await startServer([], { ASAN_OPTIONS: `${process.env.ASAN_OPTIONS || ''}:quarantine_size_mb=4` });
  try {
    assert.equal((await get(srv.port, '/resolve?alias=claude-sonnet-4-0')).status, 200); // cached
    const rss0 = vmRSSkB(srv.proc.pid);
    const s = net.connect(srv.port, '127.0.0.1');
    s.on('error', () => {});
    await new Promise((r) => s.once('connect', r));
    s.pause(); // never reads: the kernel's buffers fill, then the server's
    const req = 'GET /resolve?alias=claude-sonnet-4-0 HTTP/1.1\r\nHost: x\r\n\r\n';
    for (let i = 0; i < 50; i++) s.write(req.repeat(1000)); // 50,000 requests, 2.7 MB
    // Settled: the server has read all it will, and sent all it could.
    const m = await settled(async () => {
      const now = await metrics(srv.port);
      return [s.writableLength, now.resolve_server_write_queue_bytes,
        now.resolve_server_input_copied_bytes_total];
    });
    const peak = (await metrics(srv.port)).resolve_server_write_queue_peak_bytes;
    const grown = vmRSSkB(srv.proc.pid) - rss0;
    process.stderr.write(`never-reading client: ${s.writableLength} bytes unsent by it, ` +
      `server write queue ${m[1]} bytes, peak ${peak}, RSS +${grown} kB\n`);
    assert.ok(peak <= 64 * 1024 + 4096, `write queue peak ${peak} bytes`);
    const limit = process.env.RESOLVE_SERVER_SANITIZED === 'true' ? 24 * 1024 : 8 * 1024;
    assert.ok(grown < limit, `RSS grew ${grown} kB`);
    s.destroy();
  } finally {
    await srv.stop();
  }
});

test('pipelined requests cost work in proportion to their bytes', T, () => withServer([], async (srv) => {
  const n = 20000;
  const req = 'GET /resolve?alias=claude-sonnet-4-0 HTTP/1.1\r\nHost: x\r\n\r\n';
  const s = net.connect(srv.port, '127.0.0.1');
  let buf = Buffer.alloc(0), answered = 0;
  const all = new Promise((resolve, reject) => {
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) { // one answer at a time off the front
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) break;
        const len = Number(/content-length: (\d+)/i.exec(buf.subarray(0, end).toString('latin1'))[1]);
        if (buf.length < end + 4 + len) break;
        assert.match(buf.subarray(0, 12).toString('latin1'), /^HTTP\/1\.1 200/);
        buf = buf.subarray(end + 4 + len);
        if (++answered === n) resolve();
      }
    });
    s.on('error', reject);
  });
  s.write(req.repeat(n)); // 1.1 MB of requests at once
  await all;
  const copied = (await metrics(srv.port)).resolve_server_input_copied_bytes_total;
  process.stderr.write(`${n} pipelined requests, ${req.length * n} bytes: ${copied} bytes copied\n`);
  // Each byte is kept once and moved at most once more.
  assert.ok(copied <= 2 * req.length * n, `${copied} bytes copied`);
  s.destroy();
}));

test('a client pipelining behind a slow answer has at most 64 KiB held', T, () => withServer([], async (srv) => {
  await fakeReset();
  await fakeFaults([{ action: 'delay', delay_ms: 300, match: '/v1/models/claude-opus-4-1' }]);
  const c = keepAlive(srv.port);
  await c.connected;
  const req = (a) => `GET /resolve?alias=${a} HTTP/1.1\r\nHost: x\r\n\r\n`;
  // While the first is answered, 4,000 more (232 KB) arrive in pieces.
  c.send(req('claude-opus-4-1'));
  for (let i = 0; i < 40; i++) c.send(req('claude-opus-4-5').repeat(100));
  for (let i = 0; i < 4001; i++) assert.equal((await c.next()).status, 200);
  const held = (await metrics(srv.port)).resolve_server_input_held_peak_bytes;
  process.stderr.write(`input held at most: ${held} bytes\n`);
  assert.ok(held <= 64 * 1024, `${held} bytes held`);
  c.socket.destroy();
}));

test('a hung upstream lookup delays no other client', T, () => withServer([], async (srv) => {
  await fakeReset();
  await fakeFaults([{ action: 'hang', match: '/v1/models/claude-opus-4-0' }]);
  const hung = keepAlive(srv.port);
  await hung.connected;
  hung.send('GET /resolve?alias=claude-opus-4-0 HTTP/1.1\r\nHost: x\r\n\r\n');
  const hungAnswer = hung.next();
  let answered = false;
  hungAnswer.then(() => { answered = true; }, () => {});
  await until('the hung lookup reached upstream', async () => (await fakeStats()).requests >= 1);
  const others = ALIASES.filter((a) => a !== 'claude-opus-4-0');
  const rs = await Promise.all(Array.from({ length: 60 }, (_, i) =>
    get(srv.port, `/resolve?alias=${others[i % others.length]}`)));
  rs.forEach((r, i) => assert.equal(r.json().id, catalogue.aliases[others[i % others.length]]));
  assert.equal(answered, false);
  hung.socket.destroy();
}));

// Going away is a reset here: a FIN alone is a client that shut only its
// sending side and still waits for its answer (RFC 9112 9.6).
test('a client that goes away cancels its lookup, unless another waits for it', T, async () => {
  const srv = await startServer();
  const open = async (alias) => {
    const c = keepAlive(srv.port);
    await c.connected;
    c.send(`GET /resolve?alias=${alias} HTTP/1.1\r\nHost: x\r\n\r\n`);
    c.next().catch(() => {});
    return c;
  };
  try {
    await fakeReset();
    // Each queued hang is taken once: a second upstream request for the
    // alias gets the normal answer.
    await fakeFaults([{ action: 'hang', match: '/v1/models/claude-opus-4-0' },
      { action: 'hang', match: '/v1/models/claude-sonnet-4-0' }]);

    // Alone: going away cancels the lookup, so the next client's request
    // for the alias starts a new one (it would otherwise wait on the hung
    // one for ever).
    const a = await open('claude-opus-4-0');
    await until('upstream saw the lookup', async () => (await fakeStats()).requests === 1);
    a.socket.resetAndDestroy();
    await srv.waitLog(/client gone, cancelling/);
    const b = await get(srv.port, '/resolve?alias=claude-opus-4-0');
    assert.equal(b.json().id, catalogue.aliases['claude-opus-4-0']);
    assert.equal((await fakeStats()).requests, 2);

    // Shared: one of two waiters going away leaves the lookup alone.
    const c1 = await open('claude-sonnet-4-0');
    const c2 = await open('claude-sonnet-4-0');
    await srv.waitLog(/GET \/resolve\?alias=claude-sonnet-4-0/, 2);
    await until('upstream saw one lookup', async () => (await fakeStats()).requests === 3);
    c1.socket.resetAndDestroy();
    await srv.waitLog(/client gone, cancelling/, 2);
    const c3 = await open('claude-sonnet-4-0'); // joins the hung lookup
    await srv.waitLog(/GET \/resolve\?alias=claude-sonnet-4-0/, 3);
    // A request behind it in the client's queue has been answered.
    assert.equal((await get(srv.port, '/resolve?alias=claude-haiku-5')).status, 200);
    assert.equal((await fakeStats()).requests, 4);
    // The last waiters gone, it is cancelled: the next one is new.
    c2.socket.resetAndDestroy();
    c3.socket.resetAndDestroy();
    await srv.waitLog(/client gone, cancelling/, 4);
    const d = await get(srv.port, '/resolve?alias=claude-sonnet-4-0');
    assert.equal(d.json().id, catalogue.aliases['claude-sonnet-4-0']);
    assert.equal((await fakeStats()).requests, 5);
  } finally {
    await fakeReset();
    await srv.stop();
  }
});

// CPU time (user + system) of a process so far, in clock ticks.
function cpuTicks(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]); // utime, stime
}

test('at the descriptor limit: answers or a 503 with Retry-After, never a 502, no spin', T, async () => {
  const proc = spawn('sh', ['-c', 'ulimit -n 64; exec "$0" "$@"', SERVER, '--listen', '127.0.0.1:0',
    '--base-url', fakeUrl, '--verbose'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  readline.createInterface({ input: proc.stderr }).on('line', (l) => log.push(l));
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const port = Number(new URL(await listening(proc)).port);
  const clients = [];
  try {
    await fakeReset();
    // More connections than descriptors, all open at once, then a request
    // on each: distinct lookups, so upstream needs connections of its own.
    for (let i = 0; i < 120; i++) {
      const c = keepAlive(port);
      await c.connected;
      clients.push(c);
    }
    const outcomes = await Promise.all(clients.map((c, i) => {
      c.send(`GET /resolve?alias=${i % 2 ? ALIASES[i % ALIASES.length] : `no-such-model-${i}`} ` +
        'HTTP/1.1\r\nHost: x\r\n\r\n');
      return c.next().catch(() => null); // shed or refused unaccepted: closed
    }));
    const statuses = {};
    for (const r of outcomes.filter(Boolean)) {
      statuses[r.status] = (statuses[r.status] || 0) + 1;
      assert.ok([200, 404, 503].includes(r.status), `${r.status} ${r.body.slice(0, 200)}`);
      if (r.status === 503) assert.match(r.headers['retry-after'] || '', /^\d+$/);
    }
    process.stderr.write(`120 connections at ulimit -n 64: ${JSON.stringify(statuses)}\n`);
    assert.ok((statuses[200] || 0) + (statuses[404] || 0) > 0);
    // 60 more, each waiting for a lookup that hangs: none is idle, so past
    // the cap (64 - 16 - 16 - 8 = 24 here) they are turned away, 8 at a
    // time, the others waiting in the backlog for a slot.
    await fakeFaults([{ action: 'hang', match: '/v1/models/never-answered', times: 100 }]);
    let refused = 0;
    for (let i = 0; i < 60; i++) {
      const c = keepAlive(port);
      clients.push(c);
      c.send('GET /resolve?alias=never-answered HTTP/1.1\r\nHost: x\r\n\r\n');
      c.next().then((r) => {
        assert.equal(r.status, 503, r.body);
        assert.equal(r.headers['retry-after'], '1');
        assert.equal(r.headers.connection, 'close');
        refused++;
      }, () => {});
    }
    await until('36 turned away', () => refused >= 36);
    // The keep-alive connections left idle from the first round made way.
    assert.ok(log.filter((l) => /idle at --max-connections, closing/.test(l)).length >= 20);
    // The server waits with them all: it does not spin.
    await new Promise((r) => setTimeout(r, 200));
    const t0 = cpuTicks(proc.pid);
    await new Promise((r) => setTimeout(r, 1000));
    const used = cpuTicks(proc.pid) - t0;
    process.stderr.write(`CPU while 60 wait at the cap: ${used} ticks in a second\n`);
    assert.ok(used < 30, `${used} ticks of CPU in an idle second`);
    // A slot that frees is taken by the next client.
    for (const c of clients) c.socket.resetAndDestroy();
    await fakeReset();
    assert.equal((await get(port, '/resolve?alias=claude-opus-4-5')).status, 200);
  } finally {
    for (const c of clients) c.socket.destroy();
    proc.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 0, signal: null });
  }
});

// -------------------------------------------------------------- stopping

test('SIGTERM lets a request in flight finish within the grace, then exits 0', T, async () => {
  const srv = await startServer(['--grace-ms', '60000']);
  await fakeReset();
  await fakeFaults([{ action: 'delay', delay_ms: 300, match: '/v1/models/claude-opus-4-1' }]);
  const idle = keepAlive(srv.port);
  await idle.connected;
  const busy = keepAlive(srv.port);
  await busy.connected;
  busy.send('GET /resolve?alias=claude-opus-4-1 HTTP/1.1\r\nHost: x\r\n\r\n');
  const answer = busy.next();
  await until('upstream saw the lookup', async () => (await fakeStats()).requests === 1);
  srv.proc.kill('SIGTERM');
  await idle.closedPromise; // an idle connection goes at once
  const r = await answer;
  assert.equal(r.status, 200);
  assert.equal(r.headers.connection, 'close');
  // Well before the 60 s grace: nothing is left in flight.
  assert.deepEqual(await srv.exited, { code: 0, signal: null });
  await fakeReset();
});

test('SIGTERM cancels what is still in flight after the grace and exits 0', T, async () => {
  const srv = await startServer(['--grace-ms', '200']);
  await fakeReset();
  await fakeFaults([{ action: 'hang', match: '/v1/models/claude-opus-4-1' }]);
  const busy = keepAlive(srv.port);
  await busy.connected;
  busy.send('GET /resolve?alias=claude-opus-4-1 HTTP/1.1\r\nHost: x\r\n\r\n');
  const answer = busy.next();
  await until('upstream saw the lookup', async () => (await fakeStats()).requests === 1);
  srv.proc.kill('SIGTERM');
  const e = assertError(await answer, 503, 'cancelled');
  assert.equal(e.request_id, null);
  assert.deepEqual(await srv.exited, { code: 0, signal: null });
  await fakeReset();
});

test('SIGINT stops an idle server with exit status 0', T, async () => {
  const srv = await startServer();
  srv.proc.kill('SIGINT');
  assert.deepEqual(await srv.exited, { code: 0, signal: null });
});

// A port that was free a moment ago, for a server whose stdout is closed
// (it cannot tell its port).
function freePort() {
  return new Promise((resolve) => {
    const l = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = l.address();
      l.close(() => resolve(port));
    });
  });
}

test('started with stdin, stdout and stderr closed, SIGTERM still exits 0', T, async () => {
  const port = await freePort();
  // exec: the shell's pid becomes the server's, started with 0-2 closed.
  const proc = spawn('sh', ['-c', 'exec "$0" "$@" <&- >&- 2>&-', SERVER, '--listen',
    `127.0.0.1:${port}`, '--base-url', fakeUrl], { env: env(), stdio: 'ignore' });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  let r;
  await until('the server listens', async () => {
    assert.equal(proc.signalCode, null, 'the server died');
    r = await get(port, '/resolve?alias=claude-opus-4-5').catch(() => null);
    return r !== null;
  });
  assert.equal(r.status, 200);
  proc.kill('SIGTERM');
  assert.deepEqual(await exited, { code: 0, signal: null });
});
