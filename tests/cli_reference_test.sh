#!/usr/bin/env bash
# What is documented is tested: docs/cli.md must be exactly what scripts/cli-reference prints
# from the binary's --help (run `make docs` after changing a command).
# usage: cli_reference_test.sh POPREG PROJECT_DIR
set -uo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
check "docs/cli.md matches --help" diff -u "$2/docs/cli.md" <("$2/scripts/cli-reference" "$1")
summary cli_reference
