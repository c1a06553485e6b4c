#!/usr/bin/env bash
# Runs a Microscope slice on a real one-node Slurm cluster (local-cluster.sh) as a 4-task job array and a dependent merge,
# then checks that the merged site equals a single-process build of the same slice byte for byte. Run as root from the
# repository (the jobs find data/ from it):   deploy/slurm/test-microscope.sh <Interp.Cli.dll>
set -euo pipefail
cli=$(realpath "${1:?the built Interp.Cli.dll}")
here=$(dirname "$(realpath "$0")")
work=$(mktemp -d /tmp/microscope-slurm-XXXXXX)
cleanup() { "$here/local-cluster.sh" stop "$work/cluster" || true; }
trap cleanup EXIT
"$here/local-cluster.sh" start "$work/cluster"
export SLURM_CONF="$work/cluster/slurm.conf"
slice=(--model toy-clip --layers visual.stage1,visual.stage2 --units 0-3 --steps 4 --units-per-render 1 --diversity 2)
start=$(date +%s)
merge=$("$here/submit-microscope.sh" 4 "$work/out" "dotnet $cli" "${slice[@]}")
echo "submitted: 4 shards and merge job $merge"
for _ in $(seq 1 600); do
  [ -z "$(squeue -h -o %i)" ] && break
  if squeue -h -o %r | grep -q DependencyNeverSatisfied; then
    echo "a shard failed, so the merge will never run:"; tail -n 20 "$work/out"/shard-*.out; exit 1
  fi
  sleep 1
done
[ -z "$(squeue -h -o %i)" ] || { echo "the jobs did not finish within 10 minutes"; squeue; exit 1; }
echo "the array and the merge finished in $(( $(date +%s) - start )) s"
[ -f "$work/out/site/index.html" ] || { echo "no merged site"; cat "$work/out"/*.out; exit 1; }
# The same slice in one process, at the thread count the tasks had (the key and the bits depend on it).
dotnet "$cli" microscope "${slice[@]}" --threads 2 --out "$work/single" > "$work/single.out" 2>&1 || { cat "$work/single.out"; exit 1; }
if diff -r -q -x 'scan-*.json' "$work/single" "$work/out/site"; then
  echo "the merged site equals the single-process build byte for byte ($(find "$work/single" -type f ! -name 'scan-*' | wc -l) files)"
else
  echo "the merged site differs from the single-process build"; exit 1
fi
rm -rf "$work/out" "$work/single"
