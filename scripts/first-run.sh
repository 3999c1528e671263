# Sourced by ./siamese: on a machine with no OpenCL device, install PoCL (OpenCL on the CPU) once, since
# ILGPU's CPU accelerator trains about 20x slower. Only bash builtins and the commands it asks about
# (clinfo, nvidia-smi, apt-get, id, sudo) are used, so a test can run the decision with stand-ins on PATH.

# True when an OpenCL device is there: clinfo lists one, or without clinfo an ICD is registered.
opencl_device_found() {
  if command -v clinfo >/dev/null 2>&1; then
    [[ "$(clinfo -l 2>/dev/null)" == *Device* ]]
    return
  fi
  local vendors="${OCL_ICD_VENDORS:-/etc/OpenCL/vendors}"
  [ -f "$vendors" ] || compgen -G "$vendors/*.icd" >/dev/null
}

# True when packages can be installed without a prompt: root, or sudo without a password.
can_install_packages() {
  command -v apt-get >/dev/null 2>&1 || return 1
  [ "$(id -u)" = 0 ] && return 0
  command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1
}

# Prints "install" when `siamese ARGS...` should install PoCL first, else why not.
# MARKER: the file that says it was tried before (it is tried once per user).
pocl_install_decision() {
  local marker="$1" previous="" arg
  shift
  case "${1:-}" in
    train | compare | inspect | embed | search | serve | evaluate | bench | selftest | devices) ;;
    *) echo "no accelerator needed for '${1:-}'"; return ;;
  esac
  for arg in "$@"; do
    case "$arg" in
      -h | --help | -\?) echo "help only"; return ;;
      --device=*) [ "${arg#--device=}" = auto ] || { echo "--device ${arg#--device=} chosen"; return; } ;;
    esac
    if [ "$previous" = --device ] && [ "$arg" != auto ]; then
      echo "--device $arg chosen"
      return
    fi
    previous="$arg"
  done
  if [ -e "$marker" ]; then echo "tried before ($marker)"; return; fi
  if opencl_device_found; then echo "an OpenCL device is there"; return; fi
  if command -v nvidia-smi >/dev/null 2>&1; then echo "a CUDA GPU is there"; return; fi
  if ! can_install_packages; then echo "no apt-get, or neither root nor sudo without a password"; return; fi
  echo install
}

# Installs PoCL with scripts/install-opencl.sh when pocl_install_decision says so, in one line.
install_pocl_if_needed() {
  local root="$1" marker="${XDG_CACHE_HOME:-$HOME/.cache}/ilgpu-siamese/pocl-install-tried"
  shift
  [ "$(pocl_install_decision "$marker" "$@")" = install ] || return 0
  { mkdir -p "${marker%/*}" && : >"$marker"; } || return 0
  local log="${marker%/*}/pocl-install.log"
  echo "No OpenCL device: installing PoCL (OpenCL on the CPU, ~20x faster than ILGPU's CPU accelerator) once with scripts/install-opencl.sh (log: $log)" >&2
  "$root/scripts/install-opencl.sh" >"$log" 2>&1 || echo "Installing PoCL failed (see $log); continuing on ILGPU's CPU accelerator." >&2
}
