// What run, replay and lifecycle share: the target (the embedded reference mock or a URL),
// where its control extension is (if anywhere), and the credentials.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "harness/cli/flags.h"
#include "harness/client/http_target.h"
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
  // A second credential (RL-4): the embedded mock's second local pair, or
  // TENCENTCLOUD_SECRET_ID_2 / TENCENTCLOUD_SECRET_KEY_2 for --target. Empty when absent.
  std::vector<protocol::Credentials> more_credentials;
  std::string target_name;
  std::string control_name;
  int read_timeout_ms = 10000;
};

// Build the setup from the flags --target, --control, --control-token, --timeout-ms, --ca-file,
// --fault, --secret-id/--secret-key. `default_target` is used when --target is absent (the
// embedded mock when empty or kEmbeddedTargetName). Probes the control extension with a reset.
// Errors carry exit code 2 (usage, configuration) or 3 (unreachable).
// The integer value of --NAME, `fallback` when it is absent; exit code 2 and a message naming
// the flag and the range when it is not an integer from min to max.
Result<long long, run::RunError> Number(const ParsedFlags& flags, std::string_view name,
                                        long long fallback, long long min, long long max);
// A whole file, or std::nullopt when it cannot be read.
std::optional<std::string> ReadFile(const std::filesystem::path& path);
// Write a file whole or not at all: a temporary beside it, then a rename.
Result<bool> WriteAtomically(const std::filesystem::path& path, const std::string& text);

// The styles of --style: api3, query or both; exit code 2 otherwise.
Result<std::vector<protocol::Style>, run::RunError> StylesFrom(const std::string& name);
// The properties of --properties: "all" is `all`, otherwise comma-separated names, each once;
// exit code 2 naming an unknown one.
Result<std::vector<run::PropertyKind>, run::RunError> PropertiesFrom(
    const std::string& list, std::span<const run::PropertyKind> all);
// The embedded reference mock with its control extension, served in-process. Its first
// credential is the setup's, the others its more_credentials.
Setup EmbeddedMock(mock::MockConfig config);

// `probe_control` false: never send the control probe (a reset): the target is used without
// control (cleanup, which must not touch anything but its own jobs).
Result<Setup, run::RunError> MakeSetup(const ParsedFlags& flags, std::string_view command,
                                       std::string_view default_target = "",
                                       bool probe_control = true);

// Without control: the run's job definitions (--job-definition, --slow-job-definition,
// --slow-job-seconds; the built-in ones for a loopback target) and its ledger, into `driver`.
// Leaves the definitions empty (the owned-jobs property is then skipped) for a target that is
// not loopback when no definition is given; `note` says so.
Result<bool, run::RunError> SetUpOwnedJobs(const ParsedFlags& flags, const Setup& setup,
                                           const std::filesystem::path& report_dir,
                                           run::DriverConfig& driver, std::string& note,
                                           bool open_ledger = true);

}  // namespace dj::cli
