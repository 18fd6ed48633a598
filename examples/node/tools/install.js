// install.js - the package's install step: node-gyp builds the addon
// (binding.gyp) against this node's own headers, then puts it where
// index.js loads it (./anthropic.node).
//
// node-gyp downloads Node's headers unless told where they are. Debian's
// and NodeSource's node ship them in /usr/include/node, so when npm's
// `nodedir` is not set, the prefix above the running node binary is
// given (when it holds headers of this very version): no network needed.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const pkg = path.join(__dirname, '..');

function localHeaders() {
  const prefixes = [path.dirname(path.dirname(process.execPath))];
  const configured = process.config.variables.node_prefix;
  if (configured) prefixes.push(configured);
  for (const p of prefixes) {
    try {
      const h = fs.readFileSync(path.join(p, 'include', 'node', 'node_version.h'), 'utf8');
      const v = ['MAJOR', 'MINOR', 'PATCH'].map((k) => h.match(new RegExp(`#define NODE_${k}_VERSION (\\d+)`))[1]);
      if (`v${v.join('.')}` === process.version) return p;
    } catch {}
  }
  return null;
}

const args = ['rebuild'];
if (!process.env.npm_config_nodedir) {
  const dir = localHeaders();
  if (dir) args.push(`--nodedir=${dir}`);
  else console.error(`anthropic-c: no headers of node ${process.version} beside it; node-gyp will fetch them`);
}
// npm hands its own node-gyp to install scripts; else one on PATH.
const gyp = process.env.npm_config_node_gyp;
console.log(`anthropic-c: node-gyp ${args.join(' ')}`);
const r = gyp
  ? spawnSync(process.execPath, [gyp, ...args], { cwd: pkg, stdio: 'inherit' })
  : spawnSync('node-gyp', args, { cwd: pkg, stdio: 'inherit' });
if (r.status !== 0) {
  if (r.error) console.error(`anthropic-c: node-gyp: ${r.error.message}`);
  process.exit(r.status || 1);
}
// Copied beside index.js, then renamed over any old one: a process that
// has the old one loaded keeps its mapping intact.
const tmp = path.join(pkg, `anthropic.node.${process.pid}`);
fs.copyFileSync(path.join(pkg, 'build', 'Release', 'anthropic.node'), tmp);
fs.renameSync(tmp, path.join(pkg, 'anthropic.node'));
