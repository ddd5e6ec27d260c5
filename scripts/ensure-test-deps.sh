#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: Chromium (designer browser tests),
# PostgreSQL 15 (the suite runs against a real server as well as the embedded one), sipp (SIP
# scenarios), espeak-ng + sox (prompt audio), pocketsphinx (offline speech recognition).
# Idempotent and quick when everything is present. Runs as `npm test`'s pretest step.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
command -v sox >/dev/null 2>&1 || need+=(sox)
command -v pocketsphinx_continuous >/dev/null 2>&1 || need+=(pocketsphinx)
[ -d /usr/share/pocketsphinx/model/en-us ] || need+=(pocketsphinx-en-us)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "frontdoor tests need these Debian packages: ${need[*]}" >&2
  echo "install them with: sudo apt-get install -y ${need[*]}" >&2
  echo "(tests that need a missing one say so and are skipped)" >&2
  exit 0
fi

echo "installing test dependencies: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The postgresql package starts a cluster on 5432; the tests start their own private server.
if command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_ctlcluster 15 main stop >/dev/null 2>&1 || true
fi
echo "test dependencies installed"
