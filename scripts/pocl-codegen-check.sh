#!/usr/bin/env bash
# scripts/pocl-codegen-check.sh: after a change to the register tile (Kernels/Ops/Tile8x16.cs) or to the kernels that
# use it, checks that PoCL still compiles GemmTiled and Conv2dShiftedRuns as intended: each of the tile's 8 rows one
# 16-lane FMA (zmm) with its value of A broadcast from memory ({1to16}), and no gather of A (vgather), which ran at half
# the speed (docs/optimisation-log.md #19). Runs the tests that launch both kernels on PoCL with a fresh kernel cache
# (POCL_CACHE_DIR), then disassembles the compiled kernels found there (objdump). Needs a Release build and PoCL.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cache="$(mktemp -d)"
trap 'rm -rf "$cache"' EXIT
POCL_CACHE_DIR="$cache" dotnet test Tests/Tests.csproj -c Release --no-build \
  --filter "FullyQualifiedName~GemmKernelTests.StoreMatchesReference|FullyQualifiedName~InferenceFromTheShiftedRunsOfXMatchesReference" >/dev/null
failed=0
for kernel in GemmTiled Conv2dShiftedRuns; do
  objects=$(find "$cache" -name "Kernel_$kernel.so")
  if [ -z "$objects" ]; then
    echo "$kernel: not compiled by PoCL (is an OpenCL device present?)"
    failed=1
    continue
  fi
  for object in $objects; do
    code=$(objdump -d "$object")
    broadcasts=$(grep vfmadd231ps <<<"$code" | grep -c '{1to16},%zmm' || true)
    gathers=$(grep -c vgather <<<"$code" || true)
    echo "$kernel ($(basename "$(dirname "$object")")): $broadcasts broadcast FMAs on zmm, $gathers gathers"
    if [ "$broadcasts" -lt 8 ] || [ "$gathers" -gt 0 ]; then
      failed=1
    fi
  done
done
[ "$failed" = 0 ] && echo "ok: A broadcast into 16-lane FMAs, no gathers" || { echo "the tile's codegen changed: see docs/optimisation-log.md #19"; exit 1; }
