// The JUnit XML writer (structure, escaping, timestamp, validation against junit.xsd with
// xmllint when ../shared is present) and the results document's JSON round trip.
#include "reports/junit.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <utility>

#include "reports/results.h"
#include "tests/testing/temp_dir.h"

namespace dj::report {
namespace {

using dj::testing::TempDir;

using namespace std::string_literals;
using nlohmann::json;

// A fuzzed JobId: NUL, markup characters and two bytes that are not UTF-8.
const std::string kFuzzedRequest = "POST / DeleteJob {\"JobId\":\"job-\0<x>&\"q\"\xff\xfe\"}"s;
constexpr std::string_view kFuzzedRequestEscaped =
    R"(POST / DeleteJob {&quot;JobId&quot;:&quot;job-\x00&lt;x&gt;&amp;&quot;q&quot;\xFF\xFE&quot;})";

Results SampleResults(bool with_invalid_utf8 = true) {
  Results r;
  r.version = "0.1.0";
  r.target = "https://batch.tencentcloudapi.com";
  r.control = "in-process";
  r.seed = 1234567890123;
  r.profile = "strict";
  r.styles = "both";
  r.runs = 100;
  r.max_steps = 20;
  r.started = "2026-11-29T11:45:56Z";
  r.duration_seconds = 12.5;
  r.histories = 300;
  r.requests = 4200;
  r.pacing_seconds = 0.25;

  ClauseResult passed;
  passed.id = "ENV-2";
  passed.text = "Every answer has Response.RequestId, a lowercase UUID.";
  passed.status = Status::kPassed;
  passed.checks = 4200;

  FailureReport f;
  f.clause = "DEL-2";
  f.message = "DeleteJob of a RUNNING job answered success, expected FailedOperation";
  f.property = "histories";
  f.seed = 42;
  f.requests = 2;
  f.steps = json::array({{{"action", "SubmitJob"}}, {{"action", "DeleteJob"}}});
  f.history.push_back({"SubmitJob (job-1)",
                       "control",
                       "POST / SubmitJob {}",
                       "HTTP 200  {\"Response\":{\"JobId\":\"job-1\"}}",
                       "success",
                       {}});
  f.history.push_back(
      {"DeleteJob job-\0<x>"s,
       "api",
       with_invalid_utf8 ? kFuzzedRequest : "POST / DeleteJob {\"JobId\":\"\0<&\"}"s,
       "HTTP 200  {\"Response\":{\"RequestId\":\"r-1\"}}",
       "success",
       {"DEL-2: a RUNNING job was deleted", "ISO-3: the answer had an effect"}});
  f.repro = "#!/bin/bash\ncurl -sS -d '{\"JobId\":\"job-1\"}' \"$TARGET\"\n";
  ClauseResult failed;
  failed.id = "DEL-2";
  failed.text = "A job that is not finished cannot be deleted.";
  failed.status = Status::kFailed;
  failed.checks = 57;
  failed.failures = 3;
  failed.failure = f;

  ClauseResult skipped;
  skipped.id = "GONE-1";
  skipped.text = "A deleted job is gone from DescribeJobs.";
  skipped.status = Status::kSkipped;
  skipped.reason = "needs the conformance control extension (--control none)";

  r.clauses = {passed, failed, skipped};
  return r;
}

// The value of `attribute` on the first element whose start tag begins with `start_tag`
// (e.g. "<testsuite "); "<missing>" when there is none.
std::string Attribute(std::string_view xml, std::string_view start_tag,
                      std::string_view attribute) {
  const std::size_t tag = xml.find(start_tag);
  if (tag == std::string_view::npos) return "<missing>";
  const std::size_t tag_end = xml.find('>', tag);
  const std::string needle = " " + std::string(attribute) + "=\"";
  const std::size_t at = xml.find(needle, tag);
  if (at == std::string_view::npos || at > tag_end) return "<missing>";
  const std::size_t value = at + needle.size();
  return std::string(xml.substr(value, xml.find('"', value) - value));
}

int Occurrences(std::string_view text, std::string_view what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string_view::npos;
       at = text.find(what, at + what.size())) {
    ++n;
  }
  return n;
}

// From "<failure " to "</failure>", or empty.
std::string FailureElement(std::string_view xml) {
  const std::size_t begin = xml.find("<failure ");
  const std::size_t end = xml.find("</failure>");
  if (begin == std::string_view::npos || end == std::string_view::npos) return "";
  return std::string(xml.substr(begin, end - begin));
}

TEST(JunitXml, CountsAndOneTestcasePerClause) {
  const std::string xml = JunitXml(SampleResults(), "ci-runner-7");
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n", 0), 0u);
  EXPECT_EQ(Occurrences(xml, "<testsuites>"), 1);
  EXPECT_EQ(Occurrences(xml, "<testsuite "), 1);
  EXPECT_EQ(Attribute(xml, "<testsuite ", "name"), "djharness");
  EXPECT_EQ(Attribute(xml, "<testsuite ", "package"), "djharness");
  EXPECT_EQ(Attribute(xml, "<testsuite ", "id"), "0");
  EXPECT_EQ(Attribute(xml, "<testsuite ", "tests"), "3");
  EXPECT_EQ(Attribute(xml, "<testsuite ", "failures"), "1");
  EXPECT_EQ(Attribute(xml, "<testsuite ", "errors"), "0");
  EXPECT_EQ(Attribute(xml, "<testsuite ", "skipped"), "1");
  EXPECT_EQ(Attribute(xml, "<testsuite ", "time"), "12.500");
  EXPECT_EQ(Attribute(xml, "<testsuite ", "hostname"), "ci-runner-7");
  EXPECT_EQ(Attribute(xml, "<testsuite ", "timestamp"), "2026-11-29T11:45:56");
  EXPECT_EQ(Occurrences(xml, "<testcase "), 3);
  EXPECT_EQ(Occurrences(xml, "<failure "), 1);
  EXPECT_EQ(Occurrences(xml, "<skipped "), 1);
  EXPECT_NE(xml.find(R"(<testcase classname="djharness.ENV" name="ENV-2: Every answer has )"
                     R"(Response.RequestId, a lowercase UUID." time="0.000"/>)"),
            std::string::npos);
  EXPECT_NE(xml.find(R"(<testcase classname="djharness.GONE" name="GONE-1: A deleted job is )"
                     R"(gone from DescribeJobs." time="0.000">)"
                     "\n"
                     R"(      <skipped message="needs the conformance control extension )"
                     R"x((--control none)"/>)x"),
            std::string::npos);
  // properties, testcases, system-out, system-err: the schema's order.
  const std::size_t properties = xml.find("<properties>");
  const std::size_t first_case = xml.find("<testcase ");
  const std::size_t out = xml.find("<system-out>");
  const std::size_t err = xml.find("<system-err>");
  EXPECT_LT(properties, first_case);
  EXPECT_LT(first_case, out);
  EXPECT_LT(out, err);
  EXPECT_NE(err, std::string::npos);
}

TEST(JunitXml, PropertiesCarryTheRunSettings) {
  const std::string xml = JunitXml(SampleResults(), "ci-runner-7");
  for (const char* expected : {
           R"(<property name="tool" value="djharness"/>)",
           R"(<property name="version" value="0.1.0"/>)",
           R"(<property name="target" value="https://batch.tencentcloudapi.com"/>)",
           R"(<property name="control" value="in-process"/>)",
           R"(<property name="seed" value="1234567890123"/>)",
           R"(<property name="profile" value="strict"/>)",
           R"(<property name="styles" value="both"/>)",
           R"(<property name="runs" value="100"/>)",
           R"(<property name="max_steps" value="20"/>)",
           R"(<property name="histories" value="300"/>)",
           R"(<property name="requests" value="4200"/>)",
           R"(<property name="started" value="2026-11-29T11:45:56Z"/>)",
           R"(<property name="pacing_seconds" value="0.250"/>)",
           R"(<property name="verdict" value="NOT CONFORMANT"/>)",
       }) {
    EXPECT_NE(xml.find(expected), std::string::npos) << expected;
  }
  EXPECT_EQ(Occurrences(xml, "<property "), 14);
}

TEST(JunitXml, FailureHoldsMessageEscapedHistoryAndRepro) {
  const std::string xml = JunitXml(SampleResults(), "ci-runner-7");
  const std::string failure = FailureElement(xml);
  ASSERT_FALSE(failure.empty()) << xml;
  EXPECT_EQ(Attribute(failure, "<failure ", "type"), "DEL-2");
  EXPECT_EQ(Attribute(failure, "<failure ", "message"),
            "DeleteJob of a RUNNING job answered success, expected FailedOperation");
  EXPECT_NE(failure.find("DEL-2: DeleteJob of a RUNNING job answered success"), std::string::npos);
  EXPECT_NE(failure.find("property histories, seed 42, failed in 3 round(s), 57 check(s)"),
            std::string::npos);
  EXPECT_NE(failure.find("Shrunk history (2 step(s), 2 API request(s)):\n"
                         "1. [control] SubmitJob (job-1)\n"),
            std::string::npos);
  EXPECT_NE(failure.find(R"(2. [api] DeleteJob job-\x00&lt;x&gt;)"), std::string::npos);
  EXPECT_NE(failure.find("    request: " + std::string(kFuzzedRequestEscaped) + "\n"),
            std::string::npos);
  EXPECT_NE(failure.find(R"(    answer:  HTTP 200  {&quot;Response&quot;:{&quot;RequestId&quot;)"),
            std::string::npos);
  EXPECT_NE(failure.find("    finding: DEL-2: a RUNNING job was deleted\n"
                         "    finding: ISO-3: the answer had an effect\n"),
            std::string::npos);
  EXPECT_NE(
      failure.find("Repro script:\n#!/bin/bash\n"
                   R"(curl -sS -d '{&quot;JobId&quot;:&quot;job-1&quot;}' &quot;$TARGET&quot;)"),
      std::string::npos);
  // Nothing XML 1.0 forbids reaches the document.
  EXPECT_EQ(xml.find('\0'), std::string::npos);
  EXPECT_EQ(xml.find('\xff'), std::string::npos);
  EXPECT_EQ(xml.find('\xfe'), std::string::npos);
}

TEST(JunitXml, FailedClauseWithoutReportStillHasAFailure) {
  Results r = SampleResults();
  r.clauses[1].failure.reset();
  r.clauses[1].failures = 2;
  const std::string failure = FailureElement(JunitXml(r, "h"));
  EXPECT_EQ(Attribute(failure, "<failure ", "message"), "failed in 2 round(s)");
  EXPECT_EQ(Attribute(failure, "<failure ", "type"), "DEL-2");
  EXPECT_NE(failure.find("DEL-2 failed in 2 round(s); the run recorded no shrunk history."),
            std::string::npos);
}

TEST(JunitXml, EscapesAttributesWhitespaceAndBytesXmlCannotCarry) {
  Results r = SampleResults();
  // Tab, LF, CR; valid 2-, 3- and 4-byte UTF-8; DEL (allowed in XML 1.0); an overlong '/', a
  // UTF-16 surrogate, U+FFFE, a C0 control and a truncated sequence.
  r.clauses[2].reason =
      "a\tb\nc\rd \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 \x7F \xC0\xAF \xED\xA0\x80 \xEF\xBF\xBE "
      "\x1B end\xE2\x82";
  const std::string xml = JunitXml(r, "h");
  EXPECT_EQ(Attribute(xml, "<skipped ", "message"),
            "a&#9;b&#10;c&#13;d \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 \x7F "
            R"(\xC0\xAF \xED\xA0\x80 \xEF\xBF\xBE \x1B end\xE2\x82)");
}

TEST(JunitXml, CarriageReturnInContentIsACharacterReference) {
  Results r = SampleResults();
  r.clauses[1].failure->history[0].answer = "line1\r\nline2\tx";
  const std::string failure = FailureElement(JunitXml(r, "h"));
  EXPECT_NE(failure.find("    answer:  line1&#13;\n      line2\tx\n"), std::string::npos);
}

TEST(JunitXml, HostnameFallsBackToLocalhostAndIsEscaped) {
  EXPECT_EQ(Attribute(JunitXml(SampleResults(), ""), "<testsuite ", "hostname"), "localhost");
  EXPECT_EQ(Attribute(JunitXml(SampleResults(), " \t"), "<testsuite ", "hostname"), "localhost");
  EXPECT_EQ(Attribute(JunitXml(SampleResults(), "a&b<c"), "<testsuite ", "hostname"),
            "a&amp;b&lt;c");
}

TEST(JunitXml, TimeIsDecimalSeconds) {
  Results r = SampleResults();
  r.duration_seconds = 1234.5678;
  EXPECT_EQ(Attribute(JunitXml(r, "h"), "<testsuite ", "time"), "1234.568");
  r.duration_seconds = 0;
  EXPECT_EQ(Attribute(JunitXml(r, "h"), "<testsuite ", "time"), "0.000");
  r.duration_seconds = -3;
  EXPECT_EQ(Attribute(JunitXml(r, "h"), "<testsuite ", "time"), "0.000");
  r.duration_seconds = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Attribute(JunitXml(r, "h"), "<testsuite ", "time"), "0.000");
  r.duration_seconds = 1e20;
  EXPECT_EQ(Attribute(JunitXml(r, "h"), "<testsuite ", "time"), "100000000000000000000.000");
}

TEST(JunitXml, TimestampIsUtcWithoutZoneOrFraction) {
  const std::pair<const char*, const char*> cases[] = {
      {"2026-11-29T11:45:56Z", "2026-11-29T11:45:56"},
      {"2026-11-29T11:45:56.789Z", "2026-11-29T11:45:56"},
      {"2026-11-29T11:45:56", "2026-11-29T11:45:56"},
      {"2026-11-29T11:45:56+00:00", "2026-11-29T11:45:56"},
      {"2026-11-30T01:15:56+05:30", "2026-11-29T19:45:56"},
      {"2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00"},
      {"2028-03-01T00:10:00+01:00", "2028-02-29T23:10:00"},
      {"2026-12-31T23:59:60Z", "2026-12-31T23:59:59"},
      // Unreadable: the schema still needs a timestamp.
      {"", "1970-01-01T00:00:00"},
      {"yesterday", "1970-01-01T00:00:00"},
      {"2026-02-30T00:00:00Z", "1970-01-01T00:00:00"},
      {"2026-11-29T24:00:00Z", "1970-01-01T00:00:00"},
      {"2026-11-29 11:45:56Z", "1970-01-01T00:00:00"},
      {"2026-11-29T11:45:56+0530", "1970-01-01T00:00:00"},
      {"2026-11-29T11:45:56Zjunk", "1970-01-01T00:00:00"},
      {"0001-01-01T00:30:00+01:00", "1970-01-01T00:00:00"},
  };
  Results r = SampleResults();
  for (const auto& [started, expected] : cases) {
    r.started = started;
    const std::string xml = JunitXml(r, "h");
    EXPECT_EQ(Attribute(xml, "<testsuite ", "timestamp"), expected) << started;
    EXPECT_NE(xml.find(R"(<property name="started" value=")" + std::string(started) + "\"/>"),
              std::string::npos);
  }
}

TEST(JunitXml, EmptyRunHasZeroCounts) {
  Results r = SampleResults();
  r.clauses.clear();
  const std::string xml = JunitXml(r, "h");
  EXPECT_EQ(Attribute(xml, "<testsuite ", "tests"), "0");
  EXPECT_EQ(Attribute(xml, "<testsuite ", "failures"), "0");
  EXPECT_EQ(Attribute(xml, "<testsuite ", "skipped"), "0");
  EXPECT_EQ(Occurrences(xml, "<testcase "), 0);
}

TEST(JunitXml, SystemOutSummarisesTheRun) {
  const std::string xml = JunitXml(SampleResults(), "h");
  EXPECT_NE(xml.find("<system-out>djharness 0.1.0: 1 passed, 1 failed, 1 skipped; 300 histories, "
                     "4200 requests in 12.500 s\n"
                     "ENV-2 passed (4200 checks)\n"
                     "DEL-2 failed (57 checks)\n"
                     "GONE-1 skipped (0 checks)\n"
                     "</system-out>\n"
                     "    <system-err></system-err>\n"),
            std::string::npos);
}

struct Validation {
  int exit_code = -1;  // 127: xmllint is not installed
  std::string output;  // xmllint's stdout and stderr
};

Validation ValidateWithXmllint(const std::filesystem::path& dir, const std::string& xml,
                               const std::string& name) {
  const std::filesystem::path file = dir / (name + ".xml");
  const std::filesystem::path log = dir / (name + ".log");
  std::ofstream(file, std::ios::binary) << xml;
  const std::string command = "xmllint --noout --schema '" + std::string(DJ_JUNIT_XSD) + "' '" +
                              file.string() + "' >'" + log.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  Validation v;
  if (status != -1 && WIFEXITED(status)) v.exit_code = WEXITSTATUS(status);
  std::ifstream in(log, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  v.output = text.str();
  return v;
}

TEST(JunitXml, ValidatesAgainstTheSchema) {
  if (!std::filesystem::exists(DJ_JUNIT_XSD)) {
    GTEST_SKIP() << "no schema at " << DJ_JUNIT_XSD << " (../shared is not checked out)";
  }
  TempDir dir;
  ASSERT_FALSE(dir.path().empty()) << "could not create a temporary directory";

  const Validation sample = ValidateWithXmllint(dir.path(), JunitXml(SampleResults(), "ci"), "s");
  if (sample.exit_code == 127) GTEST_SKIP() << "xmllint is not installed (libxml2-utils)";
  EXPECT_EQ(sample.exit_code, 0) << sample.output;
  EXPECT_NE(sample.output.find("s.xml validates"), std::string::npos) << sample.output;

  // The edges: no clauses, a blank hostname, an unreadable timestamp, a failure without report.
  Results edges = SampleResults();
  edges.started = "not a time";
  edges.clauses[1].failure.reset();
  edges.clauses[2].reason = "";
  const Validation edge = ValidateWithXmllint(dir.path(), JunitXml(edges, " "), "e");
  EXPECT_EQ(edge.exit_code, 0) << edge.output;
  edges.clauses.clear();
  const Validation empty = ValidateWithXmllint(dir.path(), JunitXml(edges, ""), "z");
  EXPECT_EQ(empty.exit_code, 0) << empty.output;

  // The schema really does refuse a zoned timestamp: the conversion is needed.
  std::string zoned = JunitXml(SampleResults(), "ci");
  const std::string converted = "timestamp=\"2026-11-29T11:45:56\"";
  zoned.replace(zoned.find(converted), converted.size(), "timestamp=\"2026-11-29T11:45:56Z\"");
  const Validation refused = ValidateWithXmllint(dir.path(), zoned, "zoned");
  EXPECT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_NE(refused.output.find("timestamp"), std::string::npos) << refused.output;
}

TEST(ResultsDocument, JsonRoundTripGivesEqualValues) {
  const Results original = SampleResults(/*with_invalid_utf8=*/false);
  const json before = original;
  const std::string text = before.dump(2);
  Result<Results> parsed = ResultsFromText(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(json(*parsed), before);
  EXPECT_EQ(parsed->seed, 1234567890123u);
  EXPECT_EQ(parsed->duration_seconds, 12.5);
  ASSERT_EQ(parsed->clauses.size(), 3u);
  EXPECT_EQ(parsed->clauses[1].status, Status::kFailed);
  ASSERT_TRUE(parsed->clauses[1].failure.has_value());
  EXPECT_EQ(parsed->clauses[1].failure->history[1].request,
            "POST / DeleteJob {\"JobId\":\"\0<&\"}"s);
  EXPECT_FALSE(parsed->clauses[0].failure.has_value());
  EXPECT_EQ(parsed->clauses[2].reason, "needs the conformance control extension (--control none)");
}

TEST(ResultsDocument, NonJsonFailsWithoutThrowing) {
  for (std::string_view text : {"", "not json", "{\"tool\": ", "[1, 2"}) {
    EXPECT_NO_THROW({
      Result<Results> parsed = ResultsFromText(text);
      ASSERT_FALSE(parsed.ok()) << text;
      EXPECT_EQ(parsed.error(), "the results file is not JSON") << text;
    });
  }
}

TEST(ResultsDocument, MissingOrWrongFieldsFailWithoutThrowing) {
  const json good = SampleResults(/*with_invalid_utf8=*/false);
  auto expect_schema_error = [](const json& doc, std::string_view mentions) {
    EXPECT_NO_THROW({
      Result<Results> parsed = ResultsFromText(doc.dump());
      ASSERT_FALSE(parsed.ok()) << mentions;
      EXPECT_EQ(parsed.error().rfind("the results file does not have the results schema: ", 0), 0u)
          << parsed.error();
      EXPECT_NE(parsed.error().find(mentions), std::string::npos) << parsed.error();
    });
  };
  json no_seed = good;
  no_seed.erase("seed");
  expect_schema_error(no_seed, "'seed'");
  json no_clauses = good;
  no_clauses.erase("clauses");
  expect_schema_error(no_clauses, "'clauses'");
  json no_repro = good;
  no_repro["clauses"][1]["failure"].erase("repro");
  expect_schema_error(no_repro, "'repro'");
  json no_findings = good;
  no_findings["clauses"][1]["failure"]["history"][0].erase("findings");
  expect_schema_error(no_findings, "'findings'");
  json bad_status = good;
  bad_status["clauses"][0]["status"] = "wobbly";
  expect_schema_error(bad_status, "unknown status wobbly");
  json runs_text = good;
  runs_text["runs"] = "many";
  expect_schema_error(runs_text, "type must be number");
  expect_schema_error(json::array(), "");
  expect_schema_error(json::object(), "'tool'");
}

}  // namespace
}  // namespace dj::report
