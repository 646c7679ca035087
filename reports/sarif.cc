// SARIF 2.1.0 writer: the clause table as rules, the failures of a run as results.
#include "reports/sarif.h"

#include <algorithm>

#include "models/clauses.h"
#include "reports/text.h"

namespace dj::report {
namespace {

using nlohmann::json;

constexpr std::string_view kSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
constexpr std::string_view kFingerprint = "djharnessClause/v1";

// A path as a URI reference: unreserved characters and '/' as they are, every other byte
// percent-encoded; an absolute path becomes a file:// URI.
std::string UriReference(std::string_view path) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out = path.starts_with('/') ? "file://" : "";
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xFu];
    }
  }
  return out;
}

json Rule(std::string_view id, const std::string& text) {
  const std::string wording = ValidUtf8(text.empty() ? std::string(id) : text);
  return {
      {"id", id},
      {"shortDescription", {{"text", wording}}},
      {"fullDescription", {{"text", wording}}},
      {"help",
       {{"text", "Clause " + std::string(id) +
                     " of the Tencent Cloud Batch DeleteJob conformance contract: " + wording}}},
      {"defaultConfiguration", {{"level", "error"}}},
      {"properties", {{"tags", {"conformance", "DeleteJob"}}}}};
}

std::string Message(const Results& r, const ClauseResult& c, const std::string& results_path,
                    const std::string& dir) {
  std::string text = c.id + " ";
  if (c.status == Status::kFlaky) {
    text += "is flaky";
    if (c.failure && c.failure->replays > 0) {
      text += " (its shrunk history failed " + std::to_string(c.failure->reproduced) + " of " +
              std::to_string(c.failure->replays) + " replays)";
    }
  } else {
    text += "failed";
  }
  text += " against " + r.target + ": ";
  if (!c.failure) {
    return text + "failed in " + std::to_string(c.failures) +
           " round(s); the run recorded no shrunk history.";
  }
  const FailureReport& f = *c.failure;
  text += f.message + ". Shrunk history: " + std::to_string(f.requests) +
          " API request(s), property " + f.property + ", seed " + std::to_string(f.seed) +
          ". Replay: djharness replay " + results_path +
          "; with curl: " + ReproScriptPath(dir, c.id);
  return ValidUtf8(text);
}

}  // namespace

json Sarif(const Results& r, const SarifOptions& o) {
  json rules = json::array();
  std::vector<std::string> rule_ids;
  for (std::string_view id : model::AllClauseIds()) {
    rules.push_back(Rule(id, model::ClauseText(id)));
    rule_ids.emplace_back(id);
  }
  for (const ClauseResult& c : r.clauses) {
    if (std::find(rule_ids.begin(), rule_ids.end(), c.id) != rule_ids.end()) continue;
    rules.push_back(Rule(c.id, c.text));
    rule_ids.push_back(c.id);
  }

  const std::string dir = o.report_dir.empty() ? FolderOf(o.results_uri) : o.report_dir;
  json results = json::array();
  for (const ClauseResult& c : r.clauses) {
    if (c.status != Status::kFailed && c.status != Status::kFlaky) continue;
    const auto index = std::find(rule_ids.begin(), rule_ids.end(), c.id) - rule_ids.begin();
    json location = {{"physicalLocation",
                      {{"artifactLocation", {{"uri", UriReference(o.results_uri)}}},
                       {"region", {{"startLine", 1}}}}},
                     {"logicalLocations", {{{"name", ValidUtf8(r.target)}, {"kind", "resource"}}}}};
    json properties = {{"status", StatusName(c.status)}, {"checks", c.checks}};
    if (c.failure) {
      properties["requests"] = c.failure->requests;
      properties["seed"] = c.failure->seed;
      properties["replays"] = c.failure->replays;
      properties["reproduced"] = c.failure->reproduced;
    }
    results.push_back({{"ruleId", c.id},
                       {"ruleIndex", index},
                       {"level", "error"},
                       {"kind", "fail"},
                       {"message", {{"text", Message(r, c, o.results_uri, dir)}}},
                       {"locations", json::array({location})},
                       {"partialFingerprints", {{kFingerprint, c.id}}},
                       {"properties", properties}});
  }

  json driver = {{"name", "djharness"}, {"version", ValidUtf8(r.version)}, {"rules", rules}};
  json run = {{"tool", {{"driver", driver}}},
              {"results", results},
              {"columnKind", "utf16CodeUnits"},
              {"properties",
               {{"target", ValidUtf8(r.target)},
                {"seed", r.seed},
                {"profile", ValidUtf8(r.profile)},
                {"started", ValidUtf8(r.started)},
                {"apiVersion", ValidUtf8(r.api_version)}}}};
  return {{"$schema", kSchema}, {"version", "2.1.0"}, {"runs", json::array({run})}};
}

std::string SarifText(const Results& results, const SarifOptions& options) {
  return Sarif(results, options).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace dj::report
