# fwscan: the two commands of the README.
#   make demo   install dependencies, build, scan the bundled sample firmware
#   make test   install dependencies, build (warnings are errors), run every test
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFWSCAN_WERROR=ON

.PHONY: all deps configure build demo test test-asan fuzz-build fuzz-smoke fuzz bench corpus clean

all: build

deps:
	scripts/install-deps

configure: deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# Exit status 1 means "findings at or above --fail-on", which is what the demo shows.
demo: configure
	cmake --build $(BUILD) -j $(JOBS) --target fwscan
	@echo "== fwscan scan corpus/firmware/hikvision_demo/digicap.dav"
	@$(BUILD)/src/fwscan scan corpus/firmware/hikvision_demo/digicap.dav -o out/demo; rc=$$?; \
	  if [ $$rc -gt 1 ]; then exit $$rc; fi
	@echo "== reports written to out/demo/report.json and out/demo/report.txt"

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer (CI runs it after `test`).
test-asan: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DFWSCAN_SANITIZE=address;undefined"
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS)

# libFuzzer targets (fuzz/): the registry, the ELF layer, the rule and verdict stage, under ASan
# and UBSan. fuzz-smoke runs each for 60 s (CI); fuzz runs each for FUZZ_SECONDS, by hand.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 14400
fuzz-build:
	scripts/install-deps --fuzz
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFWSCAN_WERROR=ON \
	  -DFWSCAN_FUZZ=ON "-DFWSCAN_SANITIZE=address;undefined" -DFWSCAN_BUILD_TESTS=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_unpack fuzz_elf fuzz_rules

fuzz-smoke: fuzz-build
	FUZZ_SEED=1 fuzz/run.sh $(FUZZ_BUILD) 60

fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	bench/run.sh $(BUILD)

# Regenerates corpus/ (needs the generator tools: scripts/install-deps --generator).
corpus:
	scripts/install-deps --generator
	tools/gen_corpus.py
	tools/gen_fs_corpus.py

clean:
	rm -rf $(BUILD) build-asan build-bench build-fuzz out
