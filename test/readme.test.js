// readme.test.js - every code sample of README.md and docs/*.md is a test
// (suite `readme`): a sample that no longer compiles, fails or prints
// nothing fails the test command, so a stale one cannot reach users. The
// conventions are docs/samples.md's; in short:
//
// Each fenced block is taken by its language (the fence's info string):
//   c           compiled with -std=c11 -D_POSIX_C_SOURCE=200809L (uv.h needs
//               POSIX's types) -Wall -Wextra -Werror and the build's
//               sanitizers against the built shared library and libuv,
//               then run against the fake API.
//               A block with `main(` is a whole program. Any other is a
//               fragment: everything up to its last line that is a lone
//               `}` in column 0 (its functions, types, statics) goes at
//               file scope, the rest into the body of a function where
//               `uv_loop_t *loop` and `anthropic_client_t *client` (on the
//               fake API) exist. The harness then runs the loop, closes
//               the client and checks that uv_loop_close() returns 0; a
//               fragment must not close the client itself.
//   sh, bash    run by `bash -e -o pipefail` in a scratch directory laid out
//               like the source tree (each top-level entry linked in), with
//               build/ the meson build and the CLI on PATH.
//   js          run by node in that scratch directory: `./build/...` works
//               as written, and `require('anthropic-c')` finds the built
//               addon (README_NODE_MODULES='name=dir,...' maps others).
//   text, console, ini, meson, json, markdown, ...: not run (output
//               transcripts, prompts, configuration). Counted and listed.
//   no language: an error; say what the block is.
// Every run sample gets ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY of a fake
// API, and passes when it exits 0, prints something on stdout and nothing
// on stderr (samples report failures on stderr, as users' code should).
//
// A directive on the line before the fence (blank lines between allowed)
// changes that: `<!-- sample: skip REASON -->` (not run; the reason is
// required and printed), `<!-- sample: exit=N -->`, `<!-- sample: quiet -->`
// (no stdout expected), `<!-- sample: stderr -->` (stderr allowed);
// several in one comment, separated by spaces. An unknown word, a skip
// without a reason, a directive on a block that is never run, or one that
// no fence follows, is an error.
//
// Run by meson (`node test/readme.test.js`) with README_SOURCE_ROOT,
// README_BUILD_ROOT, README_CC, README_CFLAGS, README_LIBDIR, README_INCDIR,
// README_SANITIZE, FAKE_API_SERVER and, when built, ANTHROPIC_MODELS_CLI and
// NODE_ADDON; README_NODE_MODULES adds to the package names mapped.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startFake } = require('./fake-api/start.js');

const SRC = process.env.README_SOURCE_ROOT || path.join(__dirname, '..');
const BUILD = process.env.README_BUILD_ROOT || path.join(SRC, 'build');
const TIMEOUT_MS = 30 * 1000;

const RUN = { c: 'c', sh: 'sh', bash: 'sh', shell: 'sh', js: 'js', javascript: 'js' };
const NOT_RUN = new Set(['text', 'console', 'ini', 'meson', 'json', 'markdown',
  'md', 'diff', 'toml', 'yaml', 'http']);
const DIRECTIVE = /^\s*<!--\s*sample:\s*(.*?)\s*-->\s*$/;

// The fenced blocks of a Markdown file (CommonMark fences: ``` or ~~~, at
// most 3 spaces in, closed by a fence of the same character at least as
// long), each {file, line, lang, code, directive}; throws on an orphan
// directive.
function blocksOf(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const rel = path.relative(SRC, file);
  const out = [];
  let pending = null; // {text, line} of a directive waiting for its fence
  for (let i = 0; i < lines.length; i++) {
    const d = DIRECTIVE.exec(lines[i]);
    if (d) {
      if (pending) throw new Error(`${rel}:${pending.line}: directive followed by no fence`);
      pending = { text: d[1], line: i + 1 };
      continue;
    }
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]);
    if (!open) {
      if (pending && lines[i].trim() !== '')
        throw new Error(`${rel}:${pending.line}: directive followed by no fence`);
      continue;
    }
    const [, indent, fence, lang] = open;
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    const code = [];
    let j = i + 1;
    for (; j < lines.length && !close.test(lines[j]); j++)
      code.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    out.push({ file: rel, line: i + 1, lang: lang.toLowerCase(), code: code.join('\n') + '\n',
      directive: pending ? pending.text : null });
    pending = null;
    i = j;
  }
  if (pending) throw new Error(`${rel}:${pending.line}: directive followed by no fence`);
  return out;
}

// A block's directive as {skip, exit, quiet, stderr}.
function parseDirective(b) {
  const o = { skip: null, exit: 0, quiet: false, stderr: false };
  if (b.directive === null) return o;
  const skip = /^skip\b\s*(.*)$/.exec(b.directive);
  if (skip) {
    const reason = skip[1].replace(/^\((.*)\)$/, '$1').trim();
    if (!reason) throw new Error(`${b.file}:${b.line}: "skip" needs a reason`);
    o.skip = reason;
    return o;
  }
  for (const word of b.directive.split(/[\s,]+/)) {
    let m;
    if ((m = /^exit=(\d+)$/.exec(word))) o.exit = Number(m[1]);
    else if (word === 'quiet') o.quiet = true;
    else if (word === 'stderr') o.stderr = true;
    else throw new Error(`${b.file}:${b.line}: unknown sample directive "${word}"`);
  }
  return o;
}

const files = [path.join(SRC, 'README.md')];
const docs = path.join(SRC, 'docs');
if (fs.existsSync(docs))
  for (const f of fs.readdirSync(docs).sort())
    if (f.endsWith('.md')) files.push(path.join(docs, f));
// A file that cannot be read into blocks (a directive no fence follows)
// is one failing block.
const blocks = files.flatMap((f) => {
  try {
    return blocksOf(f);
  } catch (e) {
    return [{ file: path.relative(SRC, f), line: 0, lang: '', code: '', directive: null, error: e.message }];
  }
});

// A fragment's file-scope part and its statements: split after the last
// line that is a lone `}` in column 0.
function splitFragment(code) {
  const lines = code.split('\n');
  let last = -1;
  lines.forEach((l, i) => { if (/^}\s*;?\s*$/.test(l)) last = i; });
  return { top: lines.slice(0, last + 1).join('\n'), body: lines.slice(last + 1).join('\n') };
}

function fragmentProgram(b) {
  const { top, body } = splitFragment(b.code);
  const at = (n) => `#line ${n} "${b.file}"`;
  const bodyLine = b.line + 1 + top.split('\n').length - (top ? 0 : 1);
  return `/* ${b.file}:${b.line}, a fragment wrapped by test/readme.test.js */
#include <anthropic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>
${at(b.line + 1)}
${top}
#line 1 "readme-harness"
static void sample(uv_loop_t *loop, anthropic_client_t *client) {
  (void)loop;
  (void)client;
${at(bodyLine)}
${body}
#line 1 "readme-harness"
}

int main(void) {
  uv_loop_t *loop = uv_default_loop();
  anthropic_client_t *client;
  char err[256];
  if (anthropic_client_init(loop, &client, NULL, err, sizeof err) != 0) {
    fprintf(stderr, "harness: %s\\n", err);
    return 1;
  }
  sample(loop, client);
  uv_run(loop, UV_RUN_DEFAULT);
  anthropic_client_close(client, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
  if (uv_loop_close(loop) != 0) {
    fprintf(stderr, "harness: the loop still has handles open\\n");
    return 1;
  }
  return 0;
}
`;
}

let server, url, scratch;

// The environment of a sample: the fake API's, nothing of the caller's
// credentials or logging.
function sampleEnv(extra = {}) {
  const env = { ...process.env, ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'fake-key', ...extra };
  for (const k of ['ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_CUSTOM_HEADERS', 'ANTHROPIC_LOG'])
    delete env[k];
  return env;
}

// The scratch directory a shell or JS sample runs in: the source tree's
// top-level entries linked in, build/ the meson build, node_modules/ the
// packages a sample may require by name.
function makeScratch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-samples-'));
  for (const e of fs.readdirSync(SRC))
    if (e !== 'build' && e !== 'node_modules' && !e.startsWith('.'))
      fs.symlinkSync(path.join(SRC, e), path.join(dir, e));
  fs.symlinkSync(BUILD, path.join(dir, 'build'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  const mods = {};
  if (process.env.NODE_ADDON) mods['anthropic-c'] = process.env.NODE_ADDON;
  for (const pair of (process.env.README_NODE_MODULES || '').split(',').filter(Boolean)) {
    const [name, where] = pair.split('=');
    mods[name] = path.resolve(where);
  }
  for (const [name, where] of Object.entries(mods))
    fs.symlinkSync(where, path.join(dir, 'node_modules', name));
  return dir;
}

// libuv's flags, as a user's build takes them (README: `cc app.c
// $(pkg-config --cflags --libs anthropic libuv)`).
function uvFlags() {
  const r = spawnSync('pkg-config', ['--cflags', '--libs', 'libuv'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split(/\s+/).filter(Boolean) : ['-luv'];
}

function compileC(b, src) {
  const exe = path.join(scratch, `sample-${path.basename(b.file)}-${b.line}`);
  const cfile = exe + '.c';
  fs.writeFileSync(cfile, src);
  const [cc, ...ccArgs] = (process.env.README_CC || 'cc').split(' ').filter(Boolean);
  const san = process.env.README_SANITIZE || 'none';
  const sanArgs = san === 'none' ? [] : [`-fsanitize=${san}`];
  const libdir = process.env.README_LIBDIR;
  const args = [...ccArgs, '-std=c11', '-D_POSIX_C_SOURCE=200809L', '-Wall', '-Wextra', '-Werror',
    ...sanArgs, `-I${process.env.README_INCDIR || path.join(SRC, 'include')}`,
    ...(process.env.README_CFLAGS || '').split(' ').filter(Boolean),
    cfile, '-o', exe, `-L${libdir}`, `-Wl,-rpath,${libdir}`, '-lanthropic',
    ...uvFlags()];
  const r = spawnSync(cc, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${b.file}:${b.line} does not compile:\n${r.stderr}`);
  return exe;
}

// Runs a sample in a process group of its own, which is killed when the
// sample exits or times out: nothing it starts in the background outlives
// it. Resolves {status, signal, stdout, stderr, timedOut}.
function runSample(cmd, args, options) {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', timedOut = false;
    proc.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    proc.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const killGroup = () => { try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ } };
    const timer = setTimeout(() => { timedOut = true; killGroup(); }, TIMEOUT_MS);
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('close', (status, signal) => {
      clearTimeout(timer);
      killGroup();
      resolve({ status, signal, stdout, stderr, timedOut });
    });
    // A background child holding the pipes open would delay 'close'.
    proc.on('exit', () => setTimeout(killGroup, 2000).unref());
  });
}

function check(b, opts, r) {
  const where = `${b.file}:${b.line}`;
  const said = `\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
  assert.ok(!r.timedOut, `${where} still ran after ${TIMEOUT_MS} ms${said}`);
  assert.equal(r.signal, null, `${where} was killed by ${r.signal}${said}`);
  assert.equal(r.status, opts.exit, `${where} exited ${r.status}, not ${opts.exit}${said}`);
  if (!opts.quiet) assert.notEqual(r.stdout.trim(), '', `${where} printed nothing on stdout${said}`);
  if (!opts.stderr) assert.equal(r.stderr, '', `${where} wrote on stderr${said}`);
}

const runners = {
  c(b) {
    const whole = /\bmain\s*\(/.test(b.code);
    const exe = compileC(b, whole ? `#line ${b.line + 1} "${b.file}"\n${b.code}` : fragmentProgram(b));
    return runSample(exe, [], { cwd: scratch, env: sampleEnv() });
  },
  sh(b) {
    const cli = process.env.ANTHROPIC_MODELS_CLI;
    const PATH = (cli ? path.dirname(cli) + path.delimiter : '') + process.env.PATH;
    return runSample('bash', ['-e', '-o', 'pipefail', '-c', b.code],
      { cwd: scratch, env: sampleEnv({ PATH }) });
  },
  js(b) {
    // A sample with `import` lines is an ES module, as users run one.
    const ext = /^import\s/m.test(b.code) ? 'mjs' : 'js';
    const file = path.join(scratch, `sample-${path.basename(b.file)}-${b.line}.${ext}`);
    fs.writeFileSync(file, b.code);
    // The addon has no sanitizer: ASan's options must not reach node.
    return runSample(process.execPath, [file],
      { cwd: scratch, env: sampleEnv({ ASAN_OPTIONS: '' }) });
  },
};

// Why a kind of sample cannot run in this build, or null.
function unavailable(kind) {
  if (kind === 'c' && !process.env.README_LIBDIR) return 'README_LIBDIR not set (run by meson)';
  if (kind === 'js' && !process.env.NODE_ADDON) return 'the Node addon is not built here';
  if (kind === 'sh' && !process.env.ANTHROPIC_MODELS_CLI) return 'the CLI is not built here';
  return null;
}

const tally = { ran: {}, skipped: [], failed: [] };
const count = (k) => { tally.ran[k] = (tally.ran[k] || 0) + 1; };

test('every sample of the README and docs/ runs', async (t) => {
  ({ proc: server, url } = await startFake());
  scratch = makeScratch();
  try {
    for (const b of blocks) await t.test(`${b.file}:${b.line} (${b.lang || 'no language'})`, (st) => runBlock(b, st));
  } finally {
    server.kill('SIGTERM');
    fs.rmSync(scratch, { recursive: true, force: true });
    summary();
  }
});

function summary() {
  const ran = Object.entries(tally.ran).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
  console.log(`# readme samples: ${blocks.length} blocks in ${files.map((f) => path.relative(SRC, f)).join(', ')}`);
  console.log(`# ran and passed: ${ran}`);
  console.log(`# not run: ${tally.skipped.length}`);
  for (const s of tally.skipped) console.log(`#   ${s}`);
  if (tally.failed.length) console.log(`# failed: ${tally.failed.join(', ')}`);
}

async function runBlock(b, t) {
  const where = `${b.file}:${b.line}`;
  try {
    await runBlockChecked(b, t, where);
  } catch (e) {
    tally.failed.push(where);
    throw e;
  }
}

async function runBlockChecked(b, t, where) {
  if (b.error) assert.fail(b.error);
  if (!b.lang)
    assert.fail(`${where}: a fence with no language; say what it is: c, sh or js (run), ` +
      'or text, console, ... (not run)');
  const opts = parseDirective(b);
  if (NOT_RUN.has(b.lang)) {
    assert.equal(b.directive, null, `${where}: a ${b.lang} block is never run; drop the directive`);
    tally.skipped.push(`${where} ${b.lang}: not code to run`);
    return;
  }
  const kind = RUN[b.lang];
  assert.ok(kind, `${where}: unknown language "${b.lang}" (test/readme.test.js lists those it knows)`);
  if (opts.skip) {
    tally.skipped.push(`${where} ${b.lang}: skip (${opts.skip})`);
    return;
  }
  const why = unavailable(kind);
  if (why) {
    tally.skipped.push(`${where} ${b.lang}: ${why}`);
    t.skip(why);
    return;
  }
  await fetch(url + '/_fake/reset', { method: 'POST', body: '{}' });
  const label = kind === 'c' ? (/\bmain\s*\(/.test(b.code) ? 'c program' : 'c fragment') : b.lang;
  check(b, opts, await runners[kind](b));
  count(label);
}
