#!/usr/bin/env bash
# One-time (and idempotent) set-up: libtorch, npm packages, the native addon.
# Installs libtorch-dev through apt when no libtorch is found and we are root; LIBTORCH=/path selects another.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "[setup] $*" >&2; }
die() { echo "[setup] error: $*" >&2; exit 1; }

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$major" -ge 20 ] || die "Node.js >= 20 is required (found $(node --version 2>/dev/null || echo none))"

have_system_libtorch() {
  [ -f /usr/include/ATen/ATen.h ] && ls /usr/lib/*-linux-gnu/libtorch_cpu.so >/dev/null 2>&1
}

if [ -n "${LIBTORCH:-}" ]; then
  [ -f "$LIBTORCH/include/ATen/ATen.h" ] || die "LIBTORCH=$LIBTORCH has no include/ATen/ATen.h (expected an unpacked libtorch)"
  [ -f "$LIBTORCH/lib/libtorch_cpu.so" ] || die "LIBTORCH=$LIBTORCH has no lib/libtorch_cpu.so"
  say "using libtorch at $LIBTORCH"
elif ! have_system_libtorch; then
  if [ "$(id -u)" != 0 ]; then
    die "libtorch not found: run 'sudo apt-get install libtorch-dev' (Debian/Ubuntu) or set LIBTORCH=/path/to/libtorch, then retry"
  fi
  command -v apt-get >/dev/null || die "libtorch not found and apt-get is unavailable: set LIBTORCH=/path/to/libtorch"
  say "installing libtorch-dev with apt (about 800 MB, one time)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq libtorch-dev libopenblas0 >/dev/null
  have_system_libtorch || die "apt-get installed libtorch-dev but ATen headers or libtorch_cpu.so are still missing"
fi

# npm packages: install when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The addon: rebuild when missing, when a native source is newer, or when LIBTORCH changed.
stamp=native/build/.libtorch
addon=native/build/Release/semiseg_native.node
want="${LIBTORCH:-system}"
need_build=0
[ -f "$addon" ] || need_build=1
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] || need_build=1
if [ "$need_build" = 0 ] && [ -n "$(find native/src native/binding.gyp native/torch-config.cjs -newer "$addon" 2>/dev/null)" ]; then
  need_build=1
fi
if [ "$need_build" = 1 ]; then
  say "building the native addon (about a minute)"
  nodedir=$(node -p 'require("path").resolve(process.execPath, "../..")')
  [ -f "$nodedir/include/node/node_api.h" ] || die "Node headers not found under $nodedir/include/node (install the nodejs dev headers)"
  log=$(mktemp)
  if ! npx --no-install node-gyp rebuild --jobs 2 --directory native --nodedir "$nodedir" --loglevel=error >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "the native addon failed to build (full log: $log)"
  fi
  rm -f "$log"
  echo "$want" >"$stamp"
fi
