#!/usr/bin/env bash
# scripts/gpu-check.sh [--dry] [OUT]: everything a GPU should show, in one command, within 10 minutes.
# scripts/gpu-check.sh --pack [FILE]: makes the bundle for a GPU machine with no .NET SDK or no network.
#
# The steps, in order; the first that fails stops the run with its name, its log's last lines and exit code 1:
#   build     dotnet build Cli -c Release, or unpack the bundle (below)
#   data      siamese data fetch mnist: checks the cached MNIST (fetched where there is a network)
#   devices   siamese devices (table and JSON); then usable: fails unless a device of the kind asked for is usable
#   selftest  siamese selftest: every kernel against its float64 reference on the device
#   layers    siamese bench --layers: one training step op by op against the roofline (the "floor ms" column);
#             then roofline: fails unless the device's peak or bandwidth gave the ops a floor
#   rates     siamese bench: training and inference pairs/s of both towers
#   train-a, train-b   the same short training run twice, the same seed
#   identical the two models' weights and Adam moments compared byte for byte, and their histories
#             (losses, accuracies, AUC, threshold: all but the timings); fails if they differ
# Each step has its own time limit, and the whole run stops at GPU_CHECK_SECONDS (default 590).
#
# Outputs go to OUT (default gpu-check-out/, a folder of an earlier check is replaced): NAME.log per step
# (its stderr, or all its output), devices.txt/.json, selftest.txt, layers.txt/.json, rates.txt/.json,
# train-a/ and train-b/ (model, history, config), identical.txt, and summary.txt (each step passed or failed,
# and its seconds), which is also printed at the end.
#
# Device: GPU_CHECK_DEVICE, default cuda. --dry (or GPU_CHECK_DEVICE=opencl) runs every step on PoCL
# (or any OpenCL device) with small sizes, in about 2-3 minutes: CI runs it so (Tests/Cli/GpuCheckScriptTests.cs).
#
# Data: training needs MNIST (the benchmarks take synthetic images without it). It is read from the cache,
# $ILGPU_SIAMESE_DATA or ~/.cache/ilgpu-siamese, and fetched there when missing and a network is there.
# A machine with no network needs it carried: copy the cache's mnist/ folder (the four raw IDX files, 55 MB)
# and point ILGPU_SIAMESE_DATA at the folder above it, or use the bundle, which holds it.
#
# The bundle, for a GPU machine with no .NET SDK (or no NuGet packages and no network): on a machine with the
# SDK and MNIST in its cache (x86-64 Linux), `scripts/gpu-check.sh --pack` writes gpu-check-bundle.tar.xz
# (about 40 MB, git-ignored): the CLI built in Release, the .NET runtime it runs on, and MNIST. Copy it into
# the repository's root on the GPU machine (or name it in GPU_CHECK_BUNDLE); the check then unpacks it into a
# temporary folder and runs from there instead of building, and says which commit the bundle was built from.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mnist_files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

die() { echo "gpu-check: $*" >&2; exit 1; }

data_folder() { echo "${ILGPU_SIAMESE_DATA:-$HOME/.cache/ilgpu-siamese}"; }

# The commit the working tree is at, with "+changes" when it differs from it.
source_version() {
  local commit
  commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null) || { echo "unknown (not a git checkout)"; return; }
  [ -z "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] || commit="$commit+changes"
  echo "$commit"
}

pack() {
  local bundle="${1:-$root/gpu-check-bundle.tar.xz}" dotnet_root runtime cli="$root/Cli/bin/Release/net10.0" file
  [ "$(uname -sm)" = "Linux x86_64" ] || die "--pack bundles this machine's .NET runtime, which must be Linux x86-64 (GPU machines are)"
  command -v dotnet >/dev/null || die "--pack needs the .NET SDK"
  echo "Building the CLI (Release)..."
  dotnet build "$root/Cli/Cli.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly || die "the build failed"
  for file in "${mnist_files[@]}"; do
    [ -f "$(data_folder)/mnist/$file" ] || die "MNIST is not in $(data_folder)/mnist: run ./siamese data fetch mnist first"
  done
  dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  runtime=$(ls "$dotnet_root/shared/Microsoft.NETCore.App" | grep '^10\.' | sort -V | tail -n 1)
  [ -n "$runtime" ] || die "no .NET 10 runtime in $dotnet_root/shared/Microsoft.NETCore.App"
  stage=$(mktemp -d)  # global: the trap runs after this function has returned
  trap 'rm -rf "$stage"' EXIT
  mkdir -p "$stage/dotnet/shared/Microsoft.NETCore.App" "$stage/cli/runtimes" "$stage/data/mnist"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/LICENSE.txt" "$dotnet_root/ThirdPartyNotices.txt" "$stage/dotnet/"
  cp -a "$dotnet_root/shared/Microsoft.NETCore.App/$runtime" "$stage/dotnet/shared/Microsoft.NETCore.App/"
  # The native libraries of other platforms are most of the build's size; a GPU machine is linux-x64.
  (cd "$cli" && tar -cf - --exclude='./runtimes' .) | tar -xf - -C "$stage/cli"
  cp -a "$cli/runtimes/linux-x64" "$stage/cli/runtimes/"
  for file in "${mnist_files[@]}"; do cp "$(data_folder)/mnist/$file" "$stage/data/mnist/"; done
  echo "built from $(source_version) on $(date -u '+%Y-%m-%d %H:%M UTC'), .NET runtime $runtime" >"$stage/VERSION"
  echo "Compressing (a minute or two)..."
  XZ_OPT="${XZ_OPT:--T0}" tar -cJf "$bundle.partial" -C "$stage" . && mv "$bundle.partial" "$bundle" || die "could not write $bundle"
  echo "$bundle: $(du -h "$bundle" | cut -f1), $(cat "$stage/VERSION")"
}

if [ "${1:-}" = --pack ]; then
  pack "${2:-}"
  exit
fi

device="${GPU_CHECK_DEVICE:-cuda}"
case "${1:-}" in
  --dry) device=opencl; shift ;;
  -h | --help) sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  -*) die "unknown option $1 (--dry, --pack, --help)" ;;
esac
[ $# -le 1 ] || die "one output folder at most"
out="$(realpath -m "${1:-$root/gpu-check-out}")"
kind="${device%%:*}"
[ "$kind" = cuda ] && dry=false || dry=true
bundle="${GPU_CHECK_BUNDLE:-$root/gpu-check-bundle.tar.xz}"

if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
  [ -f "$out/.gpu-check" ] || die "$out is not empty and is not the output of an earlier check: choose another folder"
  rm -rf "$out" || die "could not clear $out"
fi
mkdir -p "$out" && : >"$out/.gpu-check" || die "could not create $out"

# Sizes: on the GPU as the docs measure; dry, the least that still runs every path.
if $dry; then
  towers=flat
  layers_options=(--batch 4 --repetitions 1 --warmup 0)
  rates_options=(--repetitions 1 --seconds 0.05 --warmup 0)
  train_options=(--epochs 2 --train-pairs 256 --test-pairs 128)
else
  towers=both
  layers_options=(--batch 64 --repetitions 15 --warmup 5)
  rates_options=(--repetitions 5 --seconds 1 --warmup 3)
  train_options=(--epochs 2 --train-pairs 32000 --test-pairs 4000)
fi

export NO_COLOR=1
budget="${GPU_CHECK_SECONDS:-590}"
start=$SECONDS
steps=()
# summary [VERDICT]: OUT/summary.txt, the steps so far and the verdict last.
summary() {
  {
    printf '%-12s %-7s %8s  %s\n' step result seconds output
    printf '%s\n' "${steps[@]}"
    [ $# -eq 0 ] || echo "$1"
  } >"$out/summary.txt"
}

# step NAME LIMIT STDOUT COMMAND...: runs COMMAND for at most LIMIT seconds (less if the run's budget is nearly
# spent), its stdout to OUT/STDOUT (or, with STDOUT "-", to NAME.log with its stderr), its stderr to OUT/NAME.log.
step() {
  local name="$1" limit="$2" stdout="$3" began=$SECONDS code left
  shift 3
  left=$((budget - (SECONDS - start)))
  [ "$left" -lt "$limit" ] && limit=$left
  [ "$limit" -gt 0 ] || fail "$name" "the run's $budget s were spent before it began"
  echo "== $name: $* (at most $limit s)"
  if [ "$stdout" = - ]; then
    timeout -k 10 "$limit" "$@" >"$out/$name.log" 2>&1
  else
    timeout -k 10 "$limit" "$@" >"$out/$stdout" 2>"$out/$name.log"
  fi
  code=$?
  if [ "$code" -ne 0 ]; then
    [ "$code" -eq 124 ] || [ "$code" -eq 137 ] && fail "$name" "timed out after $limit s" "$stdout"
    fail "$name" "exit code $code" "$stdout"
  fi
  passed "$name" $((SECONDS - began)) "$([ "$stdout" = - ] && echo "$name.log" || echo "$stdout, $name.log")"
}

passed() { steps+=("$(printf '%-12s %-7s %8s  %s' "$1" passed "$2" "$3")"); summary; }

# fail NAME WHY [STDOUT]: the step's log's last lines (and its STDOUT file's), the summary, and exit 1.
fail() {
  local name="$1" why="$2" stdout="${3:--}" file
  steps+=("$(printf '%-12s %-7s %8s  %s' "$name" FAILED - "$why")")
  summary "gpu-check: FAILED at step $name ($why) after $((SECONDS - start)) s on $device, commit $(source_version); outputs in $out"
  for file in "$out/$name.log" "$out/$stdout"; do
    [ -s "$file" ] && { echo "-- last lines of $file:"; tail -n 20 "$file"; }
  done
  cat "$out/summary.txt" >&2
  exit 1
}

# The build, or the bundle unpacked; sets siamese (the command that runs the CLI).
if [ -f "$bundle" ]; then
  began=$SECONDS
  unpacked=$(mktemp -d) || fail build "could not make a temporary folder"
  trap 'rm -rf "$unpacked"' EXIT
  echo "== build: unpacking $bundle into $unpacked"
  if command -v xz >/dev/null; then
    tar -xJf "$bundle" -C "$unpacked" >"$out/build.log" 2>&1
  else
    python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$bundle" "$unpacked" >"$out/build.log" 2>&1
  fi || fail build "could not unpack $bundle"
  echo "bundle $(cat "$unpacked/VERSION"); this checkout: $(source_version)" | tee -a "$out/build.log"
  siamese=("$unpacked/dotnet/dotnet" "$unpacked/cli/siamese.dll")
  export DOTNET_ROOT="$unpacked/dotnet"
  ldconfig -p 2>/dev/null | grep -q libicuuc || export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
  [ -n "${ILGPU_SIAMESE_DATA:-}" ] || export ILGPU_SIAMESE_DATA="$unpacked/data"
  passed build $((SECONDS - began)) "build.log (bundle $(cut -d' ' -f3 "$unpacked/VERSION"))"
else
  command -v dotnet >/dev/null ||
    fail build "no dotnet here: install the .NET 10 SDK, or make the bundle with --pack where it is (see the header of $0)"
  step build 300 - dotnet build "$root/Cli/Cli.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly
  siamese=(dotnet "$root/Cli/bin/Release/net10.0/siamese.dll")
fi

step data 120 - "${siamese[@]}" data fetch mnist

step devices 60 devices.txt "${siamese[@]}" devices
step devices-json 60 devices.json "${siamese[@]}" devices --json
# The first usable device of the kind asked for: "id name".
found=$(awk -v want="$kind" '/"id":/ { id = $2; gsub(/[",]/, "", id) } /"kind":/ { k = $2; gsub(/[",]/, "", k) }
  /"name":/ { name = $0; sub(/^[^:]*: "/, "", name); sub(/",?$/, "", name) }
  /"usable": true/ && k == want { print id, name; exit }' "$out/devices.json")
[ -n "$found" ] || fail usable "no usable $kind device: see devices.txt" devices.txt
passed usable 0 "$found"

step selftest 180 selftest.txt "${siamese[@]}" selftest --device "$device"

step layers 120 layers.txt "${siamese[@]}" bench --layers --device "$device" --tower "$towers" "${layers_options[@]}"
step layers-json 120 layers.json "${siamese[@]}" bench --layers --device "$device" --tower "$towers" "${layers_options[@]}" --json
grep -q '"floorMs": [0-9]' "$out/layers.json" || fail roofline "no op has a roofline floor (floorMs): the device's peak and bandwidth are unknown" layers.json
passed roofline 0 "layers.txt: floor ms, × floor"

step rates 150 rates.txt "${siamese[@]}" bench --device "$device" --tower "$towers" "${rates_options[@]}"
step rates-json 150 rates.json "${siamese[@]}" bench --device "$device" --tower "$towers" "${rates_options[@]}" --json

for run in train-a train-b; do
  step "$run" 150 - "${siamese[@]}" train --device "$device" --dataset mnist "${train_options[@]}" --seed 7 --out "$out/$run"
done

# The model file's bytes after its header (which holds the save time and the timings) and before its checksum:
# the optimizer flag, the weights and Adam's moments. Its header length is the u32 at offset 12.
weights() {
  local size header
  size=$(stat -c %s "$1")
  header=$(od -An -t u4 -j 12 -N 4 "$1" | tr -d ' ')
  tail -c +$((16 + header + 1)) "$1" | head -c $((size - 16 - header - 32))
}

# history.csv without its timing columns.
untimed() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) keep[i] = ($i != "seconds" && $i != "pairs_per_second") }
  { line = ""; for (i = 1; i <= NF; i++) if (keep[i]) line = line (line == "" ? "" : ",") $i; print line }' "$1"; }

began=$SECONDS
{
  for run in train-a train-b; do
    echo "$run: weights and moments $(weights "$out/$run/model.siamese" | wc -c) bytes, SHA-256 $(weights "$out/$run/model.siamese" | sha256sum | cut -d' ' -f1)"
  done
  untimed "$out/train-a/history.csv"
} >"$out/identical.txt"
cmp <(weights "$out/train-a/model.siamese") <(weights "$out/train-b/model.siamese") >>"$out/identical.txt" 2>&1 ||
  fail identical "the two runs' weights differ: see identical.txt" identical.txt
cmp <(untimed "$out/train-a/history.csv") <(untimed "$out/train-b/history.csv") >>"$out/identical.txt" 2>&1 ||
  fail identical "the two runs' histories differ: see identical.txt" identical.txt
[ "$(weights "$out/train-a/model.siamese" | wc -c)" -gt 1000 ] || fail identical "the model holds no weights" identical.txt
passed identical $((SECONDS - began)) identical.txt

summary "gpu-check: all ${#steps[@]} steps passed in $((SECONDS - start)) s on $device ($found), commit $(source_version); outputs in $out"
cat "$out/summary.txt"
