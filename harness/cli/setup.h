// What run, replay, fuzz and lifecycle share: the target (the embedded reference mock or a URL),
// where its control extension is (if anywhere), how it is reached, and the credentials.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "harness/cli/account.h"
#include "harness/cli/flags.h"
#include "harness/client/http_target.h"
#include "harness/client/target_clock.h"
#include "harness/mock/mock_service.h"
#include "harness/runner/runner.h"

namespace dj::cli {

inline constexpr std::string_view kEmbeddedTargetName = "in-process reference mock";

struct Setup {
  std::unique_ptr<mock::MockService> embedded;  // the in-process mock, when there is no --target
  std::unique_ptr<client::Target> target;
  std::unique_ptr<client::Target> separate_control;  // --control URL other than the target
  client::Target* control = nullptr;                 // nullptr: no control extension
  std::string control_token;
  std::string control_note;  // why there is no control, for people
  protocol::Credentials credentials;
  std::string credential_source;  // AccountFromFlags's source; empty for the embedded mock
  std::string region;             // of every request: AccountFromFlags's, or --region
  model::Limits limits;           // --limit (LimitsFromFlags): the embedded mock's, and pacing
  // A second credential (RL-4): the embedded mock's second local pair, or
  // TENCENTCLOUD_SECRET_ID_2 / TENCENTCLOUD_SECRET_KEY_2 for --target. Empty when absent.
  std::vector<protocol::Credentials> more_credentials;
  std::string target_name;
  std::string control_name;
  int read_timeout_ms = 10000;
  // The target's clock (MeasureTargetClock); unset: ours (the in-process mock shares it).
  std::optional<client::ClockEstimate> clock;

  // Our wall clock plus the target's offset: what every signed timestamp reads.
  std::function<std::int64_t()> WallSeconds() const;

  // `text` with every credential above and the control token replaced by placeholders
  // (client::HideCredentials, client::HideSecret): for whatever is written or printed from a
  // target's answers, which may echo one.
  std::string Hide(std::string text) const;
  // Hide on every string of a JSON document (client::HideJson): it stays valid JSON.
  nlohmann::json HideJson(nlohmann::json value) const;
};

// The integer value of --NAME, `fallback` when it is absent; exit code 2 and a message naming
// the flag and the range flags.def gives it when it is not an integer in that range.
Result<long long, run::RunError> Number(const ParsedFlags& flags, std::string_view name,
                                        long long fallback);
// A whole file, or std::nullopt when it cannot be read.
std::optional<std::string> ReadFile(const std::filesystem::path& path);
// Write a file whole or not at all: a temporary beside it, then a rename.
Result<bool> WriteAtomically(const std::filesystem::path& path, const std::string& text);

// The values of --style for run and diff (api3, query, both), and the request styles of each;
// exit code 2 for another name.
std::vector<std::string> StyleSetNames();
Result<std::vector<protocol::Style>, run::RunError> StylesFrom(const std::string& name);
// The properties of --properties: "all" is `all`, otherwise comma-separated names, each once;
// exit code 2 naming an unknown one.
Result<std::vector<run::PropertyKind>, run::RunError> PropertiesFrom(
    const std::string& list, std::span<const run::PropertyKind> all);
// The embedded reference mock with its control extension, served in-process. Its first
// credential is the setup's, the others its more_credentials.
Setup EmbeddedMock(mock::MockConfig config);

// Without control: the run's job definitions (--job-definition, --slow-job-definition,
// --slow-job-seconds; the built-in ones for a loopback target) and its ledger, into `driver`.
// Leaves the definitions empty (the owned-jobs property is then skipped) for a target that is
// not loopback when no definition is given; `note` says so.
Result<bool, run::RunError> SetUpOwnedJobs(const ParsedFlags& flags, const Setup& setup,
                                           const std::filesystem::path& report_dir,
                                           run::DriverConfig& driver, std::string& note,
                                           bool open_ledger = true);
// --timeout-ms, --ca-file and --insecure-http as HTTP options; exit code 2 on a bad timeout.
Result<client::HttpTargetOptions, run::RunError> HttpOptionsFromFlags(const ParsedFlags& flags);
// The remote target's URL: --target URL, or https://HOST for --endpoint HOST (a host name, as
// the SDKs' HttpProfile endpoint); `fallback` when neither is given. Exit code 2 when both are,
// or when HOST is not a bare host.
Result<std::string, run::RunError> TargetUrlFromFlags(const ParsedFlags& flags,
                                                      std::string_view fallback);

// The HTTP target at `url` (from TargetUrlFromFlags) with `http`; exit code 2 naming the flag
// the URL came from when it is bad or plain http to a remote host.
Result<std::unique_ptr<client::HttpTarget>, run::RunError> ConnectFromFlags(
    const ParsedFlags& flags, const std::string& url, const client::HttpTargetOptions& http);

// How far `target`'s clock is from ours (client::EstimateTargetClock with the canary
// DescribeJob, paced under DescribeJob's limit in `limits`). Exit code 3, one line (credentials
// hidden by `hide`), when it cannot be measured or a request signed at the estimate is refused
// as expired, or 130/143 when the run was interrupted meanwhile.
Result<client::ClockEstimate, run::RunError> MeasureClock(
    client::Target& target, const protocol::Credentials& credentials, const std::string& region,
    const std::function<std::string(std::string)>& hide, const model::Limits& limits = {});
// The same for the setup's target, into setup.clock; nothing for the in-process mock.
Result<bool, run::RunError> MeasureTargetClock(Setup& setup);
// One line for the output before a run: the setup's clock estimate, or "" without one.
std::string ClockLine(const Setup& setup);

// Build the setup from the flags --target/--endpoint, --control, --control-token, --timeout-ms,
// --ca-file, --insecure-http, --fault, --limit, --region and the credential flags
// (AccountFromFlags, reading `env`). `default_target` is used when neither --target nor --endpoint
// is given (the embedded mock when empty or kEmbeddedTargetName). Probes the control extension with
// a reset. Errors carry exit code 2 (usage, configuration, plain http to a remote host) or 3
// (unreachable). `probe_control` false: the control probe (a reset) is never sent and the
// target is used without control (cleanup, dry runs: nothing but the run's own jobs is touched).
Result<Setup, run::RunError> MakeSetup(const ParsedFlags& flags, std::string_view command,
                                       std::string_view default_target = "",
                                       const Environment& env = ProcessEnvironment,
                                       bool probe_control = true);

// The settings the driver judges by, from the flags of run and replay, into `driver`: --profile,
// --rate-slack (by default 1, and 2 under the lenient profile, which so accepts fixed-window
// limiters), --rate-margin-ms, --skew-margin and --limit. Exit code 2 naming a bad flag.
Result<bool, run::RunError> JudgingFromFlags(const ParsedFlags& flags, run::DriverConfig& driver);

// What results.json records of the run's judging settings: the driver's (after defaults), and
// the flags' --only, --timeout-ms, --max-answer-mib and, for the in-process mock, --fault.
report::Judging JudgingRecord(const ParsedFlags& flags, const run::RunConfig& config,
                              const Setup& setup);

// `djharness replay`'s flags with the run's recorded settings (`results.judging` and its
// profile) in place of every one not given: the replay then judges as the run did. The run's
// faults come back only when the replay is of the in-process mock too; a --limit given adds to
// the recorded limits, its action's replacing the run's.
ParsedFlags WithRecordedJudging(const ParsedFlags& flags, const report::Results& results);

}  // namespace dj::cli
