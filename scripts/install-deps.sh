#!/usr/bin/env bash
# Installs the system packages the project needs on a fresh machine (Debian/Ubuntu):
# - libclang-dev and a C++ compiler: RocksDB's bindings, built for the in-process test validator
#   (`credence localnet`, crate client/localnet).
# Idempotent: installs nothing that is already there.
set -euo pipefail

have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
need=()
for package in libclang-dev g++ pkg-config; do
    have "$package" || need+=("$package")
done

if [ ${#need[@]} -eq 0 ]; then
    echo "system packages: all present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
