// peers-report.js - the Markdown report of bench/peers.sh from its result
// lines ("NAME WALL_S CPU_S MAXRSS_KIB STATUS").
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const { spawnSync } = require('node:child_process');

const [file, nArg, kArg, oursSys, oursTop, curlSys, curlTop, sdkVersion] = process.argv.slice(2);
const n = Number(nArg);
const r = {};
for (const line of fs.readFileSync(file, 'utf8').trim().split('\n')) {
  const [name, wall, cpu, rss, status] = line.split(' ');
  r[name] = { wall: Number(wall), cpu: Number(cpu), rss: Number(rss) / 1024, status };
}
const x = (a, b) => `${(a / b).toFixed(2)}x`;
const f = (v, d = 2) => v.toFixed(d);
// The first line a command prints of its version, on stdout or stderr.
const version = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout || ''}${r.stderr || ''}`.split('\n')[0].trim() || '?';
};

const out = [];
out.push(`Machine: ${os.cpus().length} cores (${os.cpus()[0].model}), ` +
  `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${version('uname', ['-sr'])}; ` +
  `${version('/usr/sbin/nginx', ['-v'])}; ` +
  `${version('curl', ['--version']).split(' ').slice(0, 4).join(' ')}; node ${process.version}, ` +
  `@anthropic-ai/sdk ${sdkVersion}. ${n} distinct ids, one run.`);
out.push('');
for (const p of ['http1', 'h2']) {
  const o = r[`ours-${p}`], c = r[`curl-${p}`], s = r[`sdk-${p}`], k = r[`ours1000-${p}`];
  out.push(`### ${p === 'http1' ? 'HTTP/1.1' : 'HTTP/2 + TLS'}: ${n} retrieves, 64 in flight`);
  out.push('');
  out.push('| client | wall | CPU (user+sys) | peak RSS | requests/s | ours / it: wall, CPU, RSS |');
  out.push('|---|---|---|---|---|---|');
  const row = (name, v, vs) => out.push(`| ${name} | ${f(v.wall)} s | ${f(v.cpu)} s | ` +
    `${f(v.rss, 1)} MiB | ${f(n / v.wall, 0)} | ${vs ? `${x(o.wall, v.wall)}, ${x(o.cpu, v.cpu)}, ${x(o.rss, v.rss)}` : ''} |`);
  row('anthropic-models resolve (parses every body)', o, false);
  row('curl --parallel --parallel-max 64 (no parsing)', c, true);
  row(`@anthropic-ai/sdk ${sdkVersion}${p === 'h2' ? ' (Node fetch: HTTP/1.1 over TLS)' : ''}`, s, true);
  row('anthropic-models resolve, 1,000 in flight', k, false);
  out.push('');
  const target = p === 'http1' ? 0.8 : 0.6;
  const ok = (b) => (b ? 'met' : '**not met**');
  out.push(`Targets: wall ${x(o.wall, c.wall)} and CPU ${x(o.cpu, c.cpu)} of curl's ` +
    `(at most ${target}x: ${ok(o.wall <= target * c.wall && o.cpu <= target * c.cpu)}); ` +
    `throughput ${x(s.wall, o.wall)} the SDK's (at least 12x: ${ok(s.wall >= 12 * o.wall)}); ` +
    `peak RSS ${x(o.rss, s.rss)} of the SDK's (at most 0.10x: ${ok(o.rss <= 0.1 * s.rss)}); ` +
    `${f(k.rss, 1)} MiB with 1,000 in flight (under 20 MiB: ${ok(k.rss < 20)}).`);
  out.push('');
}
out.push('### A listing walk: 1,000 models, 20 a page (50 requests, one after another)');
out.push('');
out.push('| client | HTTP/1.1: wall / CPU / peak RSS | HTTP/2 + TLS: wall / CPU / peak RSS |');
out.push('|---|---|---|');
for (const [name, key] of [['anthropic-models list --all', 'ours'], ['curl (the 50 URLs, known in advance)', 'curl'], ['@anthropic-ai/sdk (for await)', 'sdk']]) {
  const cell = (p) => { const v = r[`walk-${key}-${p}`]; return `${f(v.wall, 3)} s / ${f(v.cpu, 3)} s / ${f(v.rss, 1)} MiB`; };
  out.push(`| ${name} | ${cell('http1')} | ${cell('h2')} |`);
}
out.push('');
out.push('### Engine cost (HTTP/1.1)');
out.push('');
out.push(`Requests per CPU-second: ours ${f(n / r['ours-http1'].cpu, 0)}, curl ${f(n / r['curl-http1'].cpu, 0)}. ` +
  `System calls per request (strace -c, ${kArg} requests): ours ${oursSys} (${oursTop}); curl ${curlSys} (${curlTop}).`);
const bad = Object.entries(r).filter(([, v]) => v.status !== '0').map(([k]) => k);
if (bad.length) out.push(`\nFAILED runs: ${bad.join(', ')}`);
console.log(out.join('\n'));
