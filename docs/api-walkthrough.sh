#!/usr/bin/env bash
# A walk through the JSON API with curl, against `make run`'s server (or BASE_URL).
#
# It makes no key: an owner makes one at /api-keys/ (scopes read, answer and submit) and passes it in
# KPO_API_KEY. It reads the schema, starts an assessment, answers every required question the playbook
# shows (from the answer schema: the first option, false, or a middling number), submits twice with one
# Idempotency-Key (the same response both times) and reads the recommendation.
#
# Webhooks: before submitting it starts a listener on 127.0.0.1 (a few lines of Python), registers it as
# a webhook endpoint through the owner's page (signing in as KPO_OWNER_EMAIL / KPO_OWNER_PASSWORD, the
# demo owner by default; registering is an owner's act, not an API key's), and after submitting waits for
# the signed delivery, checks its signature with openssl and prints it. It needs `make run`'s worker
# (the delivery is sent in the background) and a server where private targets are allowed (DEBUG).
#
#   KPO_API_KEY=kpo_... docs/api-walkthrough.sh
set -euo pipefail

: "${KPO_API_KEY:?Set KPO_API_KEY to an API key with the read, answer and submit scopes (make one at /api-keys/).}"
SITE="${BASE_URL:-http://127.0.0.1:8000}"
BASE_URL="${SITE}/api/v1"
KPO_OWNER_EMAIL="${KPO_OWNER_EMAIL:-owner@demo.test}"
KPO_OWNER_PASSWORD="${KPO_OWNER_PASSWORD:-owner-kpo-2026}"
WORK=$(mktemp -d)
trap 'kill "${LISTENER_PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
AUTH=(-H "Authorization: Bearer ${KPO_API_KEY}")

call() {  # call METHOD PATH [JSON] [extra curl args...]: prints the body, fails on an HTTP error
    local method=$1 path=$2 body=${3:-}
    shift 3 || shift $#
    local args=(-sS --fail-with-body -X "$method" "${AUTH[@]}" "$@")
    [[ -n "$body" ]] && args+=(-H "Content-Type: application/json" --data "$body")
    curl "${args[@]}" "${BASE_URL}${path}"
}

echo "== The OpenAPI document"
curl -sS --fail "${BASE_URL}/openapi.json" | jq -c '{openapi, title: .info.title, operations: [.paths[] | keys[]] | length}'

echo "== The current playbook's answer schema"
schema=$(call GET /playbook)
jq -c '{playbook, sections: [.sections[].code]}' <<<"$schema"
function=$(jq -r '[.sections[].questions[] | select(.role == "function")][0].options[0].code' <<<"$schema")

echo "== Start an assessment"
assessment=$(call POST /assessments "{\"title\": \"API walkthrough\", \"function\": \"${function}\"}")
id=$(jq -r .id <<<"$assessment")
jq -c '{id, title, status, playbook_version, missing}' <<<"$assessment"

echo "== Answer what is missing (answers can open more questions, so until nothing is)"
for round in $(seq 1 20); do
    missing=$(call GET "/assessments/${id}" | jq -c .missing)
    [[ "$missing" == "[]" ]] && break
    answers=$(jq -c --argjson missing "$missing" '
        [.sections[].questions[] | select(.code as $c | $missing | index($c))
         | {key: .code, value: (
             if .kind == "single" then .options[0].code
             elif .kind == "multi" then [.options[0].code]
             elif .kind == "yes_no" then false
             elif .kind == "percent" then 50
             elif .kind == "money" then 250000
             elif (.max != null and .max < 2000) then (.min // 1)
             else 2000 end)}] | from_entries' <<<"$schema")
    echo "round ${round}: $(call PUT "/assessments/${id}/answers" "{\"answers\": ${answers}}" | jq -c '{saved, missing}')"
done

echo "== Register a webhook on a local listener"
# The listener: answers 200 to each POST and keeps its headers and body in $WORK/received.*
python3 - "$WORK" <<'PY' &
import http.server, json, sys
work = sys.argv[1]
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        open(f"{work}/received.body", "wb").write(body)
        json.dump({k.lower(): v for k, v in self.headers.items()}, open(f"{work}/received.headers.tmp", "w"))
        __import__("os").replace(f"{work}/received.headers.tmp", f"{work}/received.headers")
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
open(f"{work}/port", "w").write(str(server.server_address[1]))
server.serve_forever()
PY
LISTENER_PID=$!
for _ in $(seq 1 50); do [[ -s "$WORK/port" ]] && break; sleep 0.1; done
hook_url="http://127.0.0.1:$(cat "$WORK/port")/kpo-hook"
jar=(-sS -b "$WORK/cookies" -c "$WORK/cookies")
token() { grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
csrf=$(curl "${jar[@]}" "${SITE}/accounts/login/" | token)
curl "${jar[@]}" -o /dev/null -H "Referer: ${SITE}/accounts/login/" --data-urlencode "csrfmiddlewaretoken=${csrf}" \
    --data-urlencode "username=${KPO_OWNER_EMAIL}" --data-urlencode "password=${KPO_OWNER_PASSWORD}" "${SITE}/accounts/login/"
csrf=$(curl "${jar[@]}" "${SITE}/api-keys/webhooks/" | token)
page=$(curl "${jar[@]}" -H "Referer: ${SITE}/api-keys/webhooks/" --data-urlencode "csrfmiddlewaretoken=${csrf}" \
    --data-urlencode "url=${hook_url}" --data-urlencode "events=recommendation.stored" "${SITE}/api-keys/webhooks/")
secret=$(grep -o 'id="new-webhook-secret">[^<]*' <<<"$page" | sed 's/.*>//')
[[ -n "$secret" ]] || { echo "registering the webhook failed (is ${KPO_OWNER_EMAIL} an owner, with DEBUG on?)"; exit 1; }
echo "endpoint ${hook_url}, secret ${secret:0:10}… (shown once)"

echo "== Submit twice with one Idempotency-Key"
key="walkthrough-$(date +%s)"
first=$(call POST "/assessments/${id}/submit" "" -H "Idempotency-Key: ${key}")
second=$(call POST "/assessments/${id}/submit" "" -H "Idempotency-Key: ${key}")
echo "first:  ${first}"
echo "second: ${second}"
[[ "$first" == "$second" ]] && echo "same response: yes" || { echo "same response: NO"; exit 1; }

echo "== The recommendation (stored snapshot format)"
rec=$(jq -r .recommendation_id <<<"$first")
call GET "/recommendations/${rec}" | jq -c '{id, verdict, fit_score, title, playbook, engine_version}'

echo "== The signed webhook delivery the listener received"
for _ in $(seq 1 100); do [[ -s "$WORK/received.headers" ]] && break; sleep 0.2; done
[[ -s "$WORK/received.headers" ]] || { echo "no delivery within 20 s: is the worker running (make run starts one)?"; exit 1; }
jq -c '{event: ."kpo-webhook-event", id: ."kpo-webhook-id", timestamp: ."kpo-webhook-timestamp", signature: ."kpo-webhook-signature"}' "$WORK/received.headers"
jq -c . "$WORK/received.body"
stamp=$(jq -r '."kpo-webhook-timestamp"' "$WORK/received.headers")
expected="v1=$( { printf '%s.' "$stamp"; cat "$WORK/received.body"; } | openssl dgst -sha256 -hmac "$secret" | sed 's/^.*= //')"
[[ "$expected" == "$(jq -r '."kpo-webhook-signature"' "$WORK/received.headers")" ]] \
    && echo "signature checks with the endpoint's secret: yes" || { echo "signature checks: NO"; exit 1; }

echo "== An id not in this organisation: a 404, as problem details"
curl -sS "${AUTH[@]}" "${BASE_URL}/assessments/999999999" | jq -c '{status, title, detail}'
