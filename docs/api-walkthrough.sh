#!/usr/bin/env bash
# A walk through the JSON API with curl, against `make run`'s server (or BASE_URL).
#
# It makes no key: an owner makes one at /api-keys/ (scopes read, answer and submit) and passes it in
# KPO_API_KEY. It reads the schema, starts an assessment, answers every required question the playbook
# shows (from the answer schema: the first option, false, or a middling number), submits twice with one
# Idempotency-Key (the same response both times) and reads the recommendation.
#
#   KPO_API_KEY=kpo_... docs/api-walkthrough.sh
set -euo pipefail

: "${KPO_API_KEY:?Set KPO_API_KEY to an API key with the read, answer and submit scopes (make one at /api-keys/).}"
BASE_URL="${BASE_URL:-http://127.0.0.1:8000}/api/v1"
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

echo "== An id not in this organisation: a 404, as problem details"
curl -sS "${AUTH[@]}" "${BASE_URL}/assessments/999999999" | jq -c '{status, title, detail}'
