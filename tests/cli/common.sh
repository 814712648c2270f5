# Shared by the whole-program tests: $1 program, $2 source dir, $3 scratch dir.
set -eu
bin=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
