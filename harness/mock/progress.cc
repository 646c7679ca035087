// The autoprogress time line and the few shell commands it understands.
#include "harness/mock/progress.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

namespace dj::mock {
namespace {

using model::State;

// The states of the first four steps, one step each.
constexpr State kSteps[] = {State::kSubmitted, State::kPending, State::kRunnable, State::kStarting};
constexpr auto kStepCount = static_cast<std::int64_t>(std::size(kSteps));

// Longer sleeps saturate here (about 31 years), so that no command can overflow the clock.
constexpr std::int64_t kMaxSleepSeconds = 1'000'000'000;

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The argument of `WORD ARG` (one or more blanks between), or std::nullopt.
std::optional<std::string_view> ArgumentOf(std::string_view command, std::string_view word) {
  if (!command.starts_with(word)) return std::nullopt;
  command.remove_prefix(word.size());
  if (command.empty() || !IsBlank(command.front())) return std::nullopt;
  return Trim(command);
}

// S seconds ("5", "0.25", ".5", "2.") in whole milliseconds, or std::nullopt.
std::optional<std::int64_t> SecondsAsMs(std::string_view s) {
  std::size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  if ((whole.empty() && fraction.empty()) || !AllDigits(whole) || !AllDigits(fraction)) {
    return std::nullopt;  // also refuses a second dot, a sign and a unit suffix
  }
  std::int64_t seconds = 0;
  for (char c : whole) seconds = std::min(kMaxSleepSeconds, seconds * 10 + (c - '0'));
  std::int64_t ms = 0;
  for (std::size_t i = 0; i < 3; ++i) ms = ms * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  return seconds * 1000 + ms;
}

// `exit K` fails when K is an integer other than 0, written in any number of digits.
bool IsFailingExit(std::string_view k) {
  if (!k.empty() && (k.front() == '+' || k.front() == '-')) k.remove_prefix(1);
  return !k.empty() && AllDigits(k) && k.find_first_not_of('0') != std::string_view::npos;
}

}  // namespace

TaskRun RunOfCommand(std::string_view command, std::int64_t step_ms) {
  TaskRun run{step_ms, false};
  command = Trim(command);
  if (command == "false") {
    run.fails = true;
  } else if (auto k = ArgumentOf(command, "exit")) {
    run.fails = IsFailingExit(*k);
  } else if (auto s = ArgumentOf(command, "sleep")) {
    if (auto ms = SecondsAsMs(*s)) run.run_ms = *ms;
  }
  return run;
}

JobProgress StartProgress(const nlohmann::json& params, std::int64_t start_ms,
                          std::int64_t step_ms) {
  JobProgress progress{start_ms, {}, start_ms};
  auto job = params.find("Job");
  if (job == params.end() || !job->is_object()) return progress;
  auto tasks = job->find("Tasks");
  if (tasks == job->end() || !tasks->is_array()) return progress;
  for (const nlohmann::json& task : *tasks) {
    TaskRun run{step_ms, false};
    auto application = task.find("Application");
    if (application != task.end() && application->is_object()) {
      auto command = application->find("Command");
      if (command != application->end() && command->is_string()) {
        run = RunOfCommand(command->get_ref<const std::string&>(), step_ms);
      }
    }
    progress.tasks.push_back(run);
  }
  return progress;
}

void SetStatesAt(model::Job& job, const JobProgress& progress, std::int64_t step_ms,
                 std::int64_t now_ms) {
  if (step_ms <= 0) return;
  std::int64_t elapsed = std::max<std::int64_t>(0, now_ms - progress.start_ms);
  if (elapsed < kStepCount * step_ms) {
    job.state = kSteps[static_cast<std::size_t>(elapsed / step_ms)];
    State instance = job.state == State::kSubmitted ? State::kPending : job.state;
    for (model::Task& task : job.tasks)
      std::fill(task.instances.begin(), task.instances.end(), instance);
    return;
  }
  std::int64_t running_for = elapsed - kStepCount * step_ms;
  bool still_running = false;
  bool failed = false;
  for (std::size_t i = 0; i < job.tasks.size(); ++i) {
    TaskRun run = i < progress.tasks.size() ? progress.tasks[i] : TaskRun{step_ms, false};
    State s = State::kRunning;
    if (running_for < run.run_ms) {
      still_running = true;
    } else {
      s = run.fails ? State::kFailed : State::kSucceed;
      failed = failed || run.fails;
    }
    std::fill(job.tasks[i].instances.begin(), job.tasks[i].instances.end(), s);
  }
  job.state = still_running ? State::kRunning : failed ? State::kFailed : State::kSucceed;
}

void AdvanceJobs(model::Store& store, ProgressMap& progress, std::int64_t step_ms,
                 std::int64_t now_ms) {
  for (auto it = progress.begin(); it != progress.end();) {
    const model::Job* stored = store.Find(it->first);
    if (stored == nullptr) {
      it = progress.erase(it);
      continue;
    }
    JobProgress& p = it->second;
    model::Job job = *stored;
    SetStatesAt(job, p, step_ms, p.shown_ms);
    if (job != *stored) {  // someone else has changed it since: it no longer moves on its own
      it = progress.erase(it);
      continue;
    }
    p.shown_ms = std::max(now_ms, p.shown_ms);
    SetStatesAt(job, p, step_ms, p.shown_ms);
    bool finished = model::IsCompleted(job.state);
    if (job != *stored) store.Put(std::move(job));
    it = finished ? progress.erase(it) : std::next(it);
  }
}

}  // namespace dj::mock
