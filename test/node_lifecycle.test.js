// node_lifecycle.test.js - the Node package's lifecycle calls against the
// fake Models API: client.models.audit() (risk and days at a fixed `now`,
// the CLI's exit codes, input checks) and client.models.watch() (an async
// iterator of change events: the snapshot, the changes the fake's
// catalogue makes, errors as events, cancel by break, return(), an
// AbortSignal or close(), the bounded buffer's resync, and a process that
// still exits by itself). Run by meson (`node --test`) with NODE_ADDON and
// FAKE_API_SERVER set.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');

const { startFake } = require('./fake-api/start.js');

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
