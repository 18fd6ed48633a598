// index.d.ts - the types of index.js: the official SDK's (@anthropic-ai/sdk)
// names and shapes for the Models API, plus what only this package has
// (error-first callbacks, models.resolve(), models.audit(), models.watch(),
// close(), kind and attempts on errors, caBundle and maxConcurrency). Hand-written; checked by
// test/node-parity.test.js with `tsc --strict --noEmit`.

declare namespace Anthropic {
  type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

  interface Logger {
    error(message: string, ...rest: unknown[]): void;
    warn(message: string, ...rest: unknown[]): void;
    info(message: string, ...rest: unknown[]): void;
    debug(message: string, ...rest: unknown[]): void;
  }

  type HeadersLike =
    | Record<string, string | null | undefined>
    | Headers
    | ReadonlyArray<readonly [string, string | null | undefined]>;

  type QueryValue = string | number | boolean;

  interface ClientOptions {
    /** `x-api-key`. undefined: $ANTHROPIC_API_KEY (unless authToken is
     * given); null: none. */
    apiKey?: string | null | undefined;
    /** `Authorization: Bearer`. undefined: $ANTHROPIC_AUTH_TOKEN. */
    authToken?: string | null | undefined;
    /** undefined: $ANTHROPIC_BASE_URL, else https://api.anthropic.com. */
    baseURL?: string | null | undefined;
    /** Per attempt, in milliseconds (default 600000). */
    timeout?: number | undefined;
    /** Retries after a failed attempt (default 2). */
    maxRetries?: number | undefined;
    /** Sent on every request; null: not sent (x-api-key, authorization:
     * no credential of that kind). */
    defaultHeaders?: HeadersLike | undefined;
    /** Query parameters added to every request. */
    defaultQuery?: Record<string, QueryValue | undefined> | undefined;
    /** Default: $ANTHROPIC_LOG; 'warn' when a logger is given. */
    logLevel?: LogLevel | undefined;
    /** Receives the library's log lines. Default: the library's own
     * (stderr, "anthropic: level: ...") when a level is asked for. */
    logger?: Logger | undefined;
    /** Not in the SDK: a CA bundle file for TLS. */
    caBundle?: string | null | undefined;
    /** Not in the SDK: requests on the wire at once (the rest queue). */
    maxConcurrency?: number | undefined;
  }

  interface RequestOptions {
    /** Per attempt, in milliseconds. */
    timeout?: number | undefined;
    maxRetries?: number | undefined;
    /** Added to (or replacing) the client's; null: not sent. */
    headers?: HeadersLike | undefined;
    /** Extra query parameters; an array is sent as name[]=... */
    query?: Record<string, QueryValue | ReadonlyArray<QueryValue> | null | undefined> | undefined;
    /** Aborting it cancels this request: it rejects with APIUserAbortError. */
    signal?: AbortSignal | undefined | null;
  }

  type Callback<T> = (err: Error | null, value?: T) => void;

  type AnthropicBeta = string;
  type Lifecycle = 'active' | 'deprecated' | 'retired';

  interface ModelRetrieveParams {
    /** Sent as `anthropic-beta: a,b` (on models too, unlike the SDK). */
    betas?: Array<AnthropicBeta>;
    /** Sent as `anthropic-workspace-id`. */
    workspace_id?: string;
  }

  interface PageParams {
    /** Items per page, 1..1000 (the API's default: 20). */
    limit?: number;
    before_id?: string;
    after_id?: string;
  }

  interface ModelListParams extends PageParams {
    /** Sent as lifecycle[]=...; none: active and deprecated. */
    lifecycle?: Array<Lifecycle>;
    betas?: Array<AnthropicBeta>;
    workspace_id?: string;
  }

  interface CapabilitySupport {
    supported: boolean;
  }

  /** A model, as the API sends it (fields the API adds are kept). */
  interface ModelInfo {
    id: string;
    capabilities: Record<string, unknown> | null;
    created_at: string;
    deprecated_at: string | null;
    display_name: string;
    lifecycle: Lifecycle;
    line: string | null;
    max_input_tokens: number | null;
    max_tokens: number | null;
    retires_at: string | null;
    type: 'model';
    [key: string]: unknown;
  }
  type BetaModelInfo = ModelInfo & { allowed_fallback_models?: Array<string> | null };

  /** A result with the request-id of its response (not enumerable). */
  type WithRequestID<T> = T & { _request_id?: string | null };

  class APIPromise<T> extends Promise<WithRequestID<T>> {
    /** The response: its status and the headers the library reports. */
    asResponse(): Promise<Response>;
    withResponse(): Promise<{
      data: WithRequestID<T>;
      response: Response;
      request_id: string | null | undefined;
      workspace_id: string | null | undefined;
    }>;
  }

  class Page<Item> implements AsyncIterable<Item> {
    data: Array<Item>;
    has_more: boolean;
    first_id: string | null;
    last_id: string | null;
    getPaginatedItems(): Item[];
    hasNextPage(): boolean;
    getNextPage(): Promise<this>;
    iterPages(): AsyncGenerator<this>;
    [Symbol.asyncIterator](): AsyncGenerator<Item>;
  }

  class PagePromise<P extends Page<Item>, Item> extends APIPromise<P> implements AsyncIterable<Item> {
    [Symbol.asyncIterator](): AsyncGenerator<Item>;
  }

  type ModelInfosPage = Page<ModelInfo>;
  type BetaModelInfosPage = Page<BetaModelInfo>;

  interface Models<M extends ModelInfo = ModelInfo> {
    retrieve(modelID: string, params?: ModelRetrieveParams | null, options?: RequestOptions): APIPromise<M>;
    retrieve(modelID: string, callback: Callback<WithRequestID<M>>): void;
    retrieve(modelID: string, params: ModelRetrieveParams | null | undefined, callback: Callback<WithRequestID<M>>): void;
    retrieve(modelID: string, params: ModelRetrieveParams | null | undefined,
      options: RequestOptions | undefined, callback: Callback<WithRequestID<M>>): void;

    list(params?: ModelListParams | null, options?: RequestOptions): PagePromise<Page<M>, M>;
    list(callback: Callback<Page<M>>): void;
    list(params: ModelListParams | null | undefined, callback: Callback<Page<M>>): void;
    list(params: ModelListParams | null | undefined, options: RequestOptions | undefined,
      callback: Callback<Page<M>>): void;

    /** Not in the SDK: each alias's model, or the Error it got, in input
     * order; each distinct alias asked once. */
    resolve(aliases: ReadonlyArray<string>): Promise<Array<WithRequestID<M> | APIError>>;
    resolve(aliases: ReadonlyArray<string>, callback: Callback<Array<WithRequestID<M> | APIError>>): void;

    /** Not in the SDK: each alias resolved (one batch) and judged at `now`
     * within `within` days, as `anthropic-models audit`. Input is checked
     * first: a TypeError (or RangeError) rejects it. */
    audit(aliases: Iterable<string>, options?: AuditOptions): Promise<AuditReport<M>>;
    audit(aliases: Iterable<string>, callback: Callback<AuditReport<M>>): void;
    audit(aliases: Iterable<string>, options: AuditOptions | undefined, callback: Callback<AuditReport<M>>): void;

    /** Not in the SDK: the model list (and `aliases`) watched every
     * `interval`, as an async iterator of change events, from a watch
     * started at once. Bad params throw (TypeError, RangeError). */
    watch(params?: ModelWatchParams | null, options?: RequestOptions): ModelWatch<M>;
  }

  /** How close a model is to leaving: see AuditResult. */
  type LifecycleRisk = 'none' | 'at_risk' | 'retired' | 'unknown';

  interface AuditOptions {
    /** Days ahead that a retirement counts as at risk (default 90). */
    within?: number | undefined;
    /** The time to judge at: a Date, ms since 1970 or a date string
     * (default: now). */
    now?: Date | number | string | undefined;
  }

  /** One alias of an audit, in input order. */
  interface AuditResult<M extends ModelInfo = ModelInfo> {
    alias: string;
    /** The model's id; null when it did not resolve. */
    id: string | null;
    /** Its lifecycle at `now`: retired once retires_at has passed,
     * deprecated once deprecated_at has; null when unknown or unset. */
    lifecycle: Lifecycle | (string & {}) | null;
    deprecated_at: string | null;
    retires_at: string | null;
    /** Whole days from `now` (rounded down, negative once past); null
     * when there is no such date. */
    daysToRetirement: number | null;
    daysToDeprecation: number | null;
    /** at_risk: deprecated, or retiring within the window; unknown: the
     * alias did not resolve (see error). */
    risk: LifecycleRisk;
    error: APIError | null;
    model: WithRequestID<M> | null;
  }

  interface AuditReport<M extends ModelInfo = ModelInfo> {
    results: Array<AuditResult<M>>;
    /** How many are at risk, retired, unknown. */
    atRisk: number;
    retired: number;
    unknown: number;
    /** As the CLI's: 4 when some is retired or unknown, else 3 when some
     * is at risk, else 0. */
    exitCode: 0 | 3 | 4;
  }

  /** A duration: milliseconds, or a string such as '250ms', '30s', '10m',
   * '1h', '1d'. */
  type Duration = number | string;

  interface ModelWatchParams {
    /** From the end of a cycle to the start of the next (default '10m'). */
    interval?: Duration | undefined;
    /** Aliases (or ids) resolved every cycle, to see them move. */
    aliases?: Iterable<string> | undefined;
    /** The interval varies by up to 10% either way (default true). */
    jitter?: boolean | undefined;
    /** Lifecycles listed (default: all three). */
    lifecycle?: Array<Lifecycle> | undefined;
    /** The first retry's delay after a failed cycle, doubling (default
     * 1s), up to maxBackoff (default: the interval). */
    backoff?: Duration | undefined;
    maxBackoff?: Duration | undefined;
    /** The most models a cycle keeps (default 100,000): a longer list
     * fails the cycle (an `error` event) and the last state stands. */
    maxModels?: number | undefined;
    /** Leave the client's resolve cache alone (by default the watch keeps
     * it true). */
    keepCache?: boolean | undefined;
    /** Also watch every alias the resolve cache holds. */
    cachedAliases?: boolean | undefined;
    /** Events kept while nothing pulls (default 10,000): past that, one
     * 'snapshot' with resync: true replaces them. */
    maxBuffered?: number | undefined;
    /** Aborting it cancels the watch: the iteration ends. */
    signal?: AbortSignal | undefined | null;
    betas?: Array<AnthropicBeta> | undefined;
    workspace_id?: string | undefined;
  }

  type ModelWatchEventType =
    | 'snapshot' | 'added' | 'removed' | 'lifecycle_changed' | 'deprecated_at_changed'
    | 'retires_at_changed' | 'alias_moved' | 'error' | 'cycle';

  /** Every event has every key: null (or 0, false) where it does not
   * apply. */
  interface ModelWatchEventBase<M extends ModelInfo = ModelInfo> {
    type: ModelWatchEventType;
    /** 1, 2, ...: the cycle that saw it. */
    cycle: number;
    /** The model now: added, *_changed, alias_moved (null: it no longer
     * resolves). */
    model: M | null;
    /** The model before: removed, *_changed, alias_moved (null: it did
     * not resolve before). */
    previous: M | null;
    /** alias_moved, or an error of that alias's lookup. */
    alias: string | null;
    /** snapshot: every model listed, newest first. */
    models: Array<M> | null;
    /** snapshot: each alias watched and its model (null: 404). */
    aliases: Record<string, M | null> | null;
    /** error: what failed. */
    error: APIError | null;
    /** error: cycles failed in a row. */
    failures: number;
    /** error, cycle: milliseconds to the next cycle. */
    nextMs: number | null;
    /** cycle: change events it delivered. */
    changes: number;
    /** cycle: every page came back 304 Not Modified. */
    notModified: boolean;
    /** snapshot, cycle: models listed. */
    count: number;
    /** snapshot: made for a consumer that fell behind (maxBuffered), in
     * place of `dropped` events. */
    resync: boolean;
    dropped: number;
  }
  interface ModelWatchSnapshotEvent<M extends ModelInfo = ModelInfo> extends ModelWatchEventBase<M> {
    type: 'snapshot';
    models: Array<M>;
    aliases: Record<string, M | null>;
  }
  interface ModelWatchAddedEvent<M extends ModelInfo = ModelInfo> extends ModelWatchEventBase<M> {
    type: 'added';
    model: M;
  }
  interface ModelWatchRemovedEvent<M extends ModelInfo = ModelInfo> extends ModelWatchEventBase<M> {
    type: 'removed';
    previous: M;
  }
  interface ModelWatchChangedEvent<M extends ModelInfo = ModelInfo> extends ModelWatchEventBase<M> {
    type: 'lifecycle_changed' | 'deprecated_at_changed' | 'retires_at_changed';
    model: M;
    previous: M;
  }
  interface ModelWatchAliasMovedEvent<M extends ModelInfo = ModelInfo> extends ModelWatchEventBase<M> {
    type: 'alias_moved';
    alias: string;
  }
  interface ModelWatchErrorEvent<M extends ModelInfo = ModelInfo> extends ModelWatchEventBase<M> {
    type: 'error';
    error: APIError;
    nextMs: number;
  }
  interface ModelWatchCycleEvent<M extends ModelInfo = ModelInfo> extends ModelWatchEventBase<M> {
    type: 'cycle';
    nextMs: number;
  }
  type ModelWatchEvent<M extends ModelInfo = ModelInfo> =
    | ModelWatchSnapshotEvent<M> | ModelWatchAddedEvent<M> | ModelWatchRemovedEvent<M>
    | ModelWatchChangedEvent<M> | ModelWatchAliasMovedEvent<M> | ModelWatchErrorEvent<M>
    | ModelWatchCycleEvent<M>;

  /** A running watch: `for await` over it; `break`, return(), the signal
   * or the client's close() cancel it and end the iteration. While it runs
   * it keeps the process alive, as setInterval does. */
  interface ModelWatch<M extends ModelInfo = ModelInfo> extends AsyncIterableIterator<ModelWatchEvent<M>> {
    /** The interval, in milliseconds. */
    readonly interval: number;
    next(): Promise<IteratorResult<ModelWatchEvent<M>, undefined>>;
    /** Cancel: resolves once the watch has ended. */
    return(): Promise<IteratorReturnResult<undefined>>;
    [Symbol.asyncIterator](): ModelWatch<M>;
    /** Watch one more alias from the next cycle on. */
    addAlias(alias: string): void;
  }

  class AnthropicError extends Error {}

  class APIError<
    TStatus extends number | undefined = number | undefined,
    THeaders extends Headers | undefined = Headers | undefined,
    TError extends Object | undefined = Object | undefined,
  > extends AnthropicError {
    constructor(status: TStatus, error: TError, message: string | undefined, headers: THeaders,
      type?: string | null);
    readonly status: TStatus;
    /** The response's headers the library reports (request-id). */
    readonly headers: THeaders;
    /** The API's error body, as the library read it. */
    readonly error: TError;
    readonly requestID: string | null | undefined;
    readonly workspaceID: string | null | undefined;
    readonly apiMessage: string | null;
    readonly type: string | null;
    readonly errorCode: string | null;
    readonly details: unknown;
    /** Not in the SDK: the C library's error kind ("http", "timeout",
     * "connection", "tls", "cancelled", "invalid_argument", ...). */
    kind?: string;
    /** Not in the SDK: attempts that got an outcome (1 + retries). */
    attempts?: number;
  }
  class APIUserAbortError extends APIError<undefined, undefined, undefined> {
    constructor(opts?: { message?: string });
  }
  class APIConnectionError extends APIError<undefined, undefined, undefined> {
    constructor(opts?: { message?: string; cause?: Error });
  }
  class APIConnectionTimeoutError extends APIConnectionError {
    constructor(opts?: { message?: string });
  }
  class RetryableError extends AnthropicError {}
  class BadRequestError extends APIError<400, Headers> {}
  class AuthenticationError extends APIError<401, Headers> {}
  class PaymentRequiredError extends APIError<402, Headers> {}
  class PermissionDeniedError extends APIError<403, Headers> {}
  class NotFoundError extends APIError<404, Headers> {}
  class RequestTimeoutError extends APIError<408, Headers> {}
  class ConflictError extends APIError<409, Headers> {}
  class PreconditionFailedError extends APIError<412, Headers> {}
  class ContentTooLargeError extends APIError<413, Headers> {}
  class UnprocessableEntityError extends APIError<422, Headers> {}
  class RateLimitError extends APIError<429, Headers> {}
  class RequestHeaderFieldsTooLargeError extends APIError<431, Headers> {}
  class ClientClosedRequestError extends APIError<499, Headers> {}
  class InternalServerError extends APIError<number, Headers> {}
  class NotImplementedError extends InternalServerError {}
  class ServiceUnavailableError extends InternalServerError {}
  class GatewayTimeoutError extends InternalServerError {}
  class OverloadedError extends InternalServerError {}

  /** The old name of the class. */
  const Client: typeof Anthropic;
  /** The C library's version. */
  const version: string;
}

declare class Anthropic {
  constructor(options?: Anthropic.ClientOptions);
  readonly models: Anthropic.Models<Anthropic.ModelInfo>;
  readonly beta: { readonly models: Anthropic.Models<Anthropic.BetaModelInfo> };
  /** The credentials as the SDK settles them (options, else environment). */
  apiKey: string | null;
  authToken: string | null;
  baseURL: string;
  timeout: number;
  maxRetries: number;
  logLevel: Anthropic.LogLevel | undefined;
  logger: Anthropic.Logger;
  /** Not in the SDK: close the client; what is pending ends with
   * APIUserAbortError, and its watches end (their iteration is done). A
   * client with nothing pending is also closed when it is collected. */
  close(): Promise<void>;
  close(callback: () => void): void;

  /** `import { Anthropic } from`, `require(...).default`. The error
   * classes are Anthropic.NotFoundError and so on (the namespace's). */
  static Anthropic: typeof Anthropic;
  static default: typeof Anthropic;
}

export = Anthropic;
