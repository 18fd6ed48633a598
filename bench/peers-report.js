// peers-report.js - the Markdown report of bench/peers.sh from its work
// directory: results ("NAME ROUND WALL_S CPU_S MAXRSS_KIB STATUS
// REQUESTS"), sys ("NAME CALLS_PER_REQUEST TOP..."), ir ("NAME IR_SMALL
// IR_BIG N_SMALL N_BIG") and load ("round R LOAD1 LOAD5 LOAD15").
//
//   node peers-report.js WORK N SDK_N STRACE_N SDK_VERSION
//
// Every timed figure is the median over the rounds; ratios are of medians.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const [work, nArg, sdkNArg, straceNArg, sdkVersion] = process.argv.slice(2);
const n = Number(nArg), sdkN = Number(sdkNArg);
const lines = (f) => {
  const p = path.join(work, f);
  return fs.existsSync(p) ? fs.readFileSync(p, 'utf8').trim().split('\n').filter(Boolean) : [];
};
const median = (a) => {
  const s = [...a].sort((x, y) => x - y), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const runs = {};
for (const line of lines('results')) {
  const [name, , wall, cpu, rss, status, reqs] = line.split(' ');
  (runs[name] ||= []).push({ wall: +wall, cpu: +cpu, rss: +rss / 1024, status, reqs: +reqs });
}
const r = {};
for (const [name, a] of Object.entries(runs)) {
  r[name] = {
    wall: median(a.map((v) => v.wall)), cpu: median(a.map((v) => v.cpu)),
    rss: median(a.map((v) => v.rss)), reqs: a[0].reqs, rounds: a.length,
    walls: a.map((v) => v.wall), cpus: a.map((v) => v.cpu),
  };
  r[name].cpuPerReq = r[name].cpu / r[name].reqs; // seconds
  r[name].wallPerReq = r[name].wall / r[name].reqs;
}
const sys = {};
for (const line of lines('sys')) {
  const [name, total, ...top] = line.split(' ');
  sys[name] = { total: +total, top: top.join(' ') };
}
const ir = {};
for (const line of lines('ir')) {
  const [name, small, big, nSmall, nBig] = line.split(' ').map((v, i) => (i ? +v : v));
  ir[name] = { perReq: (big - small) / (nBig - nSmall), small, big, nSmall, nBig };
}
const load = lines('load').map((l) => l.split(' '));

const x = (a, b) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : '?');
const f = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '?');
const us = (s) => f(s * 1e6, 1);
const version = (cmd, args) => {
  const v = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${v.stdout || ''}${v.stderr || ''}`.split('\n')[0].trim() || '?';
};
const rounds = Math.max(0, ...Object.values(r).map((v) => v.rounds));

const out = [];
out.push(`Machine: ${os.cpus().length} cores (${os.cpus()[0].model}), ` +
  `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${version('uname', ['-sr'])}; ` +
  `${version('/usr/sbin/nginx', ['-v'])}; ` +
  `${version('curl', ['--version']).split(' ').slice(0, 4).join(' ')}; node ${process.version}, ` +
  `@anthropic-ai/sdk ${sdkVersion}. ${n} distinct ids (the SDK: ${sdkN}), ` +
  `${rounds} interleaved rounds, medians. Load average (1/5/15 min) at each round's start: ` +
  `${load.map((l) => `${l[0] === 'end' ? 'end' : `round ${l[1]}`} ${l.slice(l[0] === 'end' ? 1 : 2).join('/')}`).join('; ')}.`);
out.push('');

const P = { http1: 'HTTP/1.1', h2: 'HTTP/2 + TLS' };
for (const p of ['http1', 'h2']) {
  const o = r[`ours-${p}`], b = r[`bare-${p}`], c = r[`curl-${p}`], s = r[`sdk-${p}`];
  if (!o || !b || !c || !s) continue;
  out.push(`### ${P[p]}: 64 in flight (medians of ${rounds})`);
  out.push('');
  out.push('| client | requests | wall | CPU (user+sys) | CPU/request | peak RSS | wall runs |');
  out.push('|---|---|---|---|---|---|---|');
  const row = (name, v) => out.push(`| ${name} | ${v.reqs} | ${f(v.wall)} s | ${f(v.cpu)} s | ` +
    `${us(v.cpuPerReq)} us | ${f(v.rss, 1)} MiB | ${v.walls.map((w) => f(w)).join(', ')} |`);
  row('anthropic-models resolve (parses every body)', o);
  row('bare driver (bench/bare.c, the floor)', b);
  row('curl --parallel --parallel-max 64', c);
  row(`@anthropic-ai/sdk ${sdkVersion}${p === 'h2' ? ' (Node fetch: HTTP/1.1 over TLS)' : ''}`, s);
  row('anthropic-models resolve, 1,000 in flight', r[`ours1000-${p}`]);
  row('bare driver, 1,000 in flight', r[`bare1000-${p}`]);
  out.push('');
  out.push('Ours as a ratio (the SDK per request, since it ran fewer):');
  out.push('');
  out.push('| ours / | wall | CPU | syscalls/request | instructions/request | peak RSS | peak RSS at 1,000 |');
  out.push('|---|---|---|---|---|---|---|');
  const so = sys[`ours-${p}`] || {}, io = ir[`ours-${p}`] || {};
  const ratioRow = (name, v, key, per) => out.push(`| ${name} | ` +
    `${per ? x(o.wallPerReq, v.wallPerReq) : x(o.wall, v.wall)} | ` +
    `${per ? x(o.cpuPerReq, v.cpuPerReq) : x(o.cpu, v.cpu)} | ` +
    `${sys[`${key}-${p}`] ? x(so.total, sys[`${key}-${p}`].total) : '-'} | ` +
    `${ir[`${key}-${p}`] ? x(io.perReq, ir[`${key}-${p}`].perReq) : '-'} | ` +
    `${x(o.rss, v.rss)} | ${key === 'bare' ? x(r[`ours1000-${p}`].rss, r[`bare1000-${p}`].rss) : '-'} |`);
  ratioRow('bare', b, 'bare', false);
  ratioRow('curl', c, 'curl', false);
  ratioRow('SDK', s, 'sdk', true);
  out.push('');
  out.push(`System calls per request (strace -f -c, ${straceNArg} requests, the median of the runs) and instructions per ` +
    'request (callgrind, the difference of two runs over the difference in requests):');
  out.push('');
  out.push('| client | syscalls/request | most called (per request) | instructions/request |');
  out.push('|---|---|---|---|');
  for (const k of ['ours', 'bare', 'curl']) {
    const sv = sys[`${k}-${p}`], iv = ir[`${k}-${p}`];
    out.push(`| ${k} | ${sv ? f(sv.total) : '?'} | ${sv ? sv.top : ''} | ` +
      `${iv ? `${f(iv.perReq / 1000, 1)} k (${iv.nSmall}: ${f(iv.small / 1e6, 1)} M, ${iv.nBig}: ${f(iv.big / 1e6, 1)} M)` : '?'} |`);
  }
  out.push('');
}

out.push('### A listing walk: 1,000 models, 20 a page (50 requests, one after another; one run)');
out.push('');
out.push('| client | HTTP/1.1: wall / CPU / peak RSS | HTTP/2 + TLS: wall / CPU / peak RSS |');
out.push('|---|---|---|');
for (const [name, key] of [['anthropic-models list --all', 'ours'], ['curl (the 50 URLs, known in advance)', 'curl'], ['@anthropic-ai/sdk (for await)', 'sdk']]) {
  const cell = (p) => { const v = r[`walk-${key}-${p}`]; return v ? `${f(v.wall, 3)} s / ${f(v.cpu, 3)} s / ${f(v.rss, 1)} MiB` : '?'; };
  out.push(`| ${name} | ${cell('http1')} | ${cell('h2')} |`);
}
out.push('');

// The issue's targets: [label, value(p), limit(p) or null (report only)].
out.push('### Targets (ratios of medians)');
out.push('');
out.push('| target | HTTP/1.1 | HTTP/2 + TLS |');
out.push('|---|---|---|');
const targets = [
  ['CPU vs `curl --parallel`', (p) => r[`ours-${p}`].cpu / r[`curl-${p}`].cpu, { http1: 0.6, h2: 0.55 }],
  ['CPU vs the bare driver', (p) => r[`ours-${p}`].cpu / r[`bare-${p}`].cpu, { http1: 1.3, h2: 1.3 }],
  ['syscalls per request vs bare', (p) => sys[`ours-${p}`].total / sys[`bare-${p}`].total, { http1: 1.05, h2: 1.05 }],
  ['client CPU per request vs the SDK', (p) => r[`ours-${p}`].cpuPerReq / r[`sdk-${p}`].cpuPerReq, { http1: 1 / 16, h2: 1 / 16 }],
  ['peak RSS at 1,000 in flight vs bare', (p) => r[`ours1000-${p}`].rss / r[`bare1000-${p}`].rss, { http1: 1.1, h2: null }],
];
for (const [label, value, limit] of targets) {
  const cell = (p) => {
    let v;
    try { v = value(p); } catch { return '?'; }
    const lim = limit[p];
    if (lim == null) return `${x(v, 1)} (reported)`;
    const shown = lim < 0.1 ? `1/${f(1 / lim, 0)}` : `${lim}x`;
    return `${x(v, 1)}${v < 0.1 ? ` (1/${f(1 / v, 1)})` : ''}, at most ${shown}: ${v <= lim ? 'met' : '**not met**'}`;
  };
  out.push(`| ${label} | ${cell('http1')} | ${cell('h2')} |`);
}
const bad = Object.entries(runs).filter(([, a]) => a.some((v) => v.status !== '0')).map(([k]) => k);
if (bad.length) out.push(`\nFAILED runs: ${bad.join(', ')}`);
console.log(out.join('\n'));
