// The property-based conformance run: RapidCheck generates histories of Steps, the Driver
// executes and judges them, and every violation is shrunk to the shortest history that still
// breaks the same clause. The outcome is one results document (reports/results.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "harness/client/target.h"
#include "harness/runner/driver.h"
#include "harness/runner/generators.h"
#include "harness/runner/repro.h"
#include "reports/results.h"

namespace dj::run {

struct Progress {
  std::int64_t histories = 0;
  std::int64_t requests = 0;
  int failures = 0;
  double elapsed_seconds = 0;
};

struct RunConfig {
  std::uint64_t seed = 1;
  int runs = 200;      // histories per property and round
  int max_steps = 40;  // the longest history
  // With control: each property first sends its fixed examples (ControlPlan) before any
  // generated history.
  bool examples = true;
  // COM-6's size probes (up to 10 MB a request) with the examples; tests of other clauses
  // may leave them out.
  bool size_probes = true;
  std::vector<protocol::Style> styles = {protocol::Style::kApi3Post, protocol::Style::kApi3Get,
                                         protocol::Style::kQueryGet, protocol::Style::kFormPost};
  std::string styles_name = "both";
  std::string only;     // a clause-id glob such as "DEL-*"; empty = every clause
  int max_rounds = 30;  // failures reported per property before giving up
  std::vector<PropertyKind> properties = {std::begin(kAllProperties), std::end(kAllProperties)};
  // Without a control clock the rate-limit schedules run in real time: fewer and shorter.
  int realtime_rate_runs = 12;
  int realtime_rate_steps = 14;
  // The owned-jobs property (no control): each history submits and waits for real jobs.
  int owned_runs = 3;
  int owned_steps = 16;
  // After the owned-jobs property: how long cleanup waits for each job left to finish.
  std::int64_t cleanup_wait_ms = 120000;
  // --budget: requests the run may send at most (0 = no cap); driver.budget counts them down.
  std::int64_t budget = 0;
  int threads = 8;  // client threads of the concurrency property
  // Shrinking a failure stops after this long and keeps the shortest history so far (real-time
  // schedules wait for quiet windows between tries).
  double max_shrink_seconds = 30;
  // After the run each failure's shrunk history is replayed this many times from a reset target
  // (0: never); a failure that does not come back every time is reported FLAKY.
  int replays = 3;
  DriverConfig driver;  // profile, region, control, clocks
  std::string target_name;
  std::string control_name;
  ReproTarget repro;    // where the repro scripts of failures send their requests
  std::string version;  // of the tool, for the results document
  std::function<void(const Progress&)> progress;  // after every history; may be empty
};

// Why a run could not complete: exit code 2 (configuration) or 3 (target unreachable or
// its control extension failing).
struct RunError {
  int exit_code = 3;
  std::string message;
};

// Run every property against the target. `control` may equal `target`, be another target, or
// be nullptr when the target has no control extension (clauses that need it are skipped).
Result<report::Results, RunError> RunConformance(const RunConfig& config, client::Target& target,
                                                 client::Target* control,
                                                 const protocol::Credentials& credentials);

// Re-run one recorded history from a reset target: the first finding of the clause `wanted`
// (the one it was recorded for), read past other clauses' findings while the model stays in
// step; else the first finding of another judged clause (`only` as RunConfig::only);
// std::nullopt when it breaks nothing now; or why it could not run.
Result<std::optional<Finding>, RunError> ReplayHistory(const nlohmann::json& steps,
                                                       const DriverConfig& config,
                                                       client::Target& target,
                                                       client::Target* control,
                                                       const protocol::Credentials& credentials,
                                                       std::string_view wanted,
                                                       const std::string& only = "");

// What cleanup did with the jobs of a ledger.
struct CleanupReport {
  int deleted = 0;                // deleted now
  int already_gone = 0;           // not found: deleted before (the ledger was behind) or never made
  std::vector<std::string> left;  // "job-... : why" for each job still there
  std::vector<std::string> lines;  // one per job, for people
};
// Finish every job the ledger shows live: find it (by its name when SubmitJob never answered),
// terminate it if it runs, wait for it to finish, delete it. Only ids from the ledger (or found
// under the run's unique job names) are ever deleted. Never uses a control extension.
CleanupReport CleanUp(const LedgerContents& ledger, client::Target& target,
                      const protocol::Credentials& credentials, DriverConfig config,
                      std::int64_t max_wait_ms);

// What generation starts from in a run of this configuration, with or without control.
GenModel InitialModel(const RunConfig& config, bool control);
// The fixed histories a property sends before its generated ones: the owned-jobs property's
// plan (OwnedJobsPlan), or with control and config.examples the property's examples
// (ControlPlan), or without control and config.examples auth-common's SizeProbes (read-only
// DescribeJobs); none otherwise. `djharness run` sends them and its --dry-run lists them.
std::vector<std::vector<Step>> FixedHistories(const RunConfig& config, PropertyKind kind,
                                              bool control);

// Whether a clause id matches a glob of '*' and '?' (the --only flag).
bool ClauseMatches(std::string_view glob, std::string_view id);
// Whether the property's histories are built to reach the clause id (PropertyAims).
bool PropertyAimsAt(PropertyKind kind, std::string_view id);

}  // namespace dj::run
