# drawdown: a thin wrapper over CMake.
#
#   make          Release build, program at build/drawdown
#   make demo     install missing packages (as root), build, run every shipped
#                 scenario, results under out/; compare them and write
#                 out/report.html (analysis/demo.sh)
#   make test     -Werror build + CTest, then the same suite under
#                 AddressSanitizer and UndefinedBehaviorSanitizer
#   make bench    benchmarks (tests/bench), figures in out/bench/bench.csv
#   make sensitivity  every parameter at both ends of its plausible range, the
#                 seminar's contrasts re-estimated (out/sensitivity/), and the
#                 summary written into engine/MODEL.md (a few minutes)
#   make test-mpi the optional MPI build (-DDD_MPI=ON, OpenMPI installed as root)
#                 and its tests, including mpirun -np 3 against one process
#   make fuzz     the optional libFuzzer build (clang, installed as root) and a
#                 run of the fuzzers of scenario files, run folders and
#                 comparison folders, FUZZ_SECONDS in all (60); inputs that
#                 break one land in out/fuzz/ (tests/fuzz/run.sh)
#   make clean    remove build folders (out/ is left alone)

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
CMAKE ?= cmake

.PHONY: all build deps deps-test demo test test-werror test-sanitize test-mpi bench sensitivity \
	fuzz clean format

all: build

build:
	@.ci/deps build
	$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=Release -DDD_BUILD_TESTS=OFF >/dev/null
	$(CMAKE) --build build -j $(JOBS) -- --no-print-directory

deps:
	@.ci/deps build

deps-test:
	@.ci/deps test

demo: build
	@sh analysis/demo.sh build/drawdown

test: test-werror test-sanitize

test-werror: deps-test
	$(CMAKE) -S . -B build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDD_WERROR=ON >/dev/null
	$(CMAKE) --build build-test -j $(JOBS) -- --no-print-directory
	cd build-test && ctest --output-on-failure -j $(JOBS)

test-sanitize: deps-test
	$(CMAKE) -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DDD_WERROR=ON -DDD_SANITIZE=ON >/dev/null
	$(CMAKE) --build build-asan -j $(JOBS) -- --no-print-directory
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS)

test-mpi:
	@.ci/deps mpi
	$(CMAKE) -S . -B build-mpi -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDD_WERROR=ON -DDD_MPI=ON >/dev/null
	$(CMAKE) --build build-mpi -j $(JOBS) -- --no-print-directory
	cd build-mpi && ctest --output-on-failure -j $(JOBS)

# OpenMP off: the fuzz targets run one input at a time, and clang's OpenMP
# runtime (libomp) is not among the packages.
fuzz:
	@.ci/deps fuzz
	CC=clang $(CMAKE) -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDD_FUZZ=ON \
		-DDD_OPENMP=OFF -DDD_BUILD_TESTS=OFF -DDD_WERROR=ON >/dev/null
	$(CMAKE) --build build-fuzz -j $(JOBS) --target drawdown fuzz_scenario fuzz_results \
		fuzz_compare -- --no-print-directory
	sh tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

bench: build
	@sh tests/bench/run.sh build

sensitivity: build
	@sh analysis/sensitivity/update-model-md.sh build

clean:
	rm -rf build build-test build-asan build-mpi build-fuzz

format:
	clang-format -i engine/*/*.c engine/*/*.h tests/*.c
