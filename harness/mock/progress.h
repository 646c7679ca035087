// Wall-clock progression of the jobs SubmitJob makes (MockConfig::autoprogress_ms): a job
// moves SUBMITTED -> PENDING -> RUNNABLE -> STARTING -> RUNNING, one state per step, then
// each task runs for the time its command asks and the job ends SUCCEED or FAILED. Pure
// functions of the elapsed time: the mock computes states lazily from the clock it is given.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "models/store.h"

namespace dj::mock {

// How one task runs once its job is RUNNING.
struct TaskRun {
  std::int64_t run_ms = 0;  // how long its instances stay RUNNING
  bool fails = false;       // its instances end FAILED rather than SUCCEED

  friend bool operator==(const TaskRun&, const TaskRun&) = default;
};

// A submitted job that moves on its own.
struct JobProgress {
  std::int64_t start_ms = 0;   // the steady clock when SubmitJob made the job
  std::vector<TaskRun> tasks;  // one per task, in the job's order
  std::int64_t shown_ms = 0;   // the clock reading the stored job's states were computed for

  friend bool operator==(const JobProgress&, const JobProgress&) = default;
};

// The moving jobs, by JobId.
using ProgressMap = std::map<std::string, JobProgress, std::less<>>;

// The run of a task whose Application.Command is `command`: `sleep S` (S seconds, integer or
// decimal, spaces around it allowed) runs S seconds, anything else one step; `false` and
// `exit K` with K != 0 fail, anything else succeeds.
TaskRun RunOfCommand(std::string_view command, std::int64_t step_ms);

// The progress of the job a successful SubmitJob with these parameters made at `start_ms`:
// one TaskRun per Job.Tasks entry, from its Application.Command (absent or not a string: one
// step, success).
JobProgress StartProgress(const nlohmann::json& params, std::int64_t start_ms,
                          std::int64_t step_ms);

// Set the states of `job` and its instances to what they are at `now_ms`. Before one step the
// job is SUBMITTED with PENDING instances (as SubmitJob makes it); the instances follow the
// job through PENDING, RUNNABLE and STARTING; from 4 steps on each task's instances are
// RUNNING for the task's run time and then end together; the job ends when its last task
// does, FAILED if any task failed.
void SetStatesAt(model::Job& job, const JobProgress& progress, std::int64_t step_ms,
                 std::int64_t now_ms);

// Bring every moving job in `store` to `now_ms` (never back in time). A job stops moving, and
// leaves `progress`, once it has finished, is gone, or was changed by anything other than its
// progression since it was last moved (TerminateJob, the control extension, a planted fault).
void AdvanceJobs(model::Store& store, ProgressMap& progress, std::int64_t step_ms,
                 std::int64_t now_ms);

}  // namespace dj::mock
