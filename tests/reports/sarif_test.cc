// SARIF 2.1.0: the structure the specification and GitHub code scanning require (there is no
// SARIF schema on this machine, so the test checks it field by field), and a golden rendering.
#include "reports/sarif.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "models/clauses.h"
#include "tests/reports/fixtures.h"
#include "tests/reports/golden.h"
#include "tests/testing/temp_dir.h"

namespace dj::report {
namespace {

using nlohmann::json;
using testing::SampleResults;

const json& TheRun(const json& log) { return log.at("runs").at(0); }

TEST(Sarif, LogHasVersionSchemaAndOneRun) {
  const json log = Sarif(SampleResults());
  EXPECT_EQ(log.at("version"), "2.1.0");
  EXPECT_TRUE(log.at("$schema").get<std::string>().ends_with("sarif-schema-2.1.0.json"));
  ASSERT_EQ(log.at("runs").size(), 1U);
  const json& driver = TheRun(log).at("tool").at("driver");
  EXPECT_EQ(driver.at("name"), "djharness");
  EXPECT_EQ(driver.at("version"), "0.1.0");
}

// Every clause id of the table is a rule, once, in table order, worded as the table words it.
TEST(Sarif, RulesAreTheClauseTable) {
  const json log = Sarif(SampleResults());
  const json& rules = TheRun(log).at("tool").at("driver").at("rules");
  const auto ids = model::AllClauseIds();
  ASSERT_EQ(rules.size(), ids.size());
  std::set<std::string> seen;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const json& rule = rules.at(i);
    EXPECT_EQ(rule.at("id"), std::string(ids[i]));
    EXPECT_TRUE(seen.insert(rule.at("id").get<std::string>()).second) << rule.at("id");
    EXPECT_EQ(rule.at("shortDescription").at("text"), model::ClauseText(ids[i]));
    EXPECT_EQ(rule.at("fullDescription").at("text"), model::ClauseText(ids[i]));
    EXPECT_EQ(rule.at("defaultConfiguration").at("level"), "error");
  }
}

TEST(Sarif, OneErrorResultPerFailedOrFlakyClauseWithALocation) {
  SarifOptions options;
  options.results_uri = "djharness-report/results.json";
  const json log = Sarif(SampleResults(), options);
  const json& run = TheRun(log);
  const json& rules = run.at("tool").at("driver").at("rules");
  const json& results = run.at("results");
  ASSERT_EQ(results.size(), 3U);
  const std::string expected_ids[] = {"DEL-2", "CONC-1", "ID-4"};
  for (std::size_t i = 0; i < results.size(); ++i) {
    const json& r = results.at(i);
    EXPECT_EQ(r.at("ruleId"), expected_ids[i]);
    EXPECT_EQ(rules.at(r.at("ruleIndex").get<std::size_t>()).at("id"), r.at("ruleId"));
    EXPECT_EQ(r.at("level"), "error");
    EXPECT_FALSE(r.at("message").at("text").get<std::string>().empty());
    // GitHub rejects a result without a physical location that names an artifact.
    ASSERT_EQ(r.at("locations").size(), 1U);
    const json& physical = r.at("locations").at(0).at("physicalLocation");
    EXPECT_EQ(physical.at("artifactLocation").at("uri"), "djharness-report/results.json");
    EXPECT_EQ(physical.at("region").at("startLine"), 1);
    const json& logical = r.at("locations").at(0).at("logicalLocations").at(0);
    EXPECT_EQ(logical.at("name"), "http://127.0.0.1:41234");
    EXPECT_EQ(logical.at("kind"), "resource");
    EXPECT_EQ(r.at("partialFingerprints").at("djharnessClause/v1"), expected_ids[i]);
  }
}

TEST(Sarif, MessagesSayWhatBrokeAndHowToReproduce) {
  const json log = Sarif(SampleResults());
  const json& results = TheRun(log).at("results");
  const std::string del = results.at(0).at("message").at("text");
  EXPECT_EQ(del,
            "DEL-2 failed against http://127.0.0.1:41234: answered success; DEL-2 expects "
            "UnsupportedOperation. Shrunk history: 1 API request(s), property histories, seed "
            "1000003. Replay: djharness replay djharness-report/results.json; with curl: "
            "djharness-report/repro-DEL-2.sh");
  const std::string conc = results.at(1).at("message").at("text");
  EXPECT_TRUE(conc.starts_with("CONC-1 is flaky (its shrunk history failed 1 of 3 replays)"))
      << conc;
  const std::string id4 = results.at(2).at("message").at("text");
  EXPECT_NE(id4.find("failed in 2 round(s); the run recorded no shrunk history"),
            std::string::npos);
}

TEST(Sarif, ConformantRunHasAnEmptyResultsArray) {
  Results r = SampleResults();
  r.clauses = {r.clauses[0], r.clauses[4]};
  const json log = Sarif(r);
  const json& run = TheRun(log);
  ASSERT_TRUE(run.at("results").is_array());
  EXPECT_TRUE(run.at("results").empty());
}

TEST(Sarif, ClauseUnknownToTheTableGetsARuleOfItsOwn) {
  Results r = SampleResults();
  r.clauses[1].id = "NEW-9";
  const json log = Sarif(r);
  const json& run = TheRun(log);
  const json& rules = run.at("tool").at("driver").at("rules");
  EXPECT_EQ(rules.size(), model::AllClauseIds().size() + 1);
  EXPECT_EQ(rules.back().at("id"), "NEW-9");
  EXPECT_EQ(rules.back().at("shortDescription").at("text"), "The text of DEL-2.");
  EXPECT_EQ(run.at("results").at(0).at("ruleIndex"), rules.size() - 1);
}

TEST(Sarif, UriIsPercentEncodedAndTextIsValidUtf8) {
  Results r = SampleResults();
  r.clauses[1].failure->message = "bad \xff byte";
  SarifOptions options;
  options.results_uri = "out/run 1/results.json";
  const std::string text = SarifText(r, options);
  const json log = json::parse(text);  // throws on invalid UTF-8
  const json& result = TheRun(log).at("results").at(0);
  EXPECT_EQ(result.at("locations").at(0).at("physicalLocation").at("artifactLocation").at("uri"),
            "out/run%201/results.json");
  options.results_uri = "/abs/report/results.json";
  const json absolute = Sarif(r, options);
  EXPECT_EQ(TheRun(absolute)
                .at("results")
                .at(0)
                .at("locations")
                .at(0)
                .at("physicalLocation")
                .at("artifactLocation")
                .at("uri"),
            "file:///abs/report/results.json");
  EXPECT_NE(result.at("message").at("text").get<std::string>().find("bad \xEF\xBF\xBD byte"),
            std::string::npos);
}

TEST(Sarif, MatchesGoldenWhateverThePlace) {
  dj::testing::TempDir dir;
  Results r = SampleResults();
  SarifOptions options;
  options.results_uri = (dir.path() / "djharness-report" / "results.json").string();
  // The rules and the rule indexes follow the clause table (RulesAreTheClauseTable and
  // OneErrorResultPerFailedOrFlakyClauseWithALocation check them): a new clause must not change
  // this golden file.
  json log = json::parse(SarifText(r, options));
  json& run = log.at("runs").at(0);
  run.at("tool").at("driver").at("rules") = "@RULES@";
  for (json& result : run.at("results")) result.at("ruleIndex") = "@RULE-INDEX@";
  testing::ExpectGolden(log.dump(2) + "\n",
                        {{testing::Literal("file://" + dir.path().string()), "@DIR@"},
                         {testing::Literal(dir.path().string()), "@DIR@"},
                         {testing::Literal(r.started), "@STARTED@"},
                         {"seed " + std::to_string(r.seed), "seed @SEED@"},
                         {R"("seed": 1000003)", R"("seed": "@SEED@")"}},
                        "results.sarif.json");
}

}  // namespace
}  // namespace dj::report
