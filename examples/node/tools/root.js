// root.js - prints where the library's src/ and include/ are, for
// binding.gyp: this repository when the package sits in it (examples/node
// of a checkout, or a folder install linked there), else ./vendor (a
// packed tarball: tools/vendor.js put them there). The repository comes
// first so that a vendor/ left behind by an interrupted `npm pack` is
// never built instead of the sources beside it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const pkg = path.join(__dirname, '..');

function has(root) {
  return fs.existsSync(path.join(pkg, root, 'include', 'anthropic.h')) &&
    fs.existsSync(path.join(pkg, root, 'src', 'engine.c'));
}

function isThisRepo(root) {
  try {
    return /project\(\s*'anthropic-c'/.test(fs.readFileSync(path.join(pkg, root, 'meson.build'), 'utf8')) && has(root);
  } catch {
    return false;
  }
}

const repo = path.join('..', '..');
if (isThisRepo(repo)) console.log(repo);
else if (has('vendor')) console.log('vendor');
else {
  console.error('anthropic-c: the library\'s sources are neither in ../../ (a checkout) nor in vendor/');
  process.exit(1);
}
