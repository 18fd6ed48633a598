// root.js - prints where the library's src/ and include/ are, for
// binding.gyp: ./vendor in a packed tarball (tools/vendor.js put them
// there), else the repository this package sits in (examples/node).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const pkg = path.join(__dirname, '..');
for (const root of ['vendor', path.join('..', '..')]) {
  if (fs.existsSync(path.join(pkg, root, 'include', 'anthropic.h')) &&
      fs.existsSync(path.join(pkg, root, 'src', 'engine.c'))) {
    console.log(root);
    process.exit(0);
  }
}
console.error('anthropic-c: the library\'s sources are neither in vendor/ nor in ../../');
process.exit(1);
