/* fake_server.c - see fake_server.h. */
#include "fake_server.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int fake_server_start(fake_server_t *s) {
  return fake_server_start_args(s, NULL);
}

int fake_server_start_args(fake_server_t *s, const char *const *args) {
  const char *node = getenv("NODE");
  const char *script = getenv("FAKE_API_SERVER");
  return fake_server_spawn(s, node ? node : "node",
                           script ? script : "test/fake-api/server.js", args);
}

/* Run a program to its end with no input or output; 0 if it exited 0. */
static int run_quiet(const char *const *argv) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    execvp(argv[0], (char *const *)argv);
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void cert_remove(fake_server_t *s) {
  char p[sizeof s->cert_dir + 16];
  if (s->cert_dir[0] == '\0')
    return;
  snprintf(p, sizeof p, "%s/key.pem", s->cert_dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/cert.pem", s->cert_dir);
  unlink(p);
  rmdir(s->cert_dir);
  s->cert_dir[0] = '\0';
  s->ca_file[0] = '\0';
}

/* A key and a self-signed certificate made for this run only, so no key
 * lives in the repository and none outlives the test. */
static int cert_make(fake_server_t *s) {
  const char *tmp = getenv("TMPDIR");
  char key[sizeof s->cert_dir + 16];
  snprintf(s->cert_dir, sizeof s->cert_dir, "%s/anthropic-fake-tls-XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (mkdtemp(s->cert_dir) == NULL) {
    fprintf(stderr, "mkdtemp %s: %s\n", s->cert_dir, strerror(errno));
    s->cert_dir[0] = '\0';
    return -1;
  }
  snprintf(key, sizeof key, "%s/key.pem", s->cert_dir);
  snprintf(s->ca_file, sizeof s->ca_file, "%s/cert.pem", s->cert_dir);
  const char *argv[] = {"openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "ec",
                        "-pkeyopt",
                        "ec_paramgen_curve:prime256v1",
                        "-nodes",
                        "-days",
                        "1",
                        "-subj",
                        "/CN=localhost",
                        "-addext",
                        "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout",
                        key,
                        "-out",
                        s->ca_file,
                        NULL};
  if (run_quiet(argv) != 0) {
    fprintf(stderr, "openssl could not make a test certificate (is the "
                    "openssl CLI installed? scripts/install-deps.sh)\n");
    cert_remove(s);
    return -1;
  }
  return 0;
}

int fake_server_spawn(fake_server_t *s, const char *node, const char *script,
                      const char *const *args) {
  int in[2], out[2];
  int tls = 0;
  memset(s, 0, sizeof *s);
  for (size_t i = 0; args != NULL && args[i] != NULL; i++) {
    if (strcmp(args[i], "--h2c") == 0)
      s->h2c = 1;
    tls |= strcmp(args[i], "--tls") == 0;
  }
  if (tls && cert_make(s) != 0)
    return -1;
  if (pipe(in) != 0 || pipe(out) != 0) {
    cert_remove(s);
    return -1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    cert_remove(s);
    return -1;
  }
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    const char *argv[18] = {node, script};
    size_t n = 2;
    for (; args != NULL && args[n - 2] != NULL && n < 15; n++)
      argv[n] = args[n - 2];
    if (tls) {
      argv[n++] = "--cert-dir";
      argv[n++] = s->cert_dir;
    }
    argv[n] = NULL;
    execvp(node, (char *const *)argv);
    fprintf(stderr, "cannot run %s: %s\n", node, strerror(errno));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  fcntl(in[1], F_SETFD, FD_CLOEXEC); /* not inherited by later children */
  s->pid = pid;
  s->stdin_fd = in[1];
  char line[256];
  size_t n = 0;
  while (n < sizeof line - 1) {
    ssize_t r = read(out[0], line + n, 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0 || line[n] == '\n')
      break;
    n++;
  }
  line[n] = '\0';
  close(out[0]);
  const char *p = strncmp(line, "listening ", 10) == 0 ? line + 10 : NULL;
  if (p == NULL || strlen(p) >= sizeof s->url) {
    fprintf(stderr, "fake server did not start: \"%s\"\n", line);
    fake_server_stop(s);
    return -1;
  }
  strcpy(s->url, p);
  return 0;
}

int fake_server_stop(fake_server_t *s) {
  int status = -1;
  if (s->pid <= 0) {
    cert_remove(s);
    return -1;
  }
  close(s->stdin_fd);
  kill(s->pid, SIGTERM);
  while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
    ;
  s->pid = 0;
  cert_remove(s);
  return status;
}

static size_t collect(char *p, size_t size, size_t n, void *ud) {
  char **buf = ud;
  size_t old = *buf ? strlen(*buf) : 0;
  char *b = realloc(*buf, old + size * n + 1);
  if (b == NULL)
    return 0;
  memcpy(b + old, p, size * n);
  b[old + size * n] = '\0';
  *buf = b;
  return size * n;
}

static char *request(const fake_server_t *s, const char *path,
                     const char *post) {
  char url[512];
  char *body = NULL;
  snprintf(url, sizeof url, "%s%s", s->url, path);
  CURL *e = curl_easy_init();
  if (e == NULL)
    return NULL;
  struct curl_slist *h =
      curl_slist_append(NULL, "content-type: application/json");
  curl_easy_setopt(e, CURLOPT_URL, url);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
  if (strncmp(s->url, "https:", 6) == 0)
    curl_easy_setopt(e, CURLOPT_CAINFO, s->ca_file);
  if (s->h2c)
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                     (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
  if (post != NULL)
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, post);
  CURLcode rc = curl_easy_perform(e);
  curl_easy_cleanup(e);
  curl_slist_free_all(h);
  if (rc != CURLE_OK) {
    free(body);
    return NULL;
  }
  if (body == NULL)
    body = calloc(1, 1);
  return body;
}

char *fake_get(const fake_server_t *s, const char *path) {
  return request(s, path, NULL);
}

char *fake_post(const fake_server_t *s, const char *path, const char *json) {
  return request(s, path, json);
}

void fake_reset(const fake_server_t *s) {
  char *b = fake_post(s, "/_fake/reset", "{}");
  if (b == NULL) {
    fprintf(stderr, "fake server reset failed\n");
    abort();
  }
  free(b);
}

int fake_request_count(const fake_server_t *s) {
  char *b = fake_get(s, "/_fake/requests");
  cJSON *j = b ? cJSON_Parse(b) : NULL;
  int n = cJSON_IsArray(j) ? cJSON_GetArraySize(j) : -1;
  cJSON_Delete(j);
  free(b);
  return n;
}
