// The one way a fuzz target reports a broken property: a line on stderr naming it, then
// abort(), which libFuzzer saves as a crash input and the replay programs report as a failure.
#pragma once

#include <cstdio>
#include <cstdlib>

#define DJ_FUZZ_CHECK(cond, what)                                                            \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "fuzz property broken at %s:%d: %s\n", __FILE__, __LINE__, what); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)
