#!/usr/bin/env bash
# tools/bench-peer.sh PEER_DIR [N...]
#
# Side-by-side whole-process measurement of `acmegen render` and the CDKTF
# peer (../shared/peer/README.md says how to install it into PEER_DIR) on the
# same shape: N vm + N/10 rds replica + N/10 s3 replica, us-east-2/us-west-1.
# For each N (default 1000 10000): RUNS (default 3) alternating runs of each
# tool; prints one line per run, CPU = user + sys seconds, peak RSS in MB.
# Needs GNU time at /usr/bin/time and a release build (cargo build --release).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
peer=${1:?usage: tools/bench-peer.sh PEER_DIR [N...]}
shift
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
runs=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() { # label, command...
  local label=$1
  shift
  /usr/bin/time -f "%U %S %M %e" -o "$work/t" "$@" >/dev/null 2>&1
  awk -v l="$label" '{printf "%-8s cpu %6.2f s  rss %6.0f MB  wall %6.2f s\n", l, $1 + $2, $3 / 1024, $4}' "$work/t"
}
for n in "${sizes[@]}"; do
  (cd "$here" && cargo run -q --release --example synthetic -- --peer "$n") >"$work/peer-$n.yaml"
  echo "N = $n (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  for _ in $(seq "$runs"); do
    rm -rf "$work/acmegen" "$work/cdktf"
    measure acmegen "$here/target/release/acmegen" render -q "$work/peer-$n.yaml" --out "$work/acmegen"
    measure cdktf node "$peer/synth.js" "$n" "$work/cdktf"
  done
done
