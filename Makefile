# incidentdb — see README.md.
GO      ?= go
DB      ?= incidents.db
ADDR    ?= :8080
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)

# SQLite's full-text index (FTS5), which the text index of q needs, is
# compiled into the driver only with this build tag; every go command
# below gets it, a bare "go build" does not (the program then says so).
export GOFLAGS := $(strip $(GOFLAGS) -tags=sqlite_fts5)

.PHONY: help run build test lint fuzz bench clean screenshots

# staticcheck runs through go run at this version, so a fresh machine with
# only Go needs nothing else (the module proxy serves it).
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

## help: list the targets
help:
	@awk '/^## [a-z]+: / { sub(/^## /, ""); i = index($$0, ": "); printf "  %-6s %s\n", substr($$0, 1, i - 1), substr($$0, i + 2); next } \
	     /^## / { sub(/^## /, ""); printf "         %s\n", $$0 }' $(MAKEFILE_LIST)

## run: serve the seed incidents on $(ADDR) from the SQLite file $(DB)
run:
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/incidentdb serve --addr $(ADDR) --db $(DB) --seed testdata/seed_incidents.json

## build: write bin/incidentdb
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/incidentdb ./cmd/incidentdb

## test: every test, with the race detector (fuzz targets run their seed corpus);
## on PostgreSQL too with INCIDENTDB_TEST_POSTGRES=postgres://...; TEST_PKGS narrows it
TEST_PKGS ?= ./...
test:
	$(GO) test -race -count=1 $(TEST_PKGS)

## screenshots: the web app in headless Chromium at 1280x800 and 390x844, in English and French, into docs/screenshots
screenshots:
	INCIDENTDB_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run 'InABrowser' ./web/

## lint: go vet, gofmt and staticcheck (pinned, run with go run)
lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) run $(STATICCHECK) ./...

## fuzz: run each fuzz target for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	$(GO) test ./models -run '^$$' -fuzz '^FuzzParseFilter$$' -fuzztime $(FUZZTIME)
	$(GO) test ./models -run '^$$' -fuzz '^FuzzDecodeIncident$$' -fuzztime $(FUZZTIME)
	$(GO) test ./models/gazetteer -run '^$$' -fuzz '^FuzzFold$$' -fuzztime $(FUZZTIME)
	$(GO) test ./exchange -run '^$$' -fuzz '^FuzzCSVReader$$' -fuzztime $(FUZZTIME)
	$(GO) test ./exchange -run '^$$' -fuzz '^FuzzACLEDReader$$' -fuzztime $(FUZZTIME)
	$(GO) test ./exchange -run '^$$' -fuzz '^FuzzUNFatalitiesReader$$' -fuzztime $(FUZZTIME)
	$(GO) test ./exchange -run '^$$' -fuzz '^FuzzCSVRecord$$' -fuzztime $(FUZZTIME)
	$(GO) test ./extract/numwords -run '^$$' -fuzz '^FuzzFind$$' -fuzztime $(FUZZTIME)
	$(GO) test ./extract/numwords -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./extract -run '^$$' -fuzz '^FuzzExtract$$' -fuzztime $(FUZZTIME)
	$(GO) test ./store -run '^$$' -fuzz '^FuzzCopyBinaryRows$$' -fuzztime $(FUZZTIME)

## bench: the performance run on BENCH_N generated incidents, side by side
## with raw SQLite; slow, never part of test or CI. Writes docs/PERFORMANCE.md.
## BENCH_N=100000 for a quick pass; BENCH_FLAGS=-rebuild to rebuild the cached database.
## BENCH_PG=postgres://user@host:5432/db?sslmode=disable runs it against PostgreSQL instead:
## the bench creates its own databases on that server (incidentdb_bench...) and
## writes the PostgreSQL part of docs/PERFORMANCE.md.
BENCH_N     ?= 1000000
BENCH_FLAGS ?=
BENCH_PG    ?=
bench: build
ifeq ($(BENCH_PG),)
	@command -v sqlite3 >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get install -y sqlite3 || { apt-get update && apt-get install -y sqlite3; } || true; \
	  fi; \
	  command -v sqlite3 >/dev/null 2>&1 || echo "bench: no sqlite3 command-line tool (apt-get install sqlite3 as root); the import and size baselines are skipped"; \
	}
else
	@command -v psql >/dev/null 2>&1 || echo "bench: no psql command-line tool (apt-get install postgresql-client); the import and size baselines are skipped"
endif
	$(GO) run ./cmd/bench -n $(BENCH_N) -bin bin/incidentdb -dir .bench -doc docs/PERFORMANCE.md $(if $(BENCH_PG),-pg '$(BENCH_PG)') $(BENCH_FLAGS)

## clean: remove bin/
clean:
	rm -rf bin
