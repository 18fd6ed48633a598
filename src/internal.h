/* internal.h - what the library's files share. Not installed. */
#ifndef ANTHROPIC_INTERNAL_H
#define ANTHROPIC_INTERNAL_H

#include "anthropic.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdatomic.h>

#define ANTH_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ANTH_ERRMSG_MAX 256

/* ---- alloc.c: every allocation of the library goes through these. ---- */
void *anth__malloc(size_t size);
void *anth__calloc(size_t count, size_t size);
void *anth__realloc(void *ptr, size_t size);
void anth__free(void *ptr);
char *anth__strdup(const char *s);
/* Route the four through these (anthropic_replace_allocator, in
 * client.c, also hooks cJSON and libcurl to them). */
void anth__alloc_set(anthropic_malloc_func m, anthropic_realloc_func r,
                     anthropic_calloc_func c, anthropic_free_func f);
char *anth__strndup(const char *s, size_t n);
/* Per thread: a loop runs on one thread, and so does everything that
 * allocates for it. Only the count of clients is shared (it guards
 * anthropic_replace_allocator()). */
extern _Thread_local unsigned long anth__alloc_failures;
enum { ANTH_ALLOC_LIBRARY, ANTH_ALLOC_CJSON, ANTH_ALLOC_CURL };
extern _Thread_local int anth__alloc_source;
extern atomic_ulong anth__clients_alive;
/* Non-zero while an allocator function runs (on this thread): the library
 * is mid-change then, so calls into it from there are refused. */
extern _Thread_local int anth__in_alloc;

/* ---- buf.c: a growable byte buffer, always NUL-terminated once used. ---- */
typedef struct anth_buf {
  char *data;
  size_t len;
  size_t cap;
} anth_buf_t;

int anth__buf_reserve(anth_buf_t *b, size_t extra);
int anth__buf_append(anth_buf_t *b, const void *p, size_t n);
int anth__buf_appends(anth_buf_t *b, const char *s);
int anth__buf_appendf(anth_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void anth__buf_free(anth_buf_t *b);

/* Write a printf-style message into a fixed buffer (NULL/0 allowed). */
void anth__errf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The 64-bit FNV-1a hash of a string: the library's hash tables' and the
 * walk's cursor set's. */
uint64_t anth__str_hash(const char *s);

/* ---- url.c: pure URL building. Each returns 0 or ANTHROPIC_EINVAL /
 * ANTHROPIC_ENOMEM with a message in err. ---- */
int anth__base_url_normalize(const char *url, char **out, char *err,
                             size_t errlen);
/* Whether a normalised base URL is plain http:// to a host other than
 * loopback (127.0.0.0/8, ::1, localhost): 1 with the host (port left
 * out) copied into `host`, else 0. */
int anth__url_cleartext_host(const char *base, char *host, size_t hostlen);
/* A proxy URL: scheme://host[:port][/], scheme one libcurl 7.88 takes for
 * a proxy, no user name or password. "" is valid (no proxy). */
int anth__proxy_url_check(const char *url, char *err, size_t errlen);
int anth__model_id_check(const char *id, char *err, size_t errlen);
int anth__url_retrieve(anth_buf_t *out, const char *base, const char *model_id,
                       bool beta, const anthropic_request_options_t *options,
                       char *err, size_t errlen);
/* Validate list parameters and write the query without its cursor into
 * `tail`: limit, lifecycle[], beta, the options' extra parameters. */
int anth__list_query(anth_buf_t *tail, const anthropic_models_list_params_t *p,
                     bool beta, char *err, size_t errlen);
/* base/v1/models?[cursor=value&]tail; cursor NULL for none. */
int anth__url_list_page(anth_buf_t *out, const char *base, const char *cursor,
                        const char *value, const anth_buf_t *tail);
/* The first page's URL into `out` (cursor from the params), its query
 * without the cursor into `tail` (for the pages after it). */
int anth__url_list_first(anth_buf_t *out, anth_buf_t *tail, const char *base,
                         const anthropic_models_list_params_t *p, bool beta,
                         char *err, size_t errlen);
/* The whole first-page URL of a (non-beta) list. */
int anth__url_list(anth_buf_t *out, const char *base,
                   const anthropic_models_list_params_t *params, char *err,
                   size_t errlen);
int anth__lifecycle_check(const char *stage);
int anth__pct_encode(anth_buf_t *out, const char *s, size_t n);

/* ---- headers.c: pure header validation and line building. ---- */
typedef struct anth_header_config {
  const char *api_key;    /* NULL or "" : not sent */
  const char *auth_token; /* NULL or "" : not sent */
  const char *version;    /* anthropic-version */
  const char *user_agent;
  const char *custom_env;   /* ANTHROPIC_CUSTOM_HEADERS text, or NULL */
  const char *const *extra; /* "Name: value" lines */
  size_t extra_count;
  const char *const *betas; /* joined into one anthropic-beta header */
  size_t betas_count;
} anth_header_config_t;

int anth__header_value_ok(const char *value);
/* Parse one "Name: value" line (no line break inside) into `out` as
 * "Name: value" with the value trimmed. */
int anth__header_line(const char *line, size_t len, anth_buf_t *out, char *err,
                      size_t errlen);
/* Header lines, "Name: value", in the order they go out (the transport
 * turns them into libcurl's list). */
typedef struct anth_line {
  char *data;
  struct anth_line *next;
} anth_line_t;
void anth__lines_free(anth_line_t *l);
/* The client's lines: credentials, version, accept, user agent, betas,
 * ANTHROPIC_CUSTOM_HEADERS, then its own headers (which replace earlier
 * lines of the same name). */
int anth__headers_build(const anth_header_config_t *cfg, anth_line_t **out,
                        char *err, size_t errlen);
/* A request's own list: the client's lines, its betas merged into
 * anthropic-beta, anthropic-workspace-id, then its headers (which replace
 * client headers of the same name). */
int anth__headers_for_request(const anth_line_t *client,
                              const anthropic_request_options_t *o,
                              anth_line_t **out, char *err, size_t errlen);

/* ---- parse.c: the capability table, ANTHROPIC_CAPABILITY_MAP as data ----
 * One row for each row of the map, in its order: what parse.c, tojson.c
 * and the tests walk. A row's field is at `offset` in the struct `strct`
 * (ANTH_CAPS_*) of a model; a GROUP or OBJECT row holds the rows whose
 * `parent` is its `own` (ANTH_CAPC_*). The tree is walked depth first,
 * each object's rows in the map's order. */
typedef enum anth_cap_kind {
  ANTH_CAP_FIELD,
  ANTH_CAP_GROUP,
  ANTH_CAP_OBJECT,
  ANTH_CAP_PATH
} anth_cap_kind_t;

/* The objects that hold rows: "capabilities", then each GROUP and OBJECT
 * row (their names are unique: a second one fails to compile). */
#define ANTH__CAP_CONTAINER(parent, name, path, kind)                          \
  ANTH__CAP_CONTAINER_##kind(name)
#define ANTH__CAP_CONTAINER_GROUP(name) ANTH_CAPC_##name,
#define ANTH__CAP_CONTAINER_OBJECT(name) ANTH_CAPC_##name,
#define ANTH__CAP_CONTAINER_FIELD(name)
#define ANTH__CAP_CONTAINER_PATH(name)
enum {
  ANTH_CAPC_capabilities,
  ANTHROPIC_CAPABILITY_MAP(ANTH__CAP_CONTAINER) ANTH_CAPC_COUNT
};

/* The structs that hold fields: anthropic_capabilities_t, then one for
 * each GROUP row of the top level. */
#define ANTH__CAP_STRUCT(parent, name, path, kind) ANTH__CAP_STRUCT_##kind(name)
#define ANTH__CAP_STRUCT_GROUP(name) ANTH_CAPS_##name,
#define ANTH__CAP_STRUCT_FIELD(name)
#define ANTH__CAP_STRUCT_OBJECT(name)
#define ANTH__CAP_STRUCT_PATH(name)
enum {
  ANTH_CAPS_capabilities,
  ANTHROPIC_CAPABILITIES_MAP(ANTH__CAP_STRUCT) ANTH_CAPS_COUNT
};

/* Each row's index in anth__caps. */
#define ANTH__CAP_ROW(parent, name, path, kind) ANTH_CAPR_##parent##_##name,
enum { ANTHROPIC_CAPABILITY_MAP(ANTH__CAP_ROW) ANTH_CAP_ROWS };

typedef struct anth_cap_row {
  const char *key;       /* its key in the JSON */
  const char *comma_key; /* ,"key": (the key as the writer puts it) */
  const char *path;      /* under "capabilities" */
  unsigned char comma_key_len;
  unsigned char kind;    /* anth_cap_kind_t */
  unsigned char parent;  /* the ANTH_CAPC_ that holds it */
  unsigned char own;     /* GROUP, OBJECT: its own ANTH_CAPC_ */
  unsigned char strct;   /* the ANTH_CAPS_ its field is in */
  unsigned char group;   /* GROUP: its own struct's ANTH_CAPS_ */
  unsigned short offset; /* of its field in that struct (not PATH) */
} anth_cap_row_t;
extern const anth_cap_row_t anth__caps[ANTH_CAP_ROWS];
/* The struct of each ANTH_CAPS_ of `c` (out[ANTH_CAPS_COUNT]), where the
 * offsets of anth__caps count from. */
void anth__caps_structs(const anthropic_capabilities_t *c, const char **out);
/* tojson.c: anthropic_model_info_json() with the capabilities of `rows`
 * (n of them, a table shaped as anth__caps is: the rows of each struct
 * in one run) rather than anth__caps. */
char *anth__model_json(const anthropic_model_info_t *model,
                       const anth_cap_row_t *rows, size_t n);

/* ---- parse.c: ModelInfo and pages straight from the body. ---- */
/* Parse a whole retrieve body. On success *arena (free with anth__free)
 * holds every string of *out, and out->json_text points into `body`. */
/* A model as the library keeps it: the public struct and the parts it
 * points to (public callers reach them only by pointer, so each can grow
 * at its end). Its pointers are set by anth__model_link(). */
/* One struct for each GROUP row of the top level. */
#define ANTH__CAP_GROUP_STRUCT(parent, name, path, kind)                       \
  ANTH__CAP_GROUP_STRUCT_##kind(name)
#define ANTH__CAP_GROUP_STRUCT_GROUP(name) anthropic_##name##_capability_t name;
#define ANTH__CAP_GROUP_STRUCT_FIELD(name)
#define ANTH__CAP_GROUP_STRUCT_OBJECT(name)
#define ANTH__CAP_GROUP_STRUCT_PATH(name)
typedef struct anth_model {
  anthropic_model_info_t info; /* first: &m->info is what callers get */
  anthropic_capabilities_t caps;
  ANTHROPIC_CAPABILITIES_MAP(ANTH__CAP_GROUP_STRUCT)
} anth_model_t;
void anth__model_link(anth_model_t *m);
int anth__parse_model(const char *body, size_t len, char **arena,
                      anth_model_t *out, char *err, size_t errlen);
/* Check a whole body as anth__parse_model would, up to its top-level
 * shape (an object with a string "id"), building nothing: *text and
 * *text_len, the object's bytes in `body`, on success. */
int anth__parse_model_json(const char *body, size_t len, const char **text,
                           size_t *text_len, char *err, size_t errlen);
/* Parse a whole page body. *items (one block: the count models, then the
 * page's pointers to them) is allocated with anth__malloc unless the page
 * is empty; *arena as above. */
int anth__parse_page(const char *body, size_t len, char **arena,
                     anthropic_models_page_t *page, void **items, char *err,
                     size_t errlen);
/* The same three as read before the single walk (each object of the body
 * scanned for its members): what the walk falls back on for its error
 * messages and for rare bodies, and what the fuzzers compare it with. */
int anth__parse_model_ref(const char *body, size_t len, char **arena,
                          anth_model_t *out, char *err, size_t errlen);
int anth__parse_model_json_ref(const char *body, size_t len, const char **text,
                               size_t *text_len, char *err, size_t errlen);
int anth__parse_page_ref(const char *body, size_t len, char **arena,
                         anthropic_models_page_t *page, void **items, char *err,
                         size_t errlen);

/* ---- model.c: error bodies, copies. ---- */
/* Read an API error body. Fields the body lacks stay NULL; returns 0 when
 * the body was a JSON error object, -1 otherwise (HTML, empty, ...). */
int anth__parse_error_body(const char *body, size_t len, cJSON **root,
                           const char **type, const char **message,
                           const char **request_id);
cJSON *anth__json_parse(const char *body, size_t len);
/* Whether `body` opens a JSON object or array that it never closes (strings
 * and their escapes skipped): a body cut short, where no Content-Length
 * can tell. Cheap: one pass, no allocation. */
bool anth__json_cut_short(const char *body, size_t len);
/* The completeness check of an endpoint whose answers are JSON objects or
 * arrays (anth_endpoint_t.whole): false, with `msg` set, when
 * anth__json_cut_short says the body was cut. */
bool anth__json_body_whole(const char *body, size_t len, char *msg,
                           size_t msglen);

/* ---- json.c: what cJSON would change or let through, and its cost. ---- */
/* A parsed result may take at most FACTOR times its body plus SLACK bytes:
 * real pages take about 7 times (tree and items), a page of 1000 minimal
 * models about 14; "[0,0,..." would take 40. */
#define ANTH_JSON_MEM_FACTOR 16
#define ANTH_JSON_MEM_SLACK ((size_t)1 << 20)
/* The most items a page holds: the API's largest `limit`. */
#define ANTH_PAGE_MAX_ITEMS 1000

typedef struct anth_json_scan {
  size_t values;     /* cJSON nodes the body makes (at most) */
  size_t strings;    /* keys and string values */
  size_t data_items; /* elements of the top-level "data" array (at most) */
} anth_json_scan_t;

/* One pass over a body: every string must be UTF-8 without overlong forms,
 * surrogates or code points past U+10FFFF, without raw control bytes, and
 * without escapes that cJSON would turn into a NUL (cutting the string) or
 * that leave a surrogate unpaired. 0 with *scan filled, or
 * ANTHROPIC_EBADRESPONSE with a message naming the first problem and its
 * byte offset. */
/* The code unit of "\uXXXX" at p (n bytes available), or -1. */
long anth__json_u_escape(const unsigned char *p, size_t n);
/* For a parser that checks strings as it reads them: the length of the
 * well-formed UTF-8 sequence at p (p[0] >= 0x80), and of the escape at p
 * (p[0] == '\\'), or 0 where anth__json_check would report an error. */
size_t anth__json_utf8_len(const unsigned char *p, size_t n);
size_t anth__json_escape_len(const unsigned char *p, size_t n);
int anth__json_check(const char *body, size_t len, anth_json_scan_t *scan,
                     char *err, size_t errlen);
/* The bytes cJSON's tree of a scanned body takes (about; saturating), and
 * the most a body of `len` bytes may take. */
size_t anth__json_cost(const anth_json_scan_t *scan, size_t len);
size_t anth__json_budget(size_t len);

/* ---- rfc3339.c ---- */
int anth__rfc3339_parse(const char *s, int64_t *unix_seconds,
                        int32_t *nanoseconds);

/* ---- log.c: what a log line may carry. ---- */
const char *anth__log_level_name(int level);
/* "off", "error", "warn" (or "warning"), "info", "debug", any case; -1
 * for anything else. */
int anth__log_level_parse(const char *s);
void anth__printable_ascii(char *s);
bool anth__name_is_secret(const char *name, size_t n);
/* `url` with userinfo and the values of query parameters whose names
 * look like credentials replaced by "***", cut to cap - 1 bytes. */
void anth__redact_url(const char *url, char *out, size_t cap);
/* A "Name: value" line, its value "***" when the name looks like a
 * credential (x-api-key, authorization, cookie, *token*, ...). */
void anth__redact_header(const char *line, char *out, size_t cap);

/* ---- options.c ---- */
/* The caller's option struct `src`, which starts with its size, read into
 * `dst` (the library's struct, dst_size bytes): fields the caller's struct
 * lacks are 0. EINVAL (err set, naming `what`) when its size is not set,
 * or when it sets fields past the end of the library's. */
int anth__opts_take(void *dst, size_t dst_size, const void *src,
                    const char *what, char *err, size_t errlen);
/* The library's struct `src` (src_size bytes, starting with its size)
 * written into the caller's `dst`, which starts with its own: only the
 * bytes dst's size covers, its size kept, any bytes past src_size zeroed
 * (a newer header's fields this library does not fill). EINVAL when
 * dst's size is not set. */
int anth__opts_give(void *dst, const void *src, size_t src_size);

/* ---- retry.c: pure retry policy. ---- */
/* Whether a failed attempt is worth another: x-should-retry first (on API
 * errors), then 408/409/429/5xx, then connection errors and timeouts. */
bool anth__retry_should(const char *x_should_retry, long status,
                        anthropic_errkind_t kind);
/* The delay the server asked for, from retry-after-ms (float ms), else
 * retry-after (float seconds, or an HTTP date relative to now_unix_ms).
 * -1 when neither says anything usable. */
int64_t anth__retry_after_ms(const char *retry_after_ms,
                             const char *retry_after, int64_t now_unix_ms);
/* The server's delay when 0 < it <= cap_ms, else min(0.5 * 2^n, 8) s
 * shrunk by up to 25% (unit_random in [0, 1)). */
uint64_t anth__retry_delay_ms(int64_t server_ms, uint64_t cap_ms,
                              int retries_done, double unit_random);
int anth__http_date_parse(const char *s, int64_t *unix_seconds);
/* A timeout option: 0 means `dflt`; past LONG_MAX is clamped. */
long anth__ms_option(uint64_t v, long dflt);
/* A max_retries option: ANTHROPIC_RETRIES_DEFAULT means `dflt`. */
int anth__retries_option(int v, int dflt);

/* ---- pager.c: a walk's pure rules (see anthropic_models_list_all). ---- */
/* The cursor that leads to the page after `page` (last_id walking forward,
 * first_id backward), or NULL when there is none (no more pages, an empty
 * page, or no cursor). */
const char *anth__pager_next(const anthropic_models_page_t *page,
                             bool backward);
/* The page's own cursor in the walk's direction, has_more or not (NULL for
 * an empty page): a page whose cursor the walk followed before repeats
 * what it handed over. */
const char *anth__pager_cursor(const anthropic_models_page_t *page,
                               bool backward);
/* The cursors a walk followed (as hashes) and the pages it asked for past
 * the first. Zeroed is empty; anth__pager_free() empties it again. */
typedef struct anth_pager {
  uint64_t *slots; /* open addressing, at most half full; 0: empty */
  size_t cap, used;
  size_t pages;
} anth_pager_t;
enum { ANTH_PAGER_LIMIT = 1 };
/* Whether the walk followed `cursor` already (false for NULL). */
bool anth__pager_seen(const anth_pager_t *p, const char *cursor);
/* The walk follows `cursor` to its next page: 0, or ANTH_PAGER_LIMIT when
 * that page would be past ANTHROPIC_WALK_MAX_PAGES, or ANTHROPIC_ENOMEM. */
int anth__pager_follow(anth_pager_t *p, const char *cursor);
void anth__pager_free(anth_pager_t *p);

/* ---- error.c ---- */
const char *anth__http_reason(long status);

#endif
