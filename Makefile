# karta — the two commands a newcomer needs are `make run` and `make test`.

GO       ?= go
BIN      := bin
FUZZTIME ?= 30s
# Every fuzz target, as package:Target.
FUZZ_TARGETS := \
	./readers/emv:FuzzParse ./readers/emv:FuzzParseDOL \
	./readers/emv:FuzzParseProcessing ./readers/emv:FuzzRead \
	./readers/transcript:FuzzParse ./offline:FuzzDecodeEntry \
	./offline/bundle:FuzzRead ./offline/bundle:FuzzOpen \
	./readers/pn532:FuzzParseFrame ./readers/pn532:FuzzDecoder ./sim/vpcd:FuzzReadMessage \
	./sync:FuzzDecodeTapBatch ./sync:FuzzDecodeStatus ./sync:FuzzDecodeAck \
	./sync:FuzzDecodeConfig ./sync:FuzzDecodeCommand ./sync:FuzzDecodeListOffer \
	./sync:FuzzParseChunkTopic ./sync:FuzzPlan ./agent:FuzzParseRules \
	./central/registry:FuzzReader ./central/control:FuzzCheckRules \
	./central/api:FuzzRegister ./central/api:FuzzRegistryUpload ./central/api:FuzzParams \
	./central/web:FuzzNormalizePAN ./central/web:FuzzTapFilter ./central/web:FuzzPeriod \
	./central/web/password:FuzzParse ./cmd/karta:FuzzOpenDeviceDir

.PHONY: all build run run-check test deps lint cross test-arm bench fuzz clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

## run: build everything, then provision and run a bus validator, a school
## turnstile and a canteen till tapping virtual cards (scripts/demo.sh).
run: build
	@bash scripts/demo.sh

## run-check: make run without a terminal, failing unless every tap reached
## central and the devices took ops' update (its output in var/demo.out).
run-check: build
	@mkdir -p var; KARTA_DEMO_KEEP=0 bash scripts/demo.sh >var/demo.out 2>&1 || { tail -40 var/demo.out; exit 1; }
	@tail -1 var/demo.out

## test: install what the tests need, then run every test, natively and on ARM,
## and make run once.
test: deps lint
	$(GO) test -race -count=1 ./...
	@$(MAKE) --no-print-directory run-check
	@$(MAKE) --no-print-directory cross
	@$(MAKE) --no-print-directory test-arm

## cross: karta-agent for the ARM devices, cgo with Debian's cross compilers:
## bin/linux-arm/ (GOARM=7) and bin/linux-arm64/.
cross: deps
	@GO="$(GO)" BIN="$(BIN)" bash scripts/cross.sh

## test-arm: the tests of every package not using cgo, as ARM binaries
## (GOARM=7 and arm64) under qemu-user.
test-arm: deps
	@GO="$(GO)" bash scripts/test-arm.sh

## deps: install missing system packages (Debian) the tests need.
deps:
	@bash scripts/install-deps.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@missing=$$(git grep -o '^func Fuzz[A-Za-z0-9_]*' -- '*_test.go' | \
		sed -E 's|^(.*)/[^/]*:func (Fuzz.*)$$|./\1:\2|' | sort -u | \
		while read -r t; do echo " $(FUZZ_TARGETS) " | grep -qF " $$t " || echo "$$t"; done); \
	if [ -n "$$missing" ]; then echo "fuzz targets missing from FUZZ_TARGETS:" $$missing; exit 1; fi

## bench: every benchmark once, output in bench.txt (figures go to docs/BENCHMARKS.md).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./... | tee bench.txt

## fuzz: each fuzz target for FUZZTIME (make fuzz FUZZTIME=5m).
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "== fuzz $$pkg $$fn for $(FUZZTIME)"; \
		$(GO) test $$pkg -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME); \
	done

clean:
	rm -rf $(BIN) bench.txt
