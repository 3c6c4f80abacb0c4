#!/usr/bin/env bash
# The production images' contents, checked without Docker: `pnpm build`, then each service's
# `pnpm deploy --prod` tree (what the Dockerfile copies into its runtime image), started with
# `node dist/...` as the images start it (NODE_ENV=production, the ghl-bridge-dist condition)
# against the local PostgreSQL and Redis and the sandbox. Prints the trees' sizes, checks
# /readyz, one calendar lookup through the worker and /docs, then stops everything and cleans up.
# Usage: scripts/check-runtime.sh   (PostgreSQL and Redis at 127.0.0.1, as for npm test)
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp -d /tmp/ghl-bridge-runtime.XXXXXX)
name="runtime_check_$$"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -qc "drop database if exists $name with (force)" postgres >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 --scan --pattern "$name:*" | xargs -r redis-cli -h 127.0.0.1 unlink >/dev/null || true
  rm -rf "$out"
}
trap cleanup EXIT

pnpm build --output-logs=errors-only
for service in ingress worker ghl-sandbox; do
  pnpm --filter "@ghl-bridge/$service" deploy --prod "$out/$service" >/dev/null
done

echo "Runtime trees (apparent size, what the images copy):"
for service in ingress worker ghl-sandbox; do
  (cd "$out/$service" && printf '  %-12s node_modules %s, dist %s\n' "$service" \
    "$(du -s --apparent-size -h node_modules | cut -f1)" "$(du -s --apparent-size -h dist | cut -f1)")
done
for dev in tsx vitest drizzle-kit turbo @biomejs; do
  if ls "$out"/*/node_modules/.pnpm | grep -q "^$dev@"; then echo "a dev dependency is in a runtime tree: $dev" >&2; exit 1; fi
done

export NODE_ENV=production NODE_OPTIONS="--conditions=ghl-bridge-dist --enable-source-maps" HOST=127.0.0.1
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$name" REDIS_URL=redis://127.0.0.1:6379 QUEUE_PREFIX="$name"
export TOKEN_ENCRYPTION_KEY=$(node -e "console.log(require('node:crypto').randomBytes(32).toString('base64'))")
export ADMIN_TOKEN=$(node -e "console.log(require('node:crypto').randomBytes(24).toString('hex'))")
export WORKER_METRICS_PORT=0 PORT=$((20000 + RANDOM % 20000)) LOG_LEVEL=warn
sandbox_port=$((PORT + 1))

(cd "$out/ingress" && node node_modules/@ghl-bridge/db/dist/migrate-cli.js)
(cd "$out/ghl-sandbox" && PORT=$sandbox_port GHL_SANDBOX_SEED_FILE=seed.example.json GHL_SANDBOX_RSA_BITS=2048 \
  GHL_SANDBOX_WEBHOOK_URL="http://127.0.0.1:$PORT/api/webhooks/ghl/" exec node dist/main.js >"$out/sandbox.log" 2>&1) &
pids+=($!)
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$sandbox_port/_sandbox/keys" >"$out/keys.json" && break; sleep 0.5; done
tokens=$(curl -sf -X POST -H 'content-type: application/json' -d '{"locationId":"location-1"}' \
  "http://127.0.0.1:$sandbox_port/_sandbox/tokens")
json() { node -e "process.stdout.write(JSON.parse(require('node:fs').readFileSync(0, 'utf8'))['$1'])"; }
export GHL_API_BASE_URL="http://127.0.0.1:$sandbox_port" GHL_CLIENT_ID=6650aa5e0f5b1e0012345678-sandbox
export GHL_CLIENT_SECRET=sandbox-client-secret GHL_LOCATION_ID=location-1
export GHL_ACCESS_TOKEN=$(json access_token <<<"$tokens") GHL_REFRESH_TOKEN=$(json refresh_token <<<"$tokens")
export GHL_WEBHOOK_PUBLIC_KEY=$(json ed25519 <"$out/keys.json")

(cd "$out/worker" && exec node --max-old-space-size=192 dist/main.js >"$out/worker.log" 2>&1) &
pids+=($!)
(cd "$out/ingress" && exec node dist/main.js >"$out/ingress.log" 2>&1) &
pids+=($!)
ready=""
for _ in $(seq 1 120); do ready=$(curl -sf "http://127.0.0.1:$PORT/readyz" || true); [ -n "$ready" ] && break; sleep 0.5; done
echo "/readyz: ${ready:-no answer}"
[ -n "$ready" ] || { tail -n 20 "$out"/*.log; exit 1; }
key=$(cd "$out/ingress" && node dist/cli/main.js keys create --name runtime-check --locations location-1 | grep -o 'ghlb_[A-Za-z0-9_-]*')
calendars=$(curl -sf -H "authorization: Bearer $key" "http://127.0.0.1:$PORT/api/ghl/calendars/?location_id=location-1")
echo "calendars through the worker: $calendars"
for path in /docs /docs/openapi.json; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path")
  echo "$path: $status"
  [ "$status" = 200 ] || exit 1
done
echo "ok: the runtime trees start and answer with production dependencies only"
