// A djharness command run in this process with its stdout and stderr captured, for tests of
// what a command prints and returns.
#pragma once

#include <gtest/gtest.h>

#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "harness/cli/flags.h"

namespace dj::testing {

struct Ran {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `djharness COMMAND ARGS` through `run` (RunDiff, RunFuzz, ...).
inline Ran RunCaptured(std::string_view command, const std::vector<std::string>& args,
                       int (*run)(const cli::ParsedFlags&)) {
  Ran ran;
  auto flags = cli::ParseFlags(command, args);
  EXPECT_TRUE(flags.ok()) << flags.error();
  if (!flags.ok()) return ran;
  std::ostringstream out;
  std::ostringstream err;
  std::streambuf* saved_out = std::cout.rdbuf(out.rdbuf());
  std::streambuf* saved_err = std::cerr.rdbuf(err.rdbuf());
  ran.exit_code = run(*flags);
  std::cout.rdbuf(saved_out);
  std::cerr.rdbuf(saved_err);
  ran.out = out.str();
  ran.err = err.str();
  return ran;
}

}  // namespace dj::testing
