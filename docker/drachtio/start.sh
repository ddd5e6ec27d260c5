#!/bin/bash
# Starts drachtio-server for frontdoor. SIP on 5060 (UDP and TCP) always; TLS on 5061 for Microsoft
# Teams Direct Routing only when the SBC certificate is in /etc/drachtio/tls, so a stack without
# Teams starts too. PUBLIC_IP is the address SIP peers reach this host on (advertised in Via/Contact);
# SBC_FQDN is the name Teams expects in Contact.
set -euo pipefail
tls=/etc/drachtio/tls
args=(-f /etc/drachtio.conf.xml --contact "sip:*:${DRACHTIO_SIP_PORT:-5060};transport=udp,tcp")
# drachtio takes --external-ip only straight after the --contact it belongs to.
if [ -n "${PUBLIC_IP:-}" ]; then args+=(--external-ip "$PUBLIC_IP"); fi

if [ -f "$tls/sbc.cert.pem" ] && [ -f "$tls/sbc.key.pem" ]; then
  args+=(--contact "sips:*:${DRACHTIO_TLS_PORT:-5061};transport=tls")
  if [ -n "${PUBLIC_IP:-}" ]; then args+=(--external-ip "$PUBLIC_IP"); fi
  args+=(--key-file "$tls/sbc.key.pem" --cert-file "$tls/sbc.cert.pem")
  if [ -f "$tls/chain.pem" ]; then args+=(--chain-file "$tls/chain.pem"); fi
  if [ -n "${SBC_FQDN:-}" ]; then args+=(--dns-name "$SBC_FQDN"); fi
  echo "drachtio: TLS on ${DRACHTIO_TLS_PORT:-5061} for Microsoft Teams Direct Routing (${SBC_FQDN:-no SBC_FQDN set})"
else
  echo "drachtio: no SBC certificate in $tls (sbc.cert.pem + sbc.key.pem): Teams Direct Routing (TLS 5061) is off"
fi

exec drachtio "${args[@]}" "$@"
