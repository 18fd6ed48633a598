// start.js - the fake Models API (server.js) for the Node tests: start it
// and wait until it listens, and make a throwaway certificate for its
// --tls mode (the openssl CLI; nothing is kept in the repository).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const readline = require('node:readline');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const SERVER = process.env.FAKE_API_SERVER || path.join(__dirname, 'server.js');

// The URL of a child that prints "listening URL" first (the fake API,
// resolve-server); an error if it exits before.
function listening(proc) {
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: proc.stdout }).once('line',
      (line) => resolve(line.replace(/^listening /, '')));
    proc.once('exit', (code) => reject(new Error(`exited (${code}) before listening`)));
  });
}

// Start the fake API with `args`; {proc, url} once it listens. Closing its
// stdin (or killing it) stops it.
async function startFake(args = []) {
  const proc = spawn(process.execPath, [SERVER, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  return { proc, url: await listening(proc) };
}

// A fresh directory with key.pem and cert.pem, self-signed for 127.0.0.1
// and localhost, valid a day. The caller removes it.
function makeCert(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt',
    'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error('openssl req failed: is the openssl CLI installed?');
  return dir;
}

// The control routes of the fake API at `url`: forget what it saw and its
// faults, script faults (an error unless it took them), count requests.
function fakeControl(url) {
  return {
    reset: () => fetch(url + '/_fake/reset', { method: 'POST' }),
    async faults(list) {
      const r = await fetch(url + '/_fake/faults', { method: 'POST', body: JSON.stringify(list) });
      if (r.status !== 200) throw new Error(`/_fake/faults answered ${r.status}`);
    },
    stats: async () => (await fetch(url + '/_fake/stats')).json(),
  };
}

// Wait until `pred()` holds, looking every 10 ms; an error naming `what`
// after 2,000 looks (a bound on a deadlock, not on speed).
async function until(what, pred) {
  for (let i = 0; i < 2000; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never happened: ${what}`);
}

// A test file's withServer(args, body, ...rest): `start(args, ...rest)` a
// server of the test's own for `body(srv)`, then `reset()` (the fake API's
// faults and records) and `srv.stop()`, whatever the body did.
function serverRunner(start, reset) {
  return async (args, body, ...rest) => {
    const srv = await start(args, ...rest);
    try {
      return await body(srv);
    } finally {
      await reset();
      await srv.stop();
    }
  };
}

module.exports = { SERVER, listening, startFake, makeCert, fakeControl, until, serverRunner };
