#!/usr/bin/env node
// server-soak.js - resolve-server under hostile clients and a faulty
// upstream for a bounded time, watching whether it grows.
//
//   node bench/server-soak.js [--seconds N (60)] [--server PATH]
//                             [--max-connections N]
//
// The server is $RESOLVE_SERVER, --server, or build/examples/resolve-server.
// Upstream: the fake API (test/fake-api/server.js) with --fault-rate 0.05
// (500/503/529/429, resets, truncated bodies, 50 ms delays) plus, every
// second, a queued fault among hang, huge, invalid_json, html, endless_list
// (a /models walk that never ends) and a 2 s delay. Clients, all at once
// until the time is up:
//   slow readers  4 connections pipelining /resolve and never reading,
//                 each replaced every 3 s
//   flood         32 at a time: connect, GET, Connection: close
//   half-closers  4 at a time: two requests, then shut the sending side
//   pipeliners    2 at a time: 200 requests in one write, all read
//   churn         8 at a time: connect and reset, or half a request and go
//   /models       2 at a time
// It samples the server's RSS (VmRSS) and open descriptors (/proc/PID/fd)
// before the clients start and every second, then prints start, peak and
// end (once the clients are gone) and whether both were flat: RSS peak
// within 64 MiB of the start (the ~60 hostile connections' bound is
// about 12 MiB, server.h) and the second half's peak within 10% + 4 MiB
// of the first half's (no trend); end fds within 4 of the start. Exit
// status 0 when flat, 1 when not.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { startFake, listening } = require('../test/fake-api/start.js');

const args = { seconds: 60, server: process.env.RESOLVE_SERVER ||
  path.join(__dirname, '..', 'build', 'examples', 'resolve-server'), maxConnections: null };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i], v = process.argv[++i];
  if (a === '--seconds') args.seconds = Number(v);
  else if (a === '--server') args.server = v;
  else if (a === '--max-connections') args.maxConnections = v;
  else { process.stderr.write(`server-soak: unknown argument ${a}\n`); process.exit(2); }
}

const ALIASES = Object.keys(require('../test/fake-api/catalogue.js').aliases);
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const req = (p, extra = '') => `GET ${p} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;
const resolvePath = () => `/resolve?alias=${Math.random() < 0.9 ? pick(ALIASES) : `no-such-${Math.floor(Math.random() * 50)}`}`;
const counts = {};
const count = (k) => { counts[k] = (counts[k] || 0) + 1; };

function sample(pid) {
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return { rss, fds: fs.readdirSync(`/proc/${pid}/fd`).length };
}

// One connection: write `text` (then shut the sending side when `end`),
// read until the server closes; the statuses of the answers.
function exchange(port, text, { end = false, closeAfterMs = 10000 } = {}) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let got = '';
    const timer = setTimeout(() => s.destroy(), closeAfterMs);
    s.on('connect', () => (end ? s.end(text) : s.write(text)));
    s.on('data', (d) => { got += d.toString('latin1'); });
    s.on('error', () => count('client error'));
    s.on('close', () => {
      clearTimeout(timer);
      for (const m of got.matchAll(/^HTTP\/1\.1 (\d+)/gm)) count(`status ${m[1]}`);
      resolve();
    });
  });
}

async function loop(deadline, n, fn) {
  await Promise.all(Array.from({ length: n }, async () => {
    while (Date.now() < deadline) await fn();
  }));
}

async function main() {
  const fake = await startFake(['--fault-rate', '0.05', '--no-record']);
  const server = spawn(args.server, ['--listen', '127.0.0.1:0', '--base-url', fake.url,
    '--idle-timeout-ms', '2000', '--upstream-timeout-ms', '3000',
    ...(args.maxConnections ? ['--max-connections', args.maxConnections] : [])],
  { env: { ...process.env, ANTHROPIC_API_KEY: 'fake-key' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = Number(new URL(await listening(server)).port);
  const pid = server.pid;
  const start = sample(pid);
  const samples = [];
  const sampler = setInterval(() => samples.push(sample(pid)), 1000);
  const faults = ['hang', 'huge', 'invalid_json', 'html', 'endless_list', 'delay'];
  const faulter = setInterval(() => {
    const action = pick(faults);
    const f = { action, match: action === 'endless_list' ? '/v1/models?' : '/v1/models',
      times: action === 'endless_list' ? 40 : 1, delay_ms: 2000 };
    fetch(`${fake.url}/_fake/faults`, { method: 'POST', body: JSON.stringify([f]) }).catch(() => {});
  }, 1000);

  const deadline = Date.now() + args.seconds * 1000;
  await Promise.all([
    loop(deadline, 4, async () => { // slow readers
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => {});
      s.pause();
      const batch = Array.from({ length: 500 }, () => req(resolvePath())).join('');
      const pump = () => { while (s.write(batch)); };
      s.on('drain', pump);
      s.on('connect', pump);
      await sleep(3000);
      s.destroy();
      count('slow reader');
    }),
    loop(deadline, 32, () => exchange(port, req(resolvePath(), 'Connection: close\r\n'))),
    loop(deadline, 4, () => exchange(port, req(resolvePath()) + req(resolvePath()), { end: true })),
    loop(deadline, 2, () => exchange(port,
      Array.from({ length: 199 }, () => req(resolvePath())).join('') +
      req(resolvePath(), 'Connection: close\r\n'))),
    loop(deadline, 8, () => new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => {});
      s.on('connect', () => {
        if (Math.random() < 0.5) s.resetAndDestroy();
        else { s.write('GET /resolve?alias=claude-'); setTimeout(() => s.destroy(), 50); }
      });
      s.on('close', () => { count('churn'); resolve(); });
    })),
    loop(deadline, 2, () => exchange(port, req('/models', 'Connection: close\r\n'))),
  ]);
  clearInterval(faulter);
  await sleep(4000); // the idle timeout (2 s) has closed whatever lingered
  clearInterval(sampler);
  const end = sample(pid);
  server.kill('SIGTERM');
  const code = await new Promise((r) => server.once('exit', (c, sig) => r(sig || c)));
  fake.proc.kill('SIGTERM');

  const peak = (k, xs) => Math.max(...xs.map((x) => x[k]));
  const half = samples.length >> 1;
  const [first, second] = [peak('rss', samples.slice(0, half)), peak('rss', samples.slice(half))];
  const flatRss = peak('rss', samples) <= start.rss + 64 * 1024 && second <= first * 1.1 + 4096;
  const flatFds = end.fds <= start.fds + 4;
  const out = {
    seconds: args.seconds,
    rss_kB: { start: start.rss, peak: peak('rss', samples), first_half_peak: first,
      second_half_peak: second, end: end.rss },
    fds: { start: start.fds, peak: peak('fds', samples), end: end.fds },
    flat: { rss: flatRss, fds: flatFds }, exit: code, counts,
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  process.exit(flatRss && flatFds && code === 0 ? 0 : 1);
}

main().catch((e) => { process.stderr.write(`server-soak: ${e.stack}\n`); process.exit(1); });
