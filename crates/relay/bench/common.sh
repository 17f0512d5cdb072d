# shellcheck shell=bash
# Shared by bench.sh and callgrind.sh, which source it (it is not run on its own): both build the
# relay, start loopback servers and compare the relay with nginx, so the steps they share and the
# nginx configuration (the same proxying in both measurements) are written once here.
# Expects ROOT (the workspace root, the current directory) and, for write_nginx_conf, WORK and
# ORIGIN to be set by the script.

# require_tools HINT TOOL...: exits naming the first missing tool and how to install it.
require_tools() {
  local hint=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing $tool ($hint)"; exit 1; }
  done
}

# build_release EXAMPLE...: builds the relay binary and these examples (release); sets TARGET,
# and RELAY_BIN unless the caller gave one (to measure another build).
build_release() {
  local args=() example
  for example in "$@"; do args+=(--example "$example"); done
  echo "== building (release)"
  cargo build --release -q -p wanedit-relay --bin wanedit-relay "${args[@]}"
  TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
  # shellcheck disable=SC2034 # read by the sourcing script
  RELAY_BIN=${RELAY_BIN:-$TARGET/release/wanedit-relay}
}

# free_port: prints a loopback TCP port nothing listens on.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_line FILE PATTERN: waits up to 10 s for a line of FILE matching PATTERN (a server
# announcing its address); exits if none comes.
wait_line() { for _ in $(seq 100); do grep -qs "$2" "$1" && return 0; sleep 0.1; done; echo "no $2 in $1"; exit 1; }

# write_nginx_conf PROCESS PORT EXTRA_LOCATION NAME=BASE...: writes $WORK/nginx.conf, nginx set
# up to proxy like the relay: /NAME/... to BASE over keep-alive connections, cookies dropped,
# redirects passed through, CORS headers for $ORIGIN only, no access log. PROCESS holds the
# process-model directives (one line each), EXTRA_LOCATION one more location block or "". The
# pid file, logs and temp files stay under $WORK.
write_nginx_conf() {
  local process=$1 port=$2 extra=$3 pair base
  shift 3
  mkdir -p "$WORK/nginx"
  {
    cat <<CONF
$process
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  map \$http_origin \$cors_origin { default ""; "$ORIGIN" \$http_origin; }
CONF
    for pair in "$@"; do
      base=${pair#*=}
      echo "  upstream ${pair%%=*} { server ${base#http://}; keepalive 64; }"
    done
    cat <<CONF
  server {
    listen 127.0.0.1:$port;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Cookie "";
    proxy_redirect off;
    add_header Access-Control-Allow-Origin \$cors_origin always;
    add_header Vary Origin always;
CONF
    if [ -n "$extra" ]; then echo "    $extra"; fi
    for pair in "$@"; do
      echo "    location /${pair%%=*}/ { proxy_pass http://${pair%%=*}/; }"
    done
    echo "  }"
    echo "}"
  } >"$WORK/nginx.conf"
}
