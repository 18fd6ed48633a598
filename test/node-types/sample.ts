// sample.ts - a new user's SDK program for models, as written for
// @anthropic-ai/sdk, with only the import changed. test/node-parity.test.js
// compiles it with `tsc --strict --noEmit` against examples/node/index.d.ts.
// Node's own types are not installed for this check.
declare const process: { env: Record<string, string | undefined> };

import { Anthropic as Named } from 'anthropic-c';
import Anthropic, { APIError, APIUserAbortError, NotFoundError, OverloadedError } from 'anthropic-c';

async function main(): Promise<void> {
  const client = new Anthropic({
    apiKey: process.env['ANTHROPIC_API_KEY'],
    baseURL: 'http://127.0.0.1:8080',
    timeout: 20_000,
    maxRetries: 3,
    defaultHeaders: { 'x-team': 'models', 'x-drop': null },
    defaultQuery: { trace: '1' },
    logLevel: 'warn',
    logger: console,
  });

  // Every model, page after page.
  const ids: string[] = [];
  for await (const model of client.models.list({ limit: 20, lifecycle: ['active', 'deprecated'] })) {
    ids.push(model.id);
  }

  // One page, and the pages after it.
  let page = await client.models.list({ limit: 5 });
  const first: Anthropic.ModelInfo | undefined = page.data[0];
  while (page.hasNextPage()) page = await page.getNextPage();
  for await (const p of page.iterPages()) console.log(p.data.length, p.has_more, p.first_id, p.last_id);

  // One model, with request options.
  const model = await client.models.retrieve('claude-opus-4-1', { workspace_id: 'ws_1' }, {
    timeout: 5_000, maxRetries: 0, headers: { 'x-trace': 't' }, query: { q: 'z' },
  });
  const rid: string | null | undefined = model._request_id;
  const tokens: number | null = model.max_tokens;

  // Beta, with betas.
  const beta = await client.beta.models.retrieve('claude-opus-4-1', { betas: ['some-beta-2025-01-01'] });
  const betaPage: Anthropic.BetaModelInfosPage = await client.beta.models.list({ betas: ['b'], limit: 2 });

  // The response as well.
  const { data, response, request_id } = await client.models.retrieve('claude-haiku-4-5').withResponse();
  const status: number = response.status;
  const raw: Response = await client.models.list().asResponse();

  // Errors by class.
  try {
    await client.models.retrieve('no-such-model');
  } catch (err) {
    if (err instanceof NotFoundError) console.log(err.status, err.requestID, err.error, err.headers.get('request-id'));
    else if (err instanceof OverloadedError) console.log('overloaded', err.status);
    else if (err instanceof Anthropic.RateLimitError) console.log('rate limited');
    else if (err instanceof APIError) console.log(err.status, err.type, err.message);
    else throw err;
  }

  // Abort by signal.
  const controller = new AbortController();
  const pending = client.models.retrieve('claude-sonnet-4-0', {}, { signal: controller.signal });
  controller.abort();
  await pending.catch((e: unknown) => {
    if (!(e instanceof APIUserAbortError)) throw e;
  });

  // What only this package has: callbacks, resolve, close.
  client.models.retrieve('claude-opus-4-1', (err, m) => console.log(err?.message, m?.id));
  client.models.list({ limit: 1 }, undefined, (err, p) => console.log(err, p?.data.length));
  const resolved = await client.models.resolve(['claude-opus-4-1', 'nope']);
  for (const r of resolved) console.log(r instanceof Error ? r.status : r.id);
  const report: Anthropic.AuditReport = await client.models.audit(new Set(['claude-opus-4-1']), { within: 30, now: new Date() });
  for (const r of report.results) console.log(r.alias, r.id, r.risk, r.daysToRetirement ?? 'never', r.error?.status);
  const code: 0 | 3 | 4 = report.exitCode;
  client.models.audit(['claude-opus-4-1'], (err, rep) => console.log(err, rep?.atRisk));
  const ac = new AbortController();
  const watch = client.models.watch({ interval: '10m', aliases: ['claude-opus-4-1'], jitter: false, signal: ac.signal });
  watch.addAlias('claude-haiku-4-5');
  for await (const ev of watch) {
    if (ev.type === 'snapshot') console.log(ev.models.length, Object.keys(ev.aliases), ev.resync);
    else if (ev.type === 'alias_moved') console.log(ev.alias, ev.previous?.id, '->', ev.model?.id);
    else if (ev.type === 'removed') console.log(ev.previous.id);
    else if (ev.type === 'lifecycle_changed') console.log(ev.model.lifecycle, ev.previous.lifecycle);
    else if (ev.type === 'error') console.log(ev.error.status, ev.failures, ev.nextMs);
    else if (ev.type === 'cycle') break;
  }
  await client.models.watch({ interval: 60_000 }, { maxRetries: 0 }).return();
  const named: typeof Anthropic = Anthropic.Anthropic;
  const again = new Named({ authToken: 't' });
  await client.close();
  console.log(ids, first, rid, tokens, beta.id, betaPage.data, data.id, request_id, status, raw.ok, named, again, code);
}

void main();
