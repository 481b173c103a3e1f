# Sourced by bench/load/run.sh and bench/load/journeys.sh (after .ci/lib.sh): the binary, the
# output folder and a fresh `serve --demo` with a random service token, on SQLite or, when
# PG_URL is set, in a fresh PostgreSQL schema.

# load_setup SCHEMA_PREFIX: sets TRUSTDESK_BIN (a release build, built here, unless given), OUT,
# TOKEN, engine (sqlite or postgres) and, for PostgreSQL, schema; cleans up on exit.
load_setup() {
  if [[ -z "${TRUSTDESK_BIN:-}" ]]; then
    swift build -c release --product trustdesk >/dev/null
    TRUSTDESK_BIN="$(swift build -c release --show-bin-path)/trustdesk"
  fi
  ci_tmp_init
  OUT="${OUT:-$CI_TMP}"
  mkdir -p "$OUT"
  trap 'server_stop_all; [[ -z "${CI_KEEP_TMP:-}" ]] && rm -rf "$CI_TMP"' EXIT
  TOKEN="load-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  engine=sqlite
  LOAD_SERVER_ENV=()
  if [[ -n "${PG_URL:-}" ]]; then
    engine=postgres
    schema="$1_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    LOAD_SERVER_ENV=(DATABASE_URL="$PG_URL" TRUSTDESK_DATABASE_SCHEMA="$schema" TRUSTDESK_SECRET_KEY="load-secret-key-0123456789abcdef0123")
  fi
}

# load_server_start NAME FIRST_PORT: starts the server as NAME-ENGINE on a free port from FIRST_PORT.
load_server_start() {
  local port
  port="$(free_port "$2")"
  server_start "$1-$engine" "$port" TRUSTDESK_SERVICE_TOKEN="$TOKEN" LOG_LEVEL=warning "${LOAD_SERVER_ENV[@]}"
}
