# The whole test suite: formatting, vet, unit and integration tests (against
# moto_server and an in-process STRM API), a short fuzz run, and the
# real-terminal (tmux) test when its script is present.
SHELL := /bin/bash
export AWS_EC2_METADATA_DISABLED := true

.PHONY: test fmt-check vet unit fuzz tmux build bench

test: fmt-check vet unit fuzz tmux

fmt-check:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	go vet ./...

unit:
	go test -count=1 ./...

fuzz:
	go test -run='^$$' -fuzz=FuzzInputs -fuzztime=50000x ./awsops

tmux:
	@if [ -x scripts/tmux-e2e.sh ]; then scripts/tmux-e2e.sh; else echo "scripts/tmux-e2e.sh not present: skipped"; fi

build:
	go build -o wizard ./cmd/wizard

bench:
	scripts/bench.sh
