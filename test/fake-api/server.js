#!/usr/bin/env node
'use strict';
// Local stand-in for the Anthropic Models API (spec: /work/shared/API.md),
// and one POST route for the tests of an endpoint with a request body:
// POST /v1/messages/count_tokens {"model", "messages": [{role, content}]}
// answers {"input_tokens": N}, N the number of whitespace-separated words
// in the messages' text (content a string, or blocks {type: "text", text}).
//
//   node test/fake-api/server.js [--port N] [--host H] [--api-key K]
//                                [--auth-token T] [--log] [--no-stdin-exit]
//                                [--fault-rate P] [--seed N] [--no-record]
//                                [--h2c | --tls --cert-dir DIR]
//                                [--now TIME] [--models N] [--no-etag]
//
// Prints exactly one stdout line once listening:  listening http://HOST:PORT
//
// --tls serves them over HTTPS, ALPN h2 or http/1.1, with DIR/key.pem and
// DIR/cert.pem from --cert-dir (the C tests make a throwaway self-signed
// pair with the openssl CLI; see test/fake_server.c).
// --h2c serves the same routes over cleartext HTTP/2 with prior knowledge
// (no TLS, no Upgrade; e.g. curl --http2-prior-knowledge) instead of
// HTTP/1.1, up to 1000 concurrent streams per connection. Faults that break
// the exchange act on the one stream only, never on the connection:
// reset_before = RST_STREAM (INTERNAL_ERROR) before any HEADERS;
// reset_during = HEADERS with the full content-length, half the body, then
// RST_STREAM (INTERNAL_ERROR, or the error code `rst_code`: 0 is NO_ERROR,
// what node's stream.close() sends by default); `whole: true` sends the
// whole body, still without END_STREAM, before the reset, and
// `content_length: false` leaves the header out (HTTP/1.1 then sends the
// body chunked); truncate = the same as reset_during but a clean END_STREAM
// after half the body; stall_during = half the body, stream left open;
// hang = no response on the stream. Connection-specific response headers
// (connection, keep-alive, ...) are dropped, as HTTP/2 forbids them.
// --now TIME (RFC 3339) fixes the server's "now": the `Date` header of
// every API answer says it, and GET /_fake/catalogue reports it, so tests
// of day arithmetic (days to a retirement) have one time to judge at.
// --models N adds N synthetic models (catalogue.js's synthetic()) below the
// hand-written ones: a big catalogue for watch benchmarks.
// Conditional requests: a 200 to a GET of /v1/models or /v1/models/{id}
// carries a strong ETag (a hash of its body), and a request whose
// If-None-Match names it (or *) is answered 304 Not Modified, no body,
// the ETag repeated (--no-etag: neither).
// Exits on SIGTERM, SIGINT and on stdin EOF (unless --no-stdin-exit).
//
// Control routes (never recorded, never counted as API requests):
//   GET  /_fake/requests   every API request seen since the last reset
//                          ([] with --no-record)
//   GET  /_fake/stats      {"requests", "faults", "by_action": {key: n},
//                          "fault_rate", "seed"}: API requests and faults
//                          injected (queued and random) since the last reset;
//                          key is the action, or "respond_<status>"
//   GET  /_fake/catalogue  {models, aliases, now}: now is the fixed time
//                          (RFC 3339), or null when it is the real one
//   POST /_fake/now        {"now": TIME or null}: fix "now" (or let it run
//                          again) until the next reset, which puts back
//                          --now
//   POST /_fake/reset      forget requests, queued faults and stats, and
//                          undo every catalogue change
//   POST /_fake/catalogue  change the catalogue while running: a JSON array
//                          of {op: "move_alias", alias, to} (an alias, new
//                          or not, now resolves to model `to`),
//                          {op: "set", id, fields} (fields merged into the
//                          model: lifecycle, deprecated_at, retires_at,
//                          ...; null allowed), {op: "add", model} (a new
//                          id, kept in created_at order), {op: "remove",
//                          id} (gone: 404, and aliases to it answer 404),
//                          {op: "generate", count} (count more synthetic
//                          models, as --models).
//                          All applied, or none (400 naming the bad one)
//   POST /_fake/settings_delay  {"ms": N} (--tls only): each new connection,
//                          its TLS handshake done, waits N ms before its
//                          HTTP/2 session starts and sends SETTINGS, until
//                          the next reset (a loaded server, made certain)
//   POST /_fake/faults     queue faults: a JSON array of
//                          {action, match?, times? (1), status?, headers?,
//                           body?, delay_ms?, bytes?, whole?,
//                           content_length?, rst_code?}; the first queued fault
//                          whose `match` is a substring of the raw URL
//                          applies. Actions: respond (status/headers/body),
//                          html, empty, reset_before, reset_during, truncate,
//                          stall_during, hang, delay, huge, invalid_json,
//                          wrong_types, reset_idle, endless_list (see
//                          applyFault()).
//
// reset_idle (HTTP/1.1 only) plays a keep-alive timeout racing the client's
// next request, as load balancers do: the normal answer, connection kept
// alive, then the connection answers nothing more and is reset (TCP RST)
// delay_ms (default 100) after the answer. A request that arrives on it
// before the reset is recorded with status 0, takes no fault and gets no
// answer.
//
// Random faults: with --fault-rate P (0..1, default 0) each API request that
// no queued fault claims gets, with probability P, one fault drawn uniformly
// from: respond 500, 503, 529, 429 (with retry-after-ms: 20), reset_before,
// reset_during, truncate, delay 50 ms. --seed N makes the draws repeatable
// (mulberry32); without it the seed is random. --no-record keeps no
// per-request record (for soak runs of 100,000+ requests).
//
// Each record in /_fake/requests has conn (1, 2, ...: which connection, in
// the order first seen) and http_version: "1.1" (or "1.0") over
// HTTP/1.x and "2.0" with --h2c (with --tls, also tls_resumed: whether
// its connection's handshake resumed an earlier TLS session); its headers
// leave out HTTP/2 pseudo-headers
// (:method, :path, :scheme, :authority). A request other than GET or HEAD
// is answered once its body is in, and its record has `body` (the text).
//
// A `respond` fault with content_length: false sends its body without a
// Content-Length (chunked over HTTP/1.1): only the client's reading of the
// body itself can tell whether it is whole.

const fs = require('node:fs');
const http = require('node:http');
const http2 = require('node:http2');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const crypto = require('node:crypto');
const { models, aliases, lifecycleOf, synthetic } = require('./catalogue.js');

// ---------------------------------------------------------------- options
const opts = { host: '127.0.0.1', port: 0, apiKey: 'fake-key', authToken: 'fake-token',
  log: false, stdinExit: true, faultRate: 0, seed: null, record: true, h2c: false, tls: false,
  certDir: null, now: null, models: 0, etag: true };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`missing value for ${a}`);
      return argv[++i];
    };
    if (a === '--port') opts.port = Number(val());
    else if (a === '--host') opts.host = val();
    else if (a === '--api-key') opts.apiKey = val();
    else if (a === '--auth-token') opts.authToken = val();
    else if (a === '--log') opts.log = true;
    else if (a === '--no-stdin-exit') opts.stdinExit = false;
    else if (a === '--fault-rate') opts.faultRate = Number(val());
    else if (a === '--seed') opts.seed = Number(val());
    else if (a === '--no-record') opts.record = false;
    else if (a === '--h2c') opts.h2c = true;
    else if (a === '--tls') opts.tls = true;
    else if (a === '--cert-dir') opts.certDir = val();
    else if (a === '--now') opts.now = val();
    else if (a === '--models') opts.models = Number(val());
    else if (a === '--no-etag') opts.etag = false;
    else usage(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) usage('bad --port');
  if (!(opts.faultRate >= 0 && opts.faultRate <= 1)) usage('bad --fault-rate (0..1)');
  if (opts.seed !== null && !(Number.isInteger(opts.seed) && opts.seed >= 0 && opts.seed < 2 ** 32))
    usage('bad --seed (an integer, 0..2^32-1)');
  if (opts.tls && opts.certDir === null) usage('--tls needs --cert-dir DIR (key.pem, cert.pem)');
  if (opts.now !== null && !isTime(opts.now)) usage('bad --now (an RFC 3339 time)');
  if (!Number.isInteger(opts.models) || opts.models < 0 || opts.models > 1000000)
    usage('bad --models (0..1000000)');
  if (opts.seed === null) opts.seed = Math.floor(Math.random() * 2 ** 32);
}
function isTime(t) {
  return typeof t === 'string' &&
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(t) &&
    !Number.isNaN(Date.parse(t));
}
function usage(msg) {
  process.stderr.write(`fake-api: ${msg}\nusage: server.js [--port N] [--host H] ` +
    `[--api-key K] [--auth-token T] [--log] [--no-stdin-exit]\n` +
    `       [--fault-rate P] [--seed N] [--no-record] [--h2c | --tls --cert-dir DIR]\n` +
    `       [--now TIME] [--models N] [--no-etag]\n`);
  process.exit(2);
}
const log = (...a) => { if (opts.log) process.stderr.write(a.join(' ') + '\n'); };

// ---------------------------------------------------------------- state
let synthCount = 0; // synthetic models made so far: the next one's number
// `count` more synthetic models, appended in order (each is older than
// every model before it but the epoch one, which stays last).
function generate(ms, count) {
  const tail = ms.length && Date.parse(ms[ms.length - 1].created_at) === 0 ? ms.pop() : null;
  for (let i = 0; i < count; i++) ms.push(synthetic(synthCount++));
  if (tail) ms.push(tail);
}
generate(models, opts.models);
const startSynth = synthCount;
const byId = new Map(); // id -> index in full order
const reindex = () => { byId.clear(); models.forEach((m, i) => byId.set(m.id, i)); };
reindex();
// The catalogue as started: POST /_fake/reset puts it back after changes.
const pristine = JSON.stringify({ models, aliases });

function restoreCatalogue() {
  const p = JSON.parse(pristine);
  models.length = 0;
  for (const m of p.models) models.push(m);
  synthCount = startSynth;
  for (const k of Object.keys(aliases)) delete aliases[k];
  Object.assign(aliases, p.aliases);
  reindex();
}

// Apply POST /_fake/catalogue's changes to copies, then swap them in: all
// or none. Returns an error message, or null.
function changeCatalogue(changes) {
  if (!Array.isArray(changes)) return 'expected a JSON array of changes';
  const ms = models.map((m) => Object.assign({}, m));
  const as = Object.assign({}, aliases);
  const index = () => new Map(ms.map((m, i) => [m.id, i]));
  for (const [n, c] of changes.entries()) {
    const at = `change ${n}`;
    if (!c || typeof c !== 'object') return `${at}: expected an object`;
    const ids = index();
    if (c.op === 'move_alias') {
      if (typeof c.alias !== 'string' || !ids.has(c.to)) return `${at}: move_alias needs alias and an existing to`;
      as[c.alias] = c.to;
    } else if (c.op === 'set') {
      if (!ids.has(c.id) || !c.fields || typeof c.fields !== 'object') return `${at}: set needs an existing id and fields`;
      if ('id' in c.fields) return `${at}: set cannot change an id`;
      Object.assign(ms[ids.get(c.id)], c.fields);
    } else if (c.op === 'add') {
      const m = c.model;
      if (!m || typeof m.id !== 'string' || ids.has(m.id) || typeof m.created_at !== 'string')
        return `${at}: add needs a model with a new id and created_at`;
      const pos = ms.findIndex((x) => x.created_at < m.created_at);
      ms.splice(pos < 0 ? ms.length : pos, 0, Object.assign({}, m));
    } else if (c.op === 'generate') {
      if (!Number.isInteger(c.count) || c.count < 0 || c.count > 1000000)
        return `${at}: generate needs a count, 0..1000000`;
      generate(ms, c.count);
    } else if (c.op === 'remove') {
      if (!ids.has(c.id)) return `${at}: remove needs an existing id`;
      ms.splice(ids.get(c.id), 1);
    } else {
      return `${at}: unknown op ${JSON.stringify(c.op)}`;
    }
  }
  models.length = 0;
  for (const m of ms) models.push(m);
  for (const k of Object.keys(aliases)) delete aliases[k];
  Object.assign(aliases, as);
  reindex();
  return null;
}
let fixedNow = opts.now; // POST /_fake/now; --now again after a reset
const nowMs = () => (fixedNow === null ? Date.now() : Date.parse(fixedNow));
let requestCounter = 0;   // request-id numbers; never reset, so ids stay unique
let settingsDelayMs = 0; // POST /_fake/settings_delay; 0 after a reset
let seqCounter = 0;       // seq in /_fake/requests; restarts at reset
let records = [];
let faults = [];
let stats = { requests: 0, faults: 0, by_action: {} };
// Rate-limit headers: a fixed 60 s window counting API requests.
let windowStart = Date.now();
let windowCount = 0;
// Sockets that a reset_idle fault answered: they answer nothing more.
const doomed = new WeakSet();

const ERROR_TYPES = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error',
  404: 'not_found_error', 408: 'timeout_error', 409: 'invalid_request_error',
  413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error',
  529: 'overloaded_error',
};

// ---------------------------------------------------------------- random faults
// mulberry32: a small seeded PRNG, uniform in [0, 1).
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(opts.seed);
const RANDOM_FAULTS = [
  { action: 'respond', status: 500 },
  { action: 'respond', status: 503 },
  { action: 'respond', status: 529 },
  { action: 'respond', status: 429, headers: { 'retry-after-ms': '20' } },
  { action: 'reset_before' },
  { action: 'reset_during' },
  { action: 'truncate' },
  { action: 'delay', delay_ms: 50 },
];
// Called once per API request, queued fault or not, so that a seed gives the
// same sequence of draws whatever the queue does: one draw for whether, one
// more (when it faults) for which.
function randomFault() {
  if (opts.faultRate <= 0 || random() >= opts.faultRate) return null;
  return RANDOM_FAULTS[Math.floor(random() * RANDOM_FAULTS.length)];
}

function countFault(f) {
  const action = f.action || 'respond';
  const key = action === 'respond' && f.status !== undefined && f.status !== null
    ? `respond_${f.status}` : action;
  stats.faults++;
  stats.by_action[key] = (stats.by_action[key] || 0) + 1;
}

// ---------------------------------------------------------------- helpers
function parseQuery(rawQuery) {
  const q = {};
  for (const [k, v] of new URLSearchParams(rawQuery)) (q[k] ||= []).push(v);
  return q;
}

// All request headers, lower-case names; repeated headers joined with ", "
// (cookie with "; ", as HTTP/2 may split it). HTTP/2 pseudo-headers are left
// out, so records look the same in both modes.
function headerObject(req) {
  const h = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const k = req.rawHeaders[i].toLowerCase();
    if (k.startsWith(':')) continue;
    const v = req.rawHeaders[i + 1];
    h[k] = k in h ? `${h[k]}${k === 'cookie' ? '; ' : ', '}${v}` : v;
  }
  return h;
}

// ------------------------------------------------ HTTP/1.1 vs HTTP/2 streams
// The transport of one exchange: the socket (HTTP/1.1) or the stream (HTTP/2).
// Its 'close' event and `destroyed` flag work the same in both modes.
function conn(ctx) {
  return ctx.h2 ? ctx.req.stream : ctx.req.socket;
}

// Breaks the exchange: HTTP/1.1 destroys the socket; HTTP/2 resets only this
// stream (RST_STREAM, INTERNAL_ERROR unless `code` says), leaving the
// connection and its other streams alone.
function abort(ctx, code = http2.constants.NGHTTP2_INTERNAL_ERROR) {
  if (ctx.h2) {
    const s = ctx.req.stream;
    if (!s.destroyed && !s.closed) s.close(code);
  } else ctx.req.socket.destroy();
}

// HTTP/2 forbids connection-specific headers (Node throws on them).
const H2_FORBIDDEN = new Set(['connection', 'keep-alive', 'proxy-connection',
  'transfer-encoding', 'upgrade']);
function writeHead(ctx, status, headers) {
  if (ctx.h2)
    for (const k of Object.keys(headers))
      if (H2_FORBIDDEN.has(k.toLowerCase())) delete headers[k];
  ctx.res.writeHead(status, headers);
}

function rateLimitHeaders() {
  const now = Date.now();
  if (now - windowStart >= 60000) { windowStart = now; windowCount = 0; }
  windowCount++;
  return {
    'anthropic-ratelimit-requests-limit': '1000',
    'anthropic-ratelimit-requests-remaining': String(Math.max(0, 1000 - windowCount)),
    'anthropic-ratelimit-requests-reset':
      new Date(windowStart + 60000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

function errorBody(type, message, requestId) {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId });
}

// A response under construction: {status, headers, body (string)}.
function jsonResponse(status, obj) {
  return { status, headers: {}, body: JSON.stringify(obj) };
}
function errorResponse(ctx, status, type, message) {
  return { status, headers: {}, body: errorBody(type, message, ctx.requestId) };
}

// ---------------------------------------------------------------- API logic
// Computes the normal (unfaulted) answer to an API request.
function apiAnswer(ctx) {
  const { req, path, query } = ctx;
  const h = req.headers;

  // Auth first, like the real API: either credential is enough.
  const keyOk = h['x-api-key'] === opts.apiKey;
  const bearerOk = h.authorization === `Bearer ${opts.authToken}`;
  if (!keyOk && !bearerOk)
    return errorResponse(ctx, 401, 'authentication_error', 'invalid x-api-key');
  if (!h['anthropic-version'])
    return errorResponse(ctx, 400, 'invalid_request_error',
      'anthropic-version: header is required');

  if (path === '/v1/messages/count_tokens') return countTokens(ctx);
  let route = null, modelSeg = null;
  if (path === '/v1/models') route = 'list';
  else if (path.startsWith('/v1/models/')) {
    modelSeg = path.slice('/v1/models/'.length);
    if (modelSeg !== '' && !modelSeg.includes('/')) route = 'retrieve';
  }
  if (!route) return errorResponse(ctx, 404, 'not_found_error', `Not Found: ${path}`);
  if (req.method !== 'GET') {
    const r = errorResponse(ctx, 405, 'invalid_request_error',
      `Method ${req.method} not allowed for ${path}`);
    r.headers.allow = 'GET';
    return r;
  }
  return route === 'list' ? listModels(ctx, query) : retrieveModel(ctx, modelSeg);
}

function retrieveModel(ctx, seg) {
  let id;
  try { id = decodeURIComponent(seg); } catch { id = seg; }
  // Aliases resolve to the canonical model; retired models stay retrievable.
  const canonical = Object.hasOwn(aliases, id) ? aliases[id] : id;
  if (!byId.has(canonical))
    return errorResponse(ctx, 404, 'not_found_error', `model: ${id}`);
  return jsonResponse(200, models[byId.get(canonical)]);
}

// POST /v1/messages/count_tokens: the words of the messages' text.
function countTokens(ctx) {
  const bad = (msg) => errorResponse(ctx, 400, 'invalid_request_error', msg);
  if (ctx.req.method !== 'POST') {
    const r = errorResponse(ctx, 405, 'invalid_request_error',
      `Method ${ctx.req.method} not allowed for ${ctx.path}`);
    r.headers.allow = 'POST';
    return r;
  }
  let body;
  try { body = JSON.parse(ctx.body); } catch (e) { return bad(`body: ${e.message}`); }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return bad('body: expected an object');
  if (typeof body.model !== 'string' || body.model === '') return bad('model: Field required');
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return bad('messages: Field required');
  let words = 0;
  const count = (t) => { words += String(t).split(/\s+/).filter((w) => w !== '').length; };
  for (const m of body.messages) {
    if (!m || typeof m !== 'object' || (m.role !== 'user' && m.role !== 'assistant'))
      return bad('messages: each needs a role, user or assistant');
    if (typeof m.content === 'string') count(m.content);
    else if (Array.isArray(m.content))
      for (const b of m.content) { if (b && b.type === 'text') count(b.text); }
    else return bad('messages: content must be a string or an array of blocks');
  }
  return jsonResponse(200, { input_tokens: words });
}

const LIFECYCLES = ['active', 'deprecated', 'retired'];

function listModels(ctx, query) {
  const bad = (msg) => errorResponse(ctx, 400, 'invalid_request_error', msg);
  for (const k of ['limit', 'after_id', 'before_id'])
    if (query[k] && query[k].length > 1) return bad(`${k}: may be given only once`);

  let limit = 20;
  if (query.limit) {
    const s = query.limit[0];
    if (!/^\d+$/.test(s)) return bad('limit: Input should be a valid integer');
    limit = Number(s);
    if (limit < 1 || limit > 1000)
      return bad('limit: Input should be between 1 and 1000');
  }

  // Without lifecycle[] the list holds active and deprecated models only.
  let wanted = new Set(['active', 'deprecated']);
  if (query['lifecycle[]']) {
    for (const v of query['lifecycle[]'])
      if (!LIFECYCLES.includes(v))
        return bad(`lifecycle: Input should be 'active', 'deprecated' or 'retired', got '${v}'`);
    wanted = new Set(query['lifecycle[]']);
  }

  const afterId = query.after_id ? query.after_id[0] : undefined;
  const beforeId = query.before_id ? query.before_id[0] : undefined;
  if (afterId !== undefined && beforeId !== undefined)
    return bad('after_id and before_id cannot both be given');

  // Cursors are positions in the full sorted catalogue, so a cursor id that
  // the lifecycle filter hides still works (it marks a place in the order).
  // Aliases are not accepted as cursors.
  const cursorPos = (id) => (byId.has(id) ? byId.get(id) : null);
  const items = []; // [index, model] after filtering, in list order
  models.forEach((m, i) => { if (wanted.has(lifecycleOf(m))) items.push([i, m]); });

  let page, hasMore;
  if (afterId !== undefined) {
    const p = cursorPos(afterId);
    if (p === null) return bad(`after_id: unknown model id '${afterId}'`);
    const rest = items.filter(([i]) => i > p);
    page = rest.slice(0, limit);
    hasMore = rest.length > limit;
  } else if (beforeId !== undefined) {
    // The `limit` items immediately before the cursor; has_more = still more
    // before them.
    const p = cursorPos(beforeId);
    if (p === null) return bad(`before_id: unknown model id '${beforeId}'`);
    const rest = items.filter(([i]) => i < p);
    page = rest.slice(Math.max(0, rest.length - limit));
    hasMore = rest.length > limit;
  } else {
    page = items.slice(0, limit);
    hasMore = items.length > limit;
  }
  const data = page.map(([, m]) => m);
  return jsonResponse(200, {
    data,
    has_more: hasMore,
    first_id: data.length ? data[0].id : null,
    last_id: data.length ? data[data.length - 1].id : null,
  });
}

// ---------------------------------------------------------------- sending
function send(ctx, r) {
  const { res } = ctx;
  const headers = Object.assign(baseHeaders(ctx), r.headers || {});
  const body = Buffer.from(r.body ?? '', 'utf8');
  if (r.noType) delete headers['content-type'];
  if (r.noLength) delete headers['content-length'];
  else headers['content-length'] = String(body.length);
  ctx.record.status = r.status;
  writeHead(ctx, r.status, headers);
  res.end(body);
}

function baseHeaders(ctx) {
  return Object.assign({
    'request-id': ctx.requestId,
    'content-type': 'application/json',
    date: new Date(nowMs()).toUTCString(),
  }, ctx.rateHeaders);
}

// A 200 to a GET of the Models API gets an ETag; a request whose
// If-None-Match names it (weak or strong, or *) gets 304 instead.
function conditional(ctx, r) {
  if (!opts.etag || r.status !== 200 || ctx.req.method !== 'GET' ||
      !ctx.path.startsWith('/v1/models')) return r;
  const etag = `"${crypto.createHash('sha1').update(r.body).digest('hex').slice(0, 20)}"`;
  r.headers = Object.assign({}, r.headers, { etag });
  const inm = ctx.req.headers['if-none-match'];
  if (inm !== undefined &&
      inm.split(',').map((t) => t.trim().replace(/^W\//, '')).some((t) => t === etag || t === '*'))
    return { status: 304, headers: { etag }, body: '', noType: true };
  return r;
}

// Which connection (TCP, or HTTP/2 session) a request came on: 1, 2, ...
// in the order they were first seen, so tests can count connections.
const connectionIds = new WeakMap();
let connectionCounter = 0;
function connectionId(req) {
  const key = req.stream ? req.stream.session : req.socket;
  let id = connectionIds.get(key);
  if (id === undefined) connectionIds.set(key, id = ++connectionCounter);
  return id;
}

function takeFault(rawUrl) {
  for (let i = 0; i < faults.length; i++) {
    const f = faults[i];
    if (f.match !== undefined && f.match !== null && !rawUrl.includes(String(f.match))) continue;
    f.remaining--;
    if (f.remaining <= 0) faults.splice(i, 1);
    return f;
  }
  return null;
}

function htmlPage(status) {
  return `<!DOCTYPE html>\n<html><head><title>${status} Error</title></head>\n` +
    `<body><h1>${status} ${http.STATUS_CODES[status] || 'Error'}</h1>` +
    `<p>The upstream proxy could not complete the request.</p></body></html>\n`;
}

function applyFault(ctx, f) {
  const { req, res } = ctx;
  const action = f.action || 'respond';
  const extra = f.headers || {};
  const isList = ctx.path === '/v1/models';
  log(`  fault ${action}`);
  switch (action) {
    case 'respond': {
      const normal = apiAnswer(ctx);
      const status = f.status ?? normal.status;
      let body;
      if (f.body !== undefined && f.body !== null)
        body = typeof f.body === 'string' ? f.body : JSON.stringify(f.body);
      else if (f.status !== undefined && status >= 400)
        body = errorBody(ERROR_TYPES[status] || 'api_error',
          `${http.STATUS_CODES[status] || 'Error'} (injected fault)`, ctx.requestId);
      else body = normal.body; // no body given: the normal answer, new status/headers
      return send(ctx, { status, headers: extra, body, noLength: f.content_length === false });
    }
    case 'html':
      return send(ctx, { status: f.status ?? 502,
        headers: Object.assign({ 'content-type': 'text/html; charset=utf-8' }, extra),
        body: f.body !== undefined ? String(f.body) : htmlPage(f.status ?? 502) });
    case 'empty':
      return send(ctx, { status: f.status ?? 200, headers: extra, body: '' });
    case 'reset_before':
      ctx.record.status = 0;
      abort(ctx);
      return;
    case 'reset_during': {
      // Half the body (`whole`: all of it, never ended), then the reset.
      const normal = apiAnswer(ctx);
      const body = Buffer.from(normal.body, 'utf8');
      const headers = Object.assign(baseHeaders(ctx), normal.headers, extra,
        f.content_length === false ? {} : { 'content-length': String(body.length) });
      ctx.record.status = f.status ?? normal.status;
      writeHead(ctx, ctx.record.status, headers);
      const code = f.rst_code ?? http2.constants.NGHTTP2_INTERNAL_ERROR;
      res.write(f.whole ? body : body.subarray(0, Math.floor(body.length / 2)), () => {
        setTimeout(() => abort(ctx, code), 20);
      });
      return;
    }
    case 'truncate': {
      // Full Content-Length, half the bytes, then a clean close (FIN; over
      // HTTP/2 a clean END_STREAM on this stream, the connection stays).
      const normal = apiAnswer(ctx);
      const body = Buffer.from(normal.body, 'utf8');
      const headers = Object.assign(baseHeaders(ctx), normal.headers, extra,
        { 'content-length': String(body.length) },
        ctx.h2 ? {} : { connection: 'close' });
      ctx.record.status = f.status ?? normal.status;
      writeHead(ctx, ctx.record.status, headers);
      res.end(body.subarray(0, Math.floor(body.length / 2)));
      return;
    }
    case 'stall_during': {
      // Full Content-Length, half the bytes, then nothing: the socket (or
      // HTTP/2 stream) stays open until the client goes away (or the server
      // stops).
      const normal = apiAnswer(ctx);
      const body = Buffer.from(normal.body, 'utf8');
      const headers = Object.assign(baseHeaders(ctx), normal.headers, extra,
        { 'content-length': String(body.length) });
      ctx.record.status = f.status ?? normal.status;
      writeHead(ctx, ctx.record.status, headers);
      res.write(body.subarray(0, Math.floor(body.length / 2)));
      return;
    }
    case 'hang':
      ctx.record.status = 0; // never answered; the socket (stream) stays open
      return;
    case 'reset_idle': {
      if (ctx.h2)
        return send(ctx, { status: 500, headers: {},
          body: errorBody('api_error', 'fake-api: reset_idle is HTTP/1.1 only', ctx.requestId) });
      const sock = req.socket;
      doomed.add(sock);
      const normal = apiAnswer(ctx);
      res.once('finish', () => {
        const ms = f.delay_ms === undefined || f.delay_ms === null ? 100 : Number(f.delay_ms);
        setTimeout(() => { if (!sock.destroyed) sock.resetAndDestroy(); }, ms);
      });
      return send(ctx, { status: f.status ?? normal.status,
        headers: Object.assign({}, normal.headers, extra), body: normal.body });
    }
    case 'delay': {
      const timer = setTimeout(() => {
        if (res.destroyed || conn(ctx).destroyed) return;
        const normal = apiAnswer(ctx);
        send(ctx, { status: f.status ?? normal.status,
          headers: Object.assign({}, normal.headers, extra), body: normal.body });
      }, Number(f.delay_ms) || 0);
      conn(ctx).once('close', () => clearTimeout(timer));
      return;
    }
    case 'endless_list': {
      // A listing with no last page and no cursor seen twice: after
      // endless-N come `limit` made-up models endless-(N+1)..., has_more
      // always true (a walk that never ends unless the client bounds it).
      const after = /^endless-(\d+)$/.exec((ctx.query.after_id || [''])[0]);
      const start = after ? Number(after[1]) + 1 : 0;
      const limit = Number((ctx.query.limit || ['20'])[0]) || 20;
      const data = Array.from({ length: limit }, (_, i) =>
        Object.assign({}, models[0], { id: `endless-${start + i}` }));
      return send(ctx, { status: 200, headers: extra, body: JSON.stringify({
        data, has_more: true, first_id: data[0].id, last_id: data[limit - 1].id }) });
    }
    case 'huge':
      return sendHuge(ctx, Number(f.bytes) || 10 * 1024 * 1024, isList, extra,
        f.content_length !== false);
    case 'invalid_json':
      return send(ctx, { status: f.status ?? 200, headers: extra, body: '{"id": "x",' });
    case 'wrong_types': {
      const m = Object.assign({}, models[0], { id: 12345, max_tokens: '64000' });
      const obj = isList ? { data: [m], has_more: false, first_id: '12345', last_id: '12345' } : m;
      return send(ctx, { status: f.status ?? 200, headers: extra, body: JSON.stringify(obj) });
    }
    default:
      return send(ctx, { status: 500, headers: {},
        body: errorBody('api_error', `fake-api: unknown fault action '${action}'`, ctx.requestId) });
  }
}

// 200 with a valid JSON body of exactly `bytes` bytes (if bytes is large
// enough): a page (list path) or a model (other paths) with a long
// "padding" string, streamed in 64 KiB chunks honouring back-pressure.
// withLength false: no Content-Length (chunked), so only the client's own
// count can stop it.
function sendHuge(ctx, bytes, isList, extra, withLength = true) {
  const { res } = ctx;
  const m = models[0];
  const head = isList
    ? `{"data":[${JSON.stringify(m)}],"has_more":false,"first_id":${JSON.stringify(m.id)},` +
      `"last_id":${JSON.stringify(m.id)},"padding":"`
    : `${JSON.stringify(m).slice(0, -1)},"padding":"`;
  const tail = '"}';
  const padLen = Math.max(0, bytes - Buffer.byteLength(head) - tail.length);
  const total = Buffer.byteLength(head) + padLen + tail.length;
  const headers = Object.assign(baseHeaders(ctx), extra,
    withLength ? { 'content-length': String(total) } : {});
  ctx.record.status = 200;
  writeHead(ctx, 200, headers);
  res.write(head);
  const chunk = Buffer.alloc(65536, 'a');
  let left = padLen;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      left -= n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    res.end(tail);
  };
  res.on('close', () => { left = 0; });
  pump();
}

// ---------------------------------------------------------------- control
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function controlJson(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

async function handleControl(req, res, path) {
  if (path === '/_fake/requests' && req.method === 'GET')
    return controlJson(res, 200, records);
  if (path === '/_fake/stats' && req.method === 'GET')
    return controlJson(res, 200, Object.assign({}, stats,
      { fault_rate: opts.faultRate, seed: opts.seed }));
  if (path === '/_fake/catalogue' && req.method === 'GET')
    return controlJson(res, 200, { models, aliases, now: fixedNow });
  if (path === '/_fake/reset' && req.method === 'POST') {
    await readBody(req);
    records = [];
    faults = [];
    seqCounter = 0;
    settingsDelayMs = 0;
    fixedNow = opts.now;
    stats = { requests: 0, faults: 0, by_action: {} };
    restoreCatalogue();
    return controlJson(res, 200, { ok: true });
  }
  if (path === '/_fake/catalogue' && req.method === 'POST') {
    let changes;
    try { changes = JSON.parse(await readBody(req)); } catch (e) {
      return controlJson(res, 400, { ok: false, error: `bad JSON: ${e.message}` });
    }
    const err = changeCatalogue(changes);
    if (err !== null) return controlJson(res, 400, { ok: false, error: err });
    return controlJson(res, 200, { ok: true, models: models.length });
  }
  if (path === '/_fake/now' && req.method === 'POST') {
    let spec;
    try { spec = JSON.parse(await readBody(req)); } catch (e) {
      return controlJson(res, 400, { ok: false, error: `bad JSON: ${e.message}` });
    }
    if (!spec || typeof spec !== 'object' || !(spec.now === null || isTime(spec.now)))
      return controlJson(res, 400, { ok: false, error: 'expected {"now": an RFC 3339 time or null}' });
    fixedNow = spec.now;
    return controlJson(res, 200, { ok: true, now: fixedNow });
  }
  if (path === '/_fake/settings_delay' && req.method === 'POST') {
    let spec;
    try { spec = JSON.parse(await readBody(req)); } catch (e) {
      return controlJson(res, 400, { ok: false, error: `bad JSON: ${e.message}` });
    }
    const ms = Number(spec && spec.ms);
    if (!opts.tls || !(ms >= 0))
      return controlJson(res, 400, { ok: false, error: 'needs --tls and {"ms": N >= 0}' });
    settingsDelayMs = ms;
    return controlJson(res, 200, { ok: true });
  }
  if (path === '/_fake/faults' && req.method === 'POST') {
    let specs;
    try { specs = JSON.parse(await readBody(req)); } catch (e) {
      return controlJson(res, 400, { ok: false, error: `bad JSON: ${e.message}` });
    }
    if (!Array.isArray(specs) || !specs.every((s) => s && typeof s === 'object' && !Array.isArray(s)))
      return controlJson(res, 400, { ok: false, error: 'expected a JSON array of objects' });
    for (const s of specs) {
      const times = s.times === undefined ? 1 : Number(s.times);
      if (times > 0) faults.push(Object.assign({}, s, { remaining: times }));
    }
    return controlJson(res, 200, { ok: true, queued: faults.length });
  }
  return controlJson(res, 404, { ok: false, error: `no control route ${req.method} ${path}` });
}

// ---------------------------------------------------------------- server
function onRequest(req, res) {
  const t_ms = performance.now();
  // A request sent through a proxy names the whole URL ("absolute-form",
  // RFC 9112 3.2.2): serve it as if it had come direct, and keep the
  // request-target as sent in the record (`target`), so tests can tell
  // which way a request came.
  const target = req.url;
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  const rawUrl = origin ? target.slice(origin[0].length) || '/' : target;
  const qi = rawUrl.indexOf('?');
  const path = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
  const rawQuery = qi < 0 ? '' : rawUrl.slice(qi + 1);

  if (path.startsWith('/_fake/')) {
    handleControl(req, res, path).catch((e) => {
      if (!res.headersSent) controlJson(res, 500, { ok: false, error: String(e) });
    });
    return;
  }

  const requestId = `req_fake_${++requestCounter}`;
  const query = parseQuery(rawQuery);
  const record = { seq: ++seqCounter, t_ms, method: req.method, path, target, query,
    headers: headerObject(req), status: 0, http_version: req.httpVersion,
    conn: connectionId(req) };
  const tlsSocket = req.stream ? req.stream.session.socket : req.socket;
  if (typeof tlsSocket.isSessionReused === 'function')
    record.tls_resumed = tlsSocket.isSessionReused();
  if (opts.record) records.push(record);
  stats.requests++;
  const ctx = { req, res, path, query, requestId, record, rateHeaders: rateLimitHeaders(),
    h2: req.httpVersionMajor === 2, rawUrl, body: '' };
  log(`${requestId} ${req.method} ${rawUrl}`);

  // A GET's body (none expected) is drained so keep-alive keeps working;
  // another method's is read first, recorded, and answered.
  if (req.method === 'GET' || req.method === 'HEAD') {
    req.resume();
    answer(ctx);
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    ctx.body = record.body = Buffer.concat(chunks).toString('utf8');
    answer(ctx);
  });
}

function answer(ctx) {
  const { req, res, requestId } = ctx;
  const rawUrl = ctx.rawUrl;
  if (!ctx.h2 && doomed.has(req.socket)) return; // reset_idle: the reset comes
  const drawn = randomFault();
  const fault = takeFault(rawUrl) || drawn; // the queue comes first
  try {
    if (fault) {
      countFault(fault);
      applyFault(ctx, fault);
    }
    else send(ctx, conditional(ctx, apiAnswer(ctx)));
  } catch (e) {
    // E.g. a queued fault with a status or header that Node refuses to send:
    // report it rather than crash the server.
    process.stderr.write(`fake-api: ${requestId}: ${e.message}\n`);
    if (!res.headersSent) {
      try {
        return send(ctx, { status: 500, headers: {},
          body: errorBody('api_error', `fake-api: ${e.message}`, requestId) });
      } catch { /* fall through */ }
    }
    abort(ctx);
  }
}

let server;
if (opts.tls) {
  // HTTPS with ALPN offering h2 and http/1.1, as the real API: a client
  // negotiates HTTP/2 the usual way. --cert-dir holds key.pem and
  // cert.pem, a throwaway self-signed pair the tests make with openssl for
  // 127.0.0.1 and localhost; clients take cert.pem as their CA bundle.
  const tlsDir = opts.certDir;
  server = http2.createSecureServer({
    key: fs.readFileSync(path.join(tlsDir, 'key.pem')),
    cert: fs.readFileSync(path.join(tlsDir, 'cert.pem')),
    allowHTTP1: true,
    settings: { maxConcurrentStreams: 1000 },
    peerMaxConcurrentStreams: 1000,
    maxSessionMemory: 256,
  }, onRequest);
  server.on('sessionError', (e) => log(`fake-api: session error: ${e.message}`));
  // The HTTP/2 (or HTTP/1.1) side of a connection starts when its TLS
  // handshake is done: at once, or settingsDelayMs later.
  const starts = server.listeners('secureConnection');
  server.removeAllListeners('secureConnection');
  server.on('secureConnection', (socket) => {
    const start = () => { for (const f of starts) f.call(server, socket); };
    if (settingsDelayMs <= 0) return start();
    const timer = setTimeout(start, settingsDelayMs);
    socket.once('close', () => clearTimeout(timer));
  });
} else if (opts.h2c) {
  // Cleartext HTTP/2 with prior knowledge, through the compatibility API so
  // that onRequest() sees req/res as over HTTP/1.1.
  server = http2.createServer({
    settings: { maxConcurrentStreams: 1000 },
    peerMaxConcurrentStreams: 1000,
    maxSessionMemory: 256, // MB; the default 10 can refuse streams under load
  }, onRequest);
  server.on('sessionError', (e) => log(`fake-api: session error: ${e.message}`));
} else {
  server = http.createServer(onRequest);
  server.keepAliveTimeout = 30000;
  server.headersTimeout = 35000;  // must exceed keepAliveTimeout
  server.requestTimeout = 120000; // time to receive a request, not to answer it
  server.maxRequestsPerSocket = 0;
  server.on('clientError', (err, socket) => {
    if (socket.writable && err.code !== 'ECONNRESET')
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
}

let stopping = false;
function shutdown(why) {
  if (stopping) return;
  stopping = true;
  log(`fake-api: stopping (${why})`);
  server.close();
  if (server.closeAllConnections) server.closeAllConnections(); // HTTP/1.1 only
  process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
if (opts.stdinExit) {
  process.stdin.on('end', () => shutdown('stdin EOF'));
  process.stdin.on('error', () => shutdown('stdin error'));
  process.stdin.resume();
}

server.listen({ host: opts.host, port: opts.port, backlog: 4096 }, () => {
  const { port } = server.address();
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  process.stdout.write(`listening ${opts.tls ? 'https' : 'http'}://${host}:${port}\n`);
});
server.on('error', (e) => {
  process.stderr.write(`fake-api: ${e.message}\n`);
  process.exit(1);
});
