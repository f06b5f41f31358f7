# The two commands a new user types: `make demo` and `make test`.
# Both install what is missing (as root; otherwise they print the command),
# configure, build, and then run the demo or the whole test suite.

PRESET ?= default
BUILD_DIR ?= build
JOBS ?= $(shell nproc)

DEB_PACKAGES := cmake make g++ libspdlog-dev libfmt-dev libyaml-cpp-dev \
                libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev

.PHONY: deps configure build demo test bench format clean

MAKEFLAGS += --no-print-directory

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "gpuswap: installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "gpuswap: missing packages; run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

configure: deps
	@cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build --preset $(PRESET) -j $(JOBS)

# The demo needs the trainer, cudasim and the library, not the test suite.
DEMO_TARGETS := train_cnn gpuswap gpuswap_cli

demo: configure
	@cmake --build --preset $(PRESET) -j $(JOBS) --target $(DEMO_TARGETS)
	@examples/train_cnn/demo.sh $(BUILD_DIR)

test: build
	@ctest --preset $(PRESET)

bench: build
	@bench/run.sh $(BUILD_DIR)

format:
	@git ls-files '*.cpp' '*.hpp' '*.h' '*.cu' '*.c' | xargs clang-format -i

clean:
	@rm -rf build build-debug build-asan build-tsan
