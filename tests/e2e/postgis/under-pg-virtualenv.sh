#!/bin/bash
# Runs a command under a throwaway PostgreSQL cluster (pg_virtualenv -t) listening on a free port picked
# at random in 20000-39999, not on the first free one from 5432: two test suites started at the same
# moment on one machine (a CI run beside a README run) would otherwise both see 5432 free and the second
# server would fail to bind it. pg_virtualenv passes PGPORT to pg_createcluster when it is set.
set -euo pipefail
port=$(perl -MSocket -e '
  for (1 .. 200) {
    my $p = 20000 + int(rand(20000));
    socket(my $s, PF_INET, SOCK_STREAM, getprotobyname("tcp")) or die "socket: $!";
    if (bind($s, sockaddr_in($p, INADDR_ANY))) { close $s; print $p; exit 0 }
    close $s;
  }
  exit 1') || { echo "under-pg-virtualenv: no free TCP port found in 20000-39999" >&2; exit 1; }
export PGPORT=$port
exec pg_virtualenv -t "$@"
