#!/usr/bin/env bash
# nginx.sh - nginx (Debian's package) serving the Models API as static
# files on loopback, for the benchmarks: one cleartext HTTP/1.1 server and
# one HTTP/2 + TLS server (a self-signed certificate made now with the
# openssl CLI), both on free ports, run as the current user from DIR alone.
#
#   bench/nginx.sh start DIR [IDS]   write DIR, start nginx, print
#                                    "http URL", "https URL" and "cert FILE"
#   bench/nginx.sh stop DIR
#
# GET /v1/models/bench-model-NNNNNN (NNNNNN < IDS, default 20000) answers
# that model's ModelInfo (about 1 KB, the shape of the fake API's newest
# model); any other id answers the same body for bench-model-any, so a
# million distinct ids need no million files. GET /v1/models?limit=20
# [&after_id=ID] walks a catalogue of the first 1,000 of those models,
# newest first, 20 a page. Keep-alive and HTTP/2 streams are not capped
# low: a connection serves a whole run.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || {
  echo "usage: $0 start|stop DIR [IDS]" >&2
  exit 2
}
here=$(cd "$(dirname "$0")" && pwd)

if [ "$cmd" = stop ]; then
  [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
  exit 0
fi
[ "$cmd" = start ] || { echo "$0: unknown command '$cmd'" >&2; exit 2; }

ids=${3:-20000}
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || {
  echo "$0: nginx is not installed (scripts/install-deps.sh bench)" >&2
  exit 1
}
mkdir -p "$dir/www/v1/models" "$dir/www/pages" "$dir/tmp"
dir=$(cd "$dir" && pwd)

# Two free ports, from the kernel.
read -r port1 port2 < <(node -e '
  const net = require("net"); const ports = [];
  const next = () => { const s = net.createServer().listen(0, "127.0.0.1", () => {
    ports.push(s.address().port); s.close();
    if (ports.length < 2) next(); else console.log(ports.join(" ")); }); };
  next();')

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$dir/key.pem" \
  -out "$dir/cert.pem" 2>/dev/null

node "$here/nginx-files.js" "$dir/www" "$ids"

# Workers run as whoever runs this (root's workers would otherwise be
# "nobody", who cannot read a private temporary directory).
cat > "$dir/nginx.conf" <<EOF
user $(id -un) $(id -gn);
worker_processes 1;
daemon on;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  default_type application/json;
  types { }
  etag off;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  http2_max_concurrent_streams 1000;
  ssl_certificate $dir/cert.pem;
  ssl_certificate_key $dir/key.pem;
  root $dir/www;
  server {
    listen 127.0.0.1:$port1;
    include $dir/locations.conf;
  }
  server {
    listen 127.0.0.1:$port2 ssl http2;
    include $dir/locations.conf;
  }
}
EOF
cat > "$dir/locations.conf" <<'EOF'
location /v1/models/ {
  try_files $uri.json /v1/models/bench-model-any;
}
location = /v1/models {
  if ($arg_after_id = "") {
    rewrite ^ /pages/first-$arg_limit.json last;
  }
  rewrite ^ /pages/after-$arg_after_id-$arg_limit.json last;
}
location /pages/ {
  internal;
}
EOF
"$nginx_bin" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
echo "http http://127.0.0.1:$port1"
echo "https https://127.0.0.1:$port2"
echo "cert $dir/cert.pem"
