// caps_map.js - the library's capability table, ANTHROPIC_CAPABILITY_MAP,
// read from include/anthropic.h, for the Node tests: what the library
// writes for a capabilities object follows from it, so a row added to the
// map needs no line in the tests.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const HEADER = path.join(__dirname, '..', 'include', 'anthropic.h');

// The rows of the map, in its order: {parent, name, path, kind}.
function mapRows() {
  const text = fs.readFileSync(HEADER, 'utf8').replace(/\\\n/g, ' ');
  const rows = [];
  const re = /XX\(\s*(\w+),\s*(\w+),\s*"([^"]+)",\s*(FIELD|GROUP|OBJECT|PATH)\s*\)/g;
  for (let m; (m = re.exec(text)) !== null;)
    rows.push({ parent: m[1], name: m[2], path: m[3], kind: m[4] });
  return rows;
}

const rows = mapRows();

// Does row r hold rows of its own?
const holds = (r) => r.kind === 'GROUP' || r.kind === 'OBJECT';

// The capabilities object `c` as the library writes it back: the map's
// rows only (unknown keys left out), in the map's order, null for null
// and absent alike; a group's "supported" first.
function schemaCaps(c) {
  const build = (src, parent, group) => {
    const o = group ? { supported: src.supported } : {};
    for (const r of rows) {
      if (r.parent !== parent) continue;
      const v = src[r.name];
      if (v === null || v === undefined) o[r.name] = null;
      else if (holds(r)) o[r.name] = build(v, r.name, r.kind === 'GROUP');
      else o[r.name] = { supported: v.supported };
    }
    return o;
  };
  return c === null || c === undefined ? null : build(c, 'capabilities', false);
}

module.exports = { HEADER, rows, holds, schemaCaps };
