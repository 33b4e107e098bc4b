#!/usr/bin/env bash
# Prints the module's packages whose tests can run on ARM without cgo: every
# package of ./... except those that use cgo themselves or through any
# dependency, their test files' imports included (readers/pcsc and whatever
# imports it, via github.com/ebfe/scard). Used by scripts/test-arm.sh, which
# runs them under qemu-user with CGO_ENABLED=0.
#
# Usage: GOARCH=arm scripts/arm-packages.sh   (GOARCH decides the build
# constraints; cgo is judged as if CGO_ENABLED=1, as in the cross build).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
export GOOS=linux CGO_ENABLED=1

# Non-standard packages with cgo files, in the graph of any package or test.
cgo=$($GO list -e -deps -test -f '{{if and (not .Standard) .CgoFiles}}{{.ImportPath}}{{end}}' ./... |
	sed -e 's/ \[.*\]$//' | sort -u)

# A package is tainted when it, its test variants or its test binary reach one.
tainted=$($GO list -e -test -f '{{.ImportPath}}|{{.ForTest}}|{{.Name}}|{{join .Deps " "}}' ./... |
	awk -F'|' -v cgo="$cgo" '
	BEGIN { n = split(cgo, c, "\n"); for (i = 1; i <= n; i++) if (c[i] != "") C[c[i]] = 1 }
	{
		path = $1; sub(/ \[.*\]$/, "", path)
		owner = $2
		if (owner == "") { owner = path; if ($3 == "main" && owner ~ /\.test$/) sub(/\.test$/, "", owner) }
		bad = (path in C)
		m = split($4, d, " ")
		for (i = 1; i <= m && !bad; i++) { dep = d[i]; sub(/ \[.*\]$/, "", dep); if (dep in C) bad = 1 }
		if (bad) T[owner] = 1
	}
	END { for (p in T) print p }' | sort -u)

$GO list -e ./... | grep -vxF -f <(printf '%s\n' "$tainted") || true
