'use strict';
// Model catalogue served by the fake Models API (see /work/shared/API.md).
//
// Exports { models, aliases, lifecycleOf }:
//   models      - every ModelInfo object, retired included, newest first
//                 (strictly decreasing created_at, so the order is total).
//   aliases     - alias -> canonical model id (every target exists).
//   lifecycleOf - lifecycle used for list filtering: the model's `lifecycle`
//                 field, or "active" when it is absent or null (pre-2026
//                 style objects do not carry it).
//
// The objects deliberately vary the way real responses vary over API
// versions: some lack every 2026 field (keys absent), some carry them as
// null, some have `capabilities: null` or null nested entries, some carry
// unknown keys that a client must ignore.

const sup = (b) => ({ supported: b });

// Capability sets by model generation.
function caps(gen) {
  const g26 = gen === 'g26', g25 = gen === 'g25', g24 = gen === 'g24';
  const modern = g26 || g25;
  return {
    batch: sup(true),
    citations: sup(modern || g24),
    code_execution: sup(modern),
    image_input: sup(modern || g24),
    pdf_input: sup(modern || g24),
    structured_outputs: sup(g26),
    thinking: {
      supported: modern,
      types: {
        adaptive: sup(g26),
        between_tools: sup(modern),
        disabled: sup(modern),
        enabled: sup(modern),
      },
    },
    effort: {
      supported: g26,
      low: sup(g26),
      medium: sup(g26),
      high: sup(g26),
      max: sup(g26),
      xhigh: sup(g26),
    },
    context_management: {
      supported: modern,
      clear_thinking_20251015: sup(modern),
      clear_tool_uses_20250919: sup(modern),
      compact_20260112: sup(g26),
    },
    server_tools: {
      supported: modern || g24,
      code_execution: sup(modern),
      web_search: sup(modern || g24),
    },
  };
}

const TOKENS = {
  g26: [1000000, 128000],
  g25: [200000, 64000],
  g24: [200000, 8192],
  g23: [100000, 4096],
};

const DEPRECATED_AT = '2025-10-28T00:00:00Z';
const RETIRES_AT = '2026-10-28T00:00:00Z';

// Tweaks applied to specific models.
const unknownExtras = (m) => {
  m.future_field = { x: [1, 2] };
  m.capabilities.quantum_tools = { supported: true, qubits: 7 };
};
const xhighNull = (m) => { m.capabilities.effort.xhigh = null; };
const effortNull = (m) => {
  m.capabilities.effort = null;
  m.capabilities.context_management.compact_20260112 = null;
};
const typesNull = (m) => { m.capabilities.thinking.types = null; };
const tierExtra = (m) => {
  m.tier = 'gold';
  m.capabilities.server_tools.web_fetch = { supported: true };
  m.capabilities.memory = null;
};

// kind: "full"    all 2026 fields with values
//       "nulls"   all 2026 fields present, every one null (lifecycle too)
//       "capnull" all 2026 fields present, capabilities null
//       "legacy"  pre-2026 object: only id, type, display_name, created_at
// [id, display_name, created_at, lifecycle, line, gen, kind, tweak]
const ROWS = [
  // ---- active -------------------------------------------------------
  ['claude-opus-5-20260415', 'Claude Opus 5', '2026-04-15T09:00:00Z', 'active', 'opus', 'g26', 'full', unknownExtras],
  ['claude-opus-5-preview-20260405', 'Claude Opus 5 Preview', '2026-04-05T00:00:00Z', 'active', 'opus', 'g26', 'full'],
  ['claude-sonnet-5-20260402', 'Claude Sonnet 5', '2026-04-02T12:30:00.123456Z', 'active', 'sonnet', 'g26', 'full'],
  ['claude-sonnet-5-preview-20260325', 'Claude Sonnet 5 Preview', '2026-03-25T00:00:00Z', 'active', 'sonnet', 'g26', 'full'],
  ['claude-haiku-5-20260320', 'Claude Haiku 5', '2026-03-20T08:00:00+02:00', 'active', 'haiku', 'g26', 'full'],
  ['claude-mythos-preview-20260310', 'Claude Mythos Preview 🚀', '2026-03-10T00:00:00Z', 'active', 'mythos', 'g26', 'full', xhighNull],
  ['claude-opus-4-7-20260301', 'Claude Opus 4.7', '2026-03-01T00:00:00.5Z', 'active', 'opus', 'g26', 'full'],
  ['claude-haiku-4-7-mini-20260225', 'Claude Haiku 4.7 Mini', '2026-02-25T00:00:00Z', 'active', 'haiku', 'g26', 'nulls'],
  ['claude-sonnet-4-7-20260220', 'Claude Sonnet 4.7', '2026-02-20T16:45:30Z', 'active', 'sonnet', 'g26', 'full'],
  ['claude-haiku-4-7-20260212', 'Claude Haiku 4.7', '2026-02-12T00:00:00Z', 'active', 'haiku', 'g26', 'full', effortNull],
  ['claude-opus-4-6-de-20260208', 'Claude Opus 4.6 für Behörden', '2026-02-08T00:00:00Z', 'active', 'opus', 'g26', 'full'],
  ['claude-opus-4-6-20260205', 'Claude Opus 4.6', '2026-02-05T00:00:00Z', 'active', 'opus', 'g26', 'full'],
  ['claude-sonnet-4-6-ru-20260130', 'Клод Сонет 4.6', '2026-01-30T00:00:00Z', 'active', 'sonnet', 'g26', 'full'],
  ['claude-sonnet-4-6-edu-20260128', 'Claude Sonnet 4.6 Éducation', '2026-01-28T00:00:00Z', 'active', 'sonnet', 'g26', 'full'],
  ['claude-haiku-4-6-20260125', 'Claude Haiku 4.6', '2026-01-25T00:00:00Z', 'active', 'haiku', 'g26', 'full'],
  ['claude-sonnet-4-6-20260117', 'Claude Sonnet 4.6', '2026-01-17T00:00:00Z', 'active', 'sonnet', 'g26', 'full'],
  ['claude-kurodo-ja-20260110', 'クロード 日本語版 (試験運用)', '2026-01-10T03:00:00Z', 'active', null, 'g26', 'full'],
  ['claude-opus-4-6-fast-20260105', 'Claude Opus 4.6 Fast', '2026-01-05T00:00:00Z', 'active', 'opus', 'g26', 'full', typesNull],
  ['claude-opus-4-5-thinking-20251220', 'Claude Opus 4.5 Thinking', '2025-12-20T00:00:00Z', 'active', 'opus', 'g26', 'full'],
  ['claude-haiku-4-5-edge-20251215', 'Claude Haiku 4.5 Edge', '2025-12-15T00:00:00Z', 'active', 'haiku', 'g25', 'capnull'],
  ['claude-sonnet-4-5-long-20251210', 'Claude Sonnet 4.5 Long', '2025-12-10T00:00:00Z', 'active', 'sonnet', 'g25', 'full'],
  ['claude-sonnet-4-5-gov-20251205', 'Claude Sonnet 4.5 Gov', '2025-12-05T00:00:00Z', 'active', 'sonnet', 'g25', 'full'],
  ['claude-sonnet-4-5-fr-20251201', 'Claude Sonnet 4.5 — édition française', '2025-12-01T00:00:00Z', 'active', 'sonnet', 'g25', 'full'],
  ['claude-opus-4-5-eu-20251120', 'Claude Opus 4.5 (EU · Zürich)', '2025-11-20T00:00:00Z', 'active', 'opus', 'g26', 'full'],
  ['claude-sonnet-4-5-ar-20251105', 'كلود سونيت 4.5', '2025-11-05T00:00:00Z', 'active', 'sonnet', 'g25', 'full'],
  ['claude-opus-4-5-20251101', 'Claude Opus 4.5', '2025-11-01T00:00:00Z', 'active', 'opus', 'g26', 'full'],
  ['claude-haiku-4-5-batch-20251025', 'Claude Haiku 4.5 Batch', '2025-10-25T00:00:00Z', 'active', 'haiku', 'g25', 'full'],
  ['claude-haiku-4-5-lite-20251015', 'Claude Haiku 4.5 Lite', '2025-10-15T00:00:00Z', 'active', 'haiku', 'g25', 'nulls'],
  ['claude-haiku-4-5-ko-20251010', '클로드 하이쿠 4.5', '2025-10-10T00:00:00Z', 'active', 'haiku', 'g25', 'full'],
  ['claude-haiku-4-5-20251001', 'Claude Haiku 4.5', '2025-10-01T00:00:00Z', 'active', 'haiku', 'g25', 'full'],
  ['claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5', '2025-09-29T00:00:00Z', 'active', 'sonnet', 'g25', 'full', tierExtra],
  ['claude-sonnet-4-5-1m-20250915', 'Claude Sonnet 4.5 (1M context)', '2025-09-15T12:00:00.000Z', 'active', 'sonnet', 'g25', 'full'],
  ['claude-opus-4-1-20250805', 'Claude Opus 4.1', '2025-08-05T00:00:00Z', 'active', 'opus', 'g25', 'full'],
  ['claude-opus-4-1-research-20250720', 'Claude Opus 4.1 Research', '2025-07-20T00:00:00Z', 'active', 'opus', 'g25', 'capnull'],
  ['claude-sonnet-4-zh-20250701', 'Claude Sonnet 4 中文版', '2025-07-01T00:00:00Z', 'active', 'sonnet', 'g25', 'full'],
  ['claude-sonnet-4-20250514', 'Claude Sonnet 4', '2025-05-14T00:00:01Z', 'active', 'sonnet', 'g25', 'full'],
  // pre-2026 style objects (every 2026 key absent); filtered as "active"
  ['claude-legacy-text-20240115', 'Claude Legacy Text', '2024-01-15T00:00:00Z', 'active', null, 'g23', 'legacy'],
  ['claude-legacy-vision-20240110', 'Claude Legacy Vision', '2024-01-10T00:00:00Z', 'active', null, 'g24', 'legacy'],
  ['claude-legacy-edge-20231201', 'Claude Légacy Édge', '2023-12-01T00:00:00Z', 'active', null, 'g23', 'legacy'],
  // release date unknown: epoch, so it sorts last
  ['claude-release-unknown', 'Claude (release date unknown)', '1970-01-01T00:00:00Z', 'active', null, 'g23', 'legacy'],

  // ---- deprecated ---------------------------------------------------
  ['claude-opus-4-20250514', 'Claude Opus 4', '2025-05-14T00:00:00Z', 'deprecated', 'opus', 'g25', 'full'],
  ['claude-sonnet-4-preview-20250420', 'Claude Sonnet 4 Preview', '2025-04-20T00:00:00Z', 'deprecated', 'sonnet', 'g25', 'full'],
  ['claude-opus-4-preview-20250410', 'Claude Opus 4 Preview', '2025-04-10T00:00:00Z', 'deprecated', 'opus', 'g25', 'capnull'],
  ['claude-3-7-sonnet-thinking-20250301', 'Claude Sonnet 3.7 Thinking', '2025-03-01T00:00:00Z', 'deprecated', 'sonnet', 'g25', 'full'],
  ['claude-3-7-sonnet-20250219', 'Claude Sonnet 3.7', '2025-02-19T00:00:00Z', 'deprecated', 'sonnet', 'g25', 'full'],
  ['claude-3-5-haiku-ja-20241105', 'クロード 3.5 俳句', '2024-11-05T00:00:00Z', 'deprecated', 'haiku', 'g24', 'full'],
  ['claude-3-5-haiku-20241022', 'Claude Haiku 3.5', '2024-10-22T00:00:01Z', 'deprecated', 'haiku', 'g24', 'full'],
  ['claude-3-opus-vision-20240315', 'Claude Opus 3 Vision', '2024-03-15T00:00:00Z', 'deprecated', 'opus', 'g24', 'full'],
  ['claude-3-haiku-20240307', 'Claude Haiku 3', '2024-03-07T00:00:00Z', 'deprecated', 'haiku', 'g24', 'full'],
  ['claude-3-opus-20240229', 'Claude Opus 3', '2024-02-29T00:00:01Z', 'deprecated', 'opus', 'g24', 'full'],

  // ---- retired ------------------------------------------------------
  ['claude-3-5-sonnet-20241022', 'Claude Sonnet 3.5 (New)', '2024-10-22T00:00:00Z', 'retired', 'sonnet', 'g24', 'full'],
  ['claude-3-5-sonnet-20240620', 'Claude Sonnet 3.5', '2024-06-20T00:00:00Z', 'retired', 'sonnet', 'g24', 'full'],
  ['claude-3-sonnet-20240229', 'Claude Sonnet 3', '2024-02-29T00:00:00Z', 'retired', 'sonnet', 'g24', 'capnull'],
  ['claude-2-1-20231121', 'Claude 2.1', '2023-11-21T00:00:00Z', 'retired', null, 'g23', 'full'],
  ['claude-instant-1-2-20230809', 'Claude Instant 1.2', '2023-08-09T00:00:00Z', 'retired', null, 'g23', 'full'],
  ['claude-2-0-20230711', 'Claude 2.0', '2023-07-11T00:00:00Z', 'retired', null, 'g23', 'full'],
  ['claude-1-3-20230301', 'Claude 1.3', '2023-03-01T00:00:00Z', 'retired', null, 'g23', 'full'],
];

function build([id, display_name, created_at, lifecycle, line, gen, kind, tweak]) {
  const m = { id, type: 'model', display_name, created_at };
  if (kind === 'legacy') return m;
  if (kind === 'nulls') {
    Object.assign(m, {
      max_input_tokens: null, max_tokens: null, lifecycle: null, line: null,
      deprecated_at: null, retires_at: null, capabilities: null,
    });
    return m;
  }
  m.max_input_tokens = TOKENS[gen][0];
  m.max_tokens = TOKENS[gen][1];
  m.lifecycle = lifecycle;
  m.line = line;
  m.deprecated_at = lifecycle === 'active' ? null : DEPRECATED_AT;
  m.retires_at = lifecycle === 'active' ? null
    : lifecycle === 'retired' ? '2025-10-22T00:00:00Z' : RETIRES_AT;
  m.capabilities = kind === 'capnull' ? null : caps(gen);
  if (tweak) tweak(m);
  return m;
}

const models = ROWS.map(build).sort(
  (a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));

const aliases = {
  'claude-sonnet-4-0': 'claude-sonnet-4-20250514',
  'claude-opus-4-0': 'claude-opus-4-20250514',
  'claude-opus-4-1': 'claude-opus-4-1-20250805',
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
  'claude-opus-4-5': 'claude-opus-4-5-20251101',
  'claude-3-5-haiku-latest': 'claude-3-5-haiku-20241022',
  'claude-3-7-sonnet-latest': 'claude-3-7-sonnet-20250219',
  'claude-3-opus-latest': 'claude-3-opus-20240229',
  'claude-3-5-sonnet-latest': 'claude-3-5-sonnet-20241022', // retired target
  'claude-opus-5': 'claude-opus-5-20260415',
  'claude-sonnet-5': 'claude-sonnet-5-20260402',
  'claude-haiku-5': 'claude-haiku-5-20260320',
};

// Synthetic model n (0, 1, ...) of a big catalogue (--models N, or the
// "generate" change): older than every hand-written model but the epoch
// one, a minute apart, newest first; one in ten deprecated, one in
// twenty-five retired, the rest active.
const SYNTH_START = Date.UTC(2022, 0, 1);
function synthetic(n) {
  const created = new Date(SYNTH_START - n * 60000);
  const day = created.toISOString().slice(0, 10).replace(/-/g, '');
  const lifecycle = n % 25 === 0 ? 'retired' : n % 10 === 0 ? 'deprecated' : 'active';
  const m = build([`claude-synth-${n}-${day}`, `Claude Synthetic ${n}`,
    created.toISOString().replace('.000Z', 'Z'), lifecycle, 'sonnet', 'g25', 'full']);
  return m;
}

function lifecycleOf(m) {
  return m.lifecycle == null ? 'active' : m.lifecycle;
}

// Sanity checks, so a bad edit fails loudly at load time.
(function check() {
  const ids = new Set();
  let prev = Infinity;
  for (const m of models) {
    if (!/^[A-Za-z0-9._~-]+$/.test(m.id) || m.id === '.' || m.id === '..')
      throw new Error(`catalogue: id not URL-safe: ${m.id}`);
    if (ids.has(m.id)) throw new Error(`catalogue: duplicate id ${m.id}`);
    ids.add(m.id);
    const t = Date.parse(m.created_at);
    if (!(t < prev)) throw new Error(`catalogue: created_at not strictly decreasing at ${m.id}`);
    prev = t;
  }
  for (const [a, target] of Object.entries(aliases)) {
    if (ids.has(a)) throw new Error(`catalogue: alias shadows an id: ${a}`);
    if (!ids.has(target)) throw new Error(`catalogue: alias ${a} -> unknown ${target}`);
  }
})();

module.exports = { models, aliases, lifecycleOf, synthetic };
