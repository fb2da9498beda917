#!/usr/bin/env bash
# make bench: start moto, build the wizard and the six-call floor with the
# release flags, and compare them side by side (see bench/compare).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill "$moto_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/moto-api/data.json" >/dev/null 2>&1 && break
  sleep 0.1
done

go build -trimpath -ldflags "-s -w" -o "$work/wizard" ./cmd/wizard
go build -trimpath -ldflags "-s -w" -o "$work/rawsix" ./bench/rawsix

export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=

echo "machine: $(nproc) cores, $(uname -sr), $(go version | cut -d' ' -f3), moto $(python3 -c 'import moto; print(moto.__version__)')"
go run ./bench/compare -endpoint "$AWS_ENDPOINT_URL" -moto-log "$work/moto.log" \
  -wizard "$work/wizard" -raw "$work/rawsix" -dir "$work" -pairs "${PAIRS:-10}" -cli-runs "${CLI_RUNS:-3}"
