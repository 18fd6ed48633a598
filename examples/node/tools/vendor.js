// vendor.js - `npm pack`'s prepack and postpack steps. The package lives
// in the repository's examples/node and builds the library from ../../src
// and ../../include; a tarball has no repository around it, so prepack
// copies those (and the licence) into vendor/, which binding.gyp builds
// from when there is no repository around it (tools/root.js), and
// postpack removes the copy again: it is only for the tarball.
//
//   node tools/vendor.js         copy ../../{src,include,LICENSE} to vendor/
//   node tools/vendor.js clean   remove vendor/
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const pkg = path.join(__dirname, '..');
const vendor = path.join(pkg, 'vendor');
const repo = path.join(pkg, '..', '..');

if (process.argv[2] === 'clean') {
  fs.rmSync(vendor, { recursive: true, force: true });
  process.exit(0);
}
if (!fs.existsSync(path.join(repo, 'src', 'engine.c'))) {
  // Packed again from an unpacked tarball: vendor/ is all there is.
  if (fs.existsSync(path.join(vendor, 'src', 'engine.c'))) process.exit(0);
  console.error('anthropic-c: no library sources in ../../src or vendor/');
  process.exit(1);
}
fs.rmSync(vendor, { recursive: true, force: true });
for (const dir of ['src', 'include']) {
  fs.mkdirSync(path.join(vendor, dir), { recursive: true });
  for (const f of fs.readdirSync(path.join(repo, dir))) {
    if (/\.[ch]$/.test(f)) fs.copyFileSync(path.join(repo, dir, f), path.join(vendor, dir, f));
  }
}
fs.copyFileSync(path.join(repo, 'LICENSE'), path.join(vendor, 'LICENSE'));
