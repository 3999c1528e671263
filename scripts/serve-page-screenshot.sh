#!/usr/bin/env bash
# Runs the browser test (Tests/Browser/ComparePageTests.cs: siamese serve on OpenCL, its page in headless Chromium,
# two samples/ images compared) and copies the screenshot it takes to docs/serve-page.png.
# Needs Chromium (scripts/install-chromium.sh) and an OpenCL device (scripts/install-opencl.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build Tests/Tests.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet test Tests/Tests.csproj -c Release --no-build --nologo --filter "FullyQualifiedName~Browser.ComparePageTests" \
  -- NUnit.WorkDirectory="$work"
cp "$work/serve-page.png" docs/serve-page.png
echo "wrote docs/serve-page.png"
