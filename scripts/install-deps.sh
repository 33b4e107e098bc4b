#!/usr/bin/env bash
# Installs the system packages karta's tests need, when they are missing.
# Called by `make test`; safe to run again (it installs nothing when all are
# there). Debian or Ubuntu, as root or with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

# One package per line in scripts/debian-packages.txt; '#' starts a comment.
mapfile -t wanted < <(sed -e 's/#.*//' scripts/debian-packages.txt | awk 'NF { print $1 }')

missing=()
for p in "${wanted[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ! command -v go >/dev/null 2>&1; then
	echo "install-deps: Go is not installed; karta needs Go $(sed -n 's/^go //p' go.mod) or newer (https://go.dev/dl/)" >&2
	exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
