#!/bin/bash
# One-shot setup (Elasticsearch image, as root): random passwords for elastic, kibana_system
# and spamline in the secrets volume; a CA and es01's certificate in the certs volume.
# Re-running keeps what exists.
set -euo pipefail
secrets=/secrets
certs=/usr/share/elasticsearch/config/certs
for name in elastic_password kibana_password spamline_password; do
  if [ ! -s "$secrets/$name" ]; then
    tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 >"$secrets/$name"
  fi
done
if [ ! -f "$certs/ca/ca.crt" ]; then
  bin/elasticsearch-certutil ca --silent --pem -out "$certs/ca.zip"
  unzip -q "$certs/ca.zip" -d "$certs"
fi
if [ ! -f "$certs/es01/es01.crt" ]; then
  cat >"$certs/instances.yml" <<'YAML'
instances:
  - name: es01
    dns: [es01, localhost]
    ip: [127.0.0.1]
YAML
  bin/elasticsearch-certutil cert --silent --pem -out "$certs/certs.zip" \
    --in "$certs/instances.yml" --ca-cert "$certs/ca/ca.crt" --ca-key "$certs/ca/ca.key"
  unzip -q "$certs/certs.zip" -d "$certs"
fi
# Elasticsearch, Kibana and spamline run as uid 1000, gid 0
chown -R 1000:0 "$secrets" "$certs"
find "$certs" -type d -exec chmod 750 {} +
find "$certs" -type f -exec chmod 640 {} +
chmod 440 "$secrets"/*
echo "setup: passwords in the secrets volume, certificates in the certs volume"
