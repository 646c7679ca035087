// Job predicates, the control-extension job description, and the Store.
#include "models/store.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "models/job_id.h"

namespace dj::model {
namespace {

using nlohmann::json;

bool AllInstances(const Job& job, bool (*pred)(State)) {
  return std::all_of(job.tasks.begin(), job.tasks.end(), [&](const Task& t) {
    return std::all_of(t.instances.begin(), t.instances.end(), pred);
  });
}

bool CompletedOrInterrupted(State s) { return IsCompleted(s) || s == State::kFailedInterrupted; }

Result<State> StateField(const json& v, std::string_view where) {
  if (!v.is_string()) return Failure{std::string(where) + " must be a state name string"};
  auto s = StateFromName(v.get_ref<const std::string&>());
  if (!s) return Failure{std::string(where) + ": unknown state " + v.dump()};
  return *s;
}

Result<bool> OnlyKeys(const json& obj, std::initializer_list<std::string_view> keys,
                      std::string_view where) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      return Failure{std::string(where) + ": unknown field \"" + key + "\""};
    }
  }
  return true;
}

Result<Task> TaskFromJson(const json& t, std::size_t index) {
  std::string where = "Tasks[" + std::to_string(index) + "]";
  if (!t.is_object()) return Failure{where + " must be an object"};
  if (auto keys = OnlyKeys(t, {"TaskName", "InstanceStates"}, where); !keys) {
    return Failure{keys.error()};
  }
  Task task;
  auto name = t.find("TaskName");
  if (name == t.end() || !name->is_string()) return Failure{where + ".TaskName must be a string"};
  task.name = name->get<std::string>();
  auto states = t.find("InstanceStates");
  if (states == t.end() || !states->is_array()) {
    return Failure{where + ".InstanceStates must be an array"};
  }
  for (const json& s : *states) {
    auto state = StateField(s, where + ".InstanceStates");
    if (!state) return Failure{state.error()};
    task.instances.push_back(*state);
  }
  return task;
}

}  // namespace

bool IsDeletable(const Job& job) {
  return IsCompleted(job.state) && AllInstances(job, IsCompleted);
}

bool IsDeletableIfInterruptedCompleted(const Job& job) {
  return CompletedOrInterrupted(job.state) && AllInstances(job, CompletedOrInterrupted);
}

std::optional<State> WorstInstanceState(const Job& job) {
  // Higher is worse.
  auto badness = [](State s) {
    switch (s) {
      case State::kSucceed:
        return 0;
      case State::kFailed:
        return 1;
      case State::kFailedInterrupted:
        return 2;
      case State::kRunning:
        return 3;
      case State::kStarting:
        return 4;
      case State::kRunnable:
        return 5;
      case State::kPending:
        return 6;
      case State::kSubmitted:
        return 7;
    }
    return 8;
  };
  std::optional<State> worst;
  for (const Task& t : job.tasks) {
    for (State s : t.instances) {
      if (!worst || badness(s) > badness(*worst)) worst = s;
    }
  }
  return worst;
}

std::array<int, kStateCount> InstanceCounts(const Job& job) {
  std::array<int, kStateCount> counts{};
  for (const Task& t : job.tasks) {
    for (State s : t.instances) ++counts[static_cast<std::size_t>(s)];
  }
  return counts;
}

Result<Job> JobFromControlJson(const json& body, std::string_view id_if_absent) {
  if (!body.is_object()) return Failure{std::string("the job description must be a JSON object")};
  if (auto keys = OnlyKeys(body, {"JobId", "JobName", "JobState", "Tasks"}, "job"); !keys) {
    return Failure{keys.error()};
  }
  Job job;
  job.id = std::string(id_if_absent);
  if (auto id = body.find("JobId"); id != body.end()) {
    if (!id->is_string() || !IsWellFormedJobId(id->get_ref<const std::string&>())) {
      return Failure{std::string("JobId must be a string matching ^job-[0-9a-z]{8}$")};
    }
    job.id = id->get<std::string>();
  }
  if (auto name = body.find("JobName"); name != body.end()) {
    if (!name->is_string()) return Failure{std::string("JobName must be a string")};
    job.name = name->get<std::string>();
  }
  auto state = body.find("JobState");
  if (state == body.end()) return Failure{std::string("JobState is required")};
  auto parsed_state = StateField(*state, "JobState");
  if (!parsed_state) return Failure{parsed_state.error()};
  job.state = *parsed_state;
  auto tasks = body.find("Tasks");
  if (tasks == body.end() || !tasks->is_array()) {
    return Failure{std::string("Tasks is required and must be an array")};
  }
  for (std::size_t i = 0; i < tasks->size(); ++i) {
    auto task = TaskFromJson((*tasks)[i], i);
    if (!task) return Failure{task.error()};
    job.tasks.push_back(std::move(*task));
  }
  return job;
}

json ToControlJson(const Job& job) {
  json tasks = json::array();
  for (const Task& t : job.tasks) {
    json states = json::array();
    for (State s : t.instances) states.push_back(StateName(s));
    tasks.push_back({{"TaskName", t.name}, {"InstanceStates", std::move(states)}});
  }
  return {{"JobId", job.id},
          {"JobName", job.name},
          {"JobState", StateName(job.state)},
          {"Tasks", std::move(tasks)}};
}

const Job* Store::Find(std::string_view id) const {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

bool Store::WasDeleted(std::string_view id) const { return deleted_.contains(id); }

void Store::Put(Job job) {
  if (auto it = deleted_.find(job.id); it != deleted_.end()) deleted_.erase(it);
  std::string id = job.id;
  auto [it, inserted] = jobs_.insert_or_assign(std::move(id), std::move(job));
  if (inserted) ids_.Insert(it->first);
}

bool Store::Erase(std::string_view id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return false;
  deleted_.insert(it->first);
  ids_.Erase(it->first);
  jobs_.erase(it);
  return true;
}

void Store::Clear() {
  jobs_.clear();
  deleted_.clear();
  ids_.Clear();
}

Store::JobMap::const_iterator Store::FromRank(std::size_t rank) const {
  auto id = ids_.At(rank);
  return id ? jobs_.find(*id) : jobs_.end();
}

}  // namespace dj::model
