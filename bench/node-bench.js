// node-bench.js - N distinct retrieves at 64 in flight from Node, one
// client each, against the same server (bench/node.sh starts nginx and
// installs the package):
//   addon  the npm package anthropic-c, installed from its tarball
//          (its SDK-shaped client: new Anthropic(...).models.retrieve)
//   sdk    the official @anthropic-ai/sdk
//   http   plain node:http (node:https for an https URL), a keep-alive
//          agent of 64 sockets, JSON.parse
//   http2  plain node:http2 (https URLs only): one session, 64 streams at
//          a time, JSON.parse
// Each runs in a fresh process:
//   node node-bench.js WHICH URL N PKGDIR SDKDIR [CAFILE]
// and prints "WHICH ok N errors M ms T cpu_ms C rss_kib R"; exit 1 when
// any request failed, so a broken run cannot pass for a fast one. CPU is
// the whole process's user + system time over the run (the addon's C
// side and libcurl included: they run on the same thread).
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const http2 = require('node:http2');
const path = require('node:path');

const [which, base, nStr, pkgDir, sdkDir, caFile] = process.argv.slice(2);
const n = Number(nStr);
const ids = Array.from({ length: n }, (_, i) => `bench-model-${String(i).padStart(6, '0')}`);
const KEY = 'bench-key';
const HEADERS = { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' };
const ca = caFile ? fs.readFileSync(caFile) : undefined;

async function pool(fetchOne) {
  let next = 0, ok = 0, errors = 0;
  async function worker() {
    while (next < ids.length) {
      const id = ids[next++];
      try {
        const m = await fetchOne(id);
        if (m.id === id) ok++; else errors++;
      } catch (e) {
        if (errors++ === 0) console.error(`${which}: ${id}: ${e.message}`);
      }
    }
  }
  await Promise.all(Array.from({ length: 64 }, worker));
  return { ok, errors };
}

function plainHttp() {
  const u = new URL(base);
  const mod = u.protocol === 'https:' ? https : http;
  const agent = new mod.Agent({ keepAlive: true, maxSockets: 64, ca });
  return (id) => new Promise((resolve, reject) => {
    const req = mod.get({ host: u.hostname, port: u.port, path: `/v1/models/${id}`, agent,
      headers: HEADERS }, (res) => {
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

function plainHttp2() {
  if (!base.startsWith('https:')) throw new Error('http2 is for https URLs');
  const session = http2.connect(base, { ca });
  const fetchOne = (id) => new Promise((resolve, reject) => {
    const req = session.request({ ':path': `/v1/models/${id}`, ...HEADERS });
    let status = 0;
    const chunks = [];
    req.on('response', (h) => { status = h[':status']; });
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (status !== 200) return reject(new Error(`HTTP ${status}`));
      resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', reject);
    req.end();
  });
  return { fetchOne, done: () => session.close() };
}

async function main() {
  let fetchOne, done = async () => {};
  if (which === 'addon') {
    const pkg = require(pkgDir);
    const Anthropic = pkg.Anthropic || pkg.default || pkg.Client;
    const c = new Anthropic({ apiKey: KEY, baseURL: base, maxConcurrency: 64,
      ...(caFile ? { caBundle: caFile } : {}) });
    fetchOne = (id) => c.models.retrieve(id);
    done = () => c.close();
  } else if (which === 'sdk') {
    // Node's fetch trusts the certificate through NODE_EXTRA_CA_CERTS.
    const SDK = require(path.join(sdkDir, '@anthropic-ai', 'sdk'));
    const Anthropic = SDK.default || SDK;
    const c = new Anthropic({ apiKey: KEY, baseURL: base, maxRetries: 2 });
    fetchOne = (id) => c.models.retrieve(id);
  } else if (which === 'http') {
    fetchOne = plainHttp();
  } else if (which === 'http2') {
    ({ fetchOne, done } = plainHttp2());
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
