#!/usr/bin/env bash
# Cross-builds the device agent for the ARM devices, with cgo, into
#   bin/linux-arm/    GOARCH=arm GOARM=7  (Debian armhf, arm-linux-gnueabihf-gcc)
#   bin/linux-arm64/  GOARCH=arm64        (Debian arm64, aarch64-linux-gnu-gcc)
# cgo packages find the target's C libraries through pkg-config, pointed at
# the target's multiarch .pc files only (libpcsclite-dev:armhf and :arm64 for
# readers/pcsc); scripts/install-deps.sh installs all of it.
#
#   CROSS_PKGS=...     what to build (default ./cmd/karta-agent; every main
#                      package under ./cmd/ when there is no agent yet)
#   CROSS_ARCHES=...   default "arm arm64"
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
BIN=${BIN:-bin}

pkgs=${CROSS_PKGS:-}
if [ -z "$pkgs" ]; then
	if $GO list ./cmd/karta-agent >/dev/null 2>&1; then
		pkgs=./cmd/karta-agent
	else
		pkgs=$($GO list -f '{{if eq .Name "main"}}{{.ImportPath}}{{end}}' ./cmd/...)
		echo "cross: no ./cmd/karta-agent yet; building $(echo $pkgs)"
	fi
fi

for arch in ${CROSS_ARCHES:-arm arm64}; do
	case $arch in
	arm) triplet=arm-linux-gnueabihf; machine=ARM,; label='linux/arm GOARM=7' ;;
	arm64) triplet=aarch64-linux-gnu; machine='ARM aarch64'; label=linux/arm64 ;;
	*) echo "cross: unknown arch $arch (arm or arm64)" >&2; exit 2 ;;
	esac
	command -v "$triplet-gcc" >/dev/null || { echo "cross: $triplet-gcc not found; run make deps" >&2; exit 1; }
	out=$BIN/linux-$arch
	mkdir -p "$out"
	echo "== cross: $label -> $out/"
	# shellcheck disable=SC2086 # pkgs is a list
	CGO_ENABLED=1 GOOS=linux GOARCH=$arch GOARM=7 CC=$triplet-gcc \
		PKG_CONFIG=${PKG_CONFIG:-pkg-config} PKG_CONFIG_PATH= \
		PKG_CONFIG_LIBDIR=/usr/lib/$triplet/pkgconfig:/usr/share/pkgconfig \
		$GO build -o "$out/" $pkgs
	for p in $pkgs; do
		f=$out/$(basename "$p")
		desc=$(file -b "$f")
		echo "   $f: $desc"
		case $desc in
		*"$machine"*) ;;
		*) echo "cross: $f is not a $machine binary" >&2; exit 1 ;;
		esac
	done
done
