// The run-to-run comparison: every category, clauses missing on either side, the gate's exit
// code, and its text and JSON.
#include "reports/compare.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "tests/reports/fixtures.h"

namespace dj::report {
namespace {

using testing::Clause;
using testing::Failure;
using S = Status;

constexpr std::optional<Status> kAbsent = std::nullopt;

// Every (BASE, NEW) pair of statuses, absent included, and its category.
TEST(Classify, EveryPairOfStatuses) {
  struct Row {
    std::optional<Status> base, now;
    Change expected;
  };
  const Row rows[] = {
      {S::kPassed, S::kPassed, Change::kUnchanged},
      {S::kPassed, S::kFailed, Change::kRegression},
      {S::kPassed, S::kFlaky, Change::kRegression},
      {S::kPassed, S::kSkipped, Change::kNewlySkipped},
      {S::kPassed, kAbsent, Change::kNewlySkipped},
      {S::kFailed, S::kPassed, Change::kFixed},
      {S::kFailed, S::kFailed, Change::kStillFailing},
      {S::kFailed, S::kFlaky, Change::kStillFailing},
      {S::kFailed, S::kSkipped, Change::kNewlySkipped},
      {S::kFailed, kAbsent, Change::kNewlySkipped},
      {S::kFlaky, S::kPassed, Change::kFixed},
      {S::kFlaky, S::kFailed, Change::kStillFailing},
      {S::kFlaky, S::kFlaky, Change::kStillFailing},
      {S::kFlaky, S::kSkipped, Change::kNewlySkipped},
      {S::kFlaky, kAbsent, Change::kNewlySkipped},
      {S::kSkipped, S::kPassed, Change::kNewlyCovered},
      {S::kSkipped, S::kFailed, Change::kRegression},
      {S::kSkipped, S::kFlaky, Change::kRegression},
      {S::kSkipped, S::kSkipped, Change::kUnchanged},
      {S::kSkipped, kAbsent, Change::kUnchanged},
      {kAbsent, S::kPassed, Change::kNewlyCovered},
      {kAbsent, S::kFailed, Change::kRegression},
      {kAbsent, S::kFlaky, Change::kRegression},
      {kAbsent, S::kSkipped, Change::kUnchanged},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(Classify(row.base, row.now), row.expected)
        << SideStatusName(row.base) << " -> " << SideStatusName(row.now);
  }
}

Results Run(std::vector<ClauseResult> clauses, std::uint64_t seed) {
  Results r = testing::SampleResults();
  r.seed = seed;
  r.clauses = std::move(clauses);
  return r;
}

ClauseResult Bad(std::string id, Status s, std::string message) {
  ClauseResult c = Clause(id, s, 5);
  c.failures = 1;
  c.failure = Failure(id, std::move(message), 2, 11);
  return c;
}

// A baseline and a new run with one clause in every category (two regressions: one from passed,
// one new clause absent from the baseline).
struct Pair {
  Results base = Run({Clause("ENV-1", S::kPassed, 9), Clause("DEL-1", S::kPassed, 9),
                      Bad("DEL-2", S::kFailed, "old DEL-2"), Bad("DEL-3", S::kFlaky, "old DEL-3"),
                      Clause("GONE-1", S::kSkipped, 0, "no control"),
                      Bad("ID-1", S::kFailed, "old ID-1"), Clause("ID-4", S::kPassed, 4)},
                     1);
  Results now = Run(
      {Clause("ENV-1", S::kPassed, 9), Bad("DEL-1", S::kFailed, "new DEL-1"),
       Clause("DEL-2", S::kPassed, 8), Bad("DEL-3", S::kFailed, "new DEL-3"),
       Clause("GONE-1", S::kPassed, 3), Clause("ID-1", S::kSkipped, 0, "excluded by --only DEL-*"),
       Bad("RL-9", S::kFlaky, "new RL-9")},
      2);
};

TEST(Compare, SortsEveryClauseIntoItsCategory) {
  Pair p;
  Comparison c = Compare(p.base, p.now, "base.json", "new.json");
  auto ids = [&](Change change) {
    std::vector<std::string> out;
    for (const ClauseChange& x : c.Of(change)) out.push_back(x.id);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids(Change::kRegression), (V{"DEL-1", "RL-9"}));
  EXPECT_EQ(ids(Change::kFixed), (V{"DEL-2"}));
  EXPECT_EQ(ids(Change::kStillFailing), (V{"DEL-3"}));
  EXPECT_EQ(ids(Change::kNewlyCovered), (V{"GONE-1"}));
  EXPECT_EQ(ids(Change::kNewlySkipped), (V{"ID-1", "ID-4"}));
  EXPECT_EQ(ids(Change::kUnchanged), (V{"ENV-1"}));
  EXPECT_EQ(c.ExitCode(), 1);
  EXPECT_EQ(c.base.file, "base.json");
  EXPECT_EQ(c.now.seed, 2U);
}

TEST(Compare, DetailsComeFromTheSideThatFailed) {
  Pair p;
  Comparison c = Compare(p.base, p.now, "base.json", "new.json");
  auto detail = [&](std::string_view id) {
    for (const ClauseChange& x : c.clauses) {
      if (x.id == id) return x.detail;
    }
    return std::string("<none>");
  };
  EXPECT_EQ(detail("DEL-1"), "new DEL-1");
  EXPECT_EQ(detail("DEL-2"), "was: old DEL-2");
  EXPECT_EQ(detail("DEL-3"), "new DEL-3");
  EXPECT_EQ(detail("ID-1"), "was: old ID-1");
  EXPECT_EQ(detail("ID-4"), "not in the new results");
  EXPECT_EQ(detail("GONE-1"), "");
}

TEST(Compare, KnownFailuresAloneDoNotFailTheGate) {
  Pair p;
  p.now.clauses[1] = Clause("DEL-1", S::kPassed, 9);
  p.now.clauses.pop_back();  // RL-9
  Comparison c = Compare(p.base, p.now, "base.json", "new.json");
  EXPECT_EQ(c.Count(Change::kRegression), 0);
  EXPECT_EQ(c.Count(Change::kStillFailing), 1);
  EXPECT_EQ(c.ExitCode(), 0);
}

TEST(Compare, ARunAgainstItselfHasNoRegressions) {
  Results r = testing::SampleResults();
  Comparison c = Compare(r, r, "a.json", "a.json");
  EXPECT_EQ(c.ExitCode(), 0);
  EXPECT_EQ(c.Count(Change::kStillFailing), 3);
  EXPECT_EQ(c.Count(Change::kUnchanged), 2);
  EXPECT_EQ(c.clauses.size(), r.clauses.size());
}

TEST(Compare, TextListsCategoriesAndTheGate) {
  Pair p;
  const std::string text = ComparisonText(Compare(p.base, p.now, "base.json", "new.json"));
  EXPECT_TRUE(
      text.starts_with("compared with base.json (seed 1, http://127.0.0.1:41234): regressions "
                       "2, fixed 1, still failing 1, newly covered 1, newly skipped 2\n"))
      << text;
  EXPECT_NE(text.find("regressions:\n  DEL-1     passed -> failed      new DEL-1\n"
                      "  RL-9      absent -> flaky       new RL-9\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("newly covered:\n  GONE-1    skipped -> passed\n"), std::string::npos);
  EXPECT_NE(text.find("gate: FAILED, 2 regressions since the baseline\n"), std::string::npos);
  Results r = testing::SampleResults();
  EXPECT_NE(ComparisonText(Compare(r, r, "a", "a"))
                .find("gate: passed, no regression since the baseline (3 known failures still "
                      "failing)\n"),
            std::string::npos);
}

TEST(Compare, JsonHasSidesCountsListsAndExitCode) {
  Pair p;
  nlohmann::json j = Compare(p.base, p.now, "base.json", "new.json");
  EXPECT_EQ(j.at("base").at("file"), "base.json");
  EXPECT_EQ(j.at("new").at("seed"), 2);
  EXPECT_EQ(j.at("summary"), (nlohmann::json{{"regressions", 2},
                                             {"fixed", 1},
                                             {"still_failing", 1},
                                             {"newly_covered", 1},
                                             {"newly_skipped", 2},
                                             {"unchanged", 1}}));
  EXPECT_EQ(j.at("regressions").at(1),
            (nlohmann::json{
                {"id", "RL-9"}, {"base", nullptr}, {"new", "flaky"}, {"detail", "new RL-9"}}));
  EXPECT_EQ(j.at("newly_skipped").at(1).at("new"), nullptr);
  EXPECT_EQ(j.at("exit_code"), 1);
}

}  // namespace
}  // namespace dj::report
