// The run's own jobs on a target without control: which jobs it submits, and its ledger.
#include <nlohmann/json.hpp>

#include "harness/cli/setup.h"

namespace dj::cli {
namespace {

using nlohmann::json;

// The built-in definitions: what the reference mock (and the README's example) accept. The
// mock runs `sleep S` for S seconds with --autoprogress-ms; other commands briefly.
json BuiltInDefinition(const std::string& region, const std::string& command) {
  return {{"Placement", {{"Zone", region + "-2"}}},
          {"Job",
           {{"JobName", "djharness"},
            {"Tasks",
             {{{"TaskName", "t0"},
               {"TaskInstanceNum", 1},
               {"Application", {{"DeliveryForm", "LOCAL"}, {"Command", command}}}}}}}}};
}
constexpr std::int64_t kBuiltInSlowSeconds = 3600;

Result<json, run::RunError> ReadDefinition(const std::string& path, std::string_view flag) {
  auto text = ReadFile(path);
  if (!text) return Failure{run::RunError{2, "--" + std::string(flag) + ": cannot read " + path}};
  json j = json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("Placement") || !j.contains("Job") ||
      !j["Job"].is_object()) {
    return Failure{run::RunError{2, "--" + std::string(flag) + ": " + path +
                                        " is not SubmitJob parameters (a JSON object with "
                                        "Placement and Job)"}};
  }
  return j;
}

}  // namespace

Result<bool, run::RunError> SetUpOwnedJobs(const ParsedFlags& flags, const Setup& setup,
                                           const std::filesystem::path& report_dir,
                                           run::DriverConfig& driver, std::string& note,
                                           bool open_ledger) {
  auto seconds = Number(flags, "slow-job-seconds", -1);
  if (!seconds) return Failure{seconds.error()};
  bool given = flags.Has("job-definition") || flags.Has("slow-job-definition");
  if (given) {
    if (!flags.Has("job-definition") || !flags.Has("slow-job-definition")) {
      return Failure{run::RunError{2, "--job-definition and --slow-job-definition go together"}};
    }
    auto quick = ReadDefinition(flags.Get("job-definition"), "job-definition");
    if (!quick) return Failure{quick.error()};
    auto slow = ReadDefinition(flags.Get("slow-job-definition"), "slow-job-definition");
    if (!slow) return Failure{slow.error()};
    driver.job_definition = std::move(*quick);
    driver.slow_job_definition = std::move(*slow);
    driver.slow_runs_at_least_ms = std::max<long long>(0, *seconds) * 1000;
  } else {
    auto endpoint = client::ParseEndpoint(setup.target_name);
    if (!endpoint || !endpoint->IsLoopback()) {
      note =
          "owned-jobs skipped: give --job-definition and --slow-job-definition to let the run "
          "submit jobs of its own on this target";
      return true;
    }
    driver.job_definition = BuiltInDefinition(driver.region, "echo djharness");
    driver.slow_job_definition = BuiltInDefinition(driver.region, "sleep 3600");
    driver.slow_runs_at_least_ms = (*seconds >= 0 ? *seconds : kBuiltInSlowSeconds) * 1000;
  }
  if (!open_ledger) return true;
  std::filesystem::path path = flags.Get("ledger", (report_dir / "ledger.jsonl").string());
  auto ledger = run::Ledger::Open(path, setup.target_name, driver.region, run::NewRunTag());
  if (!ledger) return Failure{run::RunError{2, "--ledger: " + ledger.error()}};
  driver.ledger = std::move(*ledger);
  return true;
}

}  // namespace dj::cli
