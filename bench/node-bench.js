// node-bench.js - 20,000 distinct retrieves at 64 in flight from Node, one
// client each, against the same server (bench/node.sh starts nginx):
//   addon  this library on Node's loop (build/examples/node)
//   sdk    the official @anthropic-ai/sdk
//   http   plain node:http, a keep-alive agent of 64 sockets, JSON.parse
// Each runs in a fresh process (node node-bench.js WHICH URL N ADDON SDKDIR)
// and prints "WHICH ok N errors M ms T cpu_ms C rss_kib R"; exit 1 when
// any request failed, so a broken run cannot pass for a fast one.
'use strict';
const http = require('node:http');
const path = require('node:path');

const [which, base, nStr, addonDir, sdkDir] = process.argv.slice(2);
const n = Number(nStr);
const ids = Array.from({ length: n }, (_, i) => `bench-model-${String(i).padStart(6, '0')}`);
const KEY = 'bench-key';

async function pool(fetchOne) {
  let next = 0, ok = 0, errors = 0;
  async function worker() {
    while (next < ids.length) {
      const id = ids[next++];
      try {
        const m = await fetchOne(id);
        if (m.id === id) ok++; else errors++;
      } catch (e) { errors++; }
    }
  }
  await Promise.all(Array.from({ length: 64 }, worker));
  return { ok, errors };
}

function plainHttp() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const u = new URL(base);
  return (id) => new Promise((resolve, reject) => {
    const req = http.get({ host: u.hostname, port: u.port, path: `/v1/models/${id}`, agent,
      headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      });
    });
    req.on('error', reject);
  });
}

async function main() {
  let fetchOne, done = async () => {};
  if (which === 'addon') {
    const A = require(addonDir);
    const c = new A.Client({ apiKey: KEY, baseURL: base, maxConcurrency: 64 });
    fetchOne = (id) => c.models.retrieve(id);
    done = () => c.close();
  } else if (which === 'sdk') {
    const SDK = require(path.join(sdkDir, '@anthropic-ai', 'sdk'));
    const Anthropic = SDK.default || SDK;
    const c = new Anthropic({ apiKey: KEY, baseURL: base, maxRetries: 2 });
    fetchOne = (id) => c.models.retrieve(id);
  } else if (which === 'http') {
    fetchOne = plainHttp();
  } else {
    throw new Error(`unknown client ${which}`);
  }
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const r = await pool(fetchOne);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  await done();
  console.log(`${which} ok ${r.ok} errors ${r.errors} ms ${ms.toFixed(0)} cpu_ms ${((cpu.user + cpu.system) / 1000).toFixed(0)} rss_kib ${Math.round(process.resourceUsage().maxRSS)}`);
  process.exitCode = r.errors ? 1 : 0;
}
main().catch((e) => { console.error(e); process.exit(1); });
