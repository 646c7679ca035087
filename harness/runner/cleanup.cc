// Cleanup of the run's own jobs from a ledger (`djharness cleanup`, and the end of every run
// without control).
#include "harness/protocol/envelope.h"
#include "harness/runner/runner.h"

namespace dj::run {
namespace {

using model::Action;
using nlohmann::json;

constexpr int kDeleteAttempts = 5;
constexpr std::int64_t kLimitBackoffMs = 1100;

ApiCall Call(Action action, json params) {
  return ApiCall{
      {action, std::move(params)}, protocol::Style::kApi3Post, Encoding{}, WireFault::kNone};
}

// The ids of the jobs listed under exactly this name: a job whose SubmitJob answer was lost.
std::vector<std::string> FindByName(Driver& driver, const std::string& name) {
  json filter = json::array({{{"Name", "job-name"}, {"Values", {name}}}});
  driver.Execute(Call(Action::kDescribeJobs, {{"Filters", filter}, {"Limit", 100}}));
  std::vector<std::string> ids;
  protocol::Answer answer = protocol::ParseAnswer(driver.trace().back().response);
  if (!answer.IsSuccess()) return ids;
  const json& set = answer.response.value("JobSet", json::array());
  if (!set.is_array()) return ids;
  for (const json& e : set) {
    // Only a job with exactly the run's unique name is ours.
    if (e.is_object() && e.value("JobName", json()) == name && e.value("JobId", json()).is_string())
      ids.push_back(e["JobId"].get<std::string>());
  }
  return ids;
}

}  // namespace

CleanupReport CleanUp(const LedgerContents& ledger, client::Target& target,
                      const protocol::Credentials& credentials, DriverConfig config,
                      std::int64_t max_wait_ms) {
  CleanupReport report;
  config.control = false;
  config.region = ledger.region.empty() ? config.region : ledger.region;
  config.quiet_start = false;
  DefaultClocks(config);
  Driver driver(target, nullptr, credentials, config);
  if (auto begun = driver.Begin(); !begun) {
    report.left.push_back("cleanup could not start: " + begun.error());
    return report;
  }
  for (const LedgerJob& job : ledger.Live()) {
    std::vector<std::string> ids;
    if (!job.job_id.empty()) {
      ids.push_back(job.job_id);
    } else if (!job.name.empty()) {
      ids = FindByName(driver, job.name);
      if (config.ledger) {
        for (const std::string& id : ids) config.ledger->Submitted(job.name, id);
      }
      if (ids.empty()) {
        if (config.ledger) config.ledger->Absent(job.name);
        ++report.already_gone;
        report.lines.push_back(job.name + ": never made (no job has its name)");
      }
    }
    for (const std::string& id : ids) {
      int n = driver.Adopt(id);
      std::string ref = OwnedRef(n);
      auto state = [&] { return driver.Owned(id); };
      driver.Execute(Call(Action::kDescribeJob, {{"JobId", ref}}));
      if (state()->CertainlyGone()) {
        ++report.already_gone;
        if (config.ledger) config.ledger->Deleted(id);
        report.lines.push_back(id + ": already gone");
        continue;
      }
      if (!state()->CertainlyFinished()) {
        driver.Execute(Call(Action::kTerminateJob, {{"JobId", ref}}));
        if (!state()->terminated()) {
          // SUBMITTED jobs cannot be terminated yet: wait until it runs, then again.
          driver.Execute(Await{n, Until::kRunning, max_wait_ms / 2});
          driver.Execute(Call(Action::kTerminateJob, {{"JobId", ref}}));
        }
        driver.Execute(Await{n, Until::kFinished, max_wait_ms});
      }
      // A limit the run (or another client) filled just before is transient: wait and retry.
      for (int attempt = 0; attempt < kDeleteAttempts && state()->CanExist(); ++attempt) {
        driver.Execute(Call(Action::kDeleteJob, {{"JobId", ref}}));
        auto code = protocol::ParseAnswer(driver.trace().back().response).code;
        if (!code || !model::IsRateLimitCode(*code)) break;
        config.sleep_ms(kLimitBackoffMs);
      }
      if (state()->CertainlyGone()) {
        ++report.deleted;
        report.lines.push_back(id + ": deleted");
      } else {
        std::string why = driver.fatal() ? *driver.fatal()
                                         : "DeleteJob answered " + driver.trace().back().outcome +
                                               "; the job may be " + state()->Text();
        report.left.push_back(id + ": " + why);
        report.lines.push_back(id + ": left, " + why);
      }
      if (driver.fatal()) return report;
    }
    if (driver.fatal()) {
      report.left.push_back((job.job_id.empty() ? job.name : job.job_id) + ": " + *driver.fatal());
      return report;
    }
  }
  return report;
}

}  // namespace dj::run
