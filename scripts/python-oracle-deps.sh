#!/usr/bin/env bash
# numpy, scipy and mrcfile for the tests' independent oracles (never used by the product).
set -euo pipefail
python3 -c "import numpy, scipy, mrcfile, mpmath, jsonschema" 2>/dev/null && exit 0
echo "Installing Python oracle packages (tests only): numpy scipy mrcfile mpmath jsonschema" >&2
python3 -m pip install -q --only-binary=:all: numpy scipy mrcfile mpmath jsonschema
