// server-peer-node.js - what a user would write instead of resolve-server,
// for bench/server-load.sh: a node:http server whose GET /resolve?alias=A
// answers from a Map, filled through the official SDK
// (@anthropic-ai/sdk, client.models.retrieve) on a miss or once an entry
// is older than --cache-ttl-ms. Lookups of one alias in flight are shared
// (a Map of promises), and the answer's JSON text is kept with it, so a
// hit is a Map lookup and a write: the peer at its best, not a straw man.
//
//   node server-peer-node.js --listen HOST:PORT --base-url URL
//                            [--cache-ttl-ms N]
//
// Prints "listening http://HOST:PORT" once listening (port 0: a free one).
// The key comes from ANTHROPIC_API_KEY, as for the SDK. A failed lookup
// answers 502 with the SDK's status in the body; anything else 404.
// SIGTERM or SIGINT: close and exit 0.
'use strict';
const http = require('node:http');
const path = require('node:path');

const sdkDir = process.env.ANTHROPIC_SDK_DIR ||
  path.join(__dirname, '..', 'build-bench', 'peers', 'node_modules');
const SDK = require(path.join(sdkDir, '@anthropic-ai', 'sdk'));
const Anthropic = SDK.default || SDK;

function args(argv) {
  const o = { listen: '127.0.0.1:0', ttlMs: 60000 };
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1];
    if (argv[i] === '--listen') o.listen = v;
    else if (argv[i] === '--base-url') o.baseURL = v;
    else if (argv[i] === '--cache-ttl-ms') o.ttlMs = Number(v);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!o.baseURL) throw new Error('--base-url is required');
  return o;
}

const o = args(process.argv.slice(2));
const client = new Anthropic({ baseURL: o.baseURL, maxRetries: 2 });
const cache = new Map(); // alias -> { body, at }
const inflight = new Map(); // alias -> Promise<body>

function lookup(alias) {
  let p = inflight.get(alias);
  if (p) return p;
  p = client.models.retrieve(alias).then((model) => {
    const body = JSON.stringify(model);
    cache.set(alias, { body, at: Date.now() });
    return body;
  }).finally(() => inflight.delete(alias));
  inflight.set(alias, p);
  return p;
}

function send(res, status, body) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const alias = url.searchParams.get('alias');
  if (req.method !== 'GET' || url.pathname !== '/resolve' || !alias) {
    return send(res, 404, '{"error":"GET /resolve?alias=A"}');
  }
  const hit = cache.get(alias);
  if (hit && Date.now() - hit.at < o.ttlMs) return send(res, 200, hit.body);
  lookup(alias).then((body) => send(res, 200, body), (err) => {
    send(res, 502, JSON.stringify({ error: String(err && err.message),
      status: err && err.status }));
  });
});
server.keepAliveTimeout = 300000;
server.headersTimeout = 301000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

const colon = o.listen.lastIndexOf(':');
server.listen(Number(o.listen.slice(colon + 1)), o.listen.slice(0, colon), () => {
  const a = server.address();
  console.log(`listening http://${a.address}:${a.port}`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
