# karta — the two commands a newcomer needs are `make run` and `make test`.

GO       ?= go
BIN      := bin
FUZZTIME ?= 30s
# Every fuzz target, as package:Target.
FUZZ_TARGETS := \
	./readers/emv:FuzzParse ./readers/emv:FuzzParseDOL \
	./readers/emv:FuzzParseProcessing ./readers/emv:FuzzRead \
	./readers/transcript:FuzzParse ./offline:FuzzDecodeEntry \
	./offline/bundle:FuzzRead ./offline/bundle:FuzzOpen

.PHONY: all build run test deps lint bench fuzz clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

## run: build everything, then provision and run a bus validator, a school
## turnstile and a canteen till tapping virtual cards (scripts/demo.sh).
run: build
	@bash scripts/demo.sh

## test: install what the tests need, then run every test.
test: deps lint
	$(GO) test -race -count=1 ./...

## deps: install missing system packages (Debian) the tests need.
deps:
	@bash scripts/install-deps.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

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
