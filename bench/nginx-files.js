// nginx-files.js - the static tree bench/nginx.sh serves: one ModelInfo
// file per benchmark id, a fallback for any other id, and the pages of a
// 1,000-model catalogue at page size 20.
//
//   node bench/nginx-files.js WWW_DIR COUNT
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [www, countArg] = process.argv.slice(2);
const count = Number(countArg);
if (!www || !(count >= 1000)) {
  console.error('usage: node nginx-files.js WWW_DIR COUNT (COUNT >= 1000)');
  process.exit(2);
}

// The newest model of the fake API's catalogue: every 2026 field set, the
// body size and shape the real API answers.
const { models } = require('../test/fake-api/catalogue.js');
const template = models[0];

const id = (i) => `bench-model-${String(i).padStart(6, '0')}`;
// Newest first, one second apart: the catalogue's order is total.
const model = (i, name) => ({
  ...template,
  id: name,
  display_name: `Bench Model ${name.slice(12)}`,
  created_at: new Date(Date.UTC(2026, 0, 1) - i * 1000)
    .toISOString().replace('.000Z', 'Z'),
});

const dir = path.join(www, 'v1', 'models');
fs.mkdirSync(dir, { recursive: true });
for (let i = 0; i < count; i++) {
  fs.writeFileSync(path.join(dir, `${id(i)}.json`), JSON.stringify(model(i, id(i))));
}
fs.writeFileSync(path.join(dir, 'bench-model-any.json'),
  JSON.stringify(model(0, 'bench-model-any')));

const pages = path.join(www, 'pages');
fs.mkdirSync(pages, { recursive: true });
const size = 20, total = 1000;
for (let start = 0; start < total; start += size) {
  const data = [];
  for (let i = start; i < start + size; i++) data.push(model(i, id(i)));
  const page = JSON.stringify({
    data,
    has_more: start + size < total,
    first_id: data[0].id,
    last_id: data[data.length - 1].id,
  });
  const name = start === 0 ? `first-${size}.json`
    : `after-${id(start - 1)}-${size}.json`;
  fs.writeFileSync(path.join(pages, name), page);
}
