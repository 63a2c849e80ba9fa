#!/bin/sh
# Generate configure and the Makefiles from a git checkout.
set -e
cd "$(dirname "$0")"
autoreconf -fi
