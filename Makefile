# emvalidate — build, test, demo, benchmark.
# `make demo` and `make test` are the two set-up commands on a fresh Debian machine: both install the
# system packages they need with apt-get when they are missing.

SWIFT      ?= swift
# One build configuration for the binary, the tests and the benchmark: optimised, with @testable allowed.
BUILDFLAGS := -c release -Xswiftc -enable-testing
BIN        := .build/release/emvalidate
DEMO_OUT   ?= out/demo

APT_PACKAGES := libcairo2-dev libpng-dev libfftw3-dev zlib1g-dev libbz2-dev libssl-dev pkg-config \
	texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
	lmodern latexmk poppler-utils gemmi-dev tao-pegtl-dev fonts-dejavu-core \
	libturbojpeg0-dev time
# Section W: Graphviz (libgvc) lays out the processing workflow.
APT_PACKAGES += libgraphviz-dev
# Only the tests need these: RELION as an independent cross-check.
APT_TEST_PACKAGES := relion
# The Slurm batch test (scripts/slurm-local.sh) and the metrics.json schema oracle (Tests/Oracles/validate_metrics.py).
APT_TEST_PACKAGES += slurm-wlm munge python3-jsonschema

.PHONY: all build deps test-deps demo test bench fuzz test-tsan clean

all: build

# Install the Debian packages that are missing (as root, or through sudo).
deps:
	@scripts/apt-install.sh $(APT_PACKAGES)

test-deps: deps
	@scripts/apt-install.sh $(APT_TEST_PACKAGES)
	@scripts/python-oracle-deps.sh

build: deps
	$(SWIFT) build $(BUILDFLAGS) --product emvalidate

demo: build
	rm -rf $(DEMO_OUT)
	$(BIN) report Fixtures/daq/2566_3J6B_9.mrc --threshold 0.2 --resolution 3.2 --model Fixtures/daq/3J6B_9.pdb \
		--title "EMD-2566 crop around 3J6B chain 9 (bundled fixture)" --emdb-id EMD-2566 --pdb-id 3J6B \
		-o $(DEMO_OUT)
	@echo "Report written to $(DEMO_OUT)/report.pdf"

# The tests write their scratch files (maps, reports, RELION and Slurm runs: ~200 MB a run) under a private
# TMPDIR, removed after a passing run and kept, with its path printed, after a failing one (the test process
# itself keeps them with EMV_KEEP_TEST_FILES; a plain `swift test` removes them at exit).
test: test-deps
	$(SWIFT) build $(BUILDFLAGS)
	@scratch=$$(mktemp -d "$${TMPDIR:-/tmp}/emvalidate-tests.XXXXXX") || exit 1; \
	if TMPDIR="$$scratch" EMV_KEEP_TEST_FILES=1 $(SWIFT) test $(BUILDFLAGS); then rm -rf "$$scratch"; \
	else status=$$?; echo "make test: the tests' scratch files are kept in $$scratch" >&2; exit $$status; fi

# One product per `swift build`: given several --product options, SwiftPM builds only the last one.
bench: deps
	$(SWIFT) build $(BUILDFLAGS) --product emvalidate
	$(SWIFT) build $(BUILDFLAGS) --product EMBench
	.build/release/EMBench

# libFuzzer targets for the map and model readers, FUZZ_RUNS executions each (default 1,000,000); prints
# the counts and fails on any finding (scripts/fuzz.sh).
fuzz: deps
	scripts/fuzz.sh

# The tests of concurrent code once under the thread sanitizer (debug build in .build/tsan; slow, so not in
# `make test`): the whole pipeline with concurrent sections in process (fault isolation, three concurrent runs
# of every Level 0 section), fuzz regressions and the bad inputs through a TSan-built binary; about 4 min.
# TSAN_FILTER=ReliabilityTests adds the LaTeX and two-report determinism runs (debug + TSan: over 20 min).
TSAN_FILTER ?= ReliabilityTests.(FaultIsolationTests|DeterminismTests/concurrentSectionsGiveIdenticalResults|FuzzRegressionTests|BadInputTests)
test-tsan: test-deps
	$(SWIFT) build --build-path .build/tsan --sanitize=thread --build-tests
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
		$(SWIFT) test --build-path .build/tsan --sanitize=thread --skip-build --filter '$(TSAN_FILTER)'

clean:
	rm -rf .build out
