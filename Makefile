# Vger: the two commands are `make demo` and `make test`.
SHELL := /bin/bash
GO ?= go
PKGS := ./...
BIN := bin/vger
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: demo test build check generate fmt vet unit fuzz bench bench-go bench-sync bench-data bench-data-clean bench-web clean

## demo: build and run the whole product on simulated JIRA + GitHub at http://127.0.0.1:8080
demo: build
	./$(BIN) demo

## build: the vger binary in bin/
build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/vger

## test: static checks, then every test (unit, Postgres, simulator, browser) with the race detector
test: check unit

## check: go vet, gofmt and templ generate leave no diff
check: vet
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	@before=$$(find . -name '*_templ.go' -not -path './.git/*' | sort | xargs sha256sum); \
	$(GO) tool templ generate >/dev/null 2>&1 || { echo "templ generate failed"; $(GO) tool templ generate; exit 1; }; \
	after=$$(find . -name '*_templ.go' -not -path './.git/*' | sort | xargs sha256sum); \
	if [ "$$before" != "$$after" ]; then echo "templ generate changed generated files: run it and commit the *_templ.go files"; diff <(echo "$$before") <(echo "$$after"); exit 1; fi
	@echo "check: vet, gofmt, templ generate: clean"

vet:
	$(GO) vet $(PKGS)

unit:
	@set -o pipefail; $(GO) test -race -count=1 -timeout 9m -json $(PKGS) | $(GO) run ./.ci/testreport

generate:
	$(GO) tool templ generate

fmt:
	gofmt -w $$(find . -name '*.go' -not -path './.git/*')

## fuzz: every fuzz target for FUZZTIME each (default 30s), one `go test -fuzz` per target (never in CI;
## `make test` replays the committed seed corpora in testdata/fuzz/). A failing input is written to the
## package's testdata/fuzz/<Target>/: commit it with the fix.
FUZZTIME ?= 30s
FUZZ_TARGETS := \
	./web:FuzzParseViewParams ./web:FuzzSafeCell ./web/chart:FuzzLabel \
	./internal/jira:FuzzQuote ./internal/jira:FuzzParseTime ./internal/jira:FuzzChangelog \
	./internal/sim:FuzzBuiltJQL ./internal/settings:FuzzSettingsImport \
	./internal/config:FuzzLoad ./internal/retry:FuzzHeaderWait
fuzz:
	@missing=$$(grep -rhoE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+' . | sed 's/^func //' | sort -u | \
		while read -r f; do case " $(FUZZ_TARGETS) " in *":$$f "*) ;; *) echo "$$f";; esac; done); \
	if [ -n "$$missing" ]; then echo "fuzz: add to FUZZ_TARGETS in the Makefile: $$missing"; exit 1; fi
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz: $$name ($$pkg) for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

## bench: every benchmark (never run in CI); figures go in the issue notes
bench: bench-go bench-sync

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -count 1 -timeout 60m $(PKGS)

## bench-sync: full + incremental sync of a large simulated JIRA through the real binaries
bench-sync:
	./.ci/bench-sync.sh

## bench-data: the 1M-issue benchmark database in .bench/ (BENCH_DATABASE_URL: an existing empty one); reused when present
BENCH_DIR ?= .bench
bench-data:
	$(GO) run ./.ci/benchdata -dir $(BENCH_DIR) $(BENCH_DATA_FLAGS)

## bench-data-clean: stop and remove the benchmark cluster
bench-data-clean:
	$(GO) run ./.ci/benchdata -dir $(BENCH_DIR) -clean

## bench-web: load test of a real `vger serve` on the benchmark database (run bench-data first)
bench-web: build
	$(GO) run ./.ci/benchweb -dir $(BENCH_DIR) $(BENCH_WEB_FLAGS)

clean:
	rm -rf bin
