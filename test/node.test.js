// node.test.js - the Node.js addon (build/examples/node) against the fake
// Models API: every call in both forms, errors, pagination, resolve
// coalescing, natural exit, an exception in a callback, a worker thread,
// and HTTPS. Run by meson (`node --test`) with NODE_ADDON and
// FAKE_API_SERVER set.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { startFake, makeCert } = require('./fake-api/start.js');

const ADDON = process.env.NODE_ADDON;
const A = require(ADDON);
let server, url, catalogue;

before(async () => {
  ({ proc: server, url } = await startFake());
  catalogue = await (await fetch(url + '/_fake/catalogue')).json();
});
after(() => { server.kill('SIGTERM'); });

const reset = () => fetch(url + '/_fake/reset', { method: 'POST', body: '{}' });
const stats = async () => (await fetch(url + '/_fake/stats')).json();
const faults = (f) => fetch(url + '/_fake/faults', { method: 'POST', body: JSON.stringify(f) });
const client = (o = {}) => new A.Client({ apiKey: 'fake-key', baseURL: url, ...o });
// An authToken goes alone: the SDK refuses both credentials at once.
const solo = (k) => (k === 'authToken' ? { apiKey: undefined } : {});

// The API's listing, read straight from the fake (what for-await must see).
async function listed() {
  const r = await fetch(url + '/v1/models?limit=1000', { headers: { 'x-api-key': 'fake-key', 'anthropic-version': '2023-06-01' } });
  return (await r.json()).data;
}

test('retrieve: a promise and an error-first callback, the API object as is', async () => {
  const c = client();
  const m = await c.models.retrieve('claude-opus-4-1');
  const want = catalogue.models.find((x) => x.id === catalogue.aliases['claude-opus-4-1']);
  assert.deepEqual(m, want); // every field, unknown ones included
  const viaCb = await new Promise((resolve, reject) => {
    const r = c.models.retrieve('claude-opus-4-1', {}, { timeout: 5000 }, (err, v) => (err ? reject(err) : resolve(v)));
    assert.equal(r, undefined);
  });
  assert.equal(viaCb.id, m.id);
  assert.equal(typeof viaCb.display_name, 'string');
  assert.ok('capabilities' in viaCb && 'created_at' in viaCb);
  await c.close();
});

test('errors are SDK-named Error subclasses with kind, status, type, requestID', async () => {
  const c = client({ maxRetries: 0 });
  await assert.rejects(c.models.retrieve('no-such-model'), (e) => {
    assert.ok(e instanceof A.NotFoundError && e instanceof A.APIError && e instanceof Error);
    assert.equal(e.name, 'NotFoundError');
    assert.equal(e.kind, 'http');
    assert.equal(e.status, 404);
    assert.equal(e.type, 'not_found_error');
    assert.match(e.requestID, /^req_fake_/);
    return true;
  });
  await reset();
  await faults([{ status: 429 }]);
  await assert.rejects(c.models.retrieve('claude-opus-4-1'), A.RateLimitError);
  await faults([{ status: 529 }]);
  await assert.rejects(c.models.retrieve('claude-opus-4-1'), A.InternalServerError);
  await new Promise((resolve) => c.models.retrieve('', (err, m) => {
    assert.ok(err instanceof A.APIError);
    assert.equal(err.kind, 'invalid_argument');
    assert.equal(m, undefined);
    resolve();
  }));
  const dead = new A.Client({ apiKey: 'k', baseURL: 'http://127.0.0.1:9', maxRetries: 0 });
  await assert.rejects(dead.models.retrieve('x'), A.APIConnectionError);
  await dead.close();
  const cancelled = assert.rejects(c.models.retrieve('claude-opus-4-1'), A.APIUserAbortError);
  await c.close();
  await cancelled;
  assert.throws(() => new A.Client({ baseURL: 'http://h:99999', apiKey: 'k' }), /port/);
});

test('list: one page by callback or promise; for await walks every item of every page', async () => {
  const c = client();
  const all = await listed();
  const page = await c.models.list({ limit: 5 });
  assert.deepEqual(page.data.map((m) => m.id), all.slice(0, 5).map((m) => m.id));
  assert.equal(page.has_more, true);
  assert.equal(page.last_id, all[4].id);
  const viaCb = await new Promise((resolve, reject) => c.models.list({ limit: 2, after_id: all[4].id }, (e, p) => (e ? reject(e) : resolve(p))));
  assert.deepEqual(viaCb.data.map((m) => m.id), all.slice(5, 7).map((m) => m.id));
  await reset();
  const ids = [];
  for await (const m of c.models.list({ limit: 7 })) ids.push(m.id);
  assert.deepEqual(ids, all.map((m) => m.id));
  assert.equal((await stats()).requests, Math.ceil(all.length / 7) + (all.length % 7 === 0 ? 1 : 0));
  await c.close();
});

// As the SDK (1.15.0): the same endpoints, with no ?beta=true; betas go
// in anthropic-beta (test/node-parity.test.js compares the two).
test('the beta variants call the endpoints as the SDK does', async () => {
  const c = client();
  await reset();
  const m = await c.beta.models.retrieve('claude-opus-4-1');
  assert.equal(m.id, catalogue.aliases['claude-opus-4-1']);
  const p = await new Promise((resolve, reject) => c.beta.models.list({ limit: 1 }, (e, v) => (e ? reject(e) : resolve(v))));
  assert.equal(p.data.length, 1);
  const reqs = await (await fetch(url + '/_fake/requests')).json();
  assert.equal(reqs.length, 2);
  for (const r of reqs) assert.doesNotMatch(r.target, /[?&]beta=true/);
  await c.close();
});

test('resolve: input order, each the model or an Error, one request per distinct alias', async () => {
  const c = client();
  await reset();
  const known = Object.keys(catalogue.aliases).slice(0, 6);
  const input = [];
  for (let i = 0; i < 60; i++) input.push(known[(i * 7) % known.length]);
  input.push('no-such-model', 'no-such-model');
  const out = await c.models.resolve(input);
  assert.equal(out.length, input.length);
  input.forEach((a, i) => {
    if (a === 'no-such-model') assert.ok(out[i] instanceof A.NotFoundError);
    else assert.equal(out[i].id, catalogue.aliases[a]);
  });
  assert.equal((await stats()).requests, new Set(input).size);
  const viaCb = await new Promise((resolve, reject) => c.models.resolve(['claude-opus-4-1'], (e, v) => (e ? reject(e) : resolve(v))));
  assert.equal(viaCb[0].id, catalogue.aliases['claude-opus-4-1']);
  await c.close();
});

test('resolve on a client closed while its aliases are read: APIUserAbortError saying so', async () => {
  const c = client();
  const aliases = ['claude-opus-4-1'];
  Object.defineProperty(aliases, 1, { enumerable: true, get() { c.close(); return 'claude-haiku-4-5'; } });
  await assert.rejects(c.models.resolve(aliases), (e) => {
    assert.ok(e instanceof A.APIUserAbortError, e.stack);
    assert.equal(e.kind, 'cancelled');
    assert.match(e.message, /client .*closed/);
    return true;
  });
});

test('every close() settles only once the client is closed, in call order', async () => {
  const c = client();
  const order = [];
  const pending = c.models.retrieve('claude-opus-4-1').catch((e) => order.push(e.name));
  const closing = (name) => new Promise((resolve) => c.close(() => { order.push(name); resolve(); }));
  const first = closing('first');
  const second = closing('second');
  const third = c.close().then(() => assert.ok(order.includes('second'), 'settled early'));
  await Promise.all([pending, first, second, third]);
  assert.deepEqual(order, ['APIUserAbortError', 'first', 'second']);
  await c.close(); // once closed, at once
  await new Promise((resolve) => c.close(resolve));
});

test('resolve of anything but an array rejects, or calls back, with a TypeError', async () => {
  const c = client();
  const notArray = (e) => {
    assert.ok(e instanceof TypeError, e.stack);
    assert.equal(e.message, 'aliases must be an array');
    return true;
  };
  for (const bad of [undefined, null, { length: -1 }, { length: 1, 0: 'claude-opus-4-1' }, 'claude-opus-4-1']) {
    let p;
    assert.doesNotThrow(() => { p = c.models.resolve(bad); });
    await assert.rejects(p, notArray);
    await new Promise((resolve) => {
      assert.doesNotThrow(() => c.models.resolve(bad, (e, v) => {
        notArray(e);
        assert.equal(v, undefined);
        resolve();
      }));
    });
  }
  await c.close();
});

test('every header given is sent, more than 16 too', async () => {
  const many = (p) => Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`x-${p}-${i}`, String(i)]));
  const c = client({ defaultHeaders: many('d') });
  await reset();
  await c.models.retrieve('claude-opus-4-1', {}, { headers: many('r') });
  const [req] = await (await fetch(url + '/_fake/requests')).json();
  for (let i = 0; i < 20; i++) {
    assert.equal(req.headers[`x-d-${i}`], String(i), `x-d-${i}`);
    assert.equal(req.headers[`x-r-${i}`], String(i), `x-r-${i}`);
  }
  await c.close();
});

// A matcher for assert.throws() and assert.rejects(): an `Err` with
// `code`, whose message `check(message)` asserts on.
const argError = (Err, code, check) => (e) => {
  assert.ok(e instanceof Err, e.stack);
  assert.equal(e.code, code);
  check(e.message);
  return true;
};

test('a string with a NUL is refused, naming the argument, never cut short', async () => {
  const c = client();
  await reset();
  const nul = (name) => argError(TypeError, 'ERR_INVALID_ARG_VALUE', (m) => {
    assert.ok(m.startsWith(name + ' '), m);
    assert.match(m, /NUL/);
  });
  await assert.rejects(c.models.retrieve('claude-sonnet-4-0\u0000junk'), nul('id'));
  await assert.rejects(c.beta.models.retrieve('claude-sonnet-4-0\u0000'), nul('id'));
  await new Promise((resolve) => c.models.retrieve('claude-sonnet-4-0\u0000junk', (e, m) => {
    nul('id')(e);
    assert.equal(m, undefined);
    resolve();
  }));
  await assert.rejects(c.models.list({ after_id: 'claude-opus-4-1\u0000x' }), nul('after_id'));
  await assert.rejects(c.models.list({ before_id: 'claude-opus-4-1\u0000x' }), nul('before_id'));
  await assert.rejects(c.models.retrieve('claude-opus-4-1', {}, { headers: { 'x-a': 'v\u0000w' } }),
    nul("headers['x-a']"));
  await assert.rejects(c.models.retrieve('claude-opus-4-1', {}, { headers: { 'x-a\u0000b': 'v' } }),
    nul('headers'));
  await assert.rejects(c.models.resolve(['claude-opus-4-1', 'claude-sonnet-4-0\u0000junk']),
    nul('aliases[1]'));
  assert.equal((await stats()).requests, 0, 'a request was sent');
  for (const k of ['apiKey', 'authToken', 'baseURL', 'caBundle'])
    assert.throws(() => client({ ...solo(k), [k]: k === 'baseURL' ? url + '\u0000x' : 'k\u0000x' }), nul(k));
  assert.throws(() => client({ defaultHeaders: { 'x-a': 'v\u0000' } }), nul("defaultHeaders['x-a']"));
  await c.close();
});

test('a string argument of another type is a TypeError naming it, never ignored', async () => {
  const c = client();
  await reset();
  const type = (name) => argError(TypeError, 'ERR_INVALID_ARG_TYPE',
    (m) => assert.ok(m.startsWith(name + ' must be '), m));
  await assert.rejects(c.models.retrieve(42), type('id'));
  await assert.rejects(c.models.retrieve('claude-opus-4-1', 'fast'), type('params'));
  await assert.rejects(c.models.retrieve('claude-opus-4-1', {}, 'fast'), type('options'));
  await assert.rejects(c.models.list({ after_id: 5 }), type('after_id'));
  await assert.rejects(c.models.list(7), type('params'));
  await assert.rejects(c.models.retrieve('claude-opus-4-1', {}, { headers: 'x-a: 1' }), type('headers'));
  await assert.rejects(c.models.retrieve('claude-opus-4-1', {}, { headers: { 'x-a': 1 } }), type("headers['x-a']"));
  await assert.rejects(c.models.resolve(['claude-opus-4-1', 3]), type('aliases[1]'));
  assert.equal((await stats()).requests, 0, 'a request was sent');
  for (const k of ['apiKey', 'authToken', 'baseURL', 'caBundle'])
    assert.throws(() => client({ ...solo(k), [k]: 123 }), type(k));
  assert.throws(() => client({ defaultHeaders: { 'x-a': {} } }), type("defaultHeaders['x-a']"));
  assert.throws(() => new A.Client('fake-key'), type('options'));
  // null or undefined is the default, as not given.
  const d = client({ authToken: null, caBundle: undefined, defaultHeaders: { 'x-b': null } });
  assert.equal((await d.models.retrieve('claude-opus-4-1', {}, { headers: { 'x-a': undefined } })).id,
    catalogue.aliases['claude-opus-4-1']);
  await d.close();
  await c.close();
});

test('a number option: of another type a TypeError, out of range a RangeError, naming it', async () => {
  const c = client();
  await reset();
  const range = (msg) => argError(RangeError, 'ERR_OUT_OF_RANGE', (m) => assert.equal(m, msg));
  const type = (name) => argError(TypeError, 'ERR_INVALID_ARG_TYPE',
    (m) => assert.equal(m, name + ' must be a number'));
  const MAX = Number.MAX_SAFE_INTEGER;
  for (const limit of [0, -1, 1001, 1.5, 3567587328, NaN, Infinity])
    await assert.rejects(c.models.list({ limit }), range('limit must be an integer in 1..1000'));
  await assert.rejects(c.models.list({ limit: '5' }), type('limit'));
  for (const timeout of [0, -1, 1.5, 2 ** 53, NaN]) {
    await assert.rejects(c.models.retrieve('claude-opus-4-1', {}, { timeout }),
      range(`timeout must be an integer in 1..${MAX}`));
  }
  await assert.rejects(c.models.retrieve('claude-opus-4-1', {}, { timeout: '100' }), type('timeout'));
  for (const maxRetries of [-1, 0.5, 2 ** 31]) {
    await assert.rejects(c.models.retrieve('claude-opus-4-1', {}, { maxRetries }),
      range('maxRetries must be an integer in 0..2147483647'));
  }
  await assert.rejects(c.models.retrieve('claude-opus-4-1', {}, { maxRetries: true }), type('maxRetries'));
  assert.equal((await stats()).requests, 0, 'a request was sent');
  for (const [k, bad, msg] of [
    ['maxRetries', [-1, 2 ** 31, 1.5], 'maxRetries must be an integer in 0..2147483647'],
    ['timeout', [-1, 0, 2 ** 64], `timeout must be an integer in 1..${MAX}`],
    ['maxConcurrency', [-1, 0, 2 ** 32, 1.5], 'maxConcurrency must be an integer in 1..4294967295'],
  ]) {
    for (const v of bad) assert.throws(() => client({ [k]: v }), range(msg));
    assert.throws(() => client({ [k]: String(bad[0]) }), type(k));
  }
  // The ends of each range are taken.
  const d = client({ maxRetries: 0, timeout: MAX, maxConcurrency: 2 ** 32 - 1 });
  assert.equal((await d.models.list({ limit: 1000 })).data.length, (await listed()).length);
  assert.equal((await d.models.list({ limit: 1 })).data.length, 1);
  assert.equal((await d.models.retrieve('claude-opus-4-1', {}, { timeout: MAX, maxRetries: 2 ** 31 - 1 })).id,
    catalogue.aliases['claude-opus-4-1']);
  await d.close();
  await c.close();
});

// Run `src` in a child node (`nodeArgs` before the script), under `ulimit
// -n` when `fdLimit` is given; its {status, signal, stdout, stderr}.
function runScript(src, env = {}, { nodeArgs = [], fdLimit, ext = 'js' } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anthropic-node-'));
  const file = path.join(dir, `script.${ext}`);
  fs.writeFileSync(file, src);
  const argv = [process.execPath, ...nodeArgs, file];
  const [cmd, args] = fdLimit === undefined ? [argv[0], argv.slice(1)]
    : ['sh', ['-c', `ulimit -n ${fdLimit} && exec "$@"`, 'sh', ...argv]];
  const r = spawnSync(cmd, args, {
    env: { ...process.env, ADDON, URL: url, ...env }, encoding: 'utf8', timeout: 120000,
  });
  fs.rmSync(dir, { recursive: true });
  return r;
}

test('the process exits by itself once nothing is pending, with no close()', () => {
  const r = runScript(`
    const A = require(process.env.ADDON);
    const c = new A.Client({ apiKey: 'fake-key', baseURL: process.env.URL });
    c.models.retrieve('claude-opus-4-1').then((m) => console.log(m.id));
  `);
  assert.equal(r.signal, null, 'killed: the loop was kept alive');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), catalogue.aliases['claude-opus-4-1']);
});

test('a client dropped without close() is collected, and its sockets with it', () => {
  // 2,000 clients, 50 at a time, each dropped after one request, under a
  // limit of 256 descriptors: three or so each while a client lives.
  const r = runScript(`
    const A = require(process.env.ADDON);
    const fds = () => require('node:fs').readdirSync('/proc/self/fd').length;
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    (async () => {
      const out = { made: 0, maxFds: 0 };
      try {
        while (out.made < 2000) {
          await Promise.all(Array.from({ length: 50 }, () =>
            new A.Client({ apiKey: 'fake-key', baseURL: process.env.URL })
              .models.retrieve('claude-opus-4-1')));
          out.made += 50;
          for (let i = 0; i < 3; i++) { gc(); await turn(); }
          out.maxFds = Math.max(out.maxFds, fds());
        }
        out.rssMB = Math.round(process.memoryUsage().rss / 1e6);
      } catch (e) {
        out.error = e.message;
      }
      console.log(JSON.stringify(out));
    })();
  `, {}, { nodeArgs: ['--expose-gc'], fdLimit: 256 });
  assert.equal(r.signal, null, 'killed: the loop was kept alive');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.error, undefined, r.stdout);
  assert.equal(out.made, 2000);
  assert.ok(out.maxFds < 100, r.stdout);
});

test('a client is not collected while a request is pending, and is once idle', async () => {
  await reset();
  await faults([{ action: 'delay', delay_ms: 300, match: 'claude-haiku-4-5' }]);
  const r = runScript(`
    const A = require(process.env.ADDON);
    let collected = false;
    const registry = new FinalizationRegistry(() => { collected = true; console.log('collected'); });
    const p = (() => {
      const c = new A.Client({ apiKey: 'fake-key', baseURL: process.env.URL });
      registry.register(c, 'client');
      return c.models.retrieve('claude-haiku-4-5');
    })();
    const gcs = setInterval(gc, 5).unref(); // while the answer is delayed
    p.then(async (m) => {
      clearInterval(gcs);
      console.log('resolved ' + m.id);
      for (let i = 0; i < 100 && !collected; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });
  `, {}, { nodeArgs: ['--expose-gc'] });
  assert.equal(r.signal, null, 'killed: the loop was kept alive');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'),
    ['resolved ' + catalogue.aliases['claude-haiku-4-5'], 'collected']);
});

test('a client kept by the program works across garbage collections while idle', () => {
  const r = runScript(`
    const A = require(process.env.ADDON);
    const c = new A.Client({ apiKey: 'fake-key', baseURL: process.env.URL });
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    (async () => {
      for (let i = 0; i < 3; i++) { gc(); await turn(); }
      console.log((await c.models.retrieve('claude-opus-4-1')).id);
      for (let i = 0; i < 3; i++) { gc(); await turn(); }
      await c.close();
      console.log('closed');
    })();
  `, {}, { nodeArgs: ['--expose-gc'] });
  assert.equal(r.signal, null, 'killed: the loop was kept alive');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [catalogue.aliases['claude-opus-4-1'], 'closed']);
});

test('an exception thrown in a callback reaches uncaughtException; the client goes on', () => {
  const r = runScript(`
    const A = require(process.env.ADDON);
    const c = new A.Client({ apiKey: 'fake-key', baseURL: process.env.URL });
    process.on('uncaughtException', (e) => {
      console.log('caught ' + e.message);
      c.models.retrieve('claude-haiku-4-5', (err, m) => { console.log('after ' + m.id); });
    });
    c.models.retrieve('claude-opus-4-1', () => { throw new Error('boom'); });
    // Ended in the same loop turn, or nearly: its callback still runs.
    c.models.retrieve('claude-sonnet-4-0', (err, m) => { console.log('sibling ' + m.id); });
  `);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').sort(), [
    'after ' + catalogue.aliases['claude-haiku-4-5'], 'caught boom',
    'sibling ' + catalogue.aliases['claude-sonnet-4-0']].sort());
});

test('a worker thread has its own client on its own loop', () => {
  const r = runScript(`
    const { Worker, isMainThread, parentPort } = require('node:worker_threads');
    const A = require(process.env.ADDON);
    if (isMainThread) {
      const w = new Worker(__filename);
      w.on('message', (id) => console.log('worker ' + id));
      const c = new A.Client({ apiKey: 'fake-key', baseURL: process.env.URL });
      c.models.retrieve('claude-haiku-4-5').then((m) => console.log('main ' + m.id));
    } else {
      const c = new A.Client({ apiKey: 'fake-key', baseURL: process.env.URL });
      c.models.retrieve('claude-opus-4-1').then((m) => parentPort.postMessage(m.id));
    }
  `);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').sort(), [
    'main ' + catalogue.aliases['claude-haiku-4-5'],
    'worker ' + catalogue.aliases['claude-opus-4-1'],
  ].sort());
});

test('HTTPS with caBundle: libcurl in the node process, which carries its own OpenSSL', async () => {
  const dir = makeCert('anthropic-tls-');
  const tls = await startFake(['--tls', '--cert-dir', dir]);
  try {
    const c = new A.Client({ apiKey: 'fake-key', baseURL: tls.url, caBundle: path.join(dir, 'cert.pem') });
    const m = await c.models.retrieve('claude-opus-4-1');
    assert.equal(m.id, catalogue.aliases['claude-opus-4-1']);
    await c.close();
    const untrusting = new A.Client({ apiKey: 'fake-key', baseURL: tls.url, maxRetries: 0 });
    await assert.rejects(untrusting.models.retrieve('claude-opus-4-1'), (e) => e.kind === 'tls');
    await untrusting.close();
  } finally {
    tls.proc.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true });
  }
});

test('the README example runs as written', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const at = readme.indexOf('## Node.js');
  const m = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(m, 'no js example in the README section');
  // An ES module importing the package by its name, as users write it.
  const main = JSON.stringify(path.join(ADDON, 'index.js'));
  const src = m[1].replace("from 'anthropic-c'", `from ${main}`);
  assert.notEqual(src, m[1], "the example no longer imports 'anthropic-c'");
  const r = runScript(src, { ANTHROPIC_API_KEY: 'fake-key', ANTHROPIC_BASE_URL: url },
    { ext: 'mjs' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const opus = catalogue.aliases['claude-opus-4-1'];
  const haiku = catalogue.aliases['claude-haiku-4-5'];
  assert.ok(lines.some((l) => l.startsWith(opus + ' req_')), r.stdout);
  assert.ok(lines.includes('aborted: true'), r.stdout);
  assert.ok(lines.includes(`${haiku} true`), r.stdout);
  assert.ok(lines.includes(catalogue.aliases['claude-sonnet-4-0']), r.stdout);
});
