// The Markdown summary: golden renderings (times, seeds and paths normalised), escaping of what
// a target echoes, and a size that does not grow with the number of histories.
#include "reports/markdown.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/reports/fixtures.h"
#include "tests/reports/golden.h"
#include "tests/testing/temp_dir.h"

namespace dj::report {
namespace {

using dj::testing::TempDir;
using testing::ExpectGolden;
using testing::Literal;
using testing::Normalisers;
using testing::SampleResults;

// What varies between two renderings of the same run: where it was written, when it started,
// how long it took, its seed.
Normalisers RunNormalisers(const Results& r, const std::string& dir) {
  return {{Literal(dir), "@DIR@"},
          {Literal(r.started), "@STARTED@"},
          {R"([0-9]+\.[0-9] s\b)", "@SECONDS@ s"},
          {"seed " + std::to_string(r.seed), "seed @SEED@"}};
}

// Two renderings of one run that differ only in place, time and seed.
struct Variant {
  std::string_view started;
  double duration;
  double pacing;
  std::uint64_t seed;
};
constexpr Variant kVariants[] = {{"2026-11-29T11:45:56Z", 12.53, 0.25, 1000003},
                                 {"2027-01-02T03:04:05Z", 0.4, 0.0, 42}};

Results WithVariant(Results r, const Variant& v) {
  r.started = std::string(v.started);
  r.duration_seconds = v.duration;
  r.pacing_seconds = v.pacing;
  r.seed = v.seed;
  return r;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

// Column separators of a table row: '|' not escaped by a backslash.
int Separators(const std::string& line) {
  int n = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++n;
  }
  return n;
}

// Every row of every table has as many columns as the table's header.
void ExpectWellFormedTables(const std::string& markdown) {
  int columns = -1;
  for (const std::string& line : Lines(markdown)) {
    if (line.empty() || line[0] != '|') {
      columns = -1;
      continue;
    }
    if (columns < 0) columns = Separators(line);
    EXPECT_EQ(Separators(line), columns) << "row: " << line;
  }
}

TEST(MarkdownSummary, MatchesGoldenWhateverTheTimeSeedAndPlace) {
  for (const Variant& v : kVariants) {
    TempDir dir;
    const std::string report_dir = (dir.path() / "djharness-report").string();
    Results r = WithVariant(SampleResults(), v);
    MarkdownOptions options;
    options.results_path = report_dir + "/results.json";
    ExpectGolden(MarkdownSummary(r, options), RunNormalisers(r, dir.path().string()), "summary.md");
  }
}

TEST(MarkdownSummary, WithBaselineMatchesGolden) {
  TempDir dir;
  const std::string report_dir = (dir.path() / "out").string();
  Results now = SampleResults();
  Results base = SampleResults();
  base.seed = 7;
  base.clauses[1].status = Status::kPassed;  // DEL-2: passed then, failed now
  base.clauses[1].failure.reset();
  base.clauses[4].status = Status::kFailed;  // GONE-1: failed then, skipped now
  base.clauses[4].failure = testing::Failure("GONE-1", "DescribeJob still returned it", 2, 9);
  Comparison c = Compare(base, now, "baseline.json", report_dir + "/results.json");
  MarkdownOptions options;
  options.results_path = report_dir + "/results.json";
  options.comparison = &c;
  const std::string markdown = MarkdownSummary(now, options);
  ExpectWellFormedTables(markdown);
  ExpectGolden(markdown, RunNormalisers(now, dir.path().string()), "summary-baseline.md");
}

TEST(MarkdownSummary, ConformantRunSaysSoAndHasNoFailureSection) {
  Results r = SampleResults();
  r.clauses = {r.clauses[0], r.clauses[4]};
  const std::string markdown = MarkdownSummary(r);
  EXPECT_EQ(Lines(markdown).front(),
            "## CONFORMANT: no clause failed (target `http://127.0.0.1:41234`, seed 1000003)");
  EXPECT_EQ(markdown.find("Failed and flaky"), std::string::npos);
  EXPECT_NE(markdown.find("| 1 | 0 | 0 | 1 |"), std::string::npos) << markdown;
}

TEST(MarkdownSummary, VerdictNamesFailuresTargetAndSeed) {
  const std::string markdown = MarkdownSummary(SampleResults());
  EXPECT_EQ(Lines(markdown).front(),
            "## NOT CONFORMANT: 2 failed, 1 flaky (target `http://127.0.0.1:41234`, seed 1000003)");
  EXPECT_NE(markdown.find("| 1 | 2 | 1 | 1 |"), std::string::npos) << markdown;
}

TEST(MarkdownSummary, EchoedMarkupStaysTextOnOneLine) {
  const std::string markdown = MarkdownSummary(SampleResults());
  EXPECT_EQ(markdown.find("<script>"), std::string::npos);
  EXPECT_NE(markdown.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(markdown.find(R"(job-a\|b)"), std::string::npos);
  EXPECT_NE(markdown.find(R"(\`x\` \*y\* \[z\](u) second line)"), std::string::npos) << markdown;
  ExpectWellFormedTables(markdown);
}

TEST(MarkdownSummary, FailureRowsCarryRequestsAndReproScripts) {
  MarkdownOptions options;
  options.results_path = "out/run 1/results.json";
  const std::string markdown = MarkdownSummary(SampleResults(), options);
  EXPECT_NE(markdown.find("`djharness replay out/run 1/results.json`"), std::string::npos);
  EXPECT_NE(markdown.find("| `DEL-2` | failed | answered success; DEL-2 expects "
                          "UnsupportedOperation | 1 | `out/run 1/repro-DEL-2.sh` |"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("| `CONC-1` | flaky (failed 1 of 3 replays) |"), std::string::npos);
  EXPECT_NE(markdown.find("| `ID-4` | failed | failed in 2 rounds; no shrunk history recorded |"),
            std::string::npos);
  EXPECT_EQ(markdown.find("repro-ID-4.sh"), std::string::npos);
  options.report_dir = "scripts";
  EXPECT_NE(MarkdownSummary(SampleResults(), options).find("`scripts/repro-DEL-2.sh`"),
            std::string::npos);
}

TEST(MarkdownSummary, SizeDoesNotGrowWithHistories) {
  Results small = SampleResults();
  Results large = SampleResults();
  large.histories = 10000;
  small.histories = 10000;
  for (int i = 0; i < 10000; ++i) {
    large.history_rows.push_back({"histories", i, 12, 9, 1.5, i % 100 == 0 ? "DEL-2" : ""});
  }
  large.delete_cells.push_back({"RUNNING", "none", {{"success", 3}}, 3});
  large.rate_schedules.push_back(
      {"rate-limit", 0, "virtual", {{0, "DeleteJob", "success", false}}});
  EXPECT_EQ(MarkdownSummary(large), MarkdownSummary(small));
  EXPECT_LT(MarkdownSummary(large).size(), 8000U);
}

TEST(MarkdownSummary, LongAndInvalidTextIsCutAndMadeValid) {
  Results r = SampleResults();
  r.clauses[1].failure->message = std::string(1000, 'a') + "ZZZ";
  r.clauses[2].failure->message = "bad \xff\xfe bytes";
  const std::string markdown = MarkdownSummary(r);
  EXPECT_EQ(markdown.find("ZZZ"), std::string::npos);
  EXPECT_NE(markdown.find(std::string(240, 'a') + "... |"), std::string::npos);
  EXPECT_NE(markdown.find("bad \xEF\xBF\xBD\xEF\xBF\xBD bytes"), std::string::npos);
}

TEST(MarkdownSummary, LeftJobsAndBudgetAreMentioned) {
  Results r = SampleResults();
  r.jobs_left = {"job-abc: still RUNNING"};
  r.ledger = "djharness-report/ledger.jsonl";
  r.budget = 500;
  r.budget_spent = true;
  const std::string markdown = MarkdownSummary(r);
  EXPECT_NE(markdown.find("**1 job of the run's own left on the target**: finish them with "
                          "`djharness cleanup djharness-report/ledger.jsonl`"),
            std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("Request budget 500: spent"), std::string::npos);
}

TEST(MarkdownSummary, CodeSpansSurviveBackticksAndPipes) {
  Results r = SampleResults();
  r.target = "http://h/`a`|b";
  const std::string first = Lines(MarkdownSummary(r)).front();
  EXPECT_NE(first.find("``http://h/`a`|b``"), std::string::npos) << first;
  r.clauses[1].id = "DEL|2";
  EXPECT_NE(MarkdownSummary(r).find("| `DEL\\|2` | failed |"), std::string::npos);
}

}  // namespace
}  // namespace dj::report
