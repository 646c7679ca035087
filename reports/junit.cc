// JUnit XML writer: the results document as junit.xsd (Apache Ant) wants it. Everything that
// came from a target or a fuzzer passes through the one escaper below.
#include "reports/junit.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include "reports/markup_escape.h"
#include "reports/text.h"

namespace dj::report {
namespace {

constexpr std::string_view kSuiteName = "djharness";
// Written when results.started cannot be read: the schema requires some timestamp.
constexpr std::string_view kUnknownTimestamp = "1970-01-01T00:00:00";

std::string Escaped(std::string_view text, bool attribute) {
  std::string out;
  AppendEscaped(out, text, attribute);
  return out;
}

// ` name="value"`, escaped.
void AppendAttribute(std::string& out, std::string_view name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  AppendEscaped(out, value, /*attribute=*/true);
  out += '"';
}

// Seconds as xs:decimal: fixed notation with three decimals, never an exponent, NaN or a
// negative value.
std::string Seconds(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
  std::array<char, 400> buffer{};  // enough for any finite double in fixed notation
  const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), seconds,
                                          std::chars_format::fixed, 3);
  if (error != std::errc()) return "0.000";
  return std::string(buffer.data(), end);
}

std::optional<int> Digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (text.size() < pos + count) return std::nullopt;
  int value = 0;
  for (std::size_t k = pos; k < pos + count; ++k) {
    if (text[k] < '0' || text[k] > '9') return std::nullopt;
    value = value * 10 + (text[k] - '0');
  }
  return value;
}

void AppendPadded(std::string& out, long long value, std::size_t width) {
  std::string digits = std::to_string(value);
  if (digits.size() < width) out.append(width - digits.size(), '0');
  out += digits;
}

// The schema's ISO8601_DATETIME_PATTERN: xs:dateTime restricted to YYYY-MM-DDTHH:MM:SS, so no
// zone and no fraction. Reads "YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM|-HH:MM]" (no zone is taken as
// UTC), drops the fraction, and returns the instant in UTC; nullopt for anything else.
std::optional<std::string> SchemaTimestamp(std::string_view text) {
  using namespace std::chrono;
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const auto y = Digits(text, 0, 4);
  const auto mo = Digits(text, 5, 2);
  const auto d = Digits(text, 8, 2);
  const auto h = Digits(text, 11, 2);
  const auto mi = Digits(text, 14, 2);
  const auto s = Digits(text, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  std::size_t i = 19;
  if (i < text.size() && text[i] == '.') {
    const std::size_t first = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == first) return std::nullopt;
  }
  int offset_minutes = 0;
  if (i < text.size() && (text[i] == 'Z' || text[i] == 'z')) {
    ++i;
  } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    const auto oh = Digits(text, i + 1, 2);
    const auto om = Digits(text, i + 4, 2);
    if (text.size() < i + 6 || text[i + 3] != ':' || !oh || !om || *oh > 23 || *om > 59) {
      return std::nullopt;
    }
    offset_minutes = (text[i] == '-' ? -1 : 1) * (*oh * 60 + *om);
    i += 6;
  }
  if (i != text.size()) return std::nullopt;

  const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)},
                            day{static_cast<unsigned>(*d)}};
  if (!date.ok() || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
  const int second = *s == 60 ? 59 : *s;  // a leap second; xs:dateTime has no :60
  const sys_seconds utc =
      sys_days{date} + hours{*h} + minutes{*mi - offset_minutes} + seconds{second};
  const sys_days utc_day = floor<days>(utc);
  const year_month_day utc_date{utc_day};
  const int utc_year = static_cast<int>(utc_date.year());
  if (utc_year < 1 || utc_year > 9999) return std::nullopt;  // 4 digits, and XSD 1.0 has no year 0
  const long long in_day = (utc - utc_day).count();

  std::string out;
  AppendPadded(out, utc_year, 4);
  out += '-';
  AppendPadded(out, static_cast<unsigned>(utc_date.month()), 2);
  out += '-';
  AppendPadded(out, static_cast<unsigned>(utc_date.day()), 2);
  out += 'T';
  AppendPadded(out, in_day / 3600, 2);
  out += ':';
  AppendPadded(out, in_day / 60 % 60, 2);
  out += ':';
  AppendPadded(out, in_day % 60, 2);
  return out;
}

// "djharness.DEL" for "DEL-2": the clause family groups testcases in CI views.
std::string ClassName(std::string_view clause_id) {
  const std::size_t dash = clause_id.find('-');
  std::string_view family = clause_id.substr(0, dash);
  if (family.empty()) family = "clause";
  return std::string(kSuiteName) + "." + std::string(family);
}

// Appends `text`, indenting every line after the first by `indent` spaces.
void AppendIndented(std::string& out, std::string_view text, std::size_t indent) {
  for (char c : text) {
    out += c;
    if (c == '\n') out.append(indent, ' ');
  }
}

// The unescaped body of a <failure>: what was wrong, the shrunk history and the repro script.
std::string FailureBody(const ClauseResult& clause) {
  std::string body;
  if (!clause.failure) {
    body += clause.id + " failed in " + std::to_string(clause.failures) +
            " round(s); the run recorded no shrunk history.\n";
    return body;
  }
  const FailureReport& f = *clause.failure;
  body += f.clause + ": " + f.message + "\n";
  body += "property " + f.property + ", seed " + std::to_string(f.seed) + ", failed in " +
          std::to_string(clause.failures) + " round(s), " + std::to_string(clause.checks) +
          " check(s)\n\n";
  body += "Shrunk history (" + std::to_string(f.history.size()) + " step(s), " +
          std::to_string(f.requests) + " API request(s)):\n";
  for (std::size_t n = 0; n < f.history.size(); ++n) {
    const Exchange& e = f.history[n];
    body += std::to_string(n + 1) + ". [" + e.kind + "] ";
    AppendIndented(body, e.step, 4);
    body += "\n    request: ";
    AppendIndented(body, e.request, 6);
    body += "\n    answer:  ";
    AppendIndented(body, e.answer, 6);
    body += "\n    outcome: " + e.outcome + "\n";
    for (const std::string& finding : e.findings) {
      body += "    finding: ";
      AppendIndented(body, finding, 6);
      body += "\n";
    }
  }
  if (!f.timeline.empty()) body += "\nThe calls that cannot be explained:\n" + f.timeline;
  body += "\nRepro script:\n";
  body += f.repro;
  if (!f.repro.empty() && f.repro.back() != '\n') body += '\n';
  return body;
}

void AppendProperty(std::string& out, std::string_view name, std::string_view value) {
  out += "      <property";
  AppendAttribute(out, "name", name);
  AppendAttribute(out, "value", value);
  out += "/>\n";
}

void AppendTestcase(std::string& out, const ClauseResult& clause) {
  out += "    <testcase";
  AppendAttribute(out, "classname", ClassName(clause.id));
  AppendAttribute(out, "name", clause.id + ": " + clause.text);
  // Clauses are judged across all histories; there is no time per clause.
  AppendAttribute(out, "time", Seconds(0));
  switch (clause.status) {
    case Status::kPassed:
      out += "/>\n";
      return;
    case Status::kSkipped:
      out += ">\n      <skipped";
      if (!clause.reason.empty()) AppendAttribute(out, "message", clause.reason);
      out += "/>\n";
      break;
    case Status::kFailed:
    case Status::kFlaky: {
      std::string message = clause.failure
                                ? clause.failure->message
                                : "failed in " + std::to_string(clause.failures) + " round(s)";
      // JUnit has no flaky verdict of its own: a flaky clause is a failure that says so.
      if (clause.status == Status::kFlaky && clause.failure) {
        message = "FLAKY (reproduced " + std::to_string(clause.failure->reproduced) + " of " +
                  std::to_string(clause.failure->replays) + " replays): " + message;
      }
      out += ">\n      <failure";
      AppendAttribute(out, "message", message);
      AppendAttribute(out, "type",
                      clause.status == Status::kFlaky ? clause.id + " flaky" : clause.id);
      out += '>';
      AppendEscaped(out, FailureBody(clause), /*attribute=*/false);
      out += "</failure>\n";
      break;
    }
  }
  out += "    </testcase>\n";
}

// One line for the run and one per clause, for CI views that show only system-out.
std::string SystemOut(const Results& r) {
  std::string text =
      r.tool + " " + r.version + ": " + std::to_string(r.Count(Status::kPassed)) + " passed, " +
      std::to_string(r.Count(Status::kFailed)) + " failed, " +
      (r.Count(Status::kFlaky) > 0 ? std::to_string(r.Count(Status::kFlaky)) + " flaky, "
                                   : std::string()) +
      std::to_string(r.Count(Status::kSkipped)) + " skipped; " + std::to_string(r.histories) +
      " histories, " + std::to_string(r.requests) + " requests in " + Seconds(r.duration_seconds) +
      " s\n";
  for (const ClauseResult& c : r.clauses) {
    text += c.id + " " + std::string(StatusName(c.status)) + " (" + std::to_string(c.checks) +
            " checks)\n";
  }
  return text;
}

}  // namespace

std::string JunitXml(const Results& results, std::string_view hostname) {
  std::string host(hostname);
  if (host.find_first_not_of(" \t\r\n") == std::string::npos) host = "localhost";
  const std::string timestamp =
      SchemaTimestamp(results.started).value_or(std::string(kUnknownTimestamp));

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  // junit.xsd gives <testsuites> no attributes, so the name and counts sit on the one suite.
  out += "<testsuites>\n  <testsuite";
  AppendAttribute(out, "name", kSuiteName);
  AppendAttribute(out, "package", kSuiteName);
  AppendAttribute(out, "id", "0");
  AppendAttribute(out, "timestamp", timestamp);
  AppendAttribute(out, "hostname", host);
  AppendAttribute(out, "tests", std::to_string(results.clauses.size()));
  AppendAttribute(out, "failures",
                  std::to_string(results.Count(Status::kFailed) + results.Count(Status::kFlaky)));
  AppendAttribute(out, "errors", "0");
  AppendAttribute(out, "skipped", std::to_string(results.Count(Status::kSkipped)));
  AppendAttribute(out, "time", Seconds(results.duration_seconds));
  out += ">\n    <properties>\n";
  AppendProperty(out, "tool", results.tool);
  AppendProperty(out, "version", results.version);
  AppendProperty(out, "target", results.target);
  AppendProperty(out, "control", results.control);
  AppendProperty(out, "seed", std::to_string(results.seed));
  AppendProperty(out, "profile", results.profile);
  AppendProperty(out, "styles", results.styles);
  AppendProperty(out, "runs", std::to_string(results.runs));
  AppendProperty(out, "max_steps", std::to_string(results.max_steps));
  AppendProperty(out, "histories", std::to_string(results.histories));
  AppendProperty(out, "requests", std::to_string(results.requests));
  AppendProperty(out, "started", results.started);
  AppendProperty(out, "pacing_seconds", Seconds(results.pacing_seconds));
  if (!results.partial.empty()) AppendProperty(out, "partial", results.partial);
  AppendProperty(out, "verdict", results.Verdict());
  for (const std::string& premise : results.premises_failed)
    AppendProperty(out, "premise_failed", premise);
  out += "    </properties>\n";
  for (const ClauseResult& clause : results.clauses) AppendTestcase(out, clause);
  out += "    <system-out>" + Escaped(SystemOut(results), /*attribute=*/false) + "</system-out>\n";
  out += "    <system-err></system-err>\n";
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace dj::report
