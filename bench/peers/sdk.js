// sdk.js - the official TypeScript SDK (@anthropic-ai/sdk) doing what the
// benchmark asks of every client, for bench/peers.sh.
//
//   node sdk.js retrieve --base-url URL --ids FILE --concurrency N
//   node sdk.js list --base-url URL --page-size N
//
// retrieve: one client.models.retrieve() per line of FILE, N at a time
// (a pool of N workers taking the next id), every answer parsed by the SDK.
// list: every model of the catalogue through the SDK's auto-pagination.
// Prints one summary line ("ok N errors M"); exit status 1 when any
// request failed, so a broken run cannot pass for a fast one.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const sdkDir = process.env.ANTHROPIC_SDK_DIR ||
  path.join(__dirname, '..', '..', 'build-bench', 'peers', 'node_modules');
const SDK = require(path.join(sdkDir, '@anthropic-ai', 'sdk'));
const Anthropic = SDK.default || SDK;

function args(argv) {
  const o = { mode: argv[0], concurrency: 64, pageSize: 20 };
  for (let i = 1; i < argv.length; i += 2) {
    const v = argv[i + 1];
    if (argv[i] === '--base-url') o.baseURL = v;
    else if (argv[i] === '--ids') o.ids = v;
    else if (argv[i] === '--concurrency') o.concurrency = Number(v);
    else if (argv[i] === '--page-size') o.pageSize = Number(v);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!o.baseURL) throw new Error('--base-url is required');
  return o;
}

async function retrieve(client, o) {
  const ids = fs.readFileSync(o.ids, 'utf8').split('\n').filter(Boolean);
  let next = 0, ok = 0, errors = 0;
  async function worker() {
    while (next < ids.length) {
      const id = ids[next++];
      try {
        const m = await client.models.retrieve(id);
        if (m && typeof m.id === 'string') ok++;
        else errors++;
      } catch (e) {
        if (errors++ === 0) console.error(`sdk: ${id}: ${e.message}`);
      }
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  return { ok, errors };
}

async function list(client, o) {
  let ok = 0;
  for await (const m of client.models.list({ limit: o.pageSize })) {
    if (typeof m.id === 'string') ok++;
  }
  return { ok, errors: 0 };
}

async function main() {
  const o = args(process.argv.slice(2));
  const client = new Anthropic({
    apiKey: process.env.ANTHROPIC_API_KEY || 'bench-key',
    baseURL: o.baseURL,
    maxRetries: 0,
  });
  const r = o.mode === 'list' ? await list(client, o) : await retrieve(client, o);
  console.log(`ok ${r.ok} errors ${r.errors}`);
  process.exitCode = r.errors === 0 && r.ok > 0 ? 0 : 1;
}

main().catch((e) => {
  console.error(`sdk: ${e.stack || e}`);
  process.exitCode = 1;
});
