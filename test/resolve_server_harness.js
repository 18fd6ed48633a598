'use strict';
// resolve_server_harness.js - what the resolve-server test files share:
// the server's environment, starting one with its stderr lines kept, and
// /metrics read by a real Prometheus text parser. Each file composes its
// own startServer() from spawnServer() (their default arguments differ).
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { listening, until } = require('./fake-api/start.js');

const SERVER = process.env.RESOLVE_SERVER;
const NPM_DIR = process.env.NPM_DIR;

// The server's environment: a fake key, never a developer's credentials,
// base URL, headers or log level, and no RESOLVE_SERVER_* variable but
// those of `extra`.
function serverEnv(extra = {}) {
  const e = { ...process.env, ANTHROPIC_API_KEY: 'fake-key', ...extra };
  for (const k of ['ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_CUSTOM_HEADERS', 'ANTHROPIC_LOG'])
    delete e[k];
  for (const k of Object.keys(e))
    if (k.startsWith('RESOLVE_SERVER_') && !(k in extra)) delete e[k];
  return e;
}

// The server run with `argv` in `env`, once it listens: its stderr lines
// in `log`; get() and json() ask it; stop() sends SIGTERM and resolves
// with {code, signal}.
async function spawnServer(argv, env) {
  const proc = spawn(SERVER, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  readline.createInterface({ input: proc.stderr }).on('line', (l) => log.push(l));
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await listening(proc);
  return {
    proc, log, exited, url, port: Number(new URL(url).port),
    get: (p, init) => fetch(url + p, init),
    json: async (p) => { const r = await fetch(url + p); return { status: r.status, body: await r.json() }; },
    waitLog: (re, n = 1) => until(`log ${re} x${n}`, () => log.filter((l) => re.test(l)).length >= n),
    stop: () => { proc.kill('SIGTERM'); return exited; },
  };
}

// parse-prometheus-text-format from npm, installed into NPM_DIR (the build
// directory) the first time.
function prometheusParser() {
  const mod = path.join(NPM_DIR, 'node_modules', 'parse-prometheus-text-format');
  if (!fs.existsSync(mod)) {
    fs.mkdirSync(NPM_DIR, { recursive: true });
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', NPM_DIR,
      'parse-prometheus-text-format@1.1.1'], { encoding: 'utf8', timeout: 180000 });
    assert.equal(r.status, 0, `npm install parse-prometheus-text-format: ${r.stderr}`);
  }
  return require(mod);
}

// /metrics, parsed: {name: {type, help, metrics}} (names without the
// prefix), and the text as `_text`.
async function scrape(srv) {
  const r = await srv.get('/metrics');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/plain; version=0.0.4');
  const text = await r.text();
  const out = { _text: text };
  for (const f of prometheusParser()(text)) out[f.name.replace(/^resolve_server_/, '')] = f;
  return out;
}

// The value of the sample of family `f` whose labels include `labels`.
function sample(f, labels = {}) {
  assert.ok(f, 'no such metric');
  const m = f.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
  return m === undefined ? undefined : Number(m.value);
}

module.exports = { SERVER, serverEnv, spawnServer, prometheusParser, scrape, sample };
