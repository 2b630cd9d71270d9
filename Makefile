# incidentdb — see README.md.
GO      ?= go
DB      ?= incidents.db
ADDR    ?= :8080
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)

.PHONY: run build test lint fuzz bench clean

## run: serve the seed incidents on $(ADDR) from the SQLite file $(DB)
run:
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/incidentdb serve --addr $(ADDR) --db $(DB) --seed testdata/seed_incidents.json

## build: write bin/incidentdb
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/incidentdb ./cmd/incidentdb

## test: every test, with the race detector (fuzz targets run their seed corpus)
test:
	$(GO) test -race -count=1 ./...

## lint: go vet and gofmt
lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## fuzz: run each fuzz target for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	$(GO) test ./models -run '^$$' -fuzz '^FuzzParseFilter$$' -fuzztime $(FUZZTIME)
	$(GO) test ./models -run '^$$' -fuzz '^FuzzDecodeIncident$$' -fuzztime $(FUZZTIME)
	$(GO) test ./models/gazetteer -run '^$$' -fuzz '^FuzzFold$$' -fuzztime $(FUZZTIME)

clean:
	rm -rf bin
