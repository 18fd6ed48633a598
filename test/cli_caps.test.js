// cli_caps.test.js - the CLI prints every capability of the library's
// table, ANTHROPIC_CAPABILITY_MAP in include/anthropic.h, read from the
// header itself: a row added there is checked here with no new line.
// Run by meson (`node --test`), with ANTHROPIC_MODELS_CLI and
// FAKE_API_SERVER set.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');

const { startFake, fakeControl } = require('./fake-api/start.js');

const { HEADER, rows, holds } = require('./caps_map.js');

const CLI = process.env.ANTHROPIC_MODELS_CLI;
let server, url;

before(async () => { ({ proc: server, url } = await startFake()); });
after(() => { server.kill('SIGTERM'); });

// The capabilities object of a body: every row there, row `on` true and
// the others false.
function capsWith(on) {
  const build = (parent, group, supported) => {
    const o = group ? { supported } : {};
    rows.forEach((r, i) => {
      if (r.parent !== parent) return;
      o[r.name] = holds(r) ? build(r.name, r.kind === 'GROUP', i === on)
        : { supported: i === on };
    });
    return o;
  };
  return build('capabilities', false, false);
}

function at(obj, p) {
  return p.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

test('the map in the header has every kind of row, capabilities first', () => {
  assert.ok(rows.length >= 24, `${rows.length} rows read from ${HEADER}`);
  assert.equal(rows[0].parent, 'capabilities');
  for (const r of rows)
    assert.equal(r.path.split('.').pop(), r.name, r.path);
});

test('get --json prints each row of the map, in its order, as it was sent', async () => {
  const fake = fakeControl(url);
  for (let on = 0; on < rows.length; on++) {
    const caps = capsWith(on);
    const id = `claude-caps-${on}`;
    await fake.faults([{ action: 'respond', match: `/v1/models/${id}`, status: 200,
      body: { id, type: 'model', display_name: 'Caps', created_at: '2025-05-14T00:00:00Z',
        capabilities: caps } }]);
    const r = spawnSync(CLI, ['--base-url', url, '--api-key', 'fake-key', '--json', 'get', id],
      { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout).capabilities;
    assert.equal(JSON.stringify(got), JSON.stringify(caps), `row ${rows[on].path} on`);
    for (const [i, row] of rows.entries()) {
      if (row.kind === 'OBJECT') continue; // no "supported" of its own
      assert.deepEqual(at(got, row.path).supported, i === on, row.path);
    }
  }
});
