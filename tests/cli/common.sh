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

# Run a command that may fail without ending the script (set -e); its exit
# status is left in $rc.
run_rc() {
    set +e
    "$@"
    rc=$?
    set -e
}

# Each argument is one command line for $bin (split on blanks; "" runs it with
# no arguments): each must be refused as a usage error, exit status 2.
expect_usage_errors() {
    for args in "$@"; do
        # shellcheck disable=SC2086
        run_rc "$bin" $args >/dev/null 2>&1
        [ $rc -eq 2 ] || fail "'drawdown $args' exited $rc, expected 2"
    done
}

# The MPI tests: $mpirun, the launcher ($1, or mpirun on the PATH), and
# $mpi_opts, its options (more processes than cores; root allowed where the
# tests run as root). No network in sandboxes: Open MPI is kept on this
# machine's shared memory and loopback.
mpi_setup() {
    mpirun=${1:-mpirun}
    mpi_opts=--oversubscribe
    if [ "$(id -u)" -eq 0 ]; then
        mpi_opts="$mpi_opts --allow-run-as-root"
    fi
    export OMPI_MCA_btl=self,vader,tcp OMPI_MCA_btl_tcp_if_include=lo
    export OMPI_MCA_oob_tcp_if_include=lo
}
