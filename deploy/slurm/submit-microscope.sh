#!/usr/bin/env bash
# Submits a Microscope build as a Slurm job array of <tasks> shards and a merge job that runs when all have succeeded.
#   submit-microscope.sh <tasks> <out folder> <interp command> <microscope options…>
# e.g. submit-microscope.sh 16 /shared/microscope "dotnet /opt/interp/Interp.Cli.dll" --model resnet18 --layers layer2,layer3,layer4
# Prints the merge job's id. The site is <out folder>/site/index.html.
set -euo pipefail
tasks=${1:?the number of shards}; out=$(realpath -m "${2:?the output folder}"); interp=${3:?the interp command}; shift 3
here=$(dirname "$(realpath "$0")")
mkdir -p "$out"
export INTERP="$interp" MICROSCOPE_OUT="$out" MICROSCOPE_ARGS="$*"
array=$(sbatch --parsable --array="0-$((tasks - 1))" --export=ALL --output="$out/shard-%a.out" "$here/microscope.sbatch")
# The merge job: after every task succeeded (afterok), join the shards into one site.
merge=$(sbatch --parsable --dependency="afterok:$array" --job-name=microscope-merge --output="$out/merge.out" --export=ALL \
  --wrap "$interp microscope merge $out/shards/* --out $out/site")
echo "$merge"
