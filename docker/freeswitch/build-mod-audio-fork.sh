#!/bin/sh
# Builds mod_audio_fork (drachtio-freeswitch-modules) outside FreeSWITCH's source tree, against an
# installed FreeSWITCH's headers (pkg-config freeswitch), libwebsockets and speexdsp — the module's
# own Makefile.am needs the whole FreeSWITCH build tree, which an image built from packages has not.
#   build-mod-audio-fork.sh <mod_audio_fork source dir> <output .so>
# Used by docker/freeswitch/Dockerfile; checked by building it against /opt/fdstack's FreeSWITCH 1.10.12.
set -eu
src="$1"
out="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
flags="$(pkg-config --cflags freeswitch libwebsockets speexdsp) -fPIC -O2 -g -DNDEBUG"
libs="$(pkg-config --libs freeswitch libwebsockets speexdsp) -lpthread"
cc $flags -c "$src/mod_audio_fork.c" -o "$work/mod_audio_fork.o"
for unit in lws_glue parser audio_pipe; do
  c++ $flags -std=c++11 -c "$src/$unit.cpp" -o "$work/$unit.o"
done
c++ -shared -o "$out" "$work"/*.o $libs
# A module that would fail to load for a missing symbol fails here instead.
nm -D --defined-only "$out" | grep -q ' mod_audio_fork_module_interface$'
echo "built $out"
