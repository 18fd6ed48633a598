/* fake_server.h - start the fake Models API (test/fake-api/server.js) for a
 * test program, and talk to its control routes. Blocking on purpose: the
 * server is another process, so the test's own loop stays untouched. */
#ifndef FAKE_SERVER_H
#define FAKE_SERVER_H

#include <sys/types.h>

typedef struct fake_server {
  pid_t pid;
  int stdin_fd;  /* closing it makes the server exit */
  char url[128]; /* "http://127.0.0.1:PORT" */
  int h2c;       /* started with --h2c: speaks HTTP/2 only */
  /* With --tls: a throwaway self-signed certificate for 127.0.0.1 and
   * localhost, made with the openssl CLI into a fresh temporary directory
   * (given to the server as --cert-dir, removed by fake_server_stop);
   * clients take ca_file as their CA bundle. Empty otherwise. */
  char cert_dir[512];
  char ca_file[1024];
} fake_server_t;

/* Paths come from the environment set by meson: NODE, FAKE_API_SERVER
 * (else "node" on the PATH and test/fake-api/server.js). */
int fake_server_start(fake_server_t *s);
/* The same with extra server arguments (NULL-terminated), e.g. "--h2c". */
int fake_server_start_args(fake_server_t *s, const char *const *args);
/* With explicit paths and extra arguments (NULL-terminated or NULL). */
int fake_server_spawn(fake_server_t *s, const char *node, const char *script,
                      const char *const *args);
/* Stop it; its wait status, or -1 if it was not running. */
int fake_server_stop(fake_server_t *s);

/* GET/POST a control route; returns the body (malloc'd) or NULL. */
char *fake_get(const fake_server_t *s, const char *path);
char *fake_post(const fake_server_t *s, const char *path, const char *json);

/* POST /_fake/reset; aborts the test on failure. */
void fake_reset(const fake_server_t *s);
/* Number of API requests the server saw (from /_fake/requests). */
int fake_request_count(const fake_server_t *s);

#endif
