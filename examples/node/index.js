// index.js - the C client (anthropic.node) as users of the official SDK
// (@anthropic-ai/sdk) write it: `new Anthropic(options)`, models.retrieve(id,
// params, options) and models.list(params, options) with the SDK's
// parameters and request options (signal included), its error classes and
// fields, _request_id, .withResponse(), pages with hasNextPage(),
// getNextPage() and iterPages(), and `for await` over every item. Besides:
// error-first callbacks (a function as the last argument), models.resolve(),
// models.audit() and models.watch() (model lifecycles: see the comments
// there) and close(). The client runs on Node's own libuv loop; nothing here starts
// a thread. SDK-shaped objects are made only when asked for (a Response, an
// error's headers).
'use strict';
const native = require('./anthropic.node');

const RESULT = 0, ERROR = 1, DONE = 2, EVENT = 3;

// ---------------------------------------------------------------- errors
// The SDK's tree: AnthropicError > APIError > the rest, with its fields
// (status, headers, error, requestID, type, ...). Ours add `kind` (the C
// library's error kind) and `attempts`.

class AnthropicError extends Error {
  constructor(message, options) {
    super(message, options);
    Object.defineProperty(this, 'name', { value: new.target.name, writable: true, configurable: true });
  }
}

function headersOf() {
  if (typeof this._h === 'function') this._h = this._h();
  return this._h;
}
function setHeaders(h) { this._h = h; }

class APIError extends AnthropicError {
  // As the SDK's: (status, error body, message, headers, type).
  constructor(status, error, message, headers, type) {
    super(APIError._message(status, error, message));
    this.status = status;
    // The headers, or (ours) a function that makes them when first asked
    // for: an own property, as the SDK's, read lazily.
    Object.defineProperty(this, '_h', { value: headers, writable: true, enumerable: false });
    Object.defineProperty(this, 'headers', { get: headersOf, set: setHeaders, enumerable: true, configurable: true });
    const h = typeof headers === 'function' ? undefined : headers;
    this.requestID = h?.get('request-id');
    this.workspaceID = h?.get('anthropic-workspace-id');
    this.error = error;
    const body = error ?? {};
    this.apiMessage = body.error?.message ?? null;
    this.type = type ?? body.error?.type ?? null;
    const code = body.error?.details?.error_code;
    this.errorCode = typeof code === 'string' ? code : null;
    this.details = body.error?.details ?? null;
  }

  static _message(status, error, message) {
    const msg = error?.message
      ? (typeof error.message === 'string' ? error.message : JSON.stringify(error.message))
      : error ? JSON.stringify(error) : message;
    if (status && msg) return `${status} ${msg}`;
    if (status) return `${status} status code (no body)`;
    if (msg) return msg;
    return '(no status code or body)';
  }
}
class APIUserAbortError extends APIError {
  constructor({ message } = {}) { super(undefined, undefined, message || 'Request was aborted.', undefined); }
}
class APIConnectionError extends APIError {
  constructor({ message, cause } = {}) {
    super(undefined, undefined, message || 'Connection error.', undefined);
    if (cause) this.cause = cause;
  }
}
class APIConnectionTimeoutError extends APIConnectionError {
  constructor({ message } = {}) { super({ message: message ?? 'Request timed out.' }); }
}
class RetryableError extends AnthropicError {}
class BadRequestError extends APIError {}
class AuthenticationError extends APIError {}
class PaymentRequiredError extends APIError {}
class PermissionDeniedError extends APIError {}
class NotFoundError extends APIError {}
class RequestTimeoutError extends APIError {}
class ConflictError extends APIError {}
class PreconditionFailedError extends APIError {}
class ContentTooLargeError extends APIError {}
class UnprocessableEntityError extends APIError {}
class RateLimitError extends APIError {}
class RequestHeaderFieldsTooLargeError extends APIError {}
class ClientClosedRequestError extends APIError {}
class InternalServerError extends APIError {}
class NotImplementedError extends InternalServerError {}
class ServiceUnavailableError extends InternalServerError {}
class GatewayTimeoutError extends InternalServerError {}
class OverloadedError extends InternalServerError {}

const BY_STATUS = new Map([[400, BadRequestError], [401, AuthenticationError],
  [402, PaymentRequiredError], [403, PermissionDeniedError], [404, NotFoundError],
  [408, RequestTimeoutError], [409, ConflictError], [412, PreconditionFailedError],
  [413, ContentTooLargeError], [422, UnprocessableEntityError], [429, RateLimitError],
  [431, RequestHeaderFieldsTooLargeError], [499, ClientClosedRequestError],
  [501, NotImplementedError], [503, ServiceUnavailableError], [504, GatewayTimeoutError],
  [529, OverloadedError]]);

// The headers the library reports of a response (it keeps no others).
function responseHeaders(requestID) {
  const h = new Headers();
  if (requestID != null) h.set('request-id', requestID);
  return h;
}

// The addon's error ({kind, status, type, message, requestId, attempts})
// as the SDK's error of its class.
function toError(e) {
  let err;
  if (e.kind === 'http' && e.status) {
    const C = BY_STATUS.get(e.status) || (e.status >= 500 ? InternalServerError : APIError);
    // The API's error body, as the library read it.
    const body = e.type != null
      ? (e.requestId != null
        ? { type: 'error', error: { type: e.type, message: e.message }, request_id: e.requestId }
        : { type: 'error', error: { type: e.type, message: e.message } })
      : undefined;
    const rid = e.requestId;
    err = new C(e.status, body, body ? undefined : e.message, () => responseHeaders(rid));
    err.requestID = rid ?? null;
    err.workspaceID = null;
  } else if (e.kind === 'timeout') err = new APIConnectionTimeoutError({ message: e.message });
  else if (e.kind === 'connection' || e.kind === 'tls') err = new APIConnectionError({ message: e.message });
  else if (e.kind === 'cancelled') err = new APIUserAbortError({ message: e.message });
  else err = new APIError(undefined, undefined, e.message, undefined);
  err.kind = e.kind;
  err.attempts = e.attempts;
  return err;
}

// What a call that threw (the addon refused its arguments) hands its
// callback: a TypeError or RangeError as it is (it names the argument),
// anything else as the SDK-named error of its kind.
function refused(e) {
  if (e instanceof TypeError || e instanceof RangeError) return e;
  return toError({ kind: e.code || 'invalid_argument', message: e.message });
}

// ---------------------------------------------------------------- checks

// A key that is not one of `known` (with a value) is a TypeError naming
// it: nothing given is ignored. Types are checked by the addon.
function checkKeys(o, known, what) {
  if (o === null || typeof o !== 'object') return;
  for (const k in o) {
    if (!known.has(k) && o[k] !== undefined) {
      const e = new TypeError(`${what} has an unknown key '${k}' (known: ${[...known].join(', ')})`);
      e.code = 'ERR_INVALID_ARG_VALUE';
      throw e;
    }
  }
}
const typeError = (msg) => Object.assign(new TypeError(msg), { code: 'ERR_INVALID_ARG_TYPE' });

const RETRIEVE_KEYS = new Set(['betas', 'workspace_id']);
const LIST_KEYS = new Set(['after_id', 'before_id', 'limit', 'lifecycle', 'betas', 'workspace_id']);
const OPTION_KEYS = new Set(['timeout', 'maxRetries', 'headers', 'query', 'signal']);
const CLIENT_KEYS = new Set(['apiKey', 'authToken', 'baseURL', 'timeout', 'maxRetries',
  'defaultHeaders', 'defaultQuery', 'logLevel', 'logger', 'caBundle', 'maxConcurrency']);
const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug'];

// Headers as the SDK takes them (an object, a Headers, [name, value]
// pairs) as the object the addon reads; null values kept (not sent).
function headerObject(h, what) {
  if (h == null || typeof h !== 'object') return h;
  if (Array.isArray(h) || typeof h[Symbol.iterator] === 'function') {
    const o = {};
    for (const pair of h) {
      if (!Array.isArray(pair) || pair.length !== 2) throw typeError(`${what} must be an object, a Headers or [name, value] pairs`);
      o[pair[0]] = pair[1];
    }
    return o;
  }
  return h;
}

// ---------------------------------------------------------------- promises

// The SDK's APIPromise: a Promise of the result with .withResponse() and
// .asResponse(). Its then() makes plain Promises.
class APIPromise extends Promise {
  static get [Symbol.species]() { return Promise; }

  // The response as a fetch Response: its status and the headers the
  // library reports (request-id). The body was read already: none here.
  asResponse() {
    return this.then(() => makeResponse(this._rid), (e) => {
      if (e instanceof APIError && e.status) return makeResponse(e.requestID, e.status);
      throw e;
    });
  }

  withResponse() {
    return this.then((data) => ({ data, response: makeResponse(this._rid),
      request_id: this._rid ?? null, workspace_id: null }));
  }
}

function makeResponse(requestID, status = 200) {
  return new Response(null, { status, headers: responseHeaders(requestID) });
}

// A promise of a page that is also async-iterable over every item of it
// and the pages after it, as the SDK's list().
class PagePromise extends APIPromise {
  async *[Symbol.asyncIterator]() {
    const page = await this;
    for await (const item of page) yield item;
  }
}

// One page of models: the API's fields and the SDK's navigation. Forward
// (after_id = last_id) or, when it was asked with before_id, backward
// (before_id = first_id), each page's items in the API's order.
class Page {
  #models; #params; #options;
  constructor(body, models, params, options) {
    this.data = body.data || [];
    this.has_more = body.has_more || false;
    this.first_id = body.first_id || null;
    this.last_id = body.last_id || null;
    this.#models = models;
    this.#params = params;
    this.#options = options;
  }

  getPaginatedItems() { return this.data; }

  _nextParams() {
    const p = this.#params || {};
    if (p.before_id) return this.first_id ? { ...p, before_id: this.first_id } : null;
    return this.last_id ? { ...p, after_id: this.last_id } : null;
  }

  hasNextPage() {
    if (this.has_more === false || !this.data.length) return false;
    return this._nextParams() != null;
  }

  async getNextPage() {
    const next = this._nextParams();
    if (!next) {
      throw new AnthropicError('No next page expected; please check `.hasNextPage()` before calling `.getNextPage()`.');
    }
    return this.#models.list(next, this.#options);
  }

  async *iterPages() {
    let page = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  async *[Symbol.asyncIterator]() {
    for await (const page of this.iterPages()) yield* page.data;
  }
}

// ---------------------------------------------------------------- calls

// One request's way back: `cb`, called as call.cb(err, value) (null once
// it was aborted and settled), is settleCallback, which calls the user's
// `fn`, or settlePromise, which settles `promise`; `page` says what to
// make of its result; `signal` is its signal while it is in flight. One
// object a request, no closure but the promise's executor.
class Call {
  constructor(cb, fn, page) {
    this.cb = cb;
    this.fn = fn;
    this.promise = undefined;
    this.res = null; // the promise's resolve and reject
    this.rej = null;
    this.page = page; // {models, params, options} for a list, else null
    this.signal = null;
    this.onAbort = null;
    this.rid = 0n;
    this.resolve = null; // a resolve batch's results
    this.audit = null; // audit(): the aliases of its resolve batch
    this.watch = null; // watch(): its WatchState
  }
}

// The user's callback, called as before: with no `this`.
function settleCallback(err, v) {
  const fn = this.fn;
  fn(err, v);
}

function settlePromise(err, v) {
  if (err) this.rej(err); else this.res(v);
}

// call.cb(err) on the next tick: a refusal, never from inside the call.
function settleLater(call, err) { call.cb(err); }

// A new call of the user's callback, or of a new promise of class P.
function callFor(cb, P, page) {
  if (typeof cb === 'function') return new Call(settleCallback, cb, page);
  const call = new Call(settlePromise, null, page);
  call.promise = new P((a, b) => { call.res = a; call.rej = b; });
  return call;
}

class Models {
  constructor(client) { this._client = client; }

  // retrieve(id, [params], [options], [cb]): the model, as the API's
  // object, with _request_id.
  retrieve(id, params, options, cb) {
    if (typeof params === 'function') { cb = params; params = options = undefined; }
    else if (typeof options === 'function') { cb = options; options = undefined; }
    const call = callFor(cb, APIPromise, null);
    this._client._start(call, options, id, params);
    return call.promise;
  }

  // list([params], [options], [cb]): one page; its promise is also
  // async-iterable over every item of every page from it on.
  list(params, options, cb) {
    if (typeof params === 'function') { cb = params; params = options = undefined; }
    else if (typeof options === 'function') { cb = options; options = undefined; }
    const call = callFor(cb, PagePromise, { models: this, params, options });
    this._client._start(call, options, undefined, params);
    return call.promise;
  }

  // resolve(aliases, [cb]): every alias's model or Error, in input order;
  // each distinct alias asked once (and at most once at a time per client).
  // Aliases that are not an array are refused by the addon, and that
  // error goes to the callback or promise, as any other.
  resolve(aliases, cb) {
    const call = callFor(cb, Promise, null);
    const c = this._client;
    call.resolve = [];
    const token = c._token(call);
    try {
      native.resolve(c._h, aliases, token, {}); // every index is filled
    } catch (e) {
      c._pending.delete(token);
      process.nextTick(settleLater, call, refused(e));
    }
    return call.promise;
  }

  // audit(aliases, [{within, now}], [cb]): each alias resolved (one batch,
  // as resolve()) and judged at `now` (default: the current time) with a
  // window of `within` days (default 90), as `anthropic-models audit`:
  // {results, atRisk, retired, unknown, exitCode}. Input is checked before
  // anything is asked: a TypeError (or RangeError) to the callback or
  // promise.
  audit(aliases, options, cb) {
    if (typeof options === 'function') { cb = options; options = undefined; }
    const call = callFor(cb, Promise, null);
    const c = this._client;
    let list, o;
    try {
      list = aliasList(aliases, 'aliases');
      o = auditOptions(options);
    } catch (e) {
      process.nextTick(settleLater, call, e);
      return call.promise;
    }
    call.resolve = [];
    call.audit = list;
    const token = c._token(call);
    try {
      native.resolve(c._h, list, token, o);
    } catch (e) {
      c._pending.delete(token);
      process.nextTick(settleLater, call, refused(e));
    }
    return call.promise;
  }

  // watch([params], [options]): the model list (and `aliases`) watched
  // every `interval`, as an async iterator of events (see ModelWatch).
  // Bad params throw here (TypeError or RangeError naming them).
  watch(params, options) {
    return new ModelWatch(this._client, params, options);
  }
}

// ---------------------------------------------------------------- audit

// `v`, an iterable of non-empty strings (not a string), as an array; a
// TypeError naming `what` (or its item) otherwise.
function aliasList(v, what) {
  if (v == null || typeof v === 'string' || typeof v[Symbol.iterator] !== 'function') {
    throw typeError(`${what} must be an iterable of strings`);
  }
  const out = [];
  for (const a of v) {
    if (typeof a !== 'string' || a === '') {
      throw typeError(`${what}[${out.length}] must be a non-empty string`);
    }
    out.push(a);
  }
  return out;
}

const AUDIT_KEYS = new Set(['within', 'now']);

// audit()'s options as resolve() takes them: {now (seconds), within}.
function auditOptions(options) {
  if (options != null && typeof options !== 'object') throw typeError('options must be an object');
  checkKeys(options, AUDIT_KEYS, 'options');
  const now = options?.now ?? Date.now();
  let ms;
  if (now instanceof Date) ms = now.getTime();
  else if (typeof now === 'number') ms = now;
  else if (typeof now === 'string') ms = Date.parse(now);
  else throw typeError('now must be a Date, a number (ms since 1970) or a date string');
  if (!Number.isFinite(ms)) {
    throw Object.assign(new RangeError('now must be a valid date'), { code: 'ERR_OUT_OF_RANGE' });
  }
  return { now: Math.floor(ms / 1000), within: options?.within ?? 90 };
}

// One audited alias: from the addon's {json, state, risk, days...}, or
// the Error its resolve got (risk 'unknown').
function auditResult(alias, v) {
  if (v instanceof Error) {
    return { alias, id: null, lifecycle: null, deprecated_at: null, retires_at: null,
      daysToRetirement: null, daysToDeprecation: null, risk: 'unknown', error: v, model: null };
  }
  const m = parseModel(v.json, v.rid);
  return { alias, id: m.id, lifecycle: v.state, deprecated_at: m.deprecated_at ?? null,
    retires_at: m.retires_at ?? null, daysToRetirement: v.daysToRetirement,
    daysToDeprecation: v.daysToDeprecation, risk: v.risk, error: null, model: m };
}

// The report: exitCode as the CLI's, 4 when some alias is retired or
// unknown, else 3 when some is at risk, else 0.
function auditReport(results) {
  let atRisk = 0, retired = 0, unknown = 0;
  for (const r of results) {
    if (r.risk === 'at_risk') atRisk++;
    else if (r.risk === 'retired') retired++;
    else if (r.risk === 'unknown') unknown++;
  }
  const exitCode = retired + unknown > 0 ? 4 : atRisk > 0 ? 3 : 0;
  return { results, atRisk, retired, unknown, exitCode };
}

// ---------------------------------------------------------------- watch

const WATCH_TYPES = [undefined, 'snapshot', 'added', 'removed', 'lifecycle_changed',
  'deprecated_at_changed', 'retires_at_changed', 'alias_moved', 'error', 'cycle'];
const WATCH_KEYS = new Set(['interval', 'aliases', 'jitter', 'lifecycle', 'backoff', 'maxBackoff', 'maxModels',
  'keepCache', 'cachedAliases', 'maxBuffered', 'signal', 'betas', 'workspace_id']);
const UNITS = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 };
const DEFAULT_BUFFERED = 10000;

const rangeError = (msg) => Object.assign(new RangeError(msg), { code: 'ERR_OUT_OF_RANGE' });

// A duration: milliseconds (a positive integer), or a string "250ms",
// "30s", "10m", "1.5h", "1d" (no unit: ms).
function duration(v, what) {
  let ms = v;
  if (typeof v === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(v);
    ms = m ? Math.round(Number(m[1]) * UNITS[m[2] || 'ms']) : NaN;
  } else if (typeof v !== 'number') {
    throw typeError(`${what} must be a number of milliseconds or a string such as '10m'`);
  }
  if (!Number.isSafeInteger(ms) || ms < 1) {
    throw rangeError(`${what} must be a positive whole number of milliseconds, or a string such as '30s', '10m', '1h' (got ${String(v)})`);
  }
  return ms;
}

// The event from the addon's: type by name, models parsed, aliases as
// {alias: model or null}, the error as the SDK-named Error. Every event
// has every key (null or 0 where it does not apply).
function watchEvent(raw, type) {
  let aliases = null;
  if (raw.aliases !== null) {
    const ms = raw.aliasModels !== null ? JSON.parse(raw.aliasModels) : [];
    aliases = Object.fromEntries(raw.aliases.map((a, i) => [a, ms[i] ?? null]));
  }
  const timed = type === 'error' || type === 'cycle';
  return {
    type,
    cycle: raw.cycle,
    model: raw.model !== null ? JSON.parse(raw.model) : null,
    previous: raw.previous !== null ? JSON.parse(raw.previous) : null,
    alias: raw.alias,
    models: raw.models !== null ? JSON.parse(raw.models) : null,
    aliases,
    error: raw.error !== null ? toError(raw.error) : null,
    failures: raw.failures,
    nextMs: timed ? raw.nextMs : null,
    changes: raw.changes,
    notModified: raw.notModified,
    count: raw.count,
    resync: false,
    dropped: 0,
  };
}

const doneResult = () => ({ value: undefined, done: true });

// A watch's state, which the client's pending call holds (not the
// iterator): the events not yet pulled, the pulls waiting, and the last
// state seen (for a resync).
class WatchState {
  constructor(max) {
    this.queue = [];
    this.head = 0;
    this.waiters = [];
    this.max = max;
    this.models = null; // id -> model, once the snapshot came
    this.aliases = new Map();
    this.cycle = 0;
    this.ended = false; // the library's done came
    this.stopped = false; // cancelled: next() is done from here
    this.endWaiters = [];
    this.rid = 0n;
    this.signal = null; // the signal that cancels it, while it may
    this.onAbort = null;
  }

  // An event from the addon: the state kept up to date, then to a waiting
  // pull, else queued.
  event(raw) {
    const type = WATCH_TYPES[raw.kind];
    if (type === undefined || this.stopped) return; // a kind newer than this package
    const ev = watchEvent(raw, type);
    this.cycle = ev.cycle;
    switch (type) {
      case 'snapshot':
        this.models = new Map(ev.models.map((m) => [m.id, m]));
        this.aliases = new Map(Object.entries(ev.aliases ?? {}));
        break;
      case 'added': case 'lifecycle_changed': case 'deprecated_at_changed': case 'retires_at_changed':
        this.models?.set(ev.model.id, ev.model);
        break;
      case 'removed':
        this.models?.delete(ev.previous.id);
        break;
      case 'alias_moved':
        this.aliases.set(ev.alias, ev.model);
        break;
    }
    this.push(ev);
  }

  // Bounded: past `max` events not pulled, what is queued and this event
  // give way to one snapshot of the state now (resync: true, dropped: the
  // events it replaces). Before the first snapshot only errors can be
  // queued: the oldest goes.
  push(ev) {
    if (this.waiters.length) { this.waiters.shift()({ value: ev, done: false }); return; }
    const n = this.queue.length - this.head;
    if (n < this.max) { this.queue.push(ev); return; }
    if (this.models === null) {
      this.queue.push(ev);
      this.queue[this.head++] = undefined;
    } else {
      let dropped = 1;
      for (let i = this.head; i < this.queue.length; i++) dropped += this.queue[i].resync ? this.queue[i].dropped : 1;
      this.queue = [this.resync(dropped)];
      this.head = 0;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  // The state now as a snapshot: models newest first (created_at, ties in
  // the order seen), aliases as watched.
  resync(dropped) {
    const t = (m) => Date.parse(m.created_at) || 0;
    const models = [...this.models.values()].sort((a, b) => t(b) - t(a));
    return { type: 'snapshot', cycle: this.cycle, model: null, previous: null, alias: null, models,
      aliases: Object.fromEntries(this.aliases), error: null, failures: 0, nextMs: null, changes: 0,
      notModified: false, count: models.length, resync: true, dropped };
  }

  pull() {
    if (this.stopped) return Promise.resolve(doneResult());
    if (this.head < this.queue.length) {
      const value = this.queue[this.head];
      this.queue[this.head++] = undefined;
      if (this.head === this.queue.length) { this.queue = []; this.head = 0; }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return Promise.resolve(doneResult());
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  // No more events: pulls waiting end (done), what is queued is dropped.
  stop() {
    if (this.signal) {
      this.signal.removeEventListener('abort', this.onAbort);
      this.signal = null;
    }
    if (this.stopped) return;
    this.stopped = true;
    this.queue = [];
    this.head = 0;
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve(doneResult());
  }

  // The library's done: the watch is over (cancelled, or the client
  // closed).
  done() {
    this.ended = true;
    this.stop();
    const w = this.endWaiters;
    this.endWaiters = [];
    for (const resolve of w) resolve();
  }
}

// client.models.watch(): an async iterator of the watch's events, from a
// watch started at once. Its events: 'snapshot' first (every model
// listed, the aliases watched), then per cycle the changes ('added',
// 'removed', 'lifecycle_changed', 'deprecated_at_changed',
// 'retires_at_changed', 'alias_moved') and a 'cycle'; a failure is an
// 'error' event, never a rejection: the watch goes on (with a backoff).
// It ends only when cancelled: return() (what `break` calls), the
// `signal` aborting, or the client's close(). While it runs it keeps the
// process alive, as setInterval does; once cancelled, nothing of it does.
// Events are buffered between pulls up to `maxBuffered` (default 10,000);
// past that a consumer behind gets one 'snapshot' (resync: true) of the
// state now in place of what it missed, so its state stays right.
class ModelWatch {
  #client; #state;

  constructor(client, params, options) {
    if (params != null && typeof params !== 'object') throw typeError('params must be an object');
    if (options != null && typeof options !== 'object') throw typeError('options must be an object');
    checkKeys(params, WATCH_KEYS, 'params');
    checkKeys(options, OPTION_KEYS, 'options');
    const p = params ?? {};
    const signal = p.signal ?? options?.signal;
    if (signal != null && (typeof signal !== 'object' || typeof signal.addEventListener !== 'function')) {
      throw typeError('signal must be an AbortSignal');
    }
    const interval = p.interval === undefined ? 600000 : duration(p.interval, 'interval');
    if (p.jitter != null && typeof p.jitter !== 'boolean') throw typeError('jitter must be a boolean');
    let max = DEFAULT_BUFFERED;
    if (p.maxBuffered != null) {
      if (typeof p.maxBuffered !== 'number') throw typeError('maxBuffered must be a number');
      if (!Number.isSafeInteger(p.maxBuffered) || p.maxBuffered < 1) throw rangeError('maxBuffered must be a positive integer');
      max = p.maxBuffered;
    }
    const n = {
      interval,
      backoff: p.backoff == null ? undefined : duration(p.backoff, 'backoff'),
      maxBackoff: p.maxBackoff == null ? undefined : duration(p.maxBackoff, 'maxBackoff'),
      maxModels: p.maxModels,
      jitter: p.jitter ?? true,
      keepCache: p.keepCache,
      cachedAliases: p.cachedAliases,
      aliases: p.aliases == null ? undefined : aliasList(p.aliases, 'aliases'),
      lifecycle: p.lifecycle,
      betas: p.betas,
      workspace_id: p.workspace_id,
    };
    /** The interval, in milliseconds. */
    this.interval = interval;
    this.#client = client;
    this.#state = new WatchState(max);
    if (signal?.aborted) { this.#state.done(); return; }
    let o = options;
    if (o?.headers != null) {
      o = { ...o, headers: headerObject(o.headers, 'headers') };
      client._checkNulls(o.headers);
    }
    let q = o?.query;
    if (client._defaultQuery) q = q != null && typeof q === 'object' ? { ...client._defaultQuery, ...q } : (q ?? client._defaultQuery);
    const call = new Call(null, null, null);
    call.watch = this.#state;
    const t = client._token(call);
    try {
      this.#state.rid = native.watch(client._h, t, n, o, q);
    } catch (e) {
      client._pending.delete(t);
      throw refused(e);
    }
    if (signal != null) {
      this.#state.signal = signal;
      this.#state.onAbort = () => { this.return(); };
      signal.addEventListener('abort', this.#state.onAbort, { once: true });
    }
  }

  [Symbol.asyncIterator]() { return this; }

  /** The next event; done once the watch is cancelled or its client closed. */
  next() { return this.#state.pull(); }

  /** Cancel the watch (what `break` out of `for await` does): resolves once
   * it has ended. Events not pulled are dropped. */
  return() {
    const s = this.#state;
    s.stop();
    if (s.ended) return Promise.resolve(doneResult());
    const c = this.#client;
    if (c._h && !c._closed && !c._closeCbs) native.cancel(c._h, s.rid);
    return new Promise((resolve) => s.endWaiters.push(resolve)).then(doneResult);
  }

  /** Also watch `alias` from the next cycle on: its first answer is an
   * 'alias_moved' event with no `previous`. */
  addAlias(alias) {
    if (typeof alias !== 'string' || alias === '') throw typeError('alias must be a non-empty string');
    const c = this.#client;
    if (this.#state.stopped || c._closed || c._closeCbs) throw new AnthropicError('the watch has ended');
    try {
      native.watchAlias(c._h, this.#state.rid, alias);
    } catch (e) {
      throw refused(e);
    }
  }
}

function parseModel(value, rid) {
  const m = JSON.parse(value);
  Object.defineProperty(m, '_request_id', { value: rid, enumerable: false, configurable: true, writable: true });
  return m;
}

class Anthropic {
  constructor(options = {}) {
    checkKeys(options, CLIENT_KEYS, 'options');
    this._pending = new Map();
    this._next = 1;
    this._closeCbs = null; // close() callbacks while it closes
    this._closed = false; // closed, for good
    // Headers sent on every request, by name: a request cannot drop them.
    this._sent = new Set(['anthropic-version', 'user-agent', 'x-api-key', 'authorization']);
    this._defaultQuery = null;
    this._log = undefined;
    const o = options === null || typeof options !== 'object' ? options : this._options(options);
    // The addon holds this function weakly while nothing is pending, so
    // the Client holds it: they live and are collected together.
    this._dispatchFn = (batch) => this._dispatchBatch(batch);
    this._h = native.create(o, this._dispatchFn, this._log);
    this.models = new Models(this);
    this.beta = { models: new Models(this) };
  }

  // The options as the addon takes them, the SDK's meaning kept: a
  // credential given keeps the other's environment variable unread,
  // defaultHeaders x-api-key or authorization null sends none.
  _options(options) {
    const o = { ...options };
    this._defaultQuery = options.defaultQuery ?? null;
    if (this._defaultQuery !== null && typeof this._defaultQuery !== 'object') throw typeError('defaultQuery must be an object');
    if (o.apiKey != null && o.authToken != null) {
      throw new TypeError('Pass at most one of `apiKey`, `authToken`. Received `apiKey`, `authToken`.');
    }
    if (o.authToken != null && o.apiKey === undefined) o.apiKey = '';
    if (o.apiKey === null) o.apiKey = '';
    const dh = headerObject(options.defaultHeaders, 'defaultHeaders');
    if (dh != null && typeof dh === 'object') {
      for (const k of Object.keys(dh)) {
        if (dh[k] !== null) {
          if (dh[k] !== undefined) this._sent.add(k.toLowerCase());
          continue;
        }
        const name = k.toLowerCase();
        if (name === 'x-api-key') o.apiKey = '';
        else if (name === 'authorization') o.authToken = '';
        else if (name === 'anthropic-version' || name === 'user-agent') {
          throw typeError(`defaultHeaders['${k}'] cannot be null: the library always sends ${name}`);
        }
      }
      o.defaultHeaders = dh;
    }
    const logger = options.logger;
    if (logger != null) {
      if (typeof logger !== 'object' && typeof logger !== 'function') throw typeError('logger must be an object');
      for (const l of ['error', 'warn', 'info', 'debug']) {
        if (typeof logger[l] !== 'function') throw typeError(`logger.${l} must be a function`);
      }
      // As the SDK: a logger given logs at 'warn' unless told otherwise.
      if (o.logLevel == null) {
        const env = process.env.ANTHROPIC_LOG;
        o.logLevel = LOG_LEVELS.includes(env) ? env : 'warn';
      }
      this._log = (level, line) => logger[level](line); // holds no Client
    }
    // The SDK's fields, as it settles them.
    const env = process.env;
    const given = options.apiKey != null || options.authToken != null;
    this.apiKey = options.apiKey ?? (given || options.apiKey === null ? null : env.ANTHROPIC_API_KEY ?? null);
    this.authToken = options.authToken ?? (given || this.apiKey != null ? null : env.ANTHROPIC_AUTH_TOKEN ?? null);
    this.baseURL = o.baseURL || env.ANTHROPIC_BASE_URL || 'https://api.anthropic.com';
    this.timeout = o.timeout ?? 600000;
    this.maxRetries = o.maxRetries ?? 2;
    this.logLevel = o.logLevel;
    this.logger = logger ?? console;
    delete o.defaultQuery;
    delete o.logger;
    return o;
  }

  // A request header of null removes the client's header in the SDK; the
  // library can send a header of its own in place of the client's but not
  // leave one out for one request: a TypeError says so rather than send it.
  _checkNulls(h) {
    if (h === null || typeof h !== 'object') return;
    for (const k in h) {
      if (h[k] !== null) continue;
      const name = k.toLowerCase();
      if (this._sent.has(name)) {
        throw typeError(`headers['${k}'] cannot be null: the client sends ${name} on every request ` +
          '(give it a value instead, or leave it out of the client\'s defaultHeaders)');
      }
    }
  }

  _token(call) {
    const t = this._next++;
    this._pending.set(t, call);
    return t;
  }

  // Start a request: a list when the call has a page, else a retrieve of
  // `id`. A refusal goes to the call's callback (or promise); so does an
  // abort, at once.
  _start(call, options, id, params) {
    let signal;
    if (options !== null && typeof options === 'object') {
      signal = options.signal;
      if (signal != null && (typeof signal !== 'object' || typeof signal.addEventListener !== 'function')) {
        process.nextTick(settleLater, call, typeError('signal must be an AbortSignal'));
        return;
      }
      if (signal != null && signal.aborted) {
        process.nextTick(settleLater, call, new APIUserAbortError());
        return;
      }
    }
    const t = this._token(call);
    try {
      if (options != null) checkKeys(options, OPTION_KEYS, 'options');
      if (options?.headers != null) {
        options = { ...options, headers: headerObject(options.headers, 'headers') };
        this._checkNulls(options.headers);
      }
      let q = options?.query;
      if (this._defaultQuery) q = q != null && typeof q === 'object' ? { ...this._defaultQuery, ...q } : (q ?? this._defaultQuery);
      if (call.page) {
        if (params != null) checkKeys(params, LIST_KEYS, 'params');
        call.rid = native.list(this._h, params, false, t, options, q);
      } else {
        if (params != null) checkKeys(params, RETRIEVE_KEYS, 'params');
        call.rid = native.retrieve(this._h, id, false, t, options, params, q);
      }
    } catch (e) {
      this._pending.delete(t);
      process.nextTick(settleLater, call, refused(e));
      return;
    }
    if (signal != null) {
      call.signal = signal;
      call.onAbort = () => this._abort(t);
      signal.addEventListener('abort', call.onAbort, { once: true });
    }
  }

  // A request's signal aborted: it is cancelled in the library and its
  // callback (or promise) gets APIUserAbortError now; what the library
  // says of it later is dropped.
  _abort(token) {
    const call = this._pending.get(token);
    if (!call) return;
    const cb = call.cb;
    call.cb = null;
    call.signal = null;
    if (this._h && !this._closed && !this._closeCbs) native.cancel(this._h, call.rid);
    cb.call(call, new APIUserAbortError());
  }

  // A loop turn's outcomes, [token, what, value, index, requestId, ...]:
  // one call from C a turn, however many requests ended in it.
  _dispatchBatch(batch) {
    for (let i = 0; i < batch.length; i += 5) {
      try {
        this._dispatch(batch[i], batch[i + 1], batch[i + 2], batch[i + 3], batch[i + 4]);
      } catch (e) {
        // A callback threw: the others of this turn still run, and the
        // exception reaches 'uncaughtException' as from any I/O callback.
        process.nextTick(() => { throw e; });
      }
    }
  }

  _dispatch(token, what, value, index, rid) {
    if (token === 0) { // the close: every close() called back, in order
      const cbs = this._closeCbs;
      this._closeCbs = null;
      this._closed = true;
      for (const c of cbs) {
        try {
          c.cb();
        } catch (e) {
          process.nextTick(() => { throw e; });
        }
      }
      return;
    }
    const call = this._pending.get(token);
    if (!call) return;
    if (call.watch) { // a watch: events until its done
      if (what === EVENT) call.watch.event(value);
      else if (what === DONE) { this._pending.delete(token); call.watch.done(); }
      return;
    }
    if (call.resolve) { // a resolve batch
      if (what === DONE) {
        this._pending.delete(token);
        const a = call.audit;
        call.cb(null, a ? auditReport(a.map((alias, i) => auditResult(alias, call.resolve[i]))) : call.resolve);
      } else if (what === RESULT) {
        if (call.audit) value.rid = rid;
        call.resolve[index] = call.audit ? value : parseModel(value, rid);
      }
      else call.resolve[index] = toError(value);
      return;
    }
    this._pending.delete(token);
    if (call.signal) call.signal.removeEventListener('abort', call.onAbort);
    if (call.cb === null) return; // aborted: settled already
    if (what !== RESULT) return call.cb(toError(value));
    if (call.promise) call.promise._rid = rid;
    const pg = call.page;
    call.cb(null, pg ? new Page(JSON.parse(value), pg.models, pg.params, pg.options) : parseModel(value, rid));
  }

  // close([cb]): what is still pending ends with APIUserAbortError. Each
  // call settles once the client is closed (at once if it is already).
  close(cb) {
    const call = callFor(cb, Promise, null);
    if (this._closed) process.nextTick(settleLater, call, undefined);
    else if (this._closeCbs) this._closeCbs.push(call);
    else {
      this._closeCbs = [call];
      native.close(this._h);
    }
    return call.promise;
  }
}

// The SDK's statics: Anthropic.NotFoundError and the rest.
const errors = { AnthropicError, APIError, APIConnectionError, APIConnectionTimeoutError,
  APIUserAbortError, RetryableError, BadRequestError, AuthenticationError, PaymentRequiredError,
  PermissionDeniedError, NotFoundError, RequestTimeoutError, ConflictError,
  PreconditionFailedError, ContentTooLargeError, UnprocessableEntityError, RateLimitError,
  RequestHeaderFieldsTooLargeError, ClientClosedRequestError, InternalServerError,
  NotImplementedError, ServiceUnavailableError, GatewayTimeoutError, OverloadedError };
Object.assign(Anthropic, errors);

// `require(...)`, `import Anthropic from`, `import { Anthropic } from`,
// and the named errors: written out so that Node's ESM import sees them.
module.exports = Anthropic;
module.exports.default = Anthropic;
module.exports.Anthropic = Anthropic;
module.exports.Client = Anthropic;
module.exports.AnthropicError = AnthropicError;
module.exports.APIError = APIError;
module.exports.APIConnectionError = APIConnectionError;
module.exports.APIConnectionTimeoutError = APIConnectionTimeoutError;
module.exports.APIUserAbortError = APIUserAbortError;
module.exports.RetryableError = RetryableError;
module.exports.BadRequestError = BadRequestError;
module.exports.AuthenticationError = AuthenticationError;
module.exports.PaymentRequiredError = PaymentRequiredError;
module.exports.PermissionDeniedError = PermissionDeniedError;
module.exports.NotFoundError = NotFoundError;
module.exports.RequestTimeoutError = RequestTimeoutError;
module.exports.ConflictError = ConflictError;
module.exports.PreconditionFailedError = PreconditionFailedError;
module.exports.ContentTooLargeError = ContentTooLargeError;
module.exports.UnprocessableEntityError = UnprocessableEntityError;
module.exports.RateLimitError = RateLimitError;
module.exports.RequestHeaderFieldsTooLargeError = RequestHeaderFieldsTooLargeError;
module.exports.ClientClosedRequestError = ClientClosedRequestError;
module.exports.InternalServerError = InternalServerError;
module.exports.NotImplementedError = NotImplementedError;
module.exports.ServiceUnavailableError = ServiceUnavailableError;
module.exports.GatewayTimeoutError = GatewayTimeoutError;
module.exports.OverloadedError = OverloadedError;
module.exports.APIPromise = APIPromise;
module.exports.PagePromise = PagePromise;
module.exports.Page = Page;
module.exports.version = native.version;
Object.defineProperty(module.exports, '__esModule', { value: true });
