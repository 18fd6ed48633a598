// index.d.ts - the types of index.js: the official SDK's (@anthropic-ai/sdk)
// names and shapes for the Models API, plus what only this package has
// (error-first callbacks, models.resolve(), close(), kind and attempts on
// errors, caBundle and maxConcurrency). Hand-written; checked by
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
   * APIUserAbortError. A client with nothing pending is also closed when
   * it is collected. */
  close(): Promise<void>;
  close(callback: () => void): void;

  /** `import { Anthropic } from`, `require(...).default`. The error
   * classes are Anthropic.NotFoundError and so on (the namespace's). */
  static Anthropic: typeof Anthropic;
  static default: typeof Anthropic;
}

export = Anthropic;
