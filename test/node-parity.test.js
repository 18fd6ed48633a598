// node-parity.test.js - the Node addon (build/examples/node) side by side
// with the official SDK (@anthropic-ai/sdk, installed from npm into the
// build directory, cached there): the same SDK-style program runs once with
// each against the fake Models API, and both must give the same results and
// put the same requests on the wire (the fake's request log: method, path,
// query, anthropic-beta, anthropic-workspace-id, custom headers). Then what
// only this package does (TypeErrors for unknown keys, the TypeScript
// types compiled with `tsc --strict --noEmit`). Run by meson with NODE_ADDON
// and FAKE_API_SERVER set.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { startFake } = require('./fake-api/start.js');

const ADDON = process.env.NODE_ADDON;
const OURS = require(ADDON);
const SDK_VERSION = '1.15.0';
const TS_VERSION = '7.0.2';
// build/sdk: installed once, kept for the next runs.
const SDK_DIR = process.env.ANTHROPIC_SDK_DIR || path.join(ADDON, '..', '..', 'sdk');
let SDK, server, url;

function installed(name, version) {
  try {
    const p = path.join(SDK_DIR, 'node_modules', name, 'package.json');
    return JSON.parse(fs.readFileSync(p, 'utf8')).version === version;
  } catch {
    return false;
  }
}

before(async () => {
  if (!installed('@anthropic-ai/sdk', SDK_VERSION) || !installed('typescript', TS_VERSION)) {
    const r = spawnSync('npm', ['install', '--prefix', SDK_DIR, '--no-audit', '--no-fund',
      `@anthropic-ai/sdk@${SDK_VERSION}`, `typescript@${TS_VERSION}`], { stdio: 'inherit' });
    assert.equal(r.status, 0, 'npm install of the SDK failed');
  }
  SDK = require(path.join(SDK_DIR, 'node_modules', '@anthropic-ai', 'sdk'));
  ({ proc: server, url } = await startFake());
});
after(() => { server.kill('SIGTERM'); });

const reset = () => fetch(url + '/_fake/reset', { method: 'POST', body: '{}' });
const faults = (f) => fetch(url + '/_fake/faults', { method: 'POST', body: JSON.stringify(f) });
const requests = async () => (await fetch(url + '/_fake/requests')).json();

// What the two must agree on, of each request on the wire.
const WIRE_HEADERS = ['anthropic-beta', 'anthropic-workspace-id', 'x-trace', 'x-default'];
function wire(log) {
  return log.map((r) => {
    const query = {};
    for (const k of Object.keys(r.query).sort()) query[k] = r.query[k];
    const headers = {};
    for (const h of WIRE_HEADERS) if (r.headers[h] !== undefined) headers[h] = r.headers[h];
    return { method: r.method, path: r.path, query, headers };
  });
}

// Request ids count on across runs: the same shape is what must match.
const rid = (s) => (typeof s === 'string' ? s.replace(/req_fake_\d+/g, 'req_fake_N') : s);
const ERROR_STATUSES = [400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504, 529];

// An SDK user's program for models, in steps; each step's result and the
// requests it sent are recorded. `lib` is the SDK's module or ours, used
// as `import Anthropic from ...` would.
function steps(lib) {
  const Anthropic = lib.default ?? lib;
  const mk = (o = {}) => new Anthropic({ authToken: 'fake-token', baseURL: url,
    defaultHeaders: { 'x-default': 'd' }, defaultQuery: { dq: '1' }, ...o });
  const desc = (e) => ({ class: e.constructor.name, name: e.name, message: rid(e.message),
    keys: Object.keys(e).filter((k) => !['kind', 'attempts'].includes(k)).sort(),
    status: e.status, requestID: rid(e.requestID), type: e.type, error: JSON.parse(rid(JSON.stringify(e.error ?? null))),
    headerID: rid(e.headers?.get('request-id')), isAPIError: e instanceof Anthropic.APIError,
    isAnthropicError: e instanceof lib.AnthropicError });
  return {
    async 'for await over every model, 3 a page'() {
      const ids = [];
      for await (const m of mk().models.list({ limit: 3 })) ids.push(m.id);
      return ids;
    },
    async 'list with lifecycle, limit'() {
      const page = await mk().models.list({ lifecycle: ['retired'], limit: 100 });
      return { ids: page.data.map((m) => m.id), has_more: page.has_more, first_id: page.first_id,
        last_id: page.last_id, next: page.hasNextPage() };
    },
    async 'retrieve with workspace_id and every request option'() {
      const m = await mk().models.retrieve('claude-opus-4-1', { workspace_id: 'ws_1' },
        { headers: { 'x-trace': 't' }, query: { q: 'z' }, timeout: 5000, maxRetries: 1 });
      return { id: m.id, keys: Object.keys(m), request_id: rid(m._request_id) };
    },
    async 'a request header of null removes nothing else'() {
      const m = await mk().models.retrieve('claude-haiku-4-5', {}, { headers: { 'x-trace': null } });
      return m.id;
    },
    async 'beta retrieve and list with betas'() {
      const c = mk();
      const m = await c.beta.models.retrieve('claude-opus-4-1', { betas: ['b1', 'b2'], workspace_id: 'ws_2' });
      const p = await c.beta.models.list({ betas: ['b1'], limit: 2 });
      return { id: m.id, ids: p.data.map((x) => x.id) };
    },
    async 'withResponse and asResponse'() {
      const { data, response, request_id } = await mk().models.retrieve('claude-haiku-4-5').withResponse();
      const r = await mk().models.list({ limit: 1 }).asResponse();
      return { id: data.id, status: response.status, request_id: rid(request_id),
        same: response.headers.get('request-id') === request_id, listStatus: r.status,
        dataID: data._request_id === request_id };
    },
    async 'the client\'s fields'() {
      const c = mk({ maxRetries: 1, timeout: 9000 });
      return [c.apiKey, c.authToken, c.baseURL === url, c.maxRetries, c.timeout];
    },
    async 'errors by class'() {
      const out = [];
      const c = mk();
      for (const status of ERROR_STATUSES) {
        await faults([{ action: 'respond', status, match: 'claude-opus-4-1' }]);
        try {
          await c.models.retrieve('claude-opus-4-1', {}, { maxRetries: 0 });
          out.push('resolved');
        } catch (e) {
          out.push(desc(e));
        }
      }
      return out;
    },
    async 'page navigation: hasNextPage, getNextPage, iterPages'() {
      const c = mk();
      let page = await c.models.list({ limit: 2 });
      const seen = [page.data.map((m) => m.id)];
      for (let i = 0; i < 2 && page.hasNextPage(); i++) {
        page = await page.getNextPage();
        seen.push(page.data.map((m) => m.id));
      }
      let pages = 0;
      for await (const p of (await c.models.list({ limit: 10 })).iterPages()) pages += p.data.length ? 1 : 0;
      const last = await c.models.list({ limit: 1000 });
      let threw = null;
      try { await last.getNextPage(); } catch (e) { threw = desc(e); }
      return { seen, pages, lastHasNext: last.hasNextPage(), threw };
    },
    async 'before_id walk, in the SDK order'() {
      const c = mk();
      const all = (await c.models.list({ limit: 1000 })).data;
      const ids = [];
      for await (const m of c.models.list({ before_id: all[all.length - 2].id, limit: 3 })) ids.push(m.id);
      return ids;
    },
    async 'abort by signal mid-request'() {
      const c = mk();
      await faults([{ action: 'delay', delay_ms: 5000, match: 'claude-sonnet-4-0' }]);
      const ac = new AbortController();
      const p = c.models.retrieve('claude-sonnet-4-0', {}, { signal: ac.signal });
      // On the wire, unanswered: then abort.
      for (;;) {
        const log = await requests();
        if (log.some((r) => r.path.endsWith('claude-sonnet-4-0'))) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      ac.abort();
      let err;
      try { await p; } catch (e) { err = e; }
      // Rejected before the delayed answer was sent: the fake's record of
      // the request still says it was not answered.
      const rec = (await requests()).find((r) => r.path.endsWith('claude-sonnet-4-0'));
      return { err: desc(err), answered: rec.status !== 0 };
    },
    async 'a pre-aborted signal sends nothing'() {
      const ac = new AbortController();
      ac.abort();
      try {
        await mk().models.retrieve('claude-opus-4-1', {}, { signal: ac.signal });
        return 'resolved';
      } catch (e) {
        return desc(e);
      }
    },
    async 'environment variables: ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN'() {
      const saved = { ...process.env };
      process.env.ANTHROPIC_BASE_URL = url;
      process.env.ANTHROPIC_AUTH_TOKEN = 'fake-token';
      delete process.env.ANTHROPIC_API_KEY;
      try {
        const c = new Anthropic();
        const fields = [c.apiKey, c.authToken, c.baseURL === url, c.maxRetries, c.timeout];
        return { id: (await c.models.retrieve('claude-opus-4-1')).id, fields };
      } finally {
        for (const k of ['ANTHROPIC_BASE_URL', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_API_KEY']) {
          if (saved[k] === undefined) delete process.env[k];
          else process.env[k] = saved[k];
        }
      }
    },
    async 'error-class statics'() {
      return ['NotFoundError', 'OverloadedError', 'APIUserAbortError', 'APIConnectionTimeoutError',
        'ServiceUnavailableError', 'GatewayTimeoutError', 'RequestTimeoutError', 'ContentTooLargeError']
        .map((n) => [n, typeof Anthropic[n], typeof lib[n],
          Object.getPrototypeOf(Anthropic[n].prototype).constructor.name]);
    },
  };
}

// Both, step by step: the same result and the same requests.
const sdkSteps = Object.keys(steps({}));
for (const name of sdkSteps) {
  test(`as the SDK: ${name}`, async () => {
    const run = async (lib) => {
      await reset();
      const result = await steps(lib)[name]();
      return { result, wire: wire(await requests()) };
    };
    const theirs = await run(SDK);
    const ours = await run(OURS);
    assert.deepEqual(ours.result, theirs.result);
    assert.deepEqual(ours.wire, theirs.wire);
  });
}

test('the SDK and ours put requests on the wire at all (the comparison is not empty)', async () => {
  await reset();
  const r = await steps(OURS)['beta retrieve and list with betas']();
  const log = wire(await requests());
  assert.equal(r.ids.length, 2);
  assert.deepEqual(log.map((x) => x.headers['anthropic-beta']), ['b1,b2', 'b1']);
  assert.equal(log[0].headers['anthropic-workspace-id'], 'ws_2');
});

test('an unknown parameter, option or client option is a TypeError naming it; nothing is sent', async () => {
  const c = new OURS({ authToken: 'fake-token', baseURL: url });
  await reset();
  const unknown = (key) => (e) => {
    assert.ok(e instanceof TypeError, e.stack);
    assert.match(e.message, new RegExp(`unknown key '${key}'`));
    return true;
  };
  await assert.rejects(c.models.retrieve('claude-opus-4-1', { lifecycle: ['active'] }), unknown('lifecycle'));
  await assert.rejects(c.models.list({ limt: 3 }), unknown('limt'));
  await assert.rejects(c.models.list({}, { timeOut: 3 }), unknown('timeOut'));
  await assert.rejects(c.models.retrieve('claude-opus-4-1', {}, { idempotencyKey: 'k' }), unknown('idempotencyKey'));
  await assert.rejects(c.models.list({ lifecycle: 'retired' }), /lifecycle must be an array of strings/);
  await assert.rejects(c.models.list({ lifecycle: ['retired', 3] }), /lifecycle\[1\] must be a string/);
  await assert.rejects(c.beta.models.list({ betas: 'b1' }), /betas must be an array of strings/);
  await assert.rejects(c.models.retrieve('claude-opus-4-1', { workspace_id: 7 }), /workspace_id must be a string/);
  await assert.rejects(c.models.retrieve('claude-opus-4-1', {}, { signal: 'stop' }), /signal must be an AbortSignal/);
  await assert.rejects(c.models.retrieve('claude-opus-4-1', {}, { query: { a: {} } }), /query\['a'\] must be a string/);
  assert.throws(() => new OURS({ authToken: 'fake-token', baseURL: url, fetch: () => {} }), unknown('fetch'));
  assert.throws(() => new OURS({ authToken: 'fake-token', baseURL: url, logLevel: 'loud' }), /logLevel must be one of/);
  assert.throws(() => new OURS({ apiKey: 'k', authToken: 't', baseURL: url }), /at most one of/);
  assert.equal((await requests()).length, 0, 'a request was sent');
  await c.close();
});

test('callbacks, resolve and close stay, with the SDK argument positions', async () => {
  const c = new OURS({ authToken: 'fake-token', baseURL: url });
  await reset();
  const m = await new Promise((res, rej) => c.models.retrieve('claude-opus-4-1', { workspace_id: 'w' },
    { headers: { 'x-trace': 'cb' } }, (e, v) => (e ? rej(e) : res(v))));
  const p = await new Promise((res, rej) => c.models.list({ limit: 1 }, (e, v) => (e ? rej(e) : res(v))));
  assert.equal(p.data.length, 1);
  assert.equal(typeof p.hasNextPage, 'function');
  const [r] = await c.models.resolve(['claude-opus-4-1']);
  assert.equal(r.id, m.id);
  assert.match(r._request_id, /^req_fake_/);
  const log = await requests();
  assert.equal(log[0].headers['anthropic-workspace-id'], 'w');
  assert.equal(log[0].headers['x-trace'], 'cb');
  await c.close();
});

test('import Anthropic from, and the named exports, from an ES module', () => {
  const index = path.join(ADDON, 'index.js');
  const src = `import Anthropic, { Anthropic as Named, NotFoundError, OverloadedError, APIUserAbortError } from ${JSON.stringify(index)};
const c = new Anthropic({ authToken: 't', baseURL: 'http://127.0.0.1:9' });
const d = new Named({ authToken: 't', baseURL: 'http://127.0.0.1:9' });
console.log(typeof c.models.list, typeof d.close, Anthropic.NotFoundError === NotFoundError,
  new OverloadedError(529, undefined, 'x', new Headers()) instanceof Anthropic.InternalServerError,
  new APIUserAbortError().message);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', src], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'function function true true Request was aborted.');
});

test('logger and logLevel: the library\'s lines go to the logger', async () => {
  const lines = [];
  const logger = { error: (l) => lines.push(['error', l]), warn: (l) => lines.push(['warn', l]),
    info: (l) => lines.push(['info', l]), debug: (l) => lines.push(['debug', l]) };
  const c = new OURS({ authToken: 'fake-token', baseURL: url, logger, logLevel: 'debug' });
  await c.models.retrieve('claude-opus-4-1');
  await c.close();
  assert.ok(lines.some(([lvl, l]) => lvl === 'debug' && /GET .*claude-opus-4-1/.test(l)), JSON.stringify(lines));
});

// The types: a new user's SDK program, with the import changed, compiles
// with tsc --strict against index.d.ts.
test('index.d.ts: an SDK-style TypeScript program compiles with tsc --strict --noEmit', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anthropic-types-'));
  try {
    const src = path.join(__dirname, 'node-types', 'sample.ts');
    const dts = path.join(__dirname, '..', 'examples', 'node', 'index.d.ts');
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'commonjs',
        lib: ['es2022', 'dom', 'dom.iterable', 'dom.asynciterable'], esModuleInterop: true, types: [],
        paths: { 'anthropic-c': [dts] } },
      files: [src],
    }));
    const tsc = path.join(SDK_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    // And what the types must refuse, they refuse.
    const bad = path.join(dir, 'bad.ts');
    fs.writeFileSync(bad, `import Anthropic from 'anthropic-c';\n` +
      `const c = new Anthropic({ fetch: 1 });\n` +
      `c.models.list({ limt: 3 });\n` +
      `c.models.retrieve('x', {}, { timeOut: 1 });\n`);
    const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'));
    cfg.files = [bad];
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(cfg));
    const r2 = spawnSync(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    assert.notEqual(r2.status, 0);
    for (const k of ['fetch', 'limt', 'timeOut']) assert.match(r2.stdout, new RegExp(`'${k}'`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a request header of null for one the client always sends is a TypeError, not sent', async () => {
  const c = new OURS({ authToken: 'fake-token', baseURL: url, defaultHeaders: { 'x-default': 'd' } });
  await reset();
  for (const h of ['x-default', 'Anthropic-Version', 'authorization']) {
    await assert.rejects(c.models.retrieve('claude-opus-4-1', {}, { headers: { [h]: null } }),
      (e) => e instanceof TypeError && e.message.startsWith(`headers['${h}'] cannot be null`));
  }
  // A Headers object and [name, value] pairs are taken as the SDK takes them.
  await c.models.retrieve('claude-opus-4-1', {}, { headers: new Headers({ 'x-trace': 'h' }) });
  await c.models.retrieve('claude-opus-4-1', {}, { headers: [['x-trace', 'p']] });
  const log = await requests();
  assert.deepEqual(log.map((r) => r.headers['x-trace']).filter(Boolean), ['h', 'p']);
  await c.close();
});

test('an abort cancels the request in the library: its connection goes, the client goes on', async () => {
  const c = new OURS({ authToken: 'fake-token', baseURL: url });
  await reset();
  await faults([{ action: 'delay', delay_ms: 300, match: 'claude-sonnet-4-0' }]);
  const ac = new AbortController();
  const p = c.models.retrieve('claude-sonnet-4-0', {}, { signal: ac.signal });
  while (!(await requests()).length) await new Promise((r) => setTimeout(r, 5));
  ac.abort();
  await assert.rejects(p, (e) => e instanceof OURS.APIUserAbortError && e.status === undefined);
  ac.abort(); // a second abort, and one after the end, change nothing
  // Past the delay: had the request stayed on the wire it was answered.
  await new Promise((r) => setTimeout(r, 600));
  assert.equal((await requests())[0].status, 0, 'the delayed answer was sent: not cancelled');
  const again = new AbortController();
  assert.equal((await c.models.retrieve('claude-opus-4-1', {}, { signal: again.signal })).id,
    (await c.models.retrieve('claude-opus-4-1')).id);
  again.abort(); // after its end: nothing
  assert.equal(c._pending.size, 0);
  await c.close();
});
