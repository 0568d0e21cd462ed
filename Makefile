# The two set-up commands of README.md. Each does all of its own set-up (Debian packages, npm
# assets, configure, build); re-running them is cheap because every step is idempotent.
#   make run   - build and run the main job on the embedded default (report: build/release/alvh-report.html)
#   make test  - build and run the whole test suite (C++ via CTest, Python via pytest)
PRESET ?= release
BUILD  := build/$(PRESET)
SHELL  := /bin/bash

.PHONY: run test deps build bench clean tidy

deps:
	scripts/install-deps
	@if [ -x scripts/install-report-assets ]; then scripts/install-report-assets; fi

build: deps
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET) -j 2

run: build
	$(BUILD)/alvh run --market embedded --out $(BUILD)/alvh-report.html

test: build
	ctest --preset $(PRESET)

bench: build
	@for b in $(BUILD)/bench/alvh_bench_*; do echo "== $$b"; $$b --benchmark_min_time=0.2; done

clean:
	rm -rf build

# clang-tidy over the library and the CLI with the repo's .clang-tidy (needs a configured build).
tidy:
	run-clang-tidy -p $(BUILD) -j 2 -quiet 'src/.*\.cpp|apps/alvh/.*\.cpp'
