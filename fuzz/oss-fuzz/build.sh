#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script: builds every libFuzzer target of fuzz/ with the
# compiler, flags and fuzzing engine the infrastructure gives ($CC, $CXX, $CFLAGS, $CXXFLAGS,
# $LIB_FUZZING_ENGINE), and leaves in $OUT, for each target NAME_fuzzer: the binary,
# NAME_fuzzer_seed_corpus.zip (seeds and regressions), NAME_fuzzer.dict and NAME_fuzzer.options.
# Also runs here, outside their containers, with those variables set by hand (README).
SRC_DIR=${SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
[[ -f $SRC_DIR/CMakeLists.txt ]] || SRC_DIR=$SRC/djharness
BUILD=${WORK:-/tmp}/djharness-oss-fuzz-build

cmake -S "$SRC_DIR" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_CXX_FLAGS="$CXXFLAGS" -DDJ_LIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
  -DDJ_BUILD_TESTS=OFF -DDJ_BUILD_BENCH=OFF >/dev/null

targets=$(sed -n 's/^dj_fuzz_target(\([a-z_]*\)_fuzzer .*/\1/p' "$SRC_DIR/fuzz/CMakeLists.txt")
cmake --build "$BUILD" -j"$(nproc)" $(for t in $targets; do echo --target "${t}_fuzzer"; done)

mkdir -p "$OUT"
for t in $targets; do
  name=${t}_fuzzer
  corpus=$SRC_DIR/corpora/$t
  cp "$BUILD/fuzz/$name" "$OUT/"
  rm -f "$OUT/${name}_seed_corpus.zip"
  (cd "$corpus" && find seeds regressions -type f ! -name '.*' -print | zip -q -j -@ "$OUT/${name}_seed_corpus.zip")
  [[ -f $corpus/$name.dict ]] && cp "$corpus/$name.dict" "$OUT/"
  cp "$SRC_DIR/fuzz/oss-fuzz/$name.options" "$OUT/"
done
echo "built $(echo $targets | wc -w) fuzz targets into $OUT"
