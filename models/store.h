// The reference model's state: jobs, their tasks and task instances (facts §6), as plain
// values. The model never reads a clock or makes ids: creation times and ids come in.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "models/rank_index.h"
#include "models/result.h"
#include "models/states.h"

namespace dj::model {

struct Task {
  std::string name;
  std::vector<State> instances;  // instance i is TaskInstanceIndex i

  friend bool operator==(const Task&, const Task&) = default;
};

struct Job {
  std::string id;
  std::string name;
  State state = State::kSubmitted;  // stored as given, never derived (target-contract §2)
  std::vector<Task> tasks;
  std::string zone;
  std::int64_t create_time = 0;  // UNIX seconds, set by whoever creates the job

  friend bool operator==(const Job&, const Job&) = default;
};

// True when the job may be deleted: the job and every instance are SUCCEED or FAILED (DEL-1).
bool IsDeletable(const Job& job);
// True when the job would be deletable if FAILED_INTERRUPTED counted as completed (DEL-4).
bool IsDeletableIfInterruptedCompleted(const Job& job);
// The instance state furthest from letting the job be deleted, std::nullopt without instances.
// From worst to best: SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING (not begun is further
// from completion than running), FAILED_INTERRUPTED (may be retried), FAILED, SUCCEED.
std::optional<State> WorstInstanceState(const Job& job);
// Count of instances per state, in kAllStates order.
std::array<int, kStateCount> InstanceCounts(const Job& job);

// The job description of POST /_conformance/jobs (target-contract §2):
// {"JobId"?, "JobName"?, "JobState", "Tasks": [{"TaskName", "InstanceStates": [...]}]}.
// Fails with a one-line reason on a missing field, a wrong type, an unknown state, or a JobId
// that is present but not a string. `id_if_absent` is used when JobId is absent.
Result<Job> JobFromControlJson(const nlohmann::json& body, std::string_view id_if_absent);
nlohmann::json ToControlJson(const Job& job);

// All jobs of one account, keyed by JobId, plus the ids deleted so far (GONE-*).
class Store {
 public:
  using JobMap = std::map<std::string, Job, std::less<>>;

  const Job* Find(std::string_view id) const;
  bool WasDeleted(std::string_view id) const;
  bool AnyDeleted() const { return !deleted_.empty(); }
  // Insert, or replace a job with the same id; the id is no longer "deleted".
  void Put(Job job);
  // Remove a job and remember its id as deleted. Returns false if there was no such job.
  bool Erase(std::string_view id);
  // Forget everything (target-contract §2 reset).
  void Clear();

  const JobMap& jobs() const { return jobs_; }
  const std::set<std::string, std::less<>>& deleted() const { return deleted_; }
  std::size_t size() const { return jobs_.size(); }
  // The jobs from the one with `rank` jobs before it in id order, without walking to it
  // (a page of DescribeJobs at any Offset); jobs().end() when rank >= size().
  JobMap::const_iterator FromRank(std::size_t rank) const;

  // Two stores are equal when they hold the same jobs and remember the same deletions.
  friend bool operator==(const Store& a, const Store& b) {
    return a.jobs_ == b.jobs_ && a.deleted_ == b.deleted_;
  }

 private:
  JobMap jobs_;
  std::set<std::string, std::less<>> deleted_;
  RankIndex ids_;  // the keys of jobs_
};

}  // namespace dj::model
