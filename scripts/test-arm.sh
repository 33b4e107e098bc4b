#!/usr/bin/env bash
# Runs the tests of karta's pure-Go packages as ARM binaries under qemu-user:
# GOARCH=arm GOARM=7 (32-bit, where bbolt's mmap and 64-bit atomics' alignment
# bite) and GOARCH=arm64, with CGO_ENABLED=0. The package list is computed by
# scripts/arm-packages.sh (every package not reaching cgo), so new pure-Go
# packages are tested here without touching this script.
#
# qemu-user (Debian package qemu-user) runs each test binary through
# `go test -exec`; binfmt_misc is not needed. go test runs the binary in its
# package directory, as natively, so testdata/ and ../shared/cards/real resolve.
#
#   ARM_ARCHES="arm arm64"   which targets (default both)
#   ARM_TEST_TIMEOUT=10m     go test -timeout, per package binary
#   ARM_TEST_FLAGS=...       extra go test flags, e.g. -run or -v
#   ARM_TEST_EXCLUDE=regexp  import paths to leave out (grep -E), e.g.
#                            '^karta/central(/|$)' (central runs on the server,
#                            not on devices); default: none
#   ARM_TEST_SKIP=regexp     go test -skip; default: the tests that cannot
#                            work under qemu-user (see below); empty skips none
#   QEMU_CPU_ARM / QEMU_CPU_ARM64  CPU model qemu emulates (default
#                            cortex-a7 / cortex-a53: plain ARMv7 and ARMv8.0,
#                            so Go takes its LL/SC atomics paths, as on the
#                            cheapest devices)
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
arches=${ARM_ARCHES:-arm arm64}
timeout=${ARM_TEST_TIMEOUT:-10m}
exclude=${ARM_TEST_EXCLUDE:-}
# Tests that exec a program they build for the target: without binfmt_misc
# the kernel cannot start an ARM binary ("exec format error"), and qemu-user
# does not follow execve. They run natively in `go test`.
#   cmd/karta-agent TestKill9TapStorm: go build the agent, kill -9 it mid-storm.
skip=${ARM_TEST_SKIP-^TestKill9TapStorm\$}

failed=()
for arch in $arches; do
	case $arch in
	arm) qemu=qemu-arm; cpu=${QEMU_CPU_ARM:-cortex-a7}; label="GOARCH=arm GOARM=7" ;;
	arm64) qemu=qemu-aarch64; cpu=${QEMU_CPU_ARM64:-cortex-a53}; label="GOARCH=arm64" ;;
	*) echo "test-arm: unknown arch $arch (arm or arm64)" >&2; exit 2 ;;
	esac
	command -v "$qemu" >/dev/null || { echo "test-arm: $qemu not found; run make deps (Debian package qemu-user)" >&2; exit 1; }

	mapfile -t pkgs < <(GOARCH=$arch GOARM=7 GO=$GO scripts/arm-packages.sh |
		if [ -n "$exclude" ]; then grep -Ev "$exclude" || true; else cat; fi)
	[ ${#pkgs[@]} -gt 0 ] || { echo "test-arm: no packages for $arch" >&2; exit 1; }
	echo "== test-arm: $label under $qemu -cpu $cpu, ${#pkgs[@]} packages${skip:+, skipping $skip}"
	start=$SECONDS
	# shellcheck disable=SC2086 # ARM_TEST_FLAGS is a list of flags
	if QEMU_CPU=$cpu CGO_ENABLED=0 GOOS=linux GOARCH=$arch GOARM=7 \
		$GO test -count=1 -timeout "$timeout" -exec "$qemu" ${skip:+-skip "$skip"} ${ARM_TEST_FLAGS:-} "${pkgs[@]}"; then
		echo "== test-arm: $label passed in $((SECONDS - start))s"
	else
		echo "== test-arm: $label FAILED after $((SECONDS - start))s" >&2
		failed+=("$arch")
	fi
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "test-arm: failures on ${failed[*]}" >&2
	exit 1
fi
