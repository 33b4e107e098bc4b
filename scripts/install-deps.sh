#!/usr/bin/env bash
# Installs the system packages karta's tests need, when they are missing.
# Called by `make test`; safe to run again (it installs nothing, and runs no
# apt-get update, when all are there). Debian or Ubuntu, as root or with sudo.
#
# A line may name a package of a foreign architecture with Debian's multiarch
# suffix (libpcsclite-dev:armhf, the ARM cross builds link against it); the
# architecture is added to dpkg first when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# One package per line in scripts/debian-packages.txt; '#' starts a comment.
mapfile -t wanted < <(sed -e 's/#.*//' scripts/debian-packages.txt | awk 'NF { print $1 }')

# dpkg-query takes the same name:arch form, so one check serves both kinds.
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
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
	sudo="sudo"
fi

# Foreign architectures the missing packages need (the part after ':').
native=$(dpkg --print-architecture)
known=" $native $(dpkg --print-foreign-architectures | tr '\n' ' ') all any "
for p in "${missing[@]}"; do
	case "$p" in
	*:*) arch=${p##*:} ;;
	*) continue ;;
	esac
	case "$known" in
	*" $arch "*) ;;
	*)
		echo "install-deps: adding dpkg architecture $arch (for $p)"
		$sudo dpkg --add-architecture "$arch"
		known="$known$arch "
		;;
	esac
done

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# A mirror caught mid-sync fails one index (seen: "File has unexpected size"
# for bookworm-security armhf); apt keeps the lists that did download, so try
# once more, then install from those and let apt-get install fail loudly if a
# package really cannot be found.
if ! $sudo apt-get update -qq; then
	sleep 5
	$sudo apt-get update -qq ||
		echo "install-deps: warning: apt-get update reported errors (above); installing from the package lists apt has" >&2
fi
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
