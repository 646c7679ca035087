// The results document of one `djharness run`: what every writer (JUnit, Markdown, HTML, diff)
// and `djharness replay` read. Plain values with JSON conversion beside them; the schema is
// described in README.md ("Results document").
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/result.h"

namespace dj::report {

enum class Status : unsigned char { kPassed, kFailed, kSkipped };
std::string_view StatusName(Status s);  // "passed", "failed", "skipped"

// One request of a recorded history, as people read it (credentials already hidden).
struct Exchange {
  std::string step;                   // the step's one-line description
  std::string kind;                   // "api", "probe" or "control"
  std::string request;                // the request as text, SecretId/Signature/Token hidden
  std::string answer;                 // "HTTP 200  {...}" (truncated) or "no answer: ..."
  std::string outcome;                // "success", an error code, "HTTP 413", "no answer"
  std::vector<std::string> findings;  // "CLAUSE-ID: message"
  // A concurrent batch's calls: the thread (from 0) and when the call was made and answered,
  // in ms from the batch's start; thread -1 for the others.
  int thread = -1;
  double started_ms = 0;
  double ended_ms = 0;
};

// The first failure of a clause, shrunk.
struct FailureReport {
  std::string clause;          // e.g. "DEL-2"
  std::string message;         // what was wrong, one line
  std::string property;        // which property found it, e.g. "histories"
  int round = 0;               // in which round of the property: 0 is the first clause it found
  std::uint64_t seed = 0;      // the RapidCheck seed of the round that found it
  int requests = 0;            // API requests in the shrunk history (control steps not counted)
  double seconds_to_find = 0;  // from the start of the run to the first history that broke it
  std::int64_t requests_to_find = 0;               // requests sent by then
  nlohmann::json steps = nlohmann::json::array();  // the shrunk history, for `djharness replay`
  std::vector<Exchange> history;
  // A concurrency finding's calls that cannot be explained, drawn on one time scale (text);
  // empty for the other clauses.
  std::string timeline;
  std::string repro;  // a bash script that replays the history with curl
};

struct ClauseResult {
  std::string id;    // e.g. "DEL-2"
  std::string text;  // the clause's wording (from the clause table)
  Status status = Status::kSkipped;
  int checks = 0;      // answers judged under the clause
  int failures = 0;    // rounds in which it failed
  std::string reason;  // why it was skipped; empty otherwise
  std::optional<FailureReport> failure;
};

struct Results {
  std::string tool = "djharness";
  std::string version;
  std::string target;   // URL, or "in-process reference mock"
  std::string control;  // URL, "in-process", or "none"
  std::uint64_t seed = 0;
  std::string profile;  // "strict" or "lenient"
  std::string styles;   // "api3", "query" or "both"
  int runs = 0;         // histories per property and round
  int max_steps = 0;
  std::string started;  // ISO-8601 UTC
  double duration_seconds = 0;
  std::int64_t histories = 0;
  std::int64_t requests = 0;
  double pacing_seconds = 0;  // time spent waiting to stay under rate limits
  std::vector<ClauseResult> clauses;
  // Without control (target-contract §4): jobs the run submitted, where its ledger is, and
  // every job still on the target after the run's cleanup ("job-...: why").
  std::int64_t jobs_submitted = 0;
  std::string ledger;
  std::vector<std::string> jobs_left;
  // --budget: the cap on requests (0 = none), and whether the run stopped at it.
  std::int64_t budget = 0;
  bool budget_spent = false;

  // 1 when any clause failed, else 0 (architecture.md exit codes).
  int ExitCode() const;
  int Count(Status s) const;
};

void to_json(nlohmann::json& j, const Exchange& e);
void from_json(const nlohmann::json& j, Exchange& e);
void to_json(nlohmann::json& j, const FailureReport& f);
void from_json(const nlohmann::json& j, FailureReport& f);
void to_json(nlohmann::json& j, const ClauseResult& c);
void from_json(const nlohmann::json& j, ClauseResult& c);
void to_json(nlohmann::json& j, const Results& r);
void from_json(const nlohmann::json& j, Results& r);

// Parse a results document; fails with a one-line reason (never throws).
Result<Results> ResultsFromText(std::string_view text);

}  // namespace dj::report
