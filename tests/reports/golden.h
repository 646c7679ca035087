// Golden-file comparison for the report writers: the rendering, with whatever varies from run to
// run (times, seeds, paths) replaced by placeholders, must equal tests/reports/golden/NAME.
// DJ_UPDATE_GOLDEN=1 in the environment rewrites the file instead (then review the diff).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace dj::report::testing {

// Each (pattern, placeholder) is a std::regex applied in order to the whole text.
using Normalisers = std::vector<std::pair<std::string, std::string>>;

inline std::string Normalise(std::string text, const Normalisers& normalisers) {
  for (const auto& [pattern, placeholder] : normalisers) {
    text = std::regex_replace(text, std::regex(pattern), placeholder);
  }
  return text;
}

inline void ExpectGolden(const std::string& actual, const Normalisers& normalisers,
                         const std::string& name) {
  const std::string path = std::string(DJ_GOLDEN_DIR) + "/" + name;
  const std::string normalised = Normalise(actual, normalisers);
  const char* update = std::getenv("DJ_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << normalised;
    GTEST_SKIP() << "rewrote " << path;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "no golden file " << path << " (DJ_UPDATE_GOLDEN=1 writes it)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(normalised, expected.str()) << "golden file " << path;
}

// Regex-escaped `text`, for normalising a literal value.
inline std::string Literal(const std::string& text) {
  static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
  return std::regex_replace(text, special, R"(\$&)");
}

}  // namespace dj::report::testing
