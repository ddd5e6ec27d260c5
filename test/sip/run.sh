#!/usr/bin/env bash
# npm run test:sip — SIP calls with sipp against a running drachtio-server + FreeSWITCH stack.
#
# Needs: DRACHTIO_HOST DRACHTIO_PORT DRACHTIO_SECRET (drachtio-server admin), FREESWITCH_HOST
# FREESWITCH_PORT FREESWITCH_SECRET (event socket), SIP_TARGET (drachtio's SIP address, host:port).
# Optional: FRONTDOOR_ADVERTISED_ADDRESS (address FreeSWITCH can reach this machine on; default: the
# first address of `hostname -I`), FRONTDOOR_LISTEN_ADDRESS (where the engine listens for FreeSWITCH's
# per-call event-socket connections; default 0.0.0.0, 127.0.0.1 for a stack on this machine), FRONTDOOR_TEST_HTTP_PORT (default 18080), SIPP_LOCAL_IP (default
# 127.0.0.1), MAIN_LINE_DID (default +441234500000, the example main line), TEST_SIP_ONLY=speech (only the
# callers who talk; for working on speech), SPEECH_LATENCY_CALLS=N (then measure end of speech → decision
# over N calls: bench/speech/stack-latency.ts).
#
# It starts an engine on this machine wired to that stack (embedded database, example flows), waits
# until drachtio and the media server are connected, runs each scenario in test/sip/scenarios, and
# prints what passed and failed. With any variable unset it runs nothing, says so, and exits 0.
# KEEP_WORK=1 keeps its work folder (engine, fake Pay360, FreeSWITCH and drachtio log extracts, leak scan report).
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
  [payments-line.xml]="pay by card: handed to the fake Pay360 payment line, card keyed there, record paid with a masked card"
  [speech]="callers who talk: words over the open question routed by REFER (barge-in), a silent caller and one talking nonsense reach the keypad (test/sip/speech-calls.ts)"
)
order=(main-line-dtmf-to-queue.xml main-line-dtmf-to-transfer.xml hangup-mid-prompt.xml cancel-before-answer.xml concurrent-call.xml payments-line.xml speech)

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
  echo "    - the leak scan after the payment call (FreeSWITCH at debug level)"
  exit 0
fi

if ! command -v sipp >/dev/null; then
  echo "test:sip: FAILED — sipp is not installed (apt-get install sip-tester)." >&2
  exit 1
fi

work="$(mktemp -d)"
engine_pid=""
pay360_pid=""
setup_pid=""
fs_cli="${FS_CLI:-}"
cleanup() {
  if [[ -n "$engine_pid" ]]; then kill "$engine_pid" 2>/dev/null; wait "$engine_pid" 2>/dev/null; fi
  for pid in "$setup_pid" "$pay360_pid"; do
    if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
  done
  if [[ -n "$fs_cli" ]]; then "$fs_cli" -x 'fsctl loglevel warning' >/dev/null 2>&1; fi
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "test:sip: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

advertised="${FRONTDOOR_ADVERTISED_ADDRESS:-$(hostname -I 2>/dev/null | awk '{print $1}')}"
listen_address="${FRONTDOOR_LISTEN_ADDRESS:-0.0.0.0}"
http_port="${FRONTDOOR_TEST_HTTP_PORT:-18080}"
local_ip="${SIPP_LOCAL_IP:-127.0.0.1}"
did="${MAIN_LINE_DID:-+441234500000}"

# The fake Pay360 (REST API + payment line as a SIP endpoint) in a process of its own, as the real one would be.
pay360_sip_port="${FAKE_PAY360_SIP_PORT:-5090}"
(cd "$root" && exec node --import tsx engine/src/adapters/payments/pay360/fake/main.ts --http 127.0.0.1:0 --sip "$local_ip:$pay360_sip_port" >"$work/pay360.log" 2>&1) &
pay360_pid=$!
pay360=""
for _ in $(seq 1 30); do
  pay360="$(grep -m1 '^{' "$work/pay360.log" 2>/dev/null)" && [[ -n "$pay360" ]] && break
  sleep 0.5
done
if [[ -z "$pay360" ]]; then
  echo "test:sip: FAILED — the fake Pay360 did not start:" >&2
  cat "$work/pay360.log" >&2
  exit 1
fi
pay360_field() { node -e "console.log(JSON.parse(process.argv[1])[process.argv[2]])" "$pay360" "$1"; }
# Random: the engine refuses an admin password that is easy to guess or contains the user name.
admin_password="$(node -e "console.log(require('node:crypto').randomBytes(18).toString('base64url'))")"

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
  },
  "payments": {
    "pay360": {
      "baseUrl": "$(pay360_field baseUrl)", "installationId": "$(pay360_field installationId)",
      "username": "$(pay360_field username)", "password": "$(pay360_field password)",
      "paymentLine": "$(pay360_field paymentLine)", "pollIntervalMs": 500
    }
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
(cd "$root" && exec env "${clock_env[@]}" FRONTDOOR_CONFIG="$work/frontdoor.json" FRONTDOOR_ADMIN_PASSWORD="$admin_password" node bin/frontdoor.js start >"$work/engine.log" 2>&1) &
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

if [[ "${TEST_SIP_ONLY:-}" != speech ]]; then
  run_scenario main-line-dtmf-to-queue.xml -m 1
  run_scenario main-line-dtmf-to-transfer.xml -m 1
  run_scenario hangup-mid-prompt.xml -m 1
  run_scenario cancel-before-answer.xml -m 1
  run_scenario concurrent-call.xml -m 50 -l 50 -r 10
fi

if [[ "${TEST_SIP_ONLY:-}" != speech ]]; then
  # The payment line: its reference look-up answered here, an admin token for the leak scan.
  (cd "$root" && exec node --import tsx test/sip/payments-line.ts "http://127.0.0.1:$http_port" "$admin_password" >"$work/payments-line.log" 2>&1) &
  setup_pid=$!
  token=""
  for _ in $(seq 1 30); do
    token="$(grep -m1 '^{' "$work/payments-line.log" 2>/dev/null | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{try{console.log(JSON.parse(s).token)}catch{}})")"
    [[ -n "$token" ]] && break
    sleep 0.5
  done
  if [[ -z "$token" ]]; then
    failed+=("${purpose[payments-line.xml]} — the payment line could not be set up:")
    cat "$work/payments-line.log" >&2
  else
    # FreeSWITCH at debug level for the payment call: it logs every DTMF key it receives ("RECV DTMF").
    fs_log="${FREESWITCH_LOG:-}"
    drachtio_log="${DRACHTIO_LOG:-}"
    fs_from=0; drachtio_from=0
    [[ -n "$fs_log" && -f "$fs_log" ]] && fs_from=$(stat -c %s "$fs_log")
    [[ -n "$drachtio_log" && -f "$drachtio_log" ]] && drachtio_from=$(stat -c %s "$drachtio_log")
    if [[ -n "$fs_cli" ]]; then "$fs_cli" -x 'fsctl loglevel debug' >/dev/null; else echo "test:sip: NOTE — FS_CLI is unset: FreeSWITCH stays at its configured log level for the payment call"; fi
    mkdir -p "$work/pcaps"
    (cd "$root" && node --import tsx test/sip/dtmf-pcap.ts "$work/pcaps/reference.pcap" '12345678#' 1000 \
      && node --import tsx test/sip/dtmf-pcap.ts "$work/pcaps/confirm.pcap" '1' 2000 \
      && node --import tsx test/sip/dtmf-pcap.ts "$work/pcaps/pay.pcap" '1' 3000 \
      && node --import tsx test/sip/dtmf-pcap.ts "$work/pcaps/card.pcap" '4444333322221111#1230#737#' 4000)
    sed "s#@PCAPS@#$work/pcaps#g" "$scenarios/payments-line.xml" >"$work/payments-line.xml"
    echo "test:sip: ${purpose[payments-line.xml]}…"
    if sipp "$SIP_TARGET" -sf "$work/payments-line.xml" -i "$local_ip" -s "${PAYMENTS_DID:-+441234500002}" -m 1 -timeout 180s -timeout_error \
        -trace_err -error_file "$work/payments-line.errors.log" </dev/null >"$work/payments-line.out" 2>&1; then
      record="$(node -e "fetch(process.argv[1]+'/api/payments?kind=phone&pageSize=1',{headers:{authorization:'Bearer '+process.argv[2]}}).then(r=>r.json()).then(p=>{const x=p.items[0]||{};console.log([x.status,x.maskedCard,x.reference,x.gatewayTransactionId].join(' '))})" "http://127.0.0.1:$http_port" "$token")"
      if [[ "$record" == "paid **** 1111 12345678 "* ]]; then
        passed+=("${purpose[payments-line.xml]} (record: $record)")
      else
        failed+=("${purpose[payments-line.xml]} — the payment record is \"$record\", expected paid **** 1111 12345678")
      fi
    else
      failed+=("${purpose[payments-line.xml]} — see sipp's errors below")
      tail -n 30 "$work/payments-line.errors.log" 2>/dev/null >&2
    fi
    [[ -n "$fs_cli" ]] && "$fs_cli" -x 'fsctl loglevel warning' >/dev/null

    # The leak scan over what the payment call left: database, engine log, this run's FreeSWITCH and drachtio logs, API, metrics.
    scan_logs=(--log "$work/engine.log" --log "$work/pay360.log")
    if [[ -n "$fs_log" && -f "$fs_log" ]]; then tail -c +$((fs_from + 1)) "$fs_log" >"$work/freeswitch.log"; scan_logs+=(--log "$work/freeswitch.log"); fi
    if [[ -n "$drachtio_log" && -f "$drachtio_log" ]]; then tail -c +$((drachtio_from + 1)) "$drachtio_log" >"$work/drachtio.log"; scan_logs+=(--log "$work/drachtio.log"); fi
    database_url="$(grep -o 'postgres://[^ ]*' "$work/engine.log" | head -n 1)"
    dtmf_seen="$(grep -c 'RECV DTMF' "$work/freeswitch.log" 2>/dev/null || true)"
    echo "test:sip: leak scan (FreeSWITCH logged ${dtmf_seen:-0} RECV DTMF lines for this run: the keys it did carry)…"
    if (cd "$root" && node --import tsx scripts/leak-scan.ts --database-url "$database_url" "${scan_logs[@]}" \
        --api "http://127.0.0.1:$http_port" --token "$token" --security-code 737 >"$work/leak-scan.out" 2>&1); then
      passed+=("leak scan after the payment call: no card number or security code in the database, logs (FreeSWITCH at debug), API or metrics")
    else
      failed+=("leak scan after the payment call — see its report below")
    fi
    cat "$work/leak-scan.out"
  fi
fi

echo "test:sip: ${purpose[speech]}…"
if (cd "$root" && node --import tsx test/sip/speech-calls.ts "http://127.0.0.1:$http_port" "$admin_password" "$work/engine.log" "$work") >"$work/speech.out" 2>&1; then
  passed+=("${purpose[speech]}")
else
  failed+=("${purpose[speech]} — see below")
fi
sed 's/^/  /' "$work/speech.out"

# SPEECH_LATENCY_CALLS=N: then measure end of speech → decision over N more calls (BENCHMARKS.md).
if [[ -n "${SPEECH_LATENCY_CALLS:-}" ]]; then
  echo "test:sip: measuring end of speech → decision over $SPEECH_LATENCY_CALLS calls, one at a time…"
  (cd "$root" && node --import tsx bench/speech/stack-latency.ts "http://127.0.0.1:$http_port" "$admin_password" "$work" "$SPEECH_LATENCY_CALLS") 2>"$work/latency.err" | tee "$work/latency.md"
  sed 's/^/  /' "$work/latency.err"
fi

echo
echo "test:sip results against $SIP_TARGET:"
for p in "${passed[@]}"; do echo "  passed: $p"; done
for f in "${failed[@]}"; do echo "  FAILED: $f"; done
if ((${#failed[@]})); then
  echo "engine log: $work/engine.log (kept until this script exits)"
  tail -n 40 "$work/engine.log"
  exit 1
fi
