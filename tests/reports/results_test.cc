// The results document's judging settings (reports/results.h): written and read back whole, and
// absent from a document written before they were recorded.
#include "reports/results.h"

#include <gtest/gtest.h>

#include "tests/reports/fixtures.h"

namespace dj::report {
namespace {

using nlohmann::json;

Judging NonDefaultJudging() {
  Judging g;
  g.region = "ap-shanghai";
  g.limits = {{"DeleteJob", 30},
              {"DescribeJob", 50},
              {"DescribeJobs", 0},
              {"SubmitJob", 0},
              {"TerminateJob", 7}};
  g.rate_slack = 2;
  g.rate_margin_ms = 120;
  g.skew_margin_s = 20;
  g.only = "RL-*";
  g.timeout_ms = 2500;
  g.max_answer_mib = 3;
  g.faults = {"no-rate-limit", "lax-job-id"};
  return g;
}

TEST(ResultsJudging, EverySettingSurvivesTheRoundTrip) {
  Results r = testing::SampleResults();
  r.judging = NonDefaultJudging();
  json written = r;
  const json& j = written.at("judging");
  EXPECT_EQ(j.at("limits").at("DeleteJob"), 30);
  EXPECT_EQ(j.at("rate_slack"), 2);
  EXPECT_EQ(j.at("skew_margin_s"), 20);
  EXPECT_EQ(j.at("region"), "ap-shanghai");

  auto read = ResultsFromText(written.dump());
  ASSERT_TRUE(read.ok()) << read.error();
  ASSERT_TRUE(read->judging.has_value());
  EXPECT_EQ(*read->judging, NonDefaultJudging());
  EXPECT_EQ(read->profile, r.profile);
  EXPECT_EQ(read->styles, r.styles);
}

TEST(ResultsJudging, AnOlderDocumentHasNone) {
  json old = testing::SampleResults();
  ASSERT_FALSE(old.contains("judging"));
  auto read = ResultsFromText(old.dump());
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_FALSE(read->judging.has_value());
}

TEST(ResultsJudging, AJudgingWithoutASettingIsRefused) {
  Results r = testing::SampleResults();
  r.judging = NonDefaultJudging();
  json written = r;
  written["judging"].erase("rate_slack");
  auto read = ResultsFromText(written.dump());
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().find("rate_slack"), std::string::npos) << read.error();
}

}  // namespace
}  // namespace dj::report
