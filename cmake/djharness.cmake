# The one CMake helper that registers libraries, programs, tests and fuzz targets, so that
# warnings, sanitizers and the folder dependency rules are set in one place.

set(DJ_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wconversion -Wsign-conversion
    -Wimplicit-fallthrough)
# GCC 12 at -O2 reports uninitialised members inside std::variant and nlohmann::json that are
# not (false positives in every release build); the Debug builds still have the warning.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
  list(APPEND DJ_WARNINGS -Wno-maybe-uninitialized)
endif()
if(DJ_WERROR)
  list(APPEND DJ_WARNINGS -Werror)
endif()

set(DJ_SANITIZER_FLAGS)
if(DJ_SANITIZE)
  set(DJ_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
endif()
# In fuzz builds every library is instrumented for coverage; only fuzz targets link the driver.
# Under OSS-Fuzz the flags come from $CXXFLAGS instead.
if(DJ_FUZZ AND NOT DJ_LIB_FUZZING_ENGINE)
  list(APPEND DJ_SANITIZER_FLAGS -fsanitize=fuzzer-no-link)
endif()

function(_dj_common target)
  target_compile_options(${target} PRIVATE ${DJ_WARNINGS} ${DJ_SANITIZER_FLAGS})
  target_link_options(${target} PRIVATE ${DJ_SANITIZER_FLAGS})
endfunction()

# dj_library(NAME SOURCES a.cc ... DEPS lib ...)
# A folder's library. DEPS are public: whoever uses NAME may use what NAME includes.
function(dj_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  _dj_common(${name})
endfunction()

# dj_executable(NAME SOURCES ... DEPS ...)
function(dj_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  _dj_common(${name})
endfunction()

# dj_test(NAME SOURCES ... DEPS ... [LABELS ...])
# A GoogleTest (and RapidCheck) program; each TEST becomes one ctest entry.
function(dj_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} rapidcheck_gtest GTest::gtest GTest::gtest_main)
  _dj_common(${name})
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "unit;${ARG_LABELS}" TIMEOUT 120)
endfunction()

# FuzzedDataProvider.h is a header of clang's runtime (libclang-rt-14-dev); every compiler uses
# it, so that the structured fuzz targets replay their corpora in g++ builds too. Only that
# header is put on the include path (a copy in the build tree): clang's include folder has its
# own stddef.h and friends, which g++ cannot read.
file(GLOB _dj_fdp_dirs /usr/lib/llvm-14/lib/clang/*/include)
find_file(DJ_FUZZED_DATA_PROVIDER fuzzer/FuzzedDataProvider.h PATHS ${_dj_fdp_dirs} REQUIRED)
set(DJ_FUZZED_DATA_PROVIDER_DIR ${CMAKE_BINARY_DIR}/fuzzed-data-provider)
file(COPY ${DJ_FUZZED_DATA_PROVIDER} DESTINATION ${DJ_FUZZED_DATA_PROVIDER_DIR}/fuzzer)

# dj_fuzz_target(NAME SOURCES file.cc ... DEPS ... CORPUS corpora/<name>)
# With DJ_FUZZ: a libFuzzer binary NAME, plus a ctest "fuzz-smoke" run of it.
# Always: NAME_replay, a plain program that feeds every file of the corpus and its
# regressions/ to the target, registered as a ctest (label "corpus") on any compiler.
function(dj_fuzz_target name)
  cmake_parse_arguments(ARG "" "CORPUS" "SOURCES;DEPS" ${ARGN})
  set(corpus ${PROJECT_SOURCE_DIR}/${ARG_CORPUS})
  add_executable(${name}_replay ${ARG_SOURCES} ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cc)
  target_link_libraries(${name}_replay PRIVATE ${ARG_DEPS})
  target_include_directories(${name}_replay SYSTEM PRIVATE ${DJ_FUZZED_DATA_PROVIDER_DIR})
  _dj_common(${name}_replay)
  add_test(NAME fuzz_replay.${name} COMMAND ${name}_replay ${corpus}/seeds ${corpus}/regressions)
  set_tests_properties(fuzz_replay.${name} PROPERTIES LABELS "corpus" TIMEOUT 120)
  if(DJ_FUZZ)
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_DEPS})
    target_include_directories(${name} SYSTEM PRIVATE ${DJ_FUZZED_DATA_PROVIDER_DIR})
    _dj_common(${name})
    if(DJ_LIB_FUZZING_ENGINE)
      separate_arguments(_dj_engine UNIX_COMMAND "${DJ_LIB_FUZZING_ENGINE}")
      target_link_libraries(${name} PRIVATE ${_dj_engine})
    else()
      target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    endif()
    set(dict ${corpus}/${name}.dict)
    set(dict_flag)
    if(EXISTS ${dict})
      set(dict_flag -dict=${dict})
    endif()
    # New inputs go to a scratch corpus in the build tree, never into corpora/.
    set(scratch ${CMAKE_BINARY_DIR}/fuzz-scratch/${name})
    file(MAKE_DIRECTORY ${scratch} ${scratch}-artifacts)
    add_test(NAME fuzz_smoke.${name}
      COMMAND ${name} -runs=20000 -seed=1 ${dict_flag} -artifact_prefix=${scratch}-artifacts/
              ${scratch} ${corpus}/seeds ${corpus}/regressions)
    set_tests_properties(fuzz_smoke.${name} PROPERTIES LABELS "fuzz-smoke" TIMEOUT 300)
  endif()
endfunction()
