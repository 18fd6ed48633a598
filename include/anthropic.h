/**
 * @file anthropic.h
 * anthropic.h - asynchronous C client for the Anthropic Models API.
 *
 * The whole public surface of the library. Everything runs on the caller's
 * libuv loop: a client binds to one uv_loop_t, every call returns at once,
 * and its callback runs later from that loop. Nothing here is thread-safe;
 * use a client only from the thread that runs its loop.
 *
 * Conventions (libuv's):
 *   - Functions that can fail return an error code (< 0), NULL, or a
 *     request id of 0.
 *   - When a call that takes a callback fails, the callback never runs.
 *     Otherwise it runs exactly once, from the loop, never from inside the
 *     call that started it.
 *   - Strings passed in are copied; the caller keeps ownership.
 *   - Results passed to callbacks belong to the library and are valid only
 *     until the callback returns; anthropic_model_info_copy() and
 *     anthropic_models_page_copy() keep one.
 */

/* The reference's groups, in the order a newcomer meets them; each
 * declaration below belongs to one. */
/** \defgroup client Client
 * One client per libuv loop: anthropic_client_init() with
 * anthropic_client_options_t, the caller's data pointer, and
 * anthropic_client_close(), which cancels what is left and frees it. Also
 * the process-wide allocator hook, set once before any client exists. */
/** \defgroup calls Calls
 * Retrieve one model by id or alias, per-request options, and cancelling
 * a request by its id. Every call returns at once: an id (0 when it
 * failed, and then its callback never runs, the reason being in
 * anthropic_client_last_error()), and its callback runs exactly once,
 * later, from the loop, with `(err, result, data)`. */
/** \defgroup results Results
 * What a retrieve (and each item of a page) hands to its callback:
 * anthropic_model_info_t, with its optional fields, timestamps and
 * capabilities typed. It is the library's, valid until the callback
 * returns; anthropic_model_info_copy() keeps one. */
/** \defgroup pagination Pagination
 * The model list, newest first, a page at a time: one page
 * (anthropic_models_list()), the next page's parameters by hand
 * (anthropic_models_page_next()), or a whole walk
 * (anthropic_models_list_all()) that always ends. */
/** \defgroup resolver Resolving many aliases
 * Batches of aliases resolved with retrieve, each distinct alias asked at
 * most once per client at a time, with an optional cache. */
/** \defgroup lifecycle Lifecycle and watching
 * A model's lifecycle at a given time (deprecated, retiring in N days,
 * retired), and a watch that walks the list every interval and calls
 * back with what changed: models added and removed, lifecycles and dates
 * that moved, aliases that now name another model. */
/** \defgroup errors Errors and logging
 * Error kinds (every error < 0) with names and texts, the error and response
 * metadata a failed request's callback gets, and the log callback and
 * levels. */
/** \defgroup abi Versions and ABI
 * The version, and how the header grows without breaking programs built
 * against an older one. */

#ifndef ANTHROPIC_H
#define ANTHROPIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** \ingroup client
 * The libuv loop, declared rather than included: <uv.h> needs POSIX
 * feature macros that a strict ISO C file (-std=c11) does not define. It
 * is uv_loop_t; include <uv.h> yourself to make one. */
struct uv_loop_s;

#ifdef __cplusplus
extern "C" {
#endif

/** \addtogroup abi
 * @{ */

/** Marks the library's exported functions, as libuv's UV_EXTERN does. On
 * Windows: dllexport while the library itself is built (its build defines
 * BUILDING_ANTHROPIC_SHARED), dllimport for a program that uses the DLL and
 * defines USING_ANTHROPIC_SHARED, nothing otherwise (the static library).
 * With GCC or clang: default visibility (the library is built with hidden
 * visibility; only these are exported). */
#if defined(_WIN32)
#if defined(BUILDING_ANTHROPIC_SHARED)
#define ANTHROPIC_EXTERN __declspec(dllexport)
#elif defined(USING_ANTHROPIC_SHARED)
#define ANTHROPIC_EXTERN __declspec(dllimport)
#else
#define ANTHROPIC_EXTERN /* nothing: the static library */
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define ANTHROPIC_EXTERN __attribute__((visibility("default")))
#else
#define ANTHROPIC_EXTERN
#endif

#define ANTHROPIC_VERSION_MAJOR 1 /**< changes break the ABI (new soname) */
#define ANTHROPIC_VERSION_MINOR 1 /**< changes only add (README: ABI) */
#define ANTHROPIC_VERSION_PATCH 0 /**< changes no declaration */
#define ANTHROPIC_VERSION_STRING "1.1.0" /**< the three, as a string */

/** The library's version, as ANTHROPIC_VERSION_STRING was when the
 * library was built: it may be newer than the header a program was
 * compiled with.
 * \return "1.1.0" for this version; static, never NULL. */
ANTHROPIC_EXTERN const char *anthropic_version(void);

/** @} */

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */
/** \addtogroup errors
 * @{ */

/** Error kinds. Every error value is < 0; calls return them, and callbacks
 * get them in anthropic_error_t.kind.
 *
 * Out of memory, in the library or inside libcurl, ends the requests it
 * touches with ANTHROPIC_ENOMEM, their callbacks called from the loop,
 * without waiting for a timeout. Where libcurl only says that a call on
 * the client's connections failed, not for which transfer, every request
 * then on the wire ends so (requests queued or waiting to retry do not). */
typedef enum anthropic_errkind {
  ANTHROPIC_OK = 0,
  ANTHROPIC_EINVAL = -1,      /**< invalid argument (caller or environment) */
  ANTHROPIC_ENOMEM = -2,      /**< out of memory */
  ANTHROPIC_ECONNECTION = -3, /**< could not connect, reset, body cut short */
  ANTHROPIC_ETIMEDOUT = -4,   /**< connect or total timeout */
  ANTHROPIC_ETLS = -5,        /**< TLS handshake or certificate problem */
  ANTHROPIC_EHTTP = -6,       /**< the API answered with a non-2xx status */
  ANTHROPIC_EBADRESPONSE =
      -7, /**< 2xx with a body that is not what the spec says */
  ANTHROPIC_ETOOLARGE = -8, /**< response larger than the size cap */
  ANTHROPIC_ECANCELLED = -9 /**< cancelled by the caller or by client close */
} anthropic_errkind_t;

/** A short description of an error kind, as strerror() does.
 * \param kind an anthropic_errkind_t value (0 included); any other
 *             number gets a generic text.
 * \return a static string, never NULL. */
ANTHROPIC_EXTERN const char *anthropic_strerror(int kind);
/** The kind's stable name: "invalid_argument", "connection", "timeout",
 * "tls", "http", "bad_response", "too_large", "cancelled", "out_of_memory".
 * \param kind an anthropic_errkind_t value; 0 is "ok", a number that is
 *             no kind "unknown".
 * \return a static string, never NULL; it does not change between
 *         versions, so programs and logs may match on it. */
ANTHROPIC_EXTERN const char *anthropic_err_name(int kind);

/** What the server said about a response, on results and errors alike. */
typedef struct anthropic_response {
  long status;            /**< HTTP status; 0 when no response arrived */
  const char *request_id; /**< `request-id` header (or body); NULL if none */
  /** anthropic-ratelimit-requests-limit; -1 when absent. */
  int64_t ratelimit_requests_limit;
  /** anthropic-ratelimit-requests-remaining; -1 when absent. */
  int64_t ratelimit_requests_remaining;
  const char *ratelimit_requests_reset; /**< RFC 3339, as sent */
} anthropic_response_t;

/** A failed request: the library's, valid until the callback returns (new
 * fields go at the end). The HTTP status and request id are on its
 * response: err->response->status (0 when no response arrived),
 * err->response->request_id (the header's, else the error body's). */
typedef struct anthropic_error {
  anthropic_errkind_t kind; /**< what went wrong, as a kind */
  const char *type;         /**< the API's error.type, e.g. "not_found_error";
                               NULL when the body had none (HTML, empty) */
  const char *message;      /**< human-readable; never NULL */
  int attempts; /**< attempts that got an outcome (a response or a network
                   error): 1 + retries made; 0 when cancelled before any */
  const anthropic_response_t *response; /**< never NULL */
} anthropic_error_t;

/** @} */

/* ------------------------------------------------------------------ */
/* ModelInfo                                                           */
/* ------------------------------------------------------------------ */
/** \addtogroup results
 * @{ */

/** How an optional field appeared in the JSON. */
typedef enum anthropic_presence {
  ANTHROPIC_FIELD_ABSENT = 0, /**< the key was not there */
  ANTHROPIC_FIELD_NULL = 1,   /**< the key was there with null */
  ANTHROPIC_FIELD_SET = 2     /**< the key was there with a value */
} anthropic_presence_t;

/** An optional integer field of the JSON. */
typedef struct anthropic_opt_int {
  anthropic_presence_t state; /**< absent, null or set */
  int64_t value;              /**< 0 unless state == ANTHROPIC_FIELD_SET */
} anthropic_opt_int_t;

/** An optional string field of the JSON. */
typedef struct anthropic_opt_str {
  anthropic_presence_t state; /**< absent, null or set */
  const char *value;          /**< NULL unless state == ANTHROPIC_FIELD_SET */
} anthropic_opt_str_t;

/** An RFC 3339 timestamp, kept as sent and as a time value. */
typedef struct anthropic_time {
  anthropic_presence_t state; /**< absent, null or set */
  const char *text;           /**< as sent, e.g. "2025-05-14T00:00:00Z" */
  int64_t unix_seconds;       /**< seconds since 1970-01-01T00:00:00Z (UTC) */
  int32_t nanoseconds;        /**< fraction of the second, 0..999999999 */
} anthropic_time_t;

/** Read an RFC 3339 date-time as the library reads the API's (section
 * 5.6: "2026-10-08T00:00:00Z", with a fraction or an offset such as
 * "+02:00"; 't', 'z' and a space for 'T' too): a time given as text, the
 * `now` of anthropic_model_lifecycle() say.
 * \param text the date-time, NUL-terminated; out->text points at it.
 * \param out receives it (state SET, text, unix_seconds, nanoseconds);
 *        left as it was on error.
 * \return 0, or ANTHROPIC_EINVAL (NULL, or not such a date-time). */
ANTHROPIC_EXTERN int anthropic_time_parse(const char *text,
                                          anthropic_time_t *out);

/** A model's `lifecycle`, as an enum. */
typedef enum anthropic_lifecycle {
  ANTHROPIC_LIFECYCLE_UNSET = 0,  /**< absent or null */
  ANTHROPIC_LIFECYCLE_ACTIVE,     /**< "active" */
  ANTHROPIC_LIFECYCLE_DEPRECATED, /**< "deprecated" */
  ANTHROPIC_LIFECYCLE_RETIRED,    /**< "retired" */
  ANTHROPIC_LIFECYCLE_OTHER       /**< a value newer than this library */
} anthropic_lifecycle_t;

/** {"supported": bool}, or null, or absent. Never grows. */
typedef struct anthropic_capability {
  anthropic_presence_t state; /**< absent, null or set */
  bool supported;             /**< false unless state is set */
} anthropic_capability_t;

/** Every capability the library knows, one row each: the one list from
 * which the capability structs below, the parser, the JSON writer
 * (anthropic_model_info_json(), the CLI's output) and the tests are
 * generated, as uv.h generates its errors from UV_ERRNO_MAP. Expand it with
 * a macro XX(parent, name, path, kind) of your own to walk every row:
 *   - parent: the object holding it: `capabilities` itself, or the name of
 *     a GROUP or OBJECT row;
 *   - name: its key in the JSON, and its field's name;
 *   - path: its path under "capabilities", as anthropic_model_capability()
 *     takes it;
 *   - kind: FIELD, a {"supported": bool} read into an
 *     anthropic_capability_t field; GROUP, one with entries of its own, in
 *     a struct of its own that a pointer field reaches; OBJECT, an object
 *     of entries with no "supported" of its own (thinking.types), whose
 *     presence is a field; PATH, a {"supported": bool} with no field, read
 *     with anthropic_model_capability() (and written by
 *     anthropic_model_info_json()).
 *
 * It is the concatenation of one list per struct, in the order of the
 * struct's fields, which is the order of the JSON the library writes. A
 * field once there stays, where it is (ABI): a new row goes at the end of
 * its struct's list, and adding a capability is that one line. Dated
 * capabilities (a name ending in _YYYYMMDD, which the API replaces with a
 * newer date) are added as PATH rows: they never become fields. The dated
 * FIELD rows below predate that rule.
 * \param XX the macro applied to each row. */
#define ANTHROPIC_CAPABILITY_MAP(XX)                                           \
  ANTHROPIC_CAPABILITIES_MAP(XX)                                               \
  ANTHROPIC_THINKING_CAPABILITY_MAP(XX)                                        \
  ANTHROPIC_EFFORT_CAPABILITY_MAP(XX)                                          \
  ANTHROPIC_CONTEXT_MANAGEMENT_CAPABILITY_MAP(XX)                              \
  ANTHROPIC_SERVER_TOOLS_CAPABILITY_MAP(XX)

/* One row, one line: a new capability is a one-line diff. */
// clang-format off
/** The rows of anthropic_capabilities_t (see ANTHROPIC_CAPABILITY_MAP).
 * \param XX the macro applied to each row. */
#define ANTHROPIC_CAPABILITIES_MAP(XX) \
  XX(capabilities, batch, "batch", FIELD) \
  XX(capabilities, citations, "citations", FIELD) \
  XX(capabilities, code_execution, "code_execution", FIELD) \
  XX(capabilities, image_input, "image_input", FIELD) \
  XX(capabilities, pdf_input, "pdf_input", FIELD) \
  XX(capabilities, structured_outputs, "structured_outputs", FIELD) \
  XX(capabilities, thinking, "thinking", GROUP) \
  XX(capabilities, effort, "effort", GROUP) \
  XX(capabilities, context_management, "context_management", GROUP) \
  XX(capabilities, server_tools, "server_tools", GROUP) \
  /* a new row of this struct goes above this line */

/** The rows of anthropic_thinking_capability_t.
 * \param XX the macro applied to each row. */
#define ANTHROPIC_THINKING_CAPABILITY_MAP(XX) \
  XX(thinking, types, "thinking.types", OBJECT) \
  XX(types, adaptive, "thinking.types.adaptive", FIELD) \
  XX(types, between_tools, "thinking.types.between_tools", FIELD) \
  XX(types, disabled, "thinking.types.disabled", FIELD) \
  XX(types, enabled, "thinking.types.enabled", FIELD) \
  /* a new row of this struct goes above this line */

/** The rows of anthropic_effort_capability_t.
 * \param XX the macro applied to each row. */
#define ANTHROPIC_EFFORT_CAPABILITY_MAP(XX) \
  XX(effort, low, "effort.low", FIELD) \
  XX(effort, medium, "effort.medium", FIELD) \
  XX(effort, high, "effort.high", FIELD) \
  XX(effort, max, "effort.max", FIELD) \
  XX(effort, xhigh, "effort.xhigh", FIELD) \
  /* a new row of this struct goes above this line */

/** The rows of anthropic_context_management_capability_t.
 * \param XX the macro applied to each row. */
#define ANTHROPIC_CONTEXT_MANAGEMENT_CAPABILITY_MAP(XX) \
  XX(context_management, clear_thinking_20251015, "context_management.clear_thinking_20251015", FIELD) \
  XX(context_management, clear_tool_uses_20250919, "context_management.clear_tool_uses_20250919", FIELD) \
  XX(context_management, compact_20260112, "context_management.compact_20260112", FIELD) \
  /* a new row of this struct goes above this line */

/** The rows of anthropic_server_tools_capability_t.
 * \param XX the macro applied to each row. */
#define ANTHROPIC_SERVER_TOOLS_CAPABILITY_MAP(XX) \
  XX(server_tools, code_execution, "server_tools.code_execution", FIELD) \
  XX(server_tools, web_search, "server_tools.web_search", FIELD) \
  /* a new row of this struct goes above this line */
// clang-format on

/** The field a row of ANTHROPIC_CAPABILITY_MAP declares in its struct
 * (none for a PATH row): how the structs below are generated.
 * \param parent the row's parent.
 * \param name the row's name.
 * \param path the row's path.
 * \param kind FIELD, GROUP, OBJECT or PATH. */
#define ANTHROPIC_CAPABILITY_MEMBER(parent, name, path, kind)                  \
  ANTHROPIC_CAPABILITY_MEMBER_##kind(name, path)
/** A FIELD row's field.
 * \param name its name. \param path its path. */
#define ANTHROPIC_CAPABILITY_MEMBER_FIELD(name, path)                          \
  anthropic_capability_t name; /**< path, under capabilities */
/** A GROUP row's field: a pointer to its struct, never NULL.
 * \param name its name. \param path its path. */
#define ANTHROPIC_CAPABILITY_MEMBER_GROUP(name, path)                          \
  const struct anthropic_##name##_capability *name; /**< never NULL */
/** An OBJECT row's field: whether the object was there.
 * \param name its name. \param path its path. */
#define ANTHROPIC_CAPABILITY_MEMBER_OBJECT(name, path)                         \
  anthropic_presence_t name; /**< the path object itself */
/** A PATH row has no field.
 * \param name its name. \param path its path. */
#define ANTHROPIC_CAPABILITY_MEMBER_PATH(name, path)

/** capabilities.thinking: its own "supported", and its "types". */
typedef struct anthropic_thinking_capability {
  anthropic_presence_t state; /**< absent, null or set */
  bool supported;             /**< thinking itself */
  ANTHROPIC_THINKING_CAPABILITY_MAP(ANTHROPIC_CAPABILITY_MEMBER)
} anthropic_thinking_capability_t;

/** capabilities.effort: its own "supported", and each level. */
typedef struct anthropic_effort_capability {
  anthropic_presence_t state; /**< absent, null or set */
  bool supported;             /**< effort itself */
  ANTHROPIC_EFFORT_CAPABILITY_MAP(ANTHROPIC_CAPABILITY_MEMBER)
} anthropic_effort_capability_t;

/** capabilities.context_management: its own "supported", and each
 * strategy. */
typedef struct anthropic_context_management_capability {
  anthropic_presence_t state; /**< absent, null or set */
  bool supported;             /**< context management itself */
  ANTHROPIC_CONTEXT_MANAGEMENT_CAPABILITY_MAP(ANTHROPIC_CAPABILITY_MEMBER)
} anthropic_context_management_capability_t;

/** capabilities.server_tools: its own "supported", and each tool. */
typedef struct anthropic_server_tools_capability {
  anthropic_presence_t state; /**< absent, null or set */
  bool supported;             /**< server tools themselves */
  ANTHROPIC_SERVER_TOOLS_CAPABILITY_MAP(ANTHROPIC_CAPABILITY_MEMBER)
} anthropic_server_tools_capability_t;

/** The library's, reached only by pointer: new capabilities are added at
 * the end of this struct and of the group structs above (a group's
 * pointer is never NULL; its state says whether it was there), each a row
 * of ANTHROPIC_CAPABILITY_MAP. One newer than this header is reached with
 * anthropic_model_capability(). */
typedef struct anthropic_capabilities {
  anthropic_presence_t state; /**< the object itself */
  ANTHROPIC_CAPABILITIES_MAP(ANTHROPIC_CAPABILITY_MEMBER)
} anthropic_capabilities_t;

/** The library's, reached only by pointer (new fields go at the end). */
typedef struct anthropic_model_info {
  const char *id;                        /**< required */
  const char *type;                      /**< required, always "model" */
  const char *display_name;              /**< required, UTF-8 */
  anthropic_time_t created_at;           /**< required (state is always SET) */
  anthropic_opt_int_t max_input_tokens;  /**< context window, in tokens */
  anthropic_opt_int_t max_tokens;        /**< most output tokens */
  anthropic_opt_str_t lifecycle;         /**< the string as sent */
  anthropic_lifecycle_t lifecycle_value; /**< the same, as an enum */
  anthropic_opt_str_t line;              /**< "haiku", "sonnet", ... */
  anthropic_time_t deprecated_at; /**< when it was or will be deprecated */
  anthropic_time_t retires_at;    /**< when it was or will be retired */
  const anthropic_capabilities_t *capabilities; /**< never NULL */
  /** The JSON text of the object this was read from, as received, unknown
   * keys included: json_len bytes, not NUL-terminated. Valid as long as
   * the struct. */
  const char *json_text;
  size_t json_len; /**< the bytes of json_text */
  /** Metadata of the response: set on a retrieve result, NULL on the items
   * of a page (see the page's own). */
  const anthropic_response_t *response;
} anthropic_model_info_t;

/** \ingroup pagination
 * A page of the model list: the library's, reached only by pointer (new
 * fields go at the end). */
typedef struct anthropic_models_page {
  /** count items, newest first: data[i]->id. Pointers, so that a field
   * added to anthropic_model_info_t moves no item. */
  const anthropic_model_info_t *const *data;
  size_t count;          /**< items in data */
  bool has_more;         /**< more pages after this one (in its direction) */
  const char *first_id;  /**< NULL when null or absent */
  const char *last_id;   /**< NULL when null or absent */
  const char *json_text; /**< the body as received: json_len bytes */
  size_t json_len;       /**< the bytes of json_text */
  const anthropic_response_t *response; /**< metadata of the response */
} anthropic_models_page_t;

/** Keep a result past its callback.
 * \param model the model to copy, from a callback or another copy.
 * \return a deep copy the caller owns (free it with
 *         anthropic_model_info_free()), or NULL when out of memory or
 *         `model` is NULL. */
ANTHROPIC_EXTERN anthropic_model_info_t *
anthropic_model_info_copy(const anthropic_model_info_t *model);
/** Free a copy made by anthropic_model_info_copy().
 * \param copy the copy; NULL does nothing. Never a model a callback got. */
ANTHROPIC_EXTERN void anthropic_model_info_free(anthropic_model_info_t *copy);

/** The model as one line of JSON (NUL-terminated, no newline): every field
 * of the schema in its order, from the typed fields (null where the API
 * sent null or nothing; unknown keys left out: see json_text for those).
 * \param model the model to write.
 * \return the text, which the caller frees with anthropic_free(); NULL
 *         when out of memory or `model` is NULL. */
ANTHROPIC_EXTERN char *
anthropic_model_info_json(const anthropic_model_info_t *model);
/** Free what the library allocated for you (anthropic_model_info_json()).
 * \param p what it returned; NULL does nothing. */
ANTHROPIC_EXTERN void anthropic_free(void *p);

/** A capability by its path under "capabilities", dot-separated, read from
 * the model's JSON text: so also one newer than this library
 * ("thinking.types.adaptive", "teleport").
 * \param model the model whose json_text is read.
 * \param path the capability's path, e.g. "thinking.types.adaptive".
 * \param supported receives the capability's "supported" when the result
 *        is ANTHROPIC_FIELD_SET; may be NULL.
 * \return ANTHROPIC_FIELD_SET when the path names a {"supported": bool}
 *         object, ANTHROPIC_FIELD_NULL when it names a null,
 *         ANTHROPIC_FIELD_ABSENT otherwise (not there, not a capability,
 *         an empty segment, a NULL argument). */
ANTHROPIC_EXTERN anthropic_presence_t anthropic_model_capability(
    const anthropic_model_info_t *model, const char *path, bool *supported);
/** \ingroup pagination
 * Keep a page past its callback, as anthropic_model_info_copy() does (a
 * page a walk trimmed keeps only its items).
 * \param page the page to copy, from a callback or another copy.
 * \return a deep copy the caller owns (free it with
 *         anthropic_models_page_free()), or NULL when out of memory or
 *         `page` is NULL. */
ANTHROPIC_EXTERN anthropic_models_page_t *
anthropic_models_page_copy(const anthropic_models_page_t *page);
/** \ingroup pagination
 * Free a copy made by anthropic_models_page_copy().
 * \param copy the copy; NULL does nothing. Never a page a callback got. */
ANTHROPIC_EXTERN void anthropic_models_page_free(anthropic_models_page_t *copy);

/** @} */

/* ------------------------------------------------------------------ */
/* Allocator                                                           */
/* ------------------------------------------------------------------ */
/** \addtogroup client
 * @{ */

/** As malloc(), for anthropic_replace_allocator(). */
typedef void *(*anthropic_malloc_func)(size_t size);
/** As realloc(). */
typedef void *(*anthropic_realloc_func)(void *ptr, size_t size);
/** As calloc(). */
typedef void *(*anthropic_calloc_func)(size_t count, size_t size);
/** As free(). */
typedef void (*anthropic_free_func)(void *ptr);

/** Route every allocation of this library, of cJSON and of libcurl through
 * these functions (as uv_replace_allocator(), curl_global_init_mem() and
 * cJSON_InitHooks() do). Both hooks are process-wide: cJSON's change for
 * every user of cJSON in the process, and libcurl keeps the functions of
 * its first global init for good. So call it once, first: before any
 * client exists and before anything else in the process uses libcurl or
 * cJSON. An allocation that fails is
 * reported through the normal error path (ANTHROPIC_ENOMEM), never a
 * crash. The functions must not call into this library: they run while it
 * (or libcurl, or cJSON) is halfway through a change, so such calls are
 * refused (EINVAL, NULL or a 0 id; close does nothing).
 * \param m as malloc().
 * \param r as realloc().
 * \param c as calloc().
 * \param f as free().
 * \return 0, or ANTHROPIC_EINVAL if a function is NULL, a client exists,
 *         or libcurl refused. */
ANTHROPIC_EXTERN int anthropic_replace_allocator(anthropic_malloc_func m,
                                                 anthropic_realloc_func r,
                                                 anthropic_calloc_func c,
                                                 anthropic_free_func f);

/** @} */

/* ------------------------------------------------------------------ */
/* Client                                                              */
/* ------------------------------------------------------------------ */
/** \addtogroup client
 * @{ */

/** A client: one per loop, opaque; made by anthropic_client_init(). */
typedef struct anthropic_client anthropic_client_t;

/** \ingroup calls
 * Names one request of a client, as HTTP/2 names a stream: 0 is no
 * request. An id is a slot of the client's id table tagged with that
 * slot's generation, which changes each time the slot is reused, so an id
 * names no other request (until one slot has been reused 2^32 times) and
 * is safe to keep: once the request has finished, cancelling it is a
 * harmless EINVAL. */
typedef uint64_t anthropic_request_id_t;

/** \ingroup errors
 * How much the client logs, as the SDKs' ANTHROPIC_LOG. */
typedef enum anthropic_log_level {
  ANTHROPIC_LOG_DEFAULT = 0, /**< options: see log_level */
  ANTHROPIC_LOG_OFF,
  ANTHROPIC_LOG_ERROR, /**< the library could not do its part (no memory) */
  ANTHROPIC_LOG_WARN,  /**< a request given up after retries; risky settings
                          at init (a key over plain http://, TLS checks
                          off); an ANTHROPIC_LOG value not understood */
  ANTHROPIC_LOG_INFO,  /**< each retry, with its reason and delay */
  ANTHROPIC_LOG_DEBUG  /**< each attempt (method, URL, status, time,
                          request-id); the client's settings and header
                          lines at init */
} anthropic_log_level_t;

/** \ingroup errors
 * Called with each line the client logs at `level` or above the client's
 * level. No secret is ever in a line: keys, tokens, the values of headers
 * and query parameters whose names look like credentials, and userinfo in
 * URLs show as "***". A line is printable ASCII only: any other byte (a
 * control sequence in the server's request-id, say) is replaced with '?'.
 * Like any callback it may cancel requests, close the client or start
 * requests.
 * \param log_data the client options' log_data.
 * \param level the line's level.
 * \param line the text, NUL-terminated, no newline; valid until the
 *        callback returns. */
typedef void (*anthropic_log_cb)(void *log_data, anthropic_log_level_t level,
                                 const char *line);

enum {
  /** Do not read the environment: neither ANTHROPIC_* variables nor the
   * proxy ones libcurl would read (see `proxy`). */
  ANTHROPIC_CLIENT_NO_ENV = 1u << 0,
  /** Speak HTTP/1.1 only (by default HTTPS negotiates HTTP/2 by ALPN). */
  ANTHROPIC_CLIENT_HTTP1 = 1u << 1,
  /** Speak HTTP/2 from the first byte, also over cleartext http:// (h2c
   * with prior knowledge), as to a proxy or sidecar that expects it.
   * Needs libcurl 8.0 or later: init refuses it (EINVAL) on older ones,
   * which fail every request on a reused connection. */
  ANTHROPIC_CLIENT_HTTP2_PRIOR_KNOWLEDGE = 1u << 2,
  /** Do not verify the server's TLS certificate or that it names the host
   * (CURLOPT_SSL_VERIFYPEER and CURLOPT_SSL_VERIFYHOST off): anyone on the
   * way can then read and change everything, the key included. For tests
   * against a self-signed server; prefer `ca_bundle`. Init logs a line
   * starting "warning: " through log_cb when it is set. */
  ANTHROPIC_CLIENT_INSECURE_SKIP_TLS_VERIFY = 1u << 3
};

/** @} */

/** \addtogroup abi
 * Option structs (anthropic_client_options_t, anthropic_request_options_t,
 * the retrieve and list params, anthropic_resolve_options_t,
 * anthropic_resolve_cache_options_t, anthropic_watch_options_t) start with
 * `size`: start from the struct's _INIT macro, which sets it and the defaults
 * that are not zero, then set what you need. Fields are only ever added at the
 * end, and the library reads only those that `size` covers, so a program built
 * against an older header keeps working; a field added later takes its default
 * at 0. A `size` of 0 (a struct zeroed instead of _INIT) is refused with
 * ANTHROPIC_EINVAL, as are non-zero fields past the end of the struct this
 * library knows (a newer header's, for an older library). */

/** \addtogroup client
 * @{ */

/** Retries: the default, in max_retries (the client's: 2; a request's: its
 * client's). 0 means no retries. */
#define ANTHROPIC_RETRIES_DEFAULT (-1)

/** Options for anthropic_client_init(): a zero or NULL field takes the
 * default shown. Strings are copied. */
typedef struct anthropic_client_options {
  size_t size; /**< sizeof(anthropic_client_options_t) */
  /** Retries after a failed attempt (so at most max_retries + 1 attempts).
   * _INIT: ANTHROPIC_RETRIES_DEFAULT (2); 0: none. See "Retries" in
   * README.md. */
  int max_retries;
  unsigned flags; /**< ANTHROPIC_CLIENT_* bits */
  /** `x-api-key`. NULL: $ANTHROPIC_API_KEY. "" : not sent. */
  const char *api_key;
  /** `Authorization: Bearer`. NULL: $ANTHROPIC_AUTH_TOKEN. "": not sent.
   * Not sent when there is an api_key. With neither (and no x-api-key or
   * authorization header of your own), init fails: ANTHROPIC_EINVAL. */
  const char *auth_token;
  /** NULL: $ANTHROPIC_BASE_URL, else "https://api.anthropic.com". */
  const char *base_url;
  /** `anthropic-version`. NULL: "2023-06-01". */
  const char *anthropic_version;
  /** Extra headers, each "Name: value", sent on every request, after those
   * of $ANTHROPIC_CUSTOM_HEADERS (newline-separated lines of the same
   * form). */
  const char *const *headers;
  size_t headers_count; /**< lines in headers */
  /** Betas for every request, joined with each request's own into one
   * `anthropic-beta: a,b` header. */
  const char *const *betas;
  size_t betas_count; /**< entries in betas */
  /** `user-agent`. NULL: "anthropic-c/<version>". */
  const char *user_agent;
  /** CA bundle file for TLS. NULL: the system's. */
  const char *ca_bundle;
  /** Largest response body accepted. 0: 8 MiB. Values past INT64_MAX
   * (SIZE_MAX for none) are clamped to INT64_MAX: no limit. */
  size_t max_response_bytes;
  /** Connections kept open to one host. 0: 64. */
  unsigned max_host_connections;
  /** Per attempt, from start to last byte. 0: 600000 (10 minutes). */
  uint64_t timeout_ms;
  /** Per attempt, to connect (TCP and TLS). 0: 5000. */
  uint64_t connect_timeout_ms;
  /** Longest server-asked delay (retry-after, retry-after-ms) honoured; a
   * longer one falls back to exponential backoff. 0: 60000. */
  uint64_t retry_after_cap_ms;
  /** Where log lines go; see anthropic_log_cb and log_level. NULL: to
   * stderr ("anthropic: warn: ...") when a level was asked for (log_level
   * or $ANTHROPIC_LOG), else nowhere: an embedded library does not write
   * to the process's stderr unasked. */
  anthropic_log_cb log_cb;
  void *log_data; /**< passed to log_cb */
  /** The proxy every request goes through: "scheme://host[:port]" with
   * scheme http, https, socks4, socks4a, socks5 or socks5h (no user name
   * or password: refused). "" : no proxy at all. NULL: libcurl's
   * environment variables (http_proxy, HTTPS_PROXY, ALL_PROXY, NO_PROXY),
   * unless ANTHROPIC_CLIENT_NO_ENV, which means no proxy. A proxy given
   * here is used for every host: NO_PROXY does not apply to it. */
  const char *proxy;
  /** Requests handed to libcurl at once (attempts on the wire, and retries
   * waiting for their turn). The others wait in a queue inside the client,
   * a few hundred bytes each, and start in the order they were made as
   * those finish. 0: max_host_connections over HTTP/1.1 (one request a
   * connection at a time), 4 x that but at most 100 where HTTP/2 is
   * negotiated by TLS (https://) or known in advance: until a new
   * connection has the server's SETTINGS, libcurl takes it to carry 100
   * streams, and opens another for each request past those. With more
   * than 100, requests started at once may take more connections. */
  unsigned max_requests_in_flight;
  /** HTTP/2 streams (requests) carried at once by one connection before
   * another is opened; the server's SETTINGS_MAX_CONCURRENT_STREAMS, when
   * lower, wins. 0: 1000 (libcurl's own default, 100, would open ten
   * connections for a thousand requests at once). */
  unsigned max_streams_per_connection;
  /** Lines at this level and above are logged. ANTHROPIC_LOG_DEFAULT:
   * $ANTHROPIC_LOG ("off", "error", "warn", "info", "debug"; read unless
   * ANTHROPIC_CLIENT_NO_ENV), else everything when log_cb is set (it
   * gets the level of each line to filter on), else nothing. */
  anthropic_log_level_t log_level;
} anthropic_client_options_t;

/** Client options with `size` and the defaults that are not zero set.
 * Every field in order, without designators, so that C++ before C++20
 * takes it too: size, max_retries, flags, api_key, auth_token, base_url,
 * anthropic_version, headers, headers_count, betas, betas_count,
 * user_agent, ca_bundle, max_response_bytes, max_host_connections,
 * timeout_ms, connect_timeout_ms, retry_after_cap_ms, log_cb, log_data,
 * proxy, max_requests_in_flight, max_streams_per_connection, log_level. */
#define ANTHROPIC_CLIENT_OPTIONS_INIT                                          \
  {                                                                            \
    sizeof(anthropic_client_options_t), ANTHROPIC_RETRIES_DEFAULT, 0u, NULL,   \
        NULL, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, 0, 0u, 0, 0, 0, NULL,  \
        NULL, NULL, 0u, 0u, ANTHROPIC_LOG_DEFAULT                              \
  }

/** Create a client bound to `loop`. The client must be closed with
 * anthropic_client_close() before the loop is closed.
 * \param loop the libuv loop (a uv_loop_t) whose thread will use the
 *        client.
 * \param out receives the client on success, NULL on failure (left as it
 *        was when `loop` is NULL).
 * \param opts options, started from ANTHROPIC_CLIENT_OPTIONS_INIT; NULL:
 *        all defaults (key, base URL and headers from the environment).
 * \param errbuf receives a message (NUL-terminated) when the call fails;
 *        may be NULL.
 * \param errbuf_len the bytes `errbuf` holds.
 * \return 0; or ANTHROPIC_EINVAL (a bad option or environment variable:
 *         see `errbuf`) or ANTHROPIC_ENOMEM. */
ANTHROPIC_EXTERN int
anthropic_client_init(struct uv_loop_s *loop, anthropic_client_t **out,
                      const anthropic_client_options_t *opts, char *errbuf,
                      size_t errbuf_len);

/** Set the caller's pointer, for close callbacks and the like.
 * \param client the client.
 * \param data any pointer; the library never reads it. */
ANTHROPIC_EXTERN void anthropic_client_set_data(anthropic_client_t *client,
                                                void *data);
/** The caller's pointer.
 * \param client the client.
 * \return the pointer set with anthropic_client_set_data(), NULL at
 *         first. */
ANTHROPIC_EXTERN void *
anthropic_client_get_data(const anthropic_client_t *client);
/** The loop the client was made on.
 * \param client the client.
 * \return the uv_loop_t given to anthropic_client_init(). */
ANTHROPIC_EXTERN struct uv_loop_s *
anthropic_client_get_loop(const anthropic_client_t *client);

/** The reason the last call on this client returned NULL, 0 or an error.
 * \param client the client.
 * \return a kind and a message (never NULL), valid until the next call
 *         on the client. */
ANTHROPIC_EXTERN const anthropic_error_t *
anthropic_client_last_error(const anthropic_client_t *client);

/** Runs once a closed client has released everything, just before its
 * memory is freed.
 * \param client the client: this is the last moment it (and its data)
 *        is valid. */
typedef void (*anthropic_close_cb)(anthropic_client_t *client);

/** Close the client. Requests still in flight or waiting in the queue end
 * with ANTHROPIC_ECANCELLED (their callbacks run, from the loop), every
 * handle is released, then `cb` (may be NULL) runs and the client's memory
 * is freed. Safe to call from inside a request callback. Calls made after
 * this fail with EINVAL. Calling it twice is a no-op.
 * \param client the client; NULL does nothing.
 * \param cb runs once everything is released, from the loop; may be
 *        NULL. */
ANTHROPIC_EXTERN void anthropic_client_close(anthropic_client_t *client,
                                             anthropic_close_cb cb);

/** The client's request counters since init, for metrics: what the
 * request machine decided, never read back from log lines, so they count
 * whatever the log level. Errors are counted per attempt in fixed named
 * fields (a class of HTTP status, or a transport failure), not in an
 * array indexed by anthropic_errkind_t: an array sized by a kind count
 * would freeze the struct when a kind is added, while a named field is
 * added at the end like any other. Fields are only ever added at the
 * end. */
typedef struct anthropic_client_stats {
  size_t size; /**< set by ANTHROPIC_CLIENT_STATS_INIT */
  /** Calls that returned a request id (a resolver's lookups included; a
   * walk of pages is one). */
  uint64_t requests_started;
  /** Of those, callbacks run: success, error or cancel. */
  uint64_t requests_finished;
  /** Finished with ANTHROPIC_ECANCELLED (anthropic_request_cancel(), or
   * close). */
  uint64_t cancelled;
  /** Attempts with an outcome (a response or a network error): a retry is
   * one more, as is each page of a walk. */
  uint64_t attempts;
  /** Retries scheduled after a failed attempt. */
  uint64_t retries;
  /** Requests that failed after their last attempt with an error worth
   * retrying (their max_retries spent). */
  uint64_t giveups;
  /** Requests handed to libcurl now, those waiting to retry included (a
   * gauge). */
  uint64_t in_flight;
  /** Requests waiting in the client's queue now (a gauge; see
   * max_requests_in_flight). */
  uint64_t queued;
  /** Attempts that ended with no usable answer: ANTHROPIC_ECONNECTION or
   * ANTHROPIC_ETLS. */
  uint64_t connection_errors;
  /** Attempts that ended with ANTHROPIC_ETIMEDOUT. */
  uint64_t timeouts;
  /** Attempts answered 4xx other than 429 (404 included). */
  uint64_t http_4xx;
  /** Of http_4xx, those answered 404 (for a retrieve: no such model). */
  uint64_t http_404;
  /** Attempts answered 429. */
  uint64_t http_429;
  /** Attempts answered 5xx. */
  uint64_t http_5xx;
} anthropic_client_stats_t;

/** Client stats with `size` set. */
#define ANTHROPIC_CLIENT_STATS_INIT                                            \
  { sizeof(anthropic_client_stats_t), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/** Fill `stats` with the client's counters (only the fields stats->size
 * covers are written; fields this library does not know are zeroed).
 * Cheap: a copy, for each scrape of a metrics endpoint.
 * \param client the client.
 * \param stats where to write, from ANTHROPIC_CLIENT_STATS_INIT.
 * \return 0, or EINVAL (NULL, or a `size` not set). */
ANTHROPIC_EXTERN int
anthropic_client_get_stats(const anthropic_client_t *client,
                           anthropic_client_stats_t *stats);

/** @} */

/* ------------------------------------------------------------------ */
/* Models                                                              */
/* ------------------------------------------------------------------ */
/** \addtogroup calls
 * @{ */

/** A retrieve's outcome: exactly one of `err` and `model` is non-NULL,
 * valid until the callback returns.
 * \param err why the request failed, or NULL.
 * \param model the model, or NULL.
 * \param data as given to the call. */
typedef void (*anthropic_model_cb)(const anthropic_error_t *err,
                                   const anthropic_model_info_t *model,
                                   void *data);
/** \ingroup pagination
 * A list call's outcome: exactly one of `err` and `page` is non-NULL,
 * valid until the callback returns.
 * \param err why the request failed, or NULL.
 * \param page the page, or NULL.
 * \param data as given to the call. */
typedef void (*anthropic_page_cb)(const anthropic_error_t *err,
                                  const anthropic_models_page_t *page,
                                  void *data);

/** A JSON retrieve's outcome: either `err` is non-NULL (and the rest NULL
 * and 0), or `response` and `json` are, valid until the callback returns.
 * \param err why the request failed, or NULL.
 * \param response the response's metadata, or NULL.
 * \param json the model's JSON object as received (`len` bytes, not
 *        NUL-terminated), checked as anthropic_models_retrieve() checks a
 *        body but for its fields past "id"; or NULL.
 * \param len the bytes of `json`; 0 with `err`.
 * \param data as given to the call. */
typedef void (*anthropic_json_cb)(const anthropic_error_t *err,
                                  const anthropic_response_t *response,
                                  const char *json, size_t len, void *data);

/** Settings of one request that override the client's: a zero or NULL
 * field keeps the client's setting. */
typedef struct anthropic_request_options {
  size_t size; /**< sizeof(anthropic_request_options_t) */
  /** _INIT: ANTHROPIC_RETRIES_DEFAULT (the client's); 0: none. */
  int max_retries;
  uint64_t timeout_ms;         /**< per attempt; 0: the client's */
  uint64_t connect_timeout_ms; /**< per attempt; 0: the client's */
  /** Extra headers, "Name: value"; one named like a client header
   * replaces it for this request. */
  const char *const *headers;
  size_t headers_count; /**< lines in headers */
  /** Extra query parameters, "name=value" (both percent-encoded here). */
  const char *const *query;
  size_t query_count; /**< entries in query */
  /** Betas added to the client's in `anthropic-beta`. */
  const char *const *betas;
  size_t betas_count; /**< entries in betas */
  /** `anthropic-workspace-id`. NULL: not sent. */
  const char *workspace_id;
} anthropic_request_options_t;

/** Request options with `size` set and max_retries the client's (every
 * field in order, for C++ before C++20: size, max_retries, timeout_ms,
 * connect_timeout_ms, headers, headers_count, query, query_count, betas,
 * betas_count, workspace_id). */
#define ANTHROPIC_REQUEST_OPTIONS_INIT                                         \
  {                                                                            \
    sizeof(anthropic_request_options_t), ANTHROPIC_RETRIES_DEFAULT, 0, 0,      \
        NULL, 0, NULL, 0, NULL, 0, NULL                                        \
  }

/** Parameters of a retrieve; NULL means all defaults. */
typedef struct anthropic_models_retrieve_params {
  size_t size;                                /**< set by _INIT */
  const anthropic_request_options_t *options; /**< NULL: the client's */
} anthropic_models_retrieve_params_t;

/** Retrieve params with `size` set (size, options). */
#define ANTHROPIC_MODELS_RETRIEVE_PARAMS_INIT                                  \
  { sizeof(anthropic_models_retrieve_params_t), NULL }

/** \ingroup pagination
 * Parameters of one list page; NULL means all defaults. */
typedef struct anthropic_models_list_params {
  size_t size;           /**< set by _INIT */
  const char *after_id;  /**< page after this id (NULL: none) */
  const char *before_id; /**< page before this id (NULL: none) */
  int limit;             /**< 1..1000; 0: the server's default (20) */
  /** Any of "active", "deprecated", "retired", sent as lifecycle[]=...;
   * none: the server's default (active and deprecated). */
  const char *const *lifecycle;
  size_t lifecycle_count;                     /**< entries in lifecycle */
  const anthropic_request_options_t *options; /**< NULL: the client's */
} anthropic_models_list_params_t;

/** \ingroup pagination
 * List params with `size` set (size, after_id, before_id, limit,
 * lifecycle, lifecycle_count, options). */
#define ANTHROPIC_MODELS_LIST_PARAMS_INIT                                      \
  { sizeof(anthropic_models_list_params_t), NULL, NULL, 0, NULL, 0, NULL }

/** GET /v1/models/{model_id}: one model by id or alias (an alias resolves to
 * the canonical id). Exactly one of `err` and `model` is non-NULL in the
 * callback. Returns the request's id, or 0 on a bad argument (empty id, ".",
 * "..", control characters), a closing client or no memory: see
 * anthropic_client_last_error(); then the callback never runs.
 * \param client the client.
 * \param model_id the model's id or alias (copied).
 * \param params retries and per-request options; NULL: the client's.
 * \param cb runs once with the outcome, from the loop.
 * \param data passed to `cb`.
 * \return the request's id (for anthropic_request_cancel()), or 0. */
ANTHROPIC_EXTERN anthropic_request_id_t
anthropic_models_retrieve(anthropic_client_t *client, const char *model_id,
                          const anthropic_models_retrieve_params_t *params,
                          anthropic_model_cb cb, void *data);

/** \ingroup pagination
 * GET /v1/models: one page, newest first. Same contract as retrieve; both
 * cursors at once or a limit outside 1..1000 are invalid arguments.
 * \param client the client.
 * \param params cursor, limit, lifecycle and per-request options (copied);
 *        NULL: the first page with the server's defaults.
 * \param cb runs once with the page or the error, from the loop.
 * \param data passed to `cb`.
 * \return the request's id, or 0 (see anthropic_client_last_error(); the
 *         callback never runs). */
ANTHROPIC_EXTERN anthropic_request_id_t anthropic_models_list(
    anthropic_client_t *client, const anthropic_models_list_params_t *params,
    anthropic_page_cb cb, void *data);

/** anthropic_models_retrieve() on the beta endpoint (`?beta=true`).
 * \param client the client.
 * \param model_id the model's id or alias (copied).
 * \param params retries and per-request options; NULL: the client's.
 * \param cb runs once with the outcome, from the loop.
 * \param data passed to `cb`.
 * \return the request's id, or 0. */
ANTHROPIC_EXTERN anthropic_request_id_t
anthropic_beta_models_retrieve(anthropic_client_t *client, const char *model_id,
                               const anthropic_models_retrieve_params_t *params,
                               anthropic_model_cb cb, void *data);
/** anthropic_models_retrieve(), handing over the model's JSON text instead
 * of a typed ModelInfo (none is built: for callers that parse the JSON
 * themselves). The body is checked as for anthropic_models_retrieve():
 * no NUL (raw or escaped), invalid UTF-8 or malformed escape, valid JSON
 * and whole, within the size cap, an object with a string "id"; its other
 * fields are not checked against the schema. Same contract otherwise: the
 * callback runs exactly once, from the loop; errors are the same.
 * \param client the client.
 * \param model_id the model's id or alias (copied).
 * \param params retries and per-request options; NULL: the client's.
 * \param cb runs once with the outcome, from the loop.
 * \param data passed to `cb`.
 * \return the request's id (for anthropic_request_cancel()), or 0 (see
 *         anthropic_client_last_error(); the callback never runs). */
ANTHROPIC_EXTERN anthropic_request_id_t
anthropic_models_retrieve_json(anthropic_client_t *client, const char *model_id,
                               const anthropic_models_retrieve_params_t *params,
                               anthropic_json_cb cb, void *data);

/** anthropic_models_retrieve_json() on the beta endpoint (`?beta=true`).
 * \param client the client.
 * \param model_id the model's id or alias (copied).
 * \param params retries and per-request options; NULL: the client's.
 * \param cb runs once with the outcome, from the loop.
 * \param data passed to `cb`.
 * \return the request's id, or 0. */
ANTHROPIC_EXTERN anthropic_request_id_t anthropic_beta_models_retrieve_json(
    anthropic_client_t *client, const char *model_id,
    const anthropic_models_retrieve_params_t *params, anthropic_json_cb cb,
    void *data);

/** \ingroup pagination
 * anthropic_models_list() on the beta endpoint (`?beta=true`).
 * \param client the client.
 * \param params as for anthropic_models_list(); NULL: defaults.
 * \param cb runs once with the page or the error, from the loop.
 * \param data passed to `cb`.
 * \return the request's id, or 0. */
ANTHROPIC_EXTERN anthropic_request_id_t anthropic_beta_models_list(
    anthropic_client_t *client, const anthropic_models_list_params_t *params,
    anthropic_page_cb cb, void *data);

/** \ingroup pagination
 * Manual stepping: the parameters of the page after `page`, which was
 * requested with `params` (NULL: defaults), in the same direction (forward
 * with after_id = last_id; backward, when `params` had before_id, with
 * before_id = first_id). Returns false when there is no next page
 * (has_more false, an empty page, or a null cursor) or when next->size is
 * not set: start `next` from ANTHROPIC_MODELS_LIST_PARAMS_INIT; only the
 * fields its size covers are written. `next` points into `page` and
 * `params`: use it before they go (the list call copies it).
 * \param page the page just received.
 * \param params the parameters it was requested with; NULL: defaults.
 * \param next receives the next page's parameters; its size set first.
 * \return true when `next` was written, false when there is no next
 *         page or next->size is not set. */
ANTHROPIC_EXTERN bool
anthropic_models_page_next(const anthropic_models_page_t *page,
                           const anthropic_models_list_params_t *params,
                           anthropic_models_list_params_t *next);

/** \ingroup pagination
 * The most pages one walk asks for: anthropic_models_list_all(). */
#define ANTHROPIC_WALK_MAX_PAGES 10000

/** \ingroup pagination
 * Auto-pagination. `each` runs once per page, from the loop; returning
 * non-zero stops the walk. `done` runs exactly once at the end: err NULL
 * when the walk ended (last page, an empty page, a null cursor, `each`
 * asked, or `max_items` reached), else the error that ended it (an
 * ANTHROPIC_ECANCELLED from anthropic_request_cancel() included); `items`
 * is how many models the pages handed to `each` held. Only one page is
 * held at a time. `max_items` (0: no cap) trims the last page to fit. A
 * walk is one request (one id) from its first page to `done`: it asks for
 * its next page without going back to the queue.
 *
 * A walk always ends. A page whose cursor (last_id walking forward,
 * first_id backward) is one the walk already followed ends it with
 * ANTHROPIC_EBADRESPONSE before `each` sees that page: the server went
 * round in a circle (A -> B -> A), and the page repeats what was handed
 * over. A walk that would ask for more than ANTHROPIC_WALK_MAX_PAGES pages
 * (10,000: 200,000 models at the API's default 20 a page, ten million at
 * its largest `limit`) ends with ANTHROPIC_EBADRESPONSE instead, after
 * `each` saw those pages: a server whose cursors never end. The cursors
 * followed are kept as 8-byte hashes: 256 KB at most.
 * \param page the page, valid until the callback returns.
 * \param data as given to the call.
 * \return 0 to go on, non-zero to end the walk after this page. */
typedef int (*anthropic_each_page_cb)(const anthropic_models_page_t *page,
                                      void *data);
/** \ingroup pagination
 * The end of a walk: see anthropic_each_page_cb.
 * \param err NULL when the walk ended normally, else what ended it.
 * \param items how many models the pages handed to `each` held.
 * \param data as given to the call. */
typedef void (*anthropic_walk_done_cb)(const anthropic_error_t *err,
                                       size_t items, void *data);
/** \ingroup pagination
 * Walk every page: see anthropic_each_page_cb.
 * \param client the client.
 * \param params where to start (after_id walks forward, before_id
 *        backward), limit, lifecycle, options (copied); NULL: from the
 *        newest, with the server's defaults.
 * \param max_items the most models handed to `each`; 0: no cap.
 * \param each runs once per page, from the loop; non-zero stops.
 * \param done runs exactly once at the end, from the loop.
 * \param data passed to `each` and `done`.
 * \return the walk's id (anthropic_request_cancel() stops it), or 0 (see
 *         anthropic_client_last_error(); no callback runs). */
ANTHROPIC_EXTERN anthropic_request_id_t anthropic_models_list_all(
    anthropic_client_t *client, const anthropic_models_list_params_t *params,
    size_t max_items, anthropic_each_page_cb each, anthropic_walk_done_cb done,
    void *data);
/** \ingroup pagination
 * anthropic_models_list_all() on the beta endpoint (`?beta=true`).
 * \param client the client.
 * \param params as for anthropic_models_list_all(); NULL: defaults.
 * \param max_items the most models handed to `each`; 0: no cap.
 * \param each runs once per page, from the loop; non-zero stops.
 * \param done runs exactly once at the end, from the loop.
 * \param data passed to `each` and `done`.
 * \return the walk's id, or 0. */
ANTHROPIC_EXTERN anthropic_request_id_t anthropic_beta_models_list_all(
    anthropic_client_t *client, const anthropic_models_list_params_t *params,
    size_t max_items, anthropic_each_page_cb each, anthropic_walk_done_cb done,
    void *data);

/** Cancel request `id` of `client`: its callback runs later, from the loop,
 * with ANTHROPIC_ECANCELLED, whether it was on the wire or still waiting in
 * the queue. Returns 0, or ANTHROPIC_EINVAL when `id` names no request that
 * can still be cancelled: one whose callback has run, is running or is
 * already due, an id never issued, 0, or a NULL client. That is harmless:
 * an id never names another request. Safe from inside any callback, the
 * request's own included: from its log line or a walk's `each`, the
 * request ends as cancelled once that callback returns (no retry, no next
 * page).
 * \param client the client that started the request.
 * \param id the request's id, as its call returned it.
 * \return 0, or ANTHROPIC_EINVAL. */
ANTHROPIC_EXTERN int anthropic_request_cancel(anthropic_client_t *client,
                                              anthropic_request_id_t id);

/** @} */

/* ------------------------------------------------------------------ */
/* Resolving many aliases                                              */
/* ------------------------------------------------------------------ */
/** \addtogroup resolver
 * @{ */

/** A batch of aliases (or ids) to resolve with retrieve. Named by an id
 * that is never reused on its client (0 is none), so keeping one past its
 * completion is harmless: calls with it then return EINVAL. */
typedef uint64_t anthropic_resolve_id_t;

/** One call per alias added, from the loop, in any order: exactly one of
 * `err` and `model` is non-NULL (valid until the callback returns);
 * `index` is the alias's position in its batch (0, 1, ...). Inside it,
 * anthropic_resolve_get_info() says where the answer came from (the
 * cache, a shared lookup, a stale model standing in for an error).
 * \param err why the lookup failed, or NULL.
 * \param model the model the alias names, or NULL.
 * \param alias the alias as added.
 * \param index its position in the batch.
 * \param data as given to the batch. */
typedef void (*anthropic_resolve_cb)(const anthropic_error_t *err,
                                     const anthropic_model_info_t *model,
                                     const char *alias, size_t index,
                                     void *data);
/** Once per batch, from the loop, after every per-alias callback (also for
 * a batch of 0 aliases).
 * \param id the batch's id, no longer valid in this callback.
 * \param data as given to the batch. */
typedef void (*anthropic_resolve_done_cb)(anthropic_resolve_id_t id,
                                          void *data);

/** Options of a batch. Set `size` (ANTHROPIC_RESOLVE_OPTIONS_INIT does):
 * fields are only ever added at the end, and the library reads only those
 * that `size` covers, so a program built against an older header keeps
 * working. NULL: all defaults. */
typedef struct anthropic_resolve_options {
  size_t size; /**< sizeof(anthropic_resolve_options_t) */
  /** Lookups this batch has in flight at once. 0: 64. */
  unsigned concurrency;
  /** Retrieve parameters of every lookup this batch starts (retries and
   * per-request options, as for retrieve). NULL: the client's. Not
   * copied: it, and what it points to, must stay valid until `done`. A
   * lookup shared with another batch keeps the options of the batch that
   * started it. */
  const anthropic_models_retrieve_params_t *params;
} anthropic_resolve_options_t;

/** Resolve options with `size` set. */
#define ANTHROPIC_RESOLVE_OPTIONS_INIT                                         \
  { sizeof(anthropic_resolve_options_t), 0, NULL }

/** Open a batch: add aliases with anthropic_resolve_add(), then close it
 * for adding with anthropic_resolve_end(); `done` runs once every alias
 * added has had its callback and the batch is ended. Each distinct alias
 * costs at most one request per client at a time: an alias whose lookup
 * is already in flight (from any batch of the client) waits for that
 * one, and a cached one costs none.
 * \param client the client.
 * \param opts concurrency and retrieve parameters; NULL: defaults.
 * \param cb runs once per alias added, from the loop.
 * \param done runs once at the end of the batch, from the loop.
 * \param data passed to `cb` and `done`.
 * \return the batch's id, or 0 (see anthropic_client_last_error(); no
 *         callback runs). */
ANTHROPIC_EXTERN anthropic_resolve_id_t anthropic_resolve_start(
    anthropic_client_t *client, const anthropic_resolve_options_t *opts,
    anthropic_resolve_cb cb, anthropic_resolve_done_cb done, void *data);
/** Add one alias (copied) at the next index.
 * \param client the batch's client.
 * \param id the batch, from anthropic_resolve_start().
 * \param alias a model id or alias, as retrieve takes.
 * \return 0, or EINVAL (an invalid alias, as retrieve would refuse; a
 *         batch ended, cancelled or done; a closing client) or ENOMEM:
 *         then it has no index and no callback. */
ANTHROPIC_EXTERN int anthropic_resolve_add(anthropic_client_t *client,
                                           anthropic_resolve_id_t id,
                                           const char *alias);
/** Close the batch for adding; `done` runs once its aliases are answered.
 * \param client the batch's client.
 * \param id the batch.
 * \return 0, or EINVAL when already ended or done. */
ANTHROPIC_EXTERN int anthropic_resolve_end(anthropic_client_t *client,
                                           anthropic_resolve_id_t id);
/** start + add each of `n` aliases + end. All aliases are checked first:
 * one invalid and the call returns 0 with nothing started.
 * \param client the client.
 * \param aliases `n` model ids or aliases (copied).
 * \param n how many; 0 is a batch whose `done` alone runs.
 * \param opts concurrency and retrieve parameters; NULL: defaults.
 * \param cb runs once per alias, from the loop; `index` is its place in
 *        `aliases`.
 * \param done runs once at the end, from the loop.
 * \param data passed to `cb` and `done`.
 * \return the batch's id, or 0 (see anthropic_client_last_error(); no
 *         callback runs). */
ANTHROPIC_EXTERN anthropic_resolve_id_t anthropic_resolve(
    anthropic_client_t *client, const char *const *aliases, size_t n,
    const anthropic_resolve_options_t *opts, anthropic_resolve_cb cb,
    anthropic_resolve_done_cb done, void *data);
/** Cancel the batch (and end it): every alias whose callback is not yet
 * due gets ANTHROPIC_ECANCELLED, then `done` runs, all from the loop. A
 * lookup in flight is cancelled only when no other batch waits for it.
 * Closing the client does this to every batch.
 * \param client the batch's client.
 * \param id the batch.
 * \return 0, or EINVAL when the batch is done or has nothing left to
 *         cancel (as anthropic_request_cancel()). */
ANTHROPIC_EXTERN int anthropic_resolve_cancel(anthropic_client_t *client,
                                              anthropic_resolve_id_t id);
/** The client's resolve cache: a model found is kept for `ttl_ms`, a "not
 * found" (HTTP 404) for `not_found_ttl_ms` (0: not cached), at most
 * `max_entries` of them (the oldest goes first). A hit costs no request;
 * its callback still runs from the loop. max_entries 0 (the default)
 * turns the cache off and empties it. Expiry is by uv_now() of the
 * client's loop. The same as anthropic_resolve_cache_set() with
 * stale_if_error_ms 0.
 * \param client the client.
 * \param max_entries the most entries kept; 0 turns the cache off.
 * \param ttl_ms how long a model found is kept, in milliseconds.
 * \param not_found_ttl_ms how long a 404 is kept; 0: not cached.
 * \return 0, or EINVAL (closing client) or ENOMEM. */
ANTHROPIC_EXTERN int anthropic_resolve_cache(anthropic_client_t *client,
                                             size_t max_entries,
                                             uint64_t ttl_ms,
                                             uint64_t not_found_ttl_ms);

/** Settings of the client's resolve cache, for anthropic_resolve_cache_set().
 * Start from ANTHROPIC_RESOLVE_CACHE_OPTIONS_INIT: `size` rules as for
 * the other option structs (fields only ever added at the end). All zero:
 * no cache. */
typedef struct anthropic_resolve_cache_options {
  size_t size;               /**< sizeof(anthropic_resolve_cache_options_t) */
  size_t max_entries;        /**< entries kept at most (the oldest goes first);
                                0: no cache (and it is emptied) */
  uint64_t ttl_ms;           /**< a model found is a hit this long */
  uint64_t not_found_ttl_ms; /**< a 404 is a hit this long (0: not kept) */
  /** Stale-if-error (RFC 5861): a model is also kept this long past
   * ttl_ms. A lookup of an alias past its TTL goes to the API as usual;
   * when it fails with a connection error, a timeout, or HTTP 429 or 5xx
   * (after its retries), and the alias's last model found is younger than
   * ttl_ms + stale_if_error_ms, its callbacks get that model instead of the
   * error, and anthropic_resolve_get_info() says so (`stale`, `age_ms`,
   * `stale_error`). A 404 or any other error is never hidden: a 404 also
   * drops the model kept. A cancelled lookup stays cancelled. 0: off. With
   * ttl_ms 0, every lookup goes to the API and the last model found is
   * only kept for errors. */
  uint64_t stale_if_error_ms;
} anthropic_resolve_cache_options_t;

/** Resolve cache options with `size` set and the cache off. */
#define ANTHROPIC_RESOLVE_CACHE_OPTIONS_INIT                                   \
  { sizeof(anthropic_resolve_cache_options_t), 0, 0, 0, 0 }

/** Set the client's resolve cache (NULL: off). The settings apply to the
 * entries already kept too (their age is kept, not their expiry); fewer
 * max_entries drops the oldest.
 * \param client the client.
 * \param opts the settings, from ANTHROPIC_RESOLVE_CACHE_OPTIONS_INIT; NULL
 *        turns the cache off.
 * \return 0, or EINVAL (a `size` not set, fields this library does not
 *         know set, a closing client) or ENOMEM. */
ANTHROPIC_EXTERN int
anthropic_resolve_cache_set(anthropic_client_t *client,
                            const anthropic_resolve_cache_options_t *opts);

/** Where the answer of a per-alias callback came from: see
 * anthropic_resolve_get_info(). Fields are only ever added at the end. */
typedef struct anthropic_resolve_info {
  size_t size; /**< set by ANTHROPIC_RESOLVE_INFO_INIT */
  /** From a cache entry within its TTL: no request was made for it. */
  bool cached;
  /** From a lookup started for another index of its batch or another
   * batch: no request of its own. */
  bool coalesced;
  /** The alias's lookup failed and this is the last model found, past its
   * TTL but within stale_if_error_ms (see anthropic_resolve_cache_options_t).
   * The callback got the model, and no error. */
  bool stale;
  /** How long ago (uv_now() of the loop, in ms) the API gave this answer:
   * about 0 when it just came, the entry's age when cached or stale (an
   * HTTP `Age` is age_ms / 1000). 0 for an answer the API never gave (a
   * cancelled lookup, a call refused). */
  uint64_t age_ms;
  /** When `stale`: the error the model stands in for (its kind, status,
   * request id, attempts), valid until the callback returns. Else NULL.
   * The model's own request id is model->response->request_id. */
  const anthropic_error_t *stale_error;
} anthropic_resolve_info_t;

/** Resolve info with `size` set. */
#define ANTHROPIC_RESOLVE_INFO_INIT                                            \
  { sizeof(anthropic_resolve_info_t), false, false, false, 0, NULL }

/** From inside a per-alias callback (anthropic_resolve_cb) of `client`:
 * fill `info` about the answer that callback got. Only the fields
 * info->size covers are written (fields this library does not know are
 * zeroed).
 * \param client the client whose per-alias callback is running.
 * \param info where to write, from ANTHROPIC_RESOLVE_INFO_INIT.
 * \return 0, or EINVAL: not inside a per-alias callback, NULL, or a
 *         `size` not set. */
ANTHROPIC_EXTERN int
anthropic_resolve_get_info(const anthropic_client_t *client,
                           anthropic_resolve_info_t *info);

/** The client's resolver counters since init, for metrics. Every
 * per-alias callback counts once, as a hit or a miss. Fields are only
 * ever added at the end. */
typedef struct anthropic_resolve_stats {
  size_t size;        /**< set by ANTHROPIC_RESOLVE_STATS_INIT */
  uint64_t lookups;   /**< requests started to the API (a request's
                         retries are not counted again) */
  uint64_t hits;      /**< answers from the cache within their TTL */
  uint64_t misses;    /**< every other answer: from a lookup (its own or
                         coalesced), stale, cancelled or refused */
  uint64_t coalesced; /**< misses answered by a lookup started for another
                         index or batch */
  uint64_t stale;     /**< misses answered with a stale model */
  uint64_t entries;   /**< cache entries kept now (a gauge) */
} anthropic_resolve_stats_t;

/** Resolve stats with `size` set. */
#define ANTHROPIC_RESOLVE_STATS_INIT                                           \
  { sizeof(anthropic_resolve_stats_t), 0, 0, 0, 0, 0, 0 }

/** Fill `stats` with the client's counters (only the fields stats->size
 * covers are written; fields this library does not know are zeroed).
 * \param client the client.
 * \param stats where to write, from ANTHROPIC_RESOLVE_STATS_INIT.
 * \return 0, or EINVAL (NULL, or a `size` not set). */
ANTHROPIC_EXTERN int
anthropic_resolve_get_stats(const anthropic_client_t *client,
                            anthropic_resolve_stats_t *stats);
/** @} */

/* ------------------------------------------------------------------ */
/* Lifecycle: deprecations, retirements, aliases that move             */
/* ------------------------------------------------------------------ */
/** \addtogroup lifecycle
 * @{ */

/** How close a model is to leaving, in a window of days: see
 * anthropic_model_lifecycle(). */
typedef enum anthropic_lifecycle_risk {
  /** Active (or a lifecycle not given), and no retirement date within the
   * window. */
  ANTHROPIC_RISK_NONE = 0,
  /** Deprecated, a lifecycle this library does not know, or a retirement
   * date within the window. */
  ANTHROPIC_RISK_AT_RISK = 1,
  /** Retired: the lifecycle says so, or its retirement date has passed. */
  ANTHROPIC_RISK_RETIRED = 2
} anthropic_lifecycle_risk_t;

/** A model's lifecycle at a given time: see anthropic_model_lifecycle().
 * Fields are only ever added at the end. */
typedef struct anthropic_lifecycle_summary {
  size_t size; /**< set by ANTHROPIC_LIFECYCLE_SUMMARY_INIT */
  /** The model's lifecycle_value moved on by its dates at `now`: RETIRED
   * once retires_at has passed, DEPRECATED once deprecated_at has (for a
   * model that said ACTIVE or UNSET); otherwise as the model says. */
  anthropic_lifecycle_t state;
  anthropic_lifecycle_risk_t risk; /**< the verdict within the window */
  bool retires;                    /**< retires_at is set */
  /** Whole days from `now` to retires_at, rounded down: 20 for exactly
   * twenty days, -1 for an hour past. 0 unless `retires`. */
  int64_t days_to_retirement;
  bool deprecates; /**< deprecated_at is set */
  /** Whole days from `now` to deprecated_at, rounded down (negative once
   * past). 0 unless `deprecates`. */
  int64_t days_to_deprecation;
  /** `state` as text, to print: "active", "deprecated" or "retired"; for
   * ANTHROPIC_LIFECYCLE_OTHER the model's own `lifecycle` as sent (valid
   * as long as the model); NULL for ANTHROPIC_LIFECYCLE_UNSET (print it as
   * null). */
  const char *state_text;
} anthropic_lifecycle_summary_t;

/** Lifecycle summary with `size` set (size, state, risk, retires,
 * days_to_retirement, deprecates, days_to_deprecation, state_text). */
#define ANTHROPIC_LIFECYCLE_SUMMARY_INIT                                       \
  {                                                                            \
    sizeof(anthropic_lifecycle_summary_t), ANTHROPIC_LIFECYCLE_UNSET,          \
        ANTHROPIC_RISK_NONE, false, 0, false, 0, NULL                          \
  }

/** Days a model is "at risk" ahead of its retirement, by default: the
 * CLI's `audit --within`. */
#define ANTHROPIC_LIFECYCLE_WITHIN_DAYS 90

/** Summarise `model`'s lifecycle at `now`: its state, the days to its
 * retirement and deprecation, and whether it is at risk within
 * `within_days` (a retirement on or before now + within_days days). Pure:
 * no clock is read, no memory allocated. For an alias, resolve it first
 * (anthropic_resolve()) and summarise the model it names.
 * \param model a model from a callback or a copy.
 * \param now the time to judge at, in seconds since 1970-01-01T00:00:00Z
 *        (time(NULL) for now).
 * \param within_days the window, in days.
 * \param out where to write, from ANTHROPIC_LIFECYCLE_SUMMARY_INIT; only the
 *        fields out->size covers are written.
 * \return 0, or ANTHROPIC_EINVAL (NULL, or a `size` not set). */
ANTHROPIC_EXTERN int
anthropic_model_lifecycle(const anthropic_model_info_t *model, int64_t now,
                          unsigned within_days,
                          anthropic_lifecycle_summary_t *out);

/** The name of a lifecycle, as the API spells it: "active", "deprecated",
 * "retired"; "unset" for ANTHROPIC_LIFECYCLE_UNSET and "other" for
 * ANTHROPIC_LIFECYCLE_OTHER (the model's own text is in its `lifecycle`).
 * For a summary's `state`, which has no text of its own.
 * \param lifecycle a lifecycle.
 * \return a static string; "unknown" for a value out of range. */
ANTHROPIC_EXTERN const char *
anthropic_lifecycle_name(anthropic_lifecycle_t lifecycle);

/** The name of a risk: "none", "at_risk", "retired".
 * \param risk a risk.
 * \return a static string; "unknown" for a value out of range. */
ANTHROPIC_EXTERN const char *
anthropic_lifecycle_risk_name(anthropic_lifecycle_risk_t risk);

/** What a watch saw: anthropic_watch_event_t.kind. New kinds may be added:
 * ignore one you do not know. */
typedef enum anthropic_watch_event_kind {
  /** The first complete cycle: every model listed, and every alias
   * watched with the model it names, in one event (models, count,
   * aliases, alias_models, aliases_count), to seed the caller's state. */
  ANTHROPIC_WATCH_SNAPSHOT = 1,
  /** A model listed that was not before: model. */
  ANTHROPIC_WATCH_ADDED = 2,
  /** A model no longer listed: previous (its last state). */
  ANTHROPIC_WATCH_REMOVED = 3,
  /** A model's `lifecycle` changed: model, previous. */
  ANTHROPIC_WATCH_LIFECYCLE_CHANGED = 4,
  /** A model's `deprecated_at` was set, changed or cleared: model,
   * previous. */
  ANTHROPIC_WATCH_DEPRECATED_AT_CHANGED = 5,
  /** A model's `retires_at` was set, changed or cleared: model, previous.
   */
  ANTHROPIC_WATCH_RETIRES_AT_CHANGED = 6,
  /** An alias now names another model: alias, model (NULL when it no
   * longer resolves: HTTP 404), previous (NULL when it did not resolve
   * before, or had no answer yet: an alias added after the SNAPSHOT). */
  ANTHROPIC_WATCH_ALIAS_MOVED = 7,
  /** A cycle failed, or an alias's lookup in it: error (and alias, when it
   * was that alias's lookup), failures (cycles in a row with one), next_ms
   * (the backoff). The watch goes on. A failed list (or no memory) fails
   * the whole cycle: this event ends it, and the state stays the last one
   * seen. A failed alias lookup fails that alias only: it keeps the model
   * it named, and the cycle's other changes come before this event, its
   * CYCLE after. */
  ANTHROPIC_WATCH_ERROR = 8,
  /** A cycle completed (after its change events, and the ERROR of an
   * alias that failed): changes, not_modified, next_ms, count. A cycle
   * whose list failed ends with its ERROR instead. */
  ANTHROPIC_WATCH_CYCLE = 9
} anthropic_watch_event_kind_t;

/** One event of a watch: the library's, valid until the callback returns,
 * reached only by pointer (fields are only ever added at the end). A model
 * in it can be kept with anthropic_model_info_copy(). */
typedef struct anthropic_watch_event {
  anthropic_watch_event_kind_t kind; /**< what happened */
  uint64_t cycle;                    /**< 1, 2, ...: the cycle that saw it */
  /** The model as it is now (ADDED, *_CHANGED, ALIAS_MOVED), else NULL. */
  const anthropic_model_info_t *model;
  /** The model as it was (REMOVED, *_CHANGED, ALIAS_MOVED), else NULL. */
  const anthropic_model_info_t *previous;
  /** ALIAS_MOVED, or an ERROR of that alias's lookup: the alias. */
  const char *alias;
  /** SNAPSHOT: every model listed, newest first; CYCLE: NULL. */
  const anthropic_model_info_t *const *models;
  size_t count; /**< SNAPSHOT, CYCLE: models listed */
  /** SNAPSHOT: the aliases watched, and alias_models[i] the model
   * aliases[i] names (NULL when it does not resolve: HTTP 404). */
  const char *const *aliases;
  const anthropic_model_info_t *const *alias_models; /**< see aliases */
  size_t aliases_count; /**< entries in aliases and alias_models */
  /** ERROR: what failed (its kind, status, request id, attempts). */
  const anthropic_error_t *error;
  /** ERROR: cycles failed in a row, this one included. */
  unsigned failures;
  /** ERROR, CYCLE: milliseconds until the next cycle starts (with its
   * jitter; after an error, the backoff). */
  uint64_t next_ms;
  /** CYCLE: change events this cycle delivered (0: nothing moved). */
  size_t changes;
  /** CYCLE: every page of the list came back 304 Not Modified to a
   * conditional request: nothing was parsed. */
  bool not_modified;
} anthropic_watch_event_t;

/** The stable name of an event kind, for logs, JSON and metric labels:
 * "snapshot", "added", "removed", "lifecycle_changed",
 * "deprecated_at_changed", "retires_at_changed", "alias_moved", "error",
 * "cycle".
 * \param kind an event's kind.
 * \return a static string; "unknown" for a value that is no kind. */
ANTHROPIC_EXTERN const char *
anthropic_watch_event_name(anthropic_watch_event_kind_t kind);

/** Called with each event of a watch, from the loop. It may cancel the
 * watch (anthropic_request_cancel()), close the client or start requests.
 * \param ev the event, valid until the callback returns.
 * \param data as given to anthropic_models_watch(). */
typedef void (*anthropic_watch_cb)(const anthropic_watch_event_t *ev,
                                   void *data);

/** The end of a watch, from the loop: no event comes after it.
 * \param err what ended it: ANTHROPIC_ECANCELLED (anthropic_request_cancel()
 *        or the client's close); never NULL.
 * \param data as given to anthropic_models_watch(). */
typedef void (*anthropic_watch_done_cb)(const anthropic_error_t *err,
                                        void *data);

enum {
  /** Watch the beta endpoints (`?beta=true`). */
  ANTHROPIC_WATCH_BETA = 1u << 0,
  /** Leave the client's resolve cache alone. By default each cycle keeps
   * it true: a fresh answer for an alias it looked up replaces the
   * cached one, and a cached entry for a model that changed or is gone
   * is dropped, so a long cache TTL is safe. */
  ANTHROPIC_WATCH_KEEP_CACHE = 1u << 1,
  /** Also watch every alias the client's resolve cache holds a model for
   * (an entry whose key is not the model's id), as it is at each cycle:
   * what a server that resolves aliases for others has served. */
  ANTHROPIC_WATCH_CACHED_ALIASES = 1u << 2,
  /** No jitter: each cycle starts exactly interval_ms after the last
   * ended (for tests). */
  ANTHROPIC_WATCH_NO_JITTER = 1u << 3
};

/** Options of anthropic_models_watch(): start from
 * ANTHROPIC_WATCH_OPTIONS_INIT (`size` rules as for the other option
 * structs: fields are only ever added at the end). Strings and arrays are
 * copied. */
typedef struct anthropic_watch_options {
  size_t size;          /**< sizeof(anthropic_watch_options_t) */
  uint64_t interval_ms; /**< from the end of a cycle to the start of the
                           next. 0: 600000 (10 minutes) */
  unsigned flags;       /**< ANTHROPIC_WATCH_* bits */
  /** Aliases (or ids) to resolve at each cycle, to see them move. */
  const char *const *aliases;
  size_t aliases_count; /**< entries in aliases */
  /** Lifecycles listed, as list's `lifecycle`. None: all three (active,
   * deprecated and retired), so that a retirement is seen as a change of
   * lifecycle, not as a removal. */
  const char *const *lifecycle;
  size_t lifecycle_count; /**< entries in lifecycle */
  /** Per-request options of every request the watch makes (betas,
   * headers, retries, timeouts). NULL: the client's. */
  const anthropic_request_options_t *options;
  /** The delay before the first retry of a failed cycle, doubled with each
   * failure in a row up to max_backoff_ms. 0: 1000. */
  uint64_t backoff_ms;
  /** The longest delay after failures in a row. 0: interval_ms. */
  uint64_t max_backoff_ms;
  /** The most models a cycle keeps: the state holds a copy of each, so a
   * list longer than this (a server gone wrong) fails the cycle with
   * ANTHROPIC_EBADRESPONSE (an ERROR event; the last state stands). 0:
   * 100,000. */
  size_t max_models;
} anthropic_watch_options_t;

/** Watch options with `size` set (size, interval_ms, flags, aliases,
 * aliases_count, lifecycle, lifecycle_count, options, backoff_ms,
 * max_backoff_ms, max_models). */
#define ANTHROPIC_WATCH_OPTIONS_INIT                                           \
  { sizeof(anthropic_watch_options_t), 0, 0u, NULL, 0, NULL, 0, NULL, 0, 0, 0 }

/** Watch the model list, and optionally some aliases, for changes: every
 * interval (jittered by up to 10% either way), walk the whole list (1,000
 * models a page) and resolve the aliases, compare with the last state
 * seen, and call `cb` with each change (see anthropic_watch_event_kind_t).
 * The first complete cycle is one SNAPSHOT event. Pages are asked for
 * conditionally (If-None-Match) when the server gave an ETag, and so is
 * each alias, on the ETag of the model it named: an unchanged page or
 * alias costs a 304 and no parsing. A failed cycle is an ERROR event, not
 * the end: the next try comes after a backoff (backoff_ms doubling up to
 * max_backoff_ms); an alias whose lookup failed fails alone (it keeps the
 * model it named), the rest of its cycle is delivered. Memory is the last state
 * seen: one copy of each model listed and of each alias's model.
 *
 * The watch runs until anthropic_request_cancel() with its id, or the
 * client's close: then `done` runs once (err: ANTHROPIC_ECANCELLED) and no
 * event after it.
 * \param client the client.
 * \param opts interval, aliases, flags; NULL: defaults (every 10 minutes,
 *        the whole list, no alias).
 * \param cb runs once per event, from the loop.
 * \param done runs once at the end, from the loop; may be NULL.
 * \param data passed to `cb` and `done`.
 * \return the watch's id (for anthropic_request_cancel()), or 0 (a bad
 *         option or alias, a closing client, no memory: see
 *         anthropic_client_last_error(); no callback runs). */
ANTHROPIC_EXTERN anthropic_request_id_t anthropic_models_watch(
    anthropic_client_t *client, const anthropic_watch_options_t *opts,
    anthropic_watch_cb cb, anthropic_watch_done_cb done, void *data);

/** Add an alias (copied) to a running watch: it is resolved from the next
 * cycle on; the first answer is an ALIAS_MOVED event with no `previous`
 * (after the SNAPSHOT; before it, the alias is in the SNAPSHOT).
 * \param client the watch's client.
 * \param id the watch, from anthropic_models_watch().
 * \param alias a model id or alias, as retrieve takes.
 * \return 0 (also when it is watched already), or EINVAL (an invalid
 *         alias, no such watch) or ENOMEM. */
ANTHROPIC_EXTERN int anthropic_models_watch_alias(anthropic_client_t *client,
                                                  anthropic_request_id_t id,
                                                  const char *alias);
/** @} */

#ifdef __cplusplus
}
#endif
#endif /* ANTHROPIC_H */
