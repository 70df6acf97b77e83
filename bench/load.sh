#!/usr/bin/env bash
# Load benchmark of `POST /api/v1/predict` on loopback: concurrent clients send a 3-4 s RAVDESS
# WAV for DURATION seconds; prints requests/s, latency percentiles and errors.
# Targets (issue 4): >= 150 predictions/s, p99 <= 100 ms, zero errors over 10 000 requests.
#
#   bash bench/load.sh [DURATION_S=70] [CONNECTIONS=8]
# Needs wrk (apt-get install wrk). Loopback only; bounded in time; stops the server it started.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-70}
connections=${2:-8}
clip=${SER_DATA_DIR:-../shared/data}/ravdess-wav/Actor_01/03-01-05-02-01-01-01.wav
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 2; }
cargo build -q --release
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
target/release/ser serve --port "$port" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$script"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
script=$(mktemp --suffix=.lua)
cat > "$script" <<LUA
local f = io.open("$clip", "rb")
wrk.method = "POST"
wrk.body = f:read("*all")
wrk.headers["Content-Type"] = "audio/wav"
f:close()
done = function(summary, latency, requests)
  io.write(string.format("requests %d, %.1f/s, non-2xx %d, socket errors %d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  for _, p in ipairs({50, 90, 99}) do
    io.write(string.format("p%d %.1f ms\n", p, latency:percentile(p) / 1000))
  end
end
LUA
wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$script" "http://127.0.0.1:$port/api/v1/predict"
