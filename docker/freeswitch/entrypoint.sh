#!/bin/sh
# Fills the settings frontdoor needs into FreeSWITCH's config, then runs it in the foreground.
set -eu
conf=/etc/freeswitch
: "${FREESWITCH_SECRET:?FREESWITCH_SECRET must be set}"
# Escape what sed's replacement treats specially, so any secret works.
secret=$(printf '%s' "$FREESWITCH_SECRET" | sed -e 's/[\\/&]/\\&/g')
sed -i "s/@FREESWITCH_SECRET@/${secret}/" "$conf/autoload_configs/event_socket.conf.xml"
sed -i "s/@FREESWITCH_SIP_PORT@/${FREESWITCH_SIP_PORT:-5080}/" "$conf/sip_profiles/drachtio_mrf.xml"
sed -i "s/@FREESWITCH_RTP_START@/${FREESWITCH_RTP_START:-20000}/; s/@FREESWITCH_RTP_END@/${FREESWITCH_RTP_END:-20999}/; s/@FREESWITCH_MAX_SESSIONS@/${FREESWITCH_MAX_SESSIONS:-400}/" \
  "$conf/autoload_configs/switch.conf.xml"
exec freeswitch -nonat -nf -nc -conf "$conf" -log /var/log/freeswitch -db /var/lib/freeswitch/db
