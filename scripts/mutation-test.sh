#!/usr/bin/env bash
# scripts/mutation-test.sh [kernels|network|all] [extra Stryker options]
# Mutation testing with Stryker.NET (local tool, .config/dotnet-tools.json) of Kernels/Ops (host side only: kernel bodies
# are excluded, see docs/mutation-testing.md) and Network, against the Tests/Kernels and Tests/Network tests on the
# CPU and OpenCL fixtures. Settings: scripts/stryker-config.kernels.json, scripts/stryker-config.network.json. Reports (HTML, JSON)
# go to StrykerOutput/<project>/. About 47 minutes for kernels and 34 for network on a busy 2-core machine.
# Example, one file only: scripts/mutation-test.sh kernels -m "**/Ops/Dense.cs"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
which="${1:-all}"
shift || true
dotnet tool restore >/dev/null
case "$which" in
  kernels|network) projects=("$which") ;;
  all) projects=(kernels network) ;;
  *) echo "usage: $0 [kernels|network|all] [Stryker options]" >&2; exit 2 ;;
esac
# Stryker runs from the test project's folder: from the root it would see IlgpuSiamese.sln and switch to its
# solution mode, where a test project cannot be named.
cd Tests
for p in "${projects[@]}"; do
  dotnet stryker -f "../scripts/stryker-config.$p.json" -O "../StrykerOutput/$p" --skip-version-check "$@"
done
