// The foreign jobs' shapes, one table row per kind of job.
#include "harness/mock/foreign_jobs.h"

#include <string>

namespace dj::mock {
namespace {

using model::State;

// One kind of foreign job: its state, the state of its first instance (which makes it that
// kind), and the state any other instance may have instead of the first one's.
struct Kind {
  State job;
  State first;
  State other;
};

constexpr Kind kDeletable[] = {
    {State::kSucceed, State::kSucceed, State::kSucceed},
    {State::kFailed, State::kFailed, State::kSucceed},
};

constexpr Kind kNotDeletable[] = {
    {State::kSubmitted, State::kPending, State::kPending},
    {State::kPending, State::kPending, State::kPending},
    {State::kRunnable, State::kRunnable, State::kPending},
    {State::kStarting, State::kStarting, State::kRunnable},
    {State::kRunning, State::kRunning, State::kSucceed},
    {State::kFailedInterrupted, State::kFailedInterrupted, State::kFailed},  // DEL-4
    {State::kSucceed, State::kRunning, State::kSucceed},                     // DEL-3
    {State::kFailed, State::kFailedInterrupted, State::kFailed},             // DEL-4
};

const Kind& KindOf(std::size_t i) {
  if (i % 3 == 0) return kDeletable[(i / 3) % std::size(kDeletable)];
  // The i-th job that is not deletable, counted from 0.
  std::size_t n = 2 * (i / 3) + i % 3 - 1;
  return kNotDeletable[n % std::size(kNotDeletable)];
}

}  // namespace

void AddForeignJobs(MockState& state, const MockConfig& config, std::int64_t wall_seconds) {
  constexpr std::int64_t kDaySeconds = 86400;
  for (int i = 0; i < config.foreign_jobs; ++i) {
    const Kind& kind = KindOf(static_cast<std::size_t>(i));
    model::Job job;
    job.id = NewJobId(state.rng, state.store);
    job.name = "foreign-" + std::to_string(i);
    job.state = kind.job;
    job.zone = config.zone;
    job.create_time = wall_seconds - 1 - static_cast<std::int64_t>(state.rng() % kDaySeconds);
    std::size_t tasks = 1 + state.rng() % 3;
    for (std::size_t t = 0; t < tasks; ++t) {
      model::Task task;
      task.name = "task-" + std::to_string(t);
      std::size_t instances = 1 + state.rng() % 3;
      for (std::size_t k = 0; k < instances; ++k) {
        bool first = t == 0 && k == 0;
        task.instances.push_back(first || state.rng() % 2 == 0 ? kind.first : kind.other);
      }
      job.tasks.push_back(std::move(task));
    }
    state.foreign.insert(job.id);
    state.store.Put(std::move(job));
  }
}

}  // namespace dj::mock
