#!/bin/bash
# One-shot, once es01 is healthy: set kibana_system's password and create the spamline user,
# whose role may manage index templates and the spamline* indices only.
set -euo pipefail
es=https://es01:9200
call() {  # METHOD PATH JSON
  curl -fsS --cacert /certs/ca/ca.crt -u "elastic:$(cat /secrets/elastic_password)" \
    -H 'Content-Type: application/json' -X "$1" "$es$2" -d "$3"
  echo
}
call POST /_security/user/kibana_system/_password \
  "{\"password\": \"$(cat /secrets/kibana_password)\"}"
call PUT /_security/role/spamline_writer \
  '{"cluster": ["monitor", "manage_index_templates"],
    "indices": [{"names": ["spamline*"], "privileges": ["all"]}]}'
call PUT /_security/user/spamline \
  "{\"password\": \"$(cat /secrets/spamline_password)\", \"roles\": [\"spamline_writer\"]}"
