#!/usr/bin/env bash
# npm run test:sip — SIP calls against a running drachtio-server + FreeSWITCH stack: see test/sip/run.ts
# (what it needs, what it runs, and how it says what it did not run). Where the stack is shared, run it
# under `flock /tmp/fdstack.lock npm run test:sip`: only one SIP application may be connected at a time.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root" && exec node --import tsx test/sip/run.ts "$@"
