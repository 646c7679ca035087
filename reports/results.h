// The results document of one `djharness run`: what every writer (JUnit, Markdown, HTML, diff)
// and `djharness replay` read. Plain values with JSON conversion beside them; the schema is
// described in README.md ("Results document").
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/result.h"

namespace dj::report {

// kFlaky: a clause failed during the run, but replaying its shrunk history did not fail the same
// way every time (FailureReport::replays). Like kFailed it fails the run.
enum class Status : unsigned char { kPassed, kFailed, kFlaky, kSkipped };
std::string_view StatusName(Status s);  // "passed", "failed", "flaky", "skipped"
inline constexpr Status kAllStatuses[] = {Status::kPassed, Status::kFailed, Status::kFlaky,
                                          Status::kSkipped};

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
  // When it was sent on the limiter's clock, in ms from the history's start: virtual time with
  // a control extension, real time without; -1 when not known (control steps).
  double at_ms = -1;
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
  std::int64_t requests_to_find = 0;  // requests sent by then
  // The same as seconds_to_find on the limiter's clock (the target's virtual clock with control,
  // real time without), summed over the histories run until then.
  double virtual_seconds_to_find = 0;
  nlohmann::json steps = nlohmann::json::array();  // the shrunk history, for `djharness replay`
  std::vector<Exchange> history;
  // A concurrency finding's calls that cannot be explained, drawn on one time scale (text);
  // empty for the other clauses.
  std::string timeline;
  std::string repro;  // a bash script that replays the history with curl
  // After the run the shrunk history was replayed `replays` times against a reset target and
  // broke the same clause `reproduced` times (0 replays: not replayed, e.g. --replays 0).
  int replays = 0;
  int reproduced = 0;
};

struct ClauseResult {
  std::string id;    // e.g. "DEL-2"
  std::string text;  // the clause's wording (from the clause table)
  Status status = Status::kSkipped;
  int checks = 0;      // answers judged under the clause
  int failures = 0;    // rounds in which it failed
  std::string reason;  // why it was skipped; empty otherwise
  std::optional<FailureReport> failure;
  int findings = 0;  // answers that broke it, in the histories counted (0 when it passed)
};

// The DeleteJob requests that reached a job the model knows, grouped by the job's state and the
// worst state among its task instances (model::WorstInstanceState; "none" without instances).
struct DeleteCell {
  std::string job_state;                         // "RUNNING", ...
  std::string instances;                         // "SUCCEED", ..., or "none"
  std::map<std::string, std::int64_t> outcomes;  // answer outcome -> count
  std::int64_t findings = 0;                     // answers among them that broke a clause

  friend bool operator==(const DeleteCell&, const DeleteCell&) = default;
};

// One history of the run, in a line.
struct HistoryRow {
  std::string property;  // "histories", "auth-common", ...
  int index = 0;         // from 0 within the property's round
  int steps = 0;
  int requests = 0;    // API requests sent (control steps not counted)
  double ms = 0;       // wall-clock time it took
  std::string failed;  // the clause it broke first, "" when none

  friend bool operator==(const HistoryRow&, const HistoryRow&) = default;
};

// A rate-limited schedule as sent: each request's time on the limiter's clock and its answer.
struct ScheduleEntry {
  double at_ms = 0;      // from the schedule's start
  std::string action;    // "DeleteJob", ...
  std::string outcome;   // "success", "RequestLimitExceeded", ...
  bool finding = false;  // the answer broke a clause

  friend bool operator==(const ScheduleEntry&, const ScheduleEntry&) = default;
};
struct Schedule {
  std::string property;  // "rate-limit"
  int index = 0;         // the history it came from
  std::string clock;     // "virtual" (control extension) or "real"
  std::vector<ScheduleEntry> requests;

  friend bool operator==(const Schedule&, const Schedule&) = default;
};

// What the run's judgement depended on besides the profile and styles (Results keeps those at
// its top level), as `djharness replay` restores it. `limits` has every action, by wire name.
struct Judging {
  std::string region;
  std::map<std::string, int> limits;  // requests per second; 0 = unlimited
  int rate_slack = 1;
  std::int64_t rate_margin_ms = 50;
  std::int64_t skew_margin_s = 5;
  std::string only;  // the --only glob; empty = every clause
  std::int64_t timeout_ms = 10000;
  std::int64_t max_answer_mib = 16;
  std::vector<std::string> faults;  // planted in the in-process mock

  friend bool operator==(const Judging&, const Judging&) = default;
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
  // Why the run stopped before it was done ("interrupted by SIGINT"); empty for a whole run.
  // The clauses it did not get to are skipped with that reason.
  std::string partial;
  // Premises of the run that failed (a slow job that finished early): what showed it, in a
  // line each. The clauses that relied on one are skipped, naming it; never a finding.
  std::vector<std::string> premises_failed;
  // How far the target's clock was from ours (client/target_clock.h), when it was measured.
  struct TargetClock {
    std::int64_t offset_s = 0;
    std::string source;  // "date-header", "signature-window", "none"
    std::int64_t uncertainty_s = 0;
    int requests = 0;
    friend bool operator==(const TargetClock&, const TargetClock&) = default;
  };
  std::optional<TargetClock> target_clock;
  // Absent from results files written before it was recorded.
  std::optional<Judging> judging;
  std::string api_version = "2017-03-12";
  std::vector<DeleteCell> delete_cells;
  std::vector<HistoryRow> history_rows;  // every history, in the order run
  std::vector<Schedule> rate_schedules;  // the first few of the rate-limit property

  // 1 when any clause failed or is flaky, else 0 (architecture.md exit codes).
  int ExitCode() const;
  int Count(Status s) const;
  // One word for every report: "NOT CONFORMANT" when a clause failed or is flaky, "NOTHING
  // JUDGED" when none passed either, else "CONFORMANT".
  std::string Verdict() const;
};

void to_json(nlohmann::json& j, const Exchange& e);
void from_json(const nlohmann::json& j, Exchange& e);
void to_json(nlohmann::json& j, const FailureReport& f);
void from_json(const nlohmann::json& j, FailureReport& f);
void to_json(nlohmann::json& j, const ClauseResult& c);
void from_json(const nlohmann::json& j, ClauseResult& c);
void to_json(nlohmann::json& j, const DeleteCell& c);
void from_json(const nlohmann::json& j, DeleteCell& c);
void to_json(nlohmann::json& j, const HistoryRow& h);
void from_json(const nlohmann::json& j, HistoryRow& h);
void to_json(nlohmann::json& j, const ScheduleEntry& e);
void from_json(const nlohmann::json& j, ScheduleEntry& e);
void to_json(nlohmann::json& j, const Schedule& s);
void from_json(const nlohmann::json& j, Schedule& s);
void to_json(nlohmann::json& j, const Judging& g);
void from_json(const nlohmann::json& j, Judging& g);
void to_json(nlohmann::json& j, const Results& r);
void from_json(const nlohmann::json& j, Results& r);

// Parse a results document; fails with a one-line reason (never throws).
Result<Results> ResultsFromText(std::string_view text);

}  // namespace dj::report
