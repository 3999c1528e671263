#!/usr/bin/env bash
# Installs PoCL, an OpenCL implementation for the CPU, with the ICD loader (Debian/Ubuntu).
# The -dev package is not needed: the engine loads libOpenCL.so.1 itself.
set -euo pipefail
if command -v clinfo >/dev/null 2>&1 && clinfo -l 2>/dev/null | grep -q Device; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-opencl: no apt-get here; install an OpenCL ICD (PoCL or your GPU vendor's) by hand." >&2
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  pocl-opencl-icd ocl-icd-libopencl1 clinfo >/dev/null
clinfo -l
