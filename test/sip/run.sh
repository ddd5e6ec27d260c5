#!/usr/bin/env bash
# npm run test:sip — SIP calls with sipp against a running drachtio-server + FreeSWITCH stack.
#
# Needs: DRACHTIO_HOST DRACHTIO_PORT DRACHTIO_SECRET (drachtio-server admin), FREESWITCH_HOST
# FREESWITCH_PORT FREESWITCH_SECRET (event socket), SIP_TARGET (drachtio's SIP address, host:port).
# Optional: FRONTDOOR_ADVERTISED_ADDRESS (address FreeSWITCH can reach this machine on; default: the
# first address of `hostname -I`), FRONTDOOR_LISTEN_ADDRESS (where the engine listens for FreeSWITCH's
# per-call event-socket connections; default 0.0.0.0, 127.0.0.1 for a stack on this machine), FRONTDOOR_TEST_HTTP_PORT (default 18080), SIPP_LOCAL_IP (default
# 127.0.0.1), MAIN_LINE_DID (default +441234500000, the example main line).
#
# It starts an engine on this machine wired to that stack (embedded database, example flows), waits
# until drachtio and the media server are connected, runs each scenario in test/sip/scenarios, and
# prints what passed and failed. With any variable unset it runs nothing, says so, and exits 0.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
scenarios="$here/scenarios"

declare -A purpose=(
  [main-line-dtmf-to-queue.xml]="walk the main line by DTMF to the highways queue"
  [main-line-dtmf-to-transfer.xml]="walk the main line by DTMF to a transfer (REFER)"
  [hangup-mid-prompt.xml]="caller hangs up during the welcome prompt"
  [cancel-before-answer.xml]="CANCEL before the call is answered"
  [concurrent-call.xml]="50 concurrent calls"
)
order=(main-line-dtmf-to-queue.xml main-line-dtmf-to-transfer.xml hangup-mid-prompt.xml cancel-before-answer.xml concurrent-call.xml)

required=(DRACHTIO_HOST DRACHTIO_PORT DRACHTIO_SECRET FREESWITCH_HOST FREESWITCH_PORT FREESWITCH_SECRET SIP_TARGET)
missing=()
for name in "${required[@]}"; do
  [[ -n "${!name:-}" ]] || missing+=("$name")
done

if ((${#missing[@]})); then
  echo "test:sip: NOT RUN — no SIP test was run and nothing here was tested."
  echo "  Why: these variables are unset: ${missing[*]}."
  echo "  They give the address of a running drachtio-server + FreeSWITCH stack (see docker/ and docs/telephony.md)."
  echo "  Not run:"
  for s in "${order[@]}"; do echo "    - ${purpose[$s]} ($s)"; done
  exit 0
fi

if ! command -v sipp >/dev/null; then
  echo "test:sip: FAILED — sipp is not installed (apt-get install sip-tester)." >&2
  exit 1
fi

work="$(mktemp -d)"
engine_pid=""
cleanup() {
  if [[ -n "$engine_pid" ]]; then kill "$engine_pid" 2>/dev/null; wait "$engine_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

advertised="${FRONTDOOR_ADVERTISED_ADDRESS:-$(hostname -I 2>/dev/null | awk '{print $1}')}"
listen_address="${FRONTDOOR_LISTEN_ADDRESS:-0.0.0.0}"
http_port="${FRONTDOOR_TEST_HTTP_PORT:-18080}"
local_ip="${SIPP_LOCAL_IP:-127.0.0.1}"
did="${MAIN_LINE_DID:-+441234500000}"

cat >"$work/frontdoor.json" <<JSON
{
  "http": { "host": "127.0.0.1", "port": $http_port },
  "database": { "dataDir": "$work/data" },
  "telephony": {
    "drachtio": { "host": "$DRACHTIO_HOST", "port": $DRACHTIO_PORT, "secret": "$DRACHTIO_SECRET" },
    "mediaServers": [{
      "name": "fs-under-test", "host": "$FREESWITCH_HOST", "eventSocketPort": $FREESWITCH_PORT, "secret": "$FREESWITCH_SECRET",
      "listenAddress": "$listen_address", "listenPort": 0, "advertisedAddress": "$advertised"
    }],
    "trunks": [{ "name": "test-trunk", "outbound": { "host": "trunk.example" } }],
    "admission": { "maxConcurrentCalls": 100, "maxCallsPerSecond": 25, "retryAfterSeconds": 1 }
  }
}
JSON

echo "test:sip: checking the stack (drachtio $DRACHTIO_HOST:$DRACHTIO_PORT, FreeSWITCH $FREESWITCH_HOST:$FREESWITCH_PORT)…"
if ! (cd "$root" && node bin/frontdoor.js config check "$work/frontdoor.json" --connect); then
  echo "test:sip: FAILED — the stack is not reachable; no call was placed." >&2
  exit 1
fi

# The two main-line scenarios walk the line's open branch (hours-check in flows/main-line.flow.json).
# When it is closed, the engine runs on a clock moved to its next opening (Debian's faketime), so the
# suite means the same at any hour; without faketime it says so up front rather than leave a mystery.
clock_env=()
if ! offset="$(cd "$root" && node --import tsx test/sip/office-hours-offset.ts)"; then
  echo "test:sip: FAILED — could not work out the main line's opening hours." >&2
  exit 1
fi
if ((offset > 0)); then
  libfaketime="$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)"
  if [[ -n "$libfaketime" ]]; then
    clock_env=(LD_PRELOAD="$libfaketime" FAKETIME="+${offset}s" FAKETIME_DONT_FAKE_MONOTONIC=1)
    echo "test:sip: the main line is closed now; the engine's clock is moved ${offset} s on, to its next opening"
  else
    echo "test:sip: NOTE — the main line is closed now and faketime is not installed (apt-get install faketime):"
    echo "  the two main-line scenarios will take the out-of-hours branch."
  fi
fi

echo "test:sip: starting an engine on 127.0.0.1:$http_port…"
# exec, so that $engine_pid is node itself: killing a subshell would leave the engine running (and connected to drachtio).
(cd "$root" && exec env "${clock_env[@]}" FRONTDOOR_CONFIG="$work/frontdoor.json" node bin/frontdoor.js start >"$work/engine.log" 2>&1) &
engine_pid=$!

ready=""
for _ in $(seq 1 90); do
  status="$(node -e "fetch('http://127.0.0.1:$http_port/api/health').then(r=>r.json()).then(h=>{const t=h.telephony||{};console.log(t.drachtio==='connected'&&(t.mediaServers||[]).some(m=>m.state==='connected')?'ready':'waiting')}).catch(()=>console.log('waiting'))")"
  if [[ "$status" == ready ]]; then ready=1; break; fi
  sleep 1
done
if [[ -z "$ready" ]]; then
  echo "test:sip: FAILED — the engine did not connect to drachtio and FreeSWITCH within 90 s. Its log:" >&2
  tail -n 40 "$work/engine.log" >&2
  exit 1
fi

passed=()
failed=()
run_scenario() {
  local file="$1"; shift
  echo "test:sip: ${purpose[$file]}…"
  if sipp "$SIP_TARGET" -sf "$scenarios/$file" -i "$local_ip" -s "$did" -timeout 180s -timeout_error \
      -trace_err -error_file "$work/${file%.xml}.errors.log" "$@" </dev/null >"$work/${file%.xml}.out" 2>&1; then
    passed+=("${purpose[$file]}")
  else
    failed+=("${purpose[$file]} — see sipp's errors below")
    tail -n 20 "$work/${file%.xml}.errors.log" 2>/dev/null >&2
  fi
}

run_scenario main-line-dtmf-to-queue.xml -m 1
run_scenario main-line-dtmf-to-transfer.xml -m 1
run_scenario hangup-mid-prompt.xml -m 1
run_scenario cancel-before-answer.xml -m 1
run_scenario concurrent-call.xml -m 50 -l 50 -r 10

echo
echo "test:sip results against $SIP_TARGET:"
for p in "${passed[@]}"; do echo "  passed: $p"; done
for f in "${failed[@]}"; do echo "  FAILED: $f"; done
if ((${#failed[@]})); then
  echo "engine log: $work/engine.log (kept until this script exits)"
  tail -n 40 "$work/engine.log"
  exit 1
fi
