# popreg: the README's commands. `make demo` and `make test` each bootstrap and build first,
# so each is one command on a fresh Debian machine.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
BIN := build/bin/popreg
DEMO_DIR ?= out/demo
DEMO_HOUSEHOLDS ?= 20000
FORMAT_FILES = $(shell find src tests fuzz bench -path bench/work -prune -o \( -name '*.cc' -o -name '*.h' \) -print 2>/dev/null)

.PHONY: all bootstrap build dev test demo bench docs package format format-check lint clean

all: build

bootstrap:
	@scripts/bootstrap

# Release build; the CLI lands at build/bin/popreg.
build: bootstrap
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)
	@mkdir -p build/bin && ln -sf ../release/bin/popreg $(BIN)

# Debug build with ASan and UBSan, warnings as errors, and every test.
dev: bootstrap
	cmake --preset dev >/dev/null
	cmake --build --preset dev -j $(JOBS)

test: bootstrap format-check dev
	ctest --preset dev -j $(JOBS)

# The Debian package of the release build (cmake/package.cmake, docs/install.md):
# build/popreg_VERSION_amd64.deb. tests/package_test.sh installs one in a clean Debian root.
package: build
	rm -rf build/release/package
	cpack -G DEB --config build/release/CPackConfig.cmake -B build/release/package >/dev/null
	@deb=$$(ls build/release/package/popreg_*_amd64.deb) && cp "$$deb" build/ \
	  && echo "package: build/$$(basename "$$deb")"

# Generates a district, imports it, compares, and prints the summary (scripts/demo).
demo: build
	scripts/demo $(BIN) $(DEMO_DIR) $(DEMO_HOUSEHOLDS) 1

bench: build
	bench/run

# The CLI reference, generated from the binary's --help.
docs: build
	scripts/cli-reference $(BIN) > docs/cli.md

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	@clang-format --dry-run --Werror $(FORMAT_FILES) && echo "format-check: ok"

lint: dev
	clang-tidy -p build/dev --quiet $(filter %.cc,$(FORMAT_FILES))

clean:
	rm -rf build out
