// UTF-8 helpers of the report writers.
#include "reports/text.h"

#include <gtest/gtest.h>

namespace dj::report {
namespace {

TEST(ValidUtf8, KeepsWellFormedTextAndReplacesEveryBadByte) {
  EXPECT_EQ(ValidUtf8("plain \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "plain \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(ValidUtf8("a\xff"
                      "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ValidUtf8("\xC3"), "\xEF\xBF\xBD");                  // truncated sequence
  EXPECT_EQ(ValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong form
  EXPECT_EQ(ValidUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(CutUtf8, CutsAtACharacterBoundary) {
  EXPECT_EQ(CutUtf8("short", 10), "short");
  EXPECT_EQ(CutUtf8("abcdef", 3), "abc...");
  // "é" is two bytes: a cut after its first byte keeps neither.
  EXPECT_EQ(CutUtf8("ab\xC3\xA9z", 3), "ab...");
  EXPECT_EQ(CutUtf8("ab\xC3\xA9z", 4), "ab\xC3\xA9...");
}

TEST(ReportPaths, FolderAndReproScript) {
  EXPECT_EQ(FolderOf("djharness-report/results.json"), "djharness-report");
  EXPECT_EQ(FolderOf("results.json"), ".");
  EXPECT_EQ(FolderOf("/results.json"), "/");
  EXPECT_EQ(ReproScriptPath("out", "DEL-2"), "out/repro-DEL-2.sh");
  EXPECT_EQ(ReproScriptPath("/", "DEL-2"), "/repro-DEL-2.sh");
}

}  // namespace
}  // namespace dj::report
