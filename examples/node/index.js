// index.js - the C client (anthropic.node) as Node users expect it: named
// like the official SDK, error-first callbacks or promises, SDK-named error
// classes, and `for await` over every listed model. The client runs on
// Node's own libuv loop; nothing here starts a thread.
'use strict';
const native = require('./anthropic.node');

const RESULT = 0, ERROR = 1, DONE = 2;

class APIError extends Error {
  constructor(e) {
    super(e.message);
    this.name = new.target.name;
    this.kind = e.kind;
    this.status = e.status || undefined;
    this.type = e.type ?? undefined;
    this.requestId = e.requestId ?? undefined;
    this.attempts = e.attempts;
  }
}
class APIConnectionError extends APIError {}
class APIConnectionTimeoutError extends APIConnectionError {}
class APIUserAbortError extends APIError {}
class BadRequestError extends APIError {}
class AuthenticationError extends APIError {}
class PermissionDeniedError extends APIError {}
class NotFoundError extends APIError {}
class ConflictError extends APIError {}
class UnprocessableEntityError extends APIError {}
class RateLimitError extends APIError {}
class InternalServerError extends APIError {}

const BY_STATUS = { 400: BadRequestError, 401: AuthenticationError,
  403: PermissionDeniedError, 404: NotFoundError, 409: ConflictError,
  422: UnprocessableEntityError, 429: RateLimitError };

function toError(e) {
  let C = APIError;
  if (e.kind === 'http') C = BY_STATUS[e.status] || (e.status >= 500 ? InternalServerError : APIError);
  else if (e.kind === 'timeout') C = APIConnectionTimeoutError;
  else if (e.kind === 'connection' || e.kind === 'tls') C = APIConnectionError;
  else if (e.kind === 'cancelled') C = APIUserAbortError;
  return new C(e);
}

// What a call that threw (the addon refused its arguments) hands its
// callback: a TypeError or RangeError as it is (it names the argument),
// anything else as the SDK-named error of its kind.
function refused(e) {
  if (e instanceof TypeError || e instanceof RangeError) return e;
  return toError({ kind: e.code || 'invalid_argument', message: e.message });
}

// A call with an optional callback: the callback, or a promise's.
function settle(cb) {
  if (typeof cb === 'function') return { cb, promise: undefined };
  let cb2;
  const promise = new Promise((resolve, reject) => {
    cb2 = (err, v) => (err ? reject(err) : resolve(v));
  });
  return { cb: cb2, promise };
}

class Models {
  constructor(client, beta) { this._client = client; this._beta = beta; }

  // retrieve(id, [options], [cb]): the model, as the API's object.
  retrieve(id, options, cb) {
    if (typeof options === 'function') { cb = options; options = undefined; }
    const s = settle(cb);
    this._client._start(s.cb, (t) => native.retrieve(this._client._h, id, this._beta, t, options));
    return s.promise;
  }

  // list(params, cb): one page ({data, has_more, first_id, last_id}).
  // list(params): a promise of that page that is also async-iterable over
  // every item of every page after it, as the SDK's list.
  list(params, cb) {
    if (typeof params === 'function') { cb = params; params = undefined; }
    if (typeof cb === 'function') {
      this._page(params, cb);
      return undefined;
    }
    return new PagePromise(this, params || {});
  }

  _page(params, cb) {
    this._client._start(cb, (t) => native.list(this._client._h, params || {}, this._beta, t, params && params.options));
  }

  // resolve(aliases, cb): every alias's model or Error, in input order;
  // each distinct alias asked once (and at most once at a time per client).
  // Aliases that are not an array are refused by the addon, and that
  // error goes to the callback or promise, as any other.
  resolve(aliases, cb) {
    const s = settle(cb);
    const out = [];
    const c = this._client;
    const token = c._token(s.cb);
    c._pending.get(token).resolve = out;
    try {
      native.resolve(c._h, aliases, token, {}); // every index is filled
    } catch (e) {
      c._pending.delete(token);
      process.nextTick(s.cb, refused(e));
    }
    return s.promise;
  }
}

class PagePromise {
  constructor(models, params) { this._models = models; this._params = params; this._first = null; }
  _firstPage() {
    if (!this._first) {
      this._first = new Promise((resolve, reject) => this._models._page(this._params, (e, p) => (e ? reject(e) : resolve(p))));
    }
    return this._first;
  }
  then(a, b) { return this._firstPage().then(a, b); }
  catch(b) { return this._firstPage().catch(b); }
  async *[Symbol.asyncIterator]() {
    const backward = this._params.before_id != null;
    let page = await this._firstPage();
    for (;;) {
      if (backward) { for (let i = page.data.length - 1; i >= 0; i--) yield page.data[i]; }
      else yield* page.data;
      const cursor = backward ? page.first_id : page.last_id;
      if (!page.has_more || page.data.length === 0 || cursor == null) return;
      const next = { ...this._params, after_id: backward ? undefined : cursor, before_id: backward ? cursor : undefined };
      page = await new Promise((resolve, reject) => this._models._page(next, (e, p) => (e ? reject(e) : resolve(p))));
    }
  }
}

class Client {
  constructor(options = {}) {
    this._pending = new Map();
    this._next = 1;
    this._closeCbs = null; // close() callbacks while it closes
    this._closed = false; // closed, for good
    // The addon holds this function weakly while nothing is pending, so
    // the Client holds it: they live and are collected together.
    this._dispatchFn = (batch) => this._dispatchBatch(batch);
    this._h = native.create(options, this._dispatchFn);
    this.models = new Models(this, false);
    this.beta = { models: new Models(this, true) };
  }

  _token(cb) {
    const t = this._next++;
    this._pending.set(t, { cb, resolve: null });
    return t;
  }

  _start(cb, fn) {
    const t = this._token(cb);
    try {
      fn(t);
    } catch (e) {
      this._pending.delete(t);
      process.nextTick(cb, refused(e));
    }
  }

  // A loop turn's outcomes, [token, what, value, index, ...]: one call
  // from C a turn, however many requests ended in it.
  _dispatchBatch(batch) {
    for (let i = 0; i < batch.length; i += 4) {
      try {
        this._dispatch(batch[i], batch[i + 1], batch[i + 2], batch[i + 3]);
      } catch (e) {
        // A callback threw: the others of this turn still run, and the
        // exception reaches 'uncaughtException' as from any I/O callback.
        process.nextTick(() => { throw e; });
      }
    }
  }

  _dispatch(token, what, value, index) {
    if (token === 0) { // the close: every close() called back, in order
      const cbs = this._closeCbs;
      this._closeCbs = null;
      this._closed = true;
      for (const cb of cbs) {
        try {
          cb();
        } catch (e) {
          process.nextTick(() => { throw e; });
        }
      }
      return;
    }
    const p = this._pending.get(token);
    if (!p) return;
    if (p.resolve) { // a resolve batch
      if (what === DONE) { this._pending.delete(token); p.cb(null, p.resolve); }
      else p.resolve[index] = what === RESULT ? JSON.parse(value) : toError(value);
      return;
    }
    this._pending.delete(token);
    if (what === RESULT) p.cb(null, JSON.parse(value));
    else p.cb(toError(value));
  }

  // close([cb]): what is still pending ends with APIUserAbortError. Each
  // call settles once the client is closed (at once if it is already).
  close(cb) {
    const s = settle(cb);
    if (this._closed) process.nextTick(s.cb);
    else if (this._closeCbs) this._closeCbs.push(s.cb);
    else {
      this._closeCbs = [s.cb];
      native.close(this._h);
    }
    return s.promise;
  }
}

module.exports = { Client, Anthropic: Client, APIError, APIConnectionError,
  APIConnectionTimeoutError, APIUserAbortError, BadRequestError,
  AuthenticationError, PermissionDeniedError, NotFoundError, ConflictError,
  UnprocessableEntityError, RateLimitError, InternalServerError,
  version: native.version };
