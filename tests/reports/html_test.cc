// The HTML report: a golden file for a fixed results document (DJ_UPDATE_GOLDEN=1 rewrites it),
// and what must hold for any document: hostile text stays text, nothing is fetched, the curl
// lines carry the request as sent, the heatmap colours cells by their answers.
#include "reports/html.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

namespace dj::report {
namespace {

Results Sample() {
  Results r;
  r.version = "0.1.0";
  r.target = "http://127.0.0.1:8080/";
  r.control = "the target itself";
  r.seed = 42;
  r.profile = "strict";
  r.styles = "both";
  r.runs = 2;
  r.max_steps = 10;
  r.started = "2026-01-02T03:04:05Z";
  r.duration_seconds = 1.5;
  r.histories = 4;
  r.requests = 9;
  r.pacing_seconds = 0.25;
  ClauseResult passed{"DEL-1", "Deleting a completed job succeeds.", Status::kPassed, 7, 0, "", {}};
  ClauseResult skipped{
      "RL-4", "Limits are per credential.", Status::kSkipped, 0, 0, "needs a second credential",
      {}};
  FailureReport f;
  f.clause = "DEL-2";
  f.message = "answered success; DEL-2 expects UnsupportedOperation";
  f.property = "histories";
  f.seed = 7;
  f.requests = 1;
  f.seconds_to_find = 0.5;
  f.requests_to_find = 3;
  f.replays = 3;
  f.reproduced = 3;
  f.history = {
      {"control: job job-aaaaaaaa RUNNING []", "control", "", "", "created", {}, -1, 0, 0, -1},
      {"DeleteJob {\"JobId\":\"job-aaaaaaaa\"} [api3-post]",
       "api",
       "POST /\n  Host: 127.0.0.1:8080\n  Content-Type: application/json\n  X-TC-Action: "
       "DeleteJob\n  Authorization: TC3-HMAC-SHA256 Credential=<hidden>/2026-01-02/batch/"
       "tc3_request, SignedHeaders=content-type;host, Signature=<hidden>\n  "
       "{\"JobId\":\"job-aaaaaaaa\"}\n",
       "HTTP 200  {\"Response\":{\"RequestId\":\"r-1\"}}\n",
       "success",
       {"DEL-2: answered success; DEL-2 expects UnsupportedOperation"},
       -1,
       0,
       0,
       0}};
  f.repro = "#!/usr/bin/env bash\n";
  ClauseResult failed{"DEL-2", "Deleting a running job is refused.", Status::kFailed, 3, 1, "", f};
  FailureReport g = f;
  g.clause = "CONC-1";
  g.message = "2 concurrent DeleteJob calls <b>both</b> succeeded";
  g.replays = 3;
  g.reproduced = 1;
  g.history = {
      {"DeleteJob job-b", "api", "", "", "success", {}, 0, 0.5, 2.0, -1},
      {"DeleteJob job-b", "api", "", "", "success", {"CONC-1: both succeeded"}, 1, 0.7, 2.5, -1}};
  ClauseResult flaky{"CONC-1", "Exactly one concurrent delete succeeds.", Status::kFlaky, 2, 1, "",
                     g};
  r.clauses = {passed, failed, flaky, skipped};
  r.delete_cells = {{"RUNNING", "none", {{"success", 2}}, 2},
                    {"SUCCEED", "SUCCEED", {{"success", 5}}, 0},
                    {"RUNNING", "RUNNING", {{"UnsupportedOperation", 4}}, 0},
                    {"FAILED", "none", {{"RequestLimitExceeded", 1}}, 0}};
  r.rate_schedules = {{"rate-limit",
                       0,
                       "virtual",
                       {{0, "DeleteJob", "success", false},
                        {400, "DeleteJob", "success", false},
                        {450, "DeleteJob", "RequestLimitExceeded", false},
                        {1200, "DescribeJob", "ResourceNotFound.Job", true}}}};
  r.history_rows = {{"histories", 0, 3, 2, 1.25, ""},
                    {"histories", 1, 5, 4, 2.5, "DEL-2"},
                    {"rate-limit", 0, 4, 4, 0.75, ""},
                    {"rate-limit", 1, 2, 2, 0.5, "<script>"}};
  return r;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(HtmlReport, MatchesTheGoldenFile) {
  std::string html = HtmlReport(Sample(), "djharness-report/results.json");
  const std::string golden = std::string(DJ_GOLDEN_DIR) + "/report.html";
  if (std::getenv("DJ_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden, std::ios::binary) << html;
    GTEST_SKIP() << "rewrote " << golden;
  }
  std::string expected = ReadFile(golden);
  ASSERT_FALSE(expected.empty()) << "no golden file " << golden;
  EXPECT_EQ(html, expected) << "the report changed: look at it, then rewrite the golden file "
                               "with DJ_UPDATE_GOLDEN=1";
}

TEST(HtmlReport, FetchesNothingAndForbidsFetching) {
  std::string html = HtmlReport(Sample(), "results.json");
  EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none';"),
            std::string::npos);
  // No attribute that would load something; the only URLs are the target's, inside text.
  EXPECT_FALSE(std::regex_search(html, std::regex(R"((src|href)=\"(https?:)?//)")));
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
}

TEST(HtmlReport, TextFromTheRunStaysText) {
  std::string html = HtmlReport(Sample(), "results.json");
  EXPECT_EQ(html.find("<b>both</b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;both&lt;/b&gt;"), std::string::npos);
  // In the histories' data a '<' cannot end the script element.
  EXPECT_EQ(html.find("\"<script>\""), std::string::npos);
  EXPECT_NE(html.find("\\u003cscript>"), std::string::npos);
}

TEST(HtmlReport, ShowsTheVerdictEachFailureAndItsCommands) {
  std::string html = HtmlReport(Sample(), "out/results.json");
  EXPECT_NE(html.find(">NOT CONFORMANT<"), std::string::npos);
  EXPECT_NE(html.find("id=\"failure-DEL-2\""), std::string::npos);
  EXPECT_NE(html.find("id=\"failure-CONC-1\""), std::string::npos);
  EXPECT_NE(html.find("FLAKY CONC-1"), std::string::npos);
  EXPECT_NE(html.find("replayed 3 times, failed again 1 times"), std::string::npos);
  EXPECT_NE(html.find("djharness replay out/results.json"), std::string::npos);
  EXPECT_NE(html.find("bash out/repro-DEL-2.sh"), std::string::npos);
  Results passing = Sample();
  passing.clauses = {passing.clauses[0], passing.clauses[3]};
  EXPECT_NE(HtmlReport(passing, "r.json").find(">CONFORMANT<"), std::string::npos);
}

TEST(HtmlReport, HeatmapColoursCellsByTheirAnswers) {
  std::string html = HtmlReport(Sample(), "results.json");
  auto cell = [&](const std::string& job, const std::string& inst) {
    std::string key = "data-job=\"" + job + "\" data-instances=\"" + inst + "\"><rect";
    auto at = html.find(key);
    EXPECT_NE(at, std::string::npos) << key;
    auto fill = html.find("fill=\"", at);
    return html.substr(fill + 6, html.find('"', fill + 6) - fill - 6);
  };
  EXPECT_EQ(cell("RUNNING", "none"), "var(--bad)");  // answers that broke a clause
  EXPECT_EQ(cell("SUCCEED", "SUCCEED"), "var(--ok)");
  EXPECT_EQ(cell("RUNNING", "RUNNING"), "var(--refused)");
  EXPECT_EQ(cell("FAILED", "none"), "var(--limited)");
  EXPECT_EQ(cell("PENDING", "PENDING"), "#eeeeee");  // not exercised
  // 8 job states x 9 instance columns.
  std::size_t cells = 0;
  for (auto at = html.find("class=\"cell\""); at != std::string::npos;
       at = html.find("class=\"cell\"", at + 1))
    ++cells;
  EXPECT_EQ(cells, 72U);
}

TEST(CurlLine, CarriesMethodUrlHeadersAndBodyAsSent) {
  EXPECT_EQ(CurlLine("POST /\n  Host: h\n  Content-Length: 2\n  X-Q: it's\n  {\"a\": 1}\n",
                     "http://127.0.0.1:8080"),
            "curl -sS -X POST 'http://127.0.0.1:8080/' -H 'Host: h' -H 'X-Q: it'\\''s' "
            "--data-binary '{\"a\": 1}'");
  EXPECT_EQ(CurlLine("GET /?JobId=job-1\n  Host: h\n", "https://x"),
            "curl -sS -X GET 'https://x/?JobId=job-1' -H 'Host: h'");
  EXPECT_EQ(CurlLine("", "https://x"), "");
}

}  // namespace
}  // namespace dj::report
