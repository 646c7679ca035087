// The reference model's decisions. Each Decide* function walks the checks in the order the
// reference mock applies them, and returns at the first clause that decides the answer.
#include "models/api_model.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string_view>
#include <vector>

#include "models/job_id.h"
#include "models/regions.h"

namespace dj::model {
namespace {

using nlohmann::json;

Decision Refuse(Clause c, std::string detail) {
  Decision d;
  d.clause = c;
  d.detail = std::move(detail);
  return d;
}

Decision Succeed(Clause c, json reply = json::object(), Effect effect = {}) {
  Decision d;
  d.clause = c;
  d.reply = std::move(reply);
  d.effect = std::move(effect);
  return d;
}

// Quote a received value for a message: short, printable, never the whole 1 MiB.
std::string Quote(std::string_view value) {
  std::string out = "`";
  for (char c : value.substr(0, 64)) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  if (value.size() > 64) out += "...";
  return out + "`";
}

// COM-7 and COM-4: the parameters are an object holding only what the action defines.
std::optional<Decision> CheckParamShape(const ApiRequest& r) {
  if (!r.params.is_object()) {
    return Refuse(Clause::kBodyNotObject, "The request parameters must be a JSON object.");
  }
  for (const auto& [key, value] : r.params.items()) {
    if (!AcceptsParam(r.action, key)) {
      return Refuse(Clause::kUnknownParameter,
                    "The parameter " + Quote(key) + " is not recognized.");
    }
  }
  return std::nullopt;
}

// ID-2, ID-3, ID-1: the JobId parameter; the id on success.
Result<std::string, Decision> CheckJobId(const json& params) {
  auto it = params.find("JobId");
  if (it == params.end()) {
    return Failure{
        Refuse(Clause::kIdAbsent, "The request is missing a required parameter `JobId`.")};
  }
  if (!it->is_string()) {
    return Failure{Refuse(Clause::kIdNotString, "The parameter `JobId` must be a string.")};
  }
  const std::string& id = it->get_ref<const std::string&>();
  if (!IsWellFormedJobId(id)) {
    return Failure{Refuse(Clause::kIdMalformed, "The JobId " + Quote(id) + " is not well formed.")};
  }
  return id;
}

std::string NotFound(std::string_view id) { return "The job " + Quote(id) + " does not exist."; }

// A non-negative integer given as a JSON integer or, in query style, a decimal string.
std::optional<std::int64_t> AsCount(const json& v) {
  if (v.is_number_integer()) {
    auto n = v.get<std::int64_t>();
    return n >= 0 ? std::optional(n) : std::nullopt;
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty() && n >= 0) return n;
  }
  return std::nullopt;
}

bool IsStringArray(const json& v) {
  return v.is_array() &&
         std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); });
}

Decision DecideDeleteJob(const Store& store, const ApiRequest& r) {
  auto id = CheckJobId(r.params);
  if (!id) return id.error();
  const Job* job = store.Find(*id);
  if (job == nullptr) {
    return Refuse(store.WasDeleted(*id) ? Clause::kGoneDeleteAgain : Clause::kIdUnknown,
                  NotFound(*id));
  }
  if (IsDeletable(*job)) return Succeed(Clause::kDelCompleted, json::object(), EraseJob{*id});
  std::string why = "The job " + Quote(*id) + " is in state " + std::string(StateName(job->state));
  if (IsDeletableIfInterruptedCompleted(*job)) {
    return Refuse(Clause::kDelInterrupted,
                  why + "; FAILED_INTERRUPTED is not completed, so it cannot be deleted.");
  }
  if (!IsCompleted(job->state)) {
    return Refuse(Clause::kDelJobActive, why + " and cannot be deleted until it completes.");
  }
  return Refuse(Clause::kDelInstanceActive,
                why + " but has task instances that have not completed, so it cannot be deleted.");
}

Decision DecideDescribeJob(const Store& store, const ApiRequest& r) {
  auto id = CheckJobId(r.params);
  if (!id) return id.error();
  const Job* job = store.Find(*id);
  if (job == nullptr) {
    return Refuse(store.WasDeleted(*id) ? Clause::kGoneDescribe : Clause::kIdUnknown,
                  NotFound(*id));
  }
  return Succeed(Clause::kObsDescribe, DescribeJobReply(*job));
}

Decision DecideTerminateJob(const Store& store, const ApiRequest& r) {
  auto id = CheckJobId(r.params);
  if (!id) return id.error();
  const Job* job = store.Find(*id);
  if (job == nullptr) {
    return Refuse(store.WasDeleted(*id) ? Clause::kGoneTerminate : Clause::kIdUnknown,
                  NotFound(*id));
  }
  if (job->state == State::kSubmitted) {
    return Refuse(Clause::kDrvTerminateSubmitted,
                  "The job " + Quote(*id) + " is SUBMITTED and cannot be terminated yet.");
  }
  return Succeed(Clause::kDrvTerminate, json::object(), TerminateJobEffect{*id});
}

constexpr std::array<std::string_view, 6> kFilterNames = {"job-id", "job-name", "job-state",
                                                          "zone",   "tag-key",  "tag-value"};

bool IsKnownFilter(std::string_view name) {
  return std::find(kFilterNames.begin(), kFilterNames.end(), name) != kFilterNames.end() ||
         name.starts_with("tag:");
}

// True when the job matches one filter: its field equals one of the values. Jobs carry no
// tags in this model, so tag filters match nothing.
bool MatchesFilter(const Job& job, const std::string& name, const json& values) {
  std::string_view field;
  if (name == "job-id")
    field = job.id;
  else if (name == "job-name")
    field = job.name;
  else if (name == "job-state")
    field = StateName(job.state);
  else if (name == "zone")
    field = job.zone;
  else
    return false;
  return std::any_of(values.begin(), values.end(),
                     [&](const json& v) { return v.get_ref<const std::string&>() == field; });
}

// Calls visit(job) for the jobs of `a` and of `b` (when given) in JobId order, until it returns
// false. A job in both is visited once, as `a` has it.
template <class Visit>
void WalkInOrder(const Store::JobMap& a, const Store::JobMap* b, Visit visit) {
  auto i = a.begin();
  auto j = b != nullptr ? b->begin() : a.end();
  auto j_end = b != nullptr ? b->end() : a.end();
  while (i != a.end() || j != j_end) {
    bool from_a = j == j_end || (i != a.end() && i->first <= j->first);
    if (from_a && j != j_end && i->first == j->first) ++j;
    const Job& job = from_a ? i->second : j->second;
    if (from_a) {
      ++i;
    } else {
      ++j;
    }
    if (!visit(job)) return;
  }
}

// The ids a listing is limited to, sorted and without repeats: the JobIds parameter, or the
// values of the first job-id filter; std::nullopt when any job may match.
std::optional<std::vector<std::string_view>> NamedIds(const json& p) {
  const json* names = nullptr;
  if (auto ids = p.find("JobIds"); ids != p.end()) names = &*ids;
  if (auto filters = p.find("Filters"); names == nullptr && filters != p.end()) {
    for (const json& f : *filters) {
      if (f["Name"].get_ref<const std::string&>() == "job-id") {
        names = &f["Values"];
        break;
      }
    }
  }
  if (names == nullptr) return std::nullopt;
  std::vector<std::string_view> out;
  for (const json& id : *names) out.emplace_back(id.get_ref<const std::string&>());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// DescribeJobs over the store and, for a planted fault, jobs it still lists after deleting
// them (`also`). Never copies the store: JobIds and a job-id filter look up the ids named
// (O(k log n)); without any filter TotalCount is the size and the page starts at the job of
// rank Offset (Store::FromRank); other filters look at every job, as a count needs, and so
// does the planted fault's listing (jobs up to the page's end).
Decision DecideDescribeJobs(const Store& store, const ApiRequest& r, const Store::JobMap* also) {
  const json& p = r.params;
  auto job_ids = p.find("JobIds");
  auto filters = p.find("Filters");
  if (job_ids != p.end() && filters != p.end()) {
    return Refuse(Clause::kDrvListCombination, "JobIds and Filters cannot be used together.");
  }
  if (job_ids != p.end()) {
    if (!IsStringArray(*job_ids)) {
      return Refuse(Clause::kDrvListBadValue, "JobIds must be an array of strings.");
    }
    for (const json& id : *job_ids) {
      if (!IsWellFormedJobId(id.get_ref<const std::string&>())) {
        return Refuse(Clause::kIdMalformed, "The JobId " + Quote(id.get_ref<const std::string&>()) +
                                                " is not well formed.");
      }
    }
  }
  if (filters != p.end()) {
    if (!filters->is_array()) return Refuse(Clause::kDrvListBadValue, "Filters must be an array.");
    for (const json& f : *filters) {
      auto name = f.is_object() ? f.find("Name") : f.end();
      auto values = f.is_object() ? f.find("Values") : f.end();
      if (!f.is_object() || name == f.end() || !name->is_string() || values == f.end() ||
          !IsStringArray(*values) || f.size() != 2) {
        return Refuse(Clause::kDrvListBadValue,
                      "Each filter must be {\"Name\": string, \"Values\": [string, ...]}.");
      }
      if (!IsKnownFilter(name->get_ref<const std::string&>())) {
        return Refuse(
            Clause::kDrvListBadFilter,
            "The filter " + Quote(name->get_ref<const std::string&>()) + " is not supported.");
      }
    }
  }
  std::int64_t offset = 0;
  std::int64_t limit = 20;
  if (auto it = p.find("Offset"); it != p.end()) {
    auto n = AsCount(*it);
    if (!n) return Refuse(Clause::kDrvListBadValue, "Offset must be an integer of at least 0.");
    offset = *n;
  }
  if (auto it = p.find("Limit"); it != p.end()) {
    auto n = AsCount(*it);
    if (!n || *n < 1 || *n > 100) {
      return Refuse(Clause::kDrvListBadValue, "Limit must be an integer from 1 to 100.");
    }
    limit = *n;
  }

  auto matches = [&](const Job& job) {
    if (filters == p.end()) return true;  // JobIds: only the named jobs are visited
    return std::all_of(filters->begin(), filters->end(), [&](const json& f) {
      return MatchesFilter(job, f["Name"].get_ref<const std::string&>(), f["Values"]);
    });
  };
  json set = json::array();
  std::int64_t total = 0;
  // Without any filter every job matches: the count is known, the walk ends with the page.
  bool every_job = job_ids == p.end() && filters == p.end();
  auto visit = [&](const Job& job) {
    if (!matches(job)) return true;
    if (total >= offset && total < offset + limit) set.push_back(JobListEntry(job));
    ++total;
    return !every_job || total < offset + limit;
  };
  if (auto named = NamedIds(p)) {
    for (std::string_view id : *named) {
      const Job* job = store.Find(id);
      if (job == nullptr && also != nullptr) {
        auto it = also->find(id);
        if (it != also->end()) job = &it->second;
      }
      if (job != nullptr) visit(*job);
    }
  } else if (every_job && also == nullptr) {
    // The page alone: from the job at rank Offset (RankIndex), Limit jobs on.
    total = offset;
    for (auto it = store.FromRank(static_cast<std::size_t>(offset));
         it != store.jobs().end() && visit(it->second); ++it) {
    }
  } else {
    WalkInOrder(store.jobs(), also, visit);
  }
  if (every_job) {
    total = static_cast<std::int64_t>(store.size());
    if (also != nullptr) {
      for (const auto& [id, job] : *also) total += store.Find(id) == nullptr ? 1 : 0;
    }
  }
  return Succeed(store.AnyDeleted() ? Clause::kGoneListed : Clause::kDrvList,
                 {{"JobSet", std::move(set)}, {"TotalCount", total}});
}

Decision DecideSubmitJob(const ApiRequest& r, const Fresh& fresh) {
  const json& p = r.params;
  auto missing = [](std::string_view name) {
    return Refuse(Clause::kDrvSubmitMissing,
                  "The request is missing a required parameter `" + std::string(name) + "`.");
  };
  auto invalid = [](std::string detail) {
    return Refuse(Clause::kDrvSubmitInvalid, std::move(detail));
  };

  auto placement = p.find("Placement");
  if (placement == p.end()) return missing("Placement");
  if (!placement->is_object()) return invalid("Placement must be an object.");
  auto zone = placement->find("Zone");
  if (zone == placement->end()) return missing("Placement.Zone");
  if (!zone->is_string()) return invalid("Placement.Zone must be a string.");
  auto job_spec = p.find("Job");
  if (job_spec == p.end()) return missing("Job");
  if (!job_spec->is_object()) return invalid("Job must be an object.");
  auto tasks = job_spec->find("Tasks");
  if (tasks == job_spec->end()) return missing("Job.Tasks");
  if (!tasks->is_array() || tasks->empty()) return invalid("Job.Tasks must be a non-empty array.");
  if (auto token = p.find("ClientToken"); token != p.end() && !token->is_string()) {
    return invalid("ClientToken must be a string.");
  }

  Job job;
  job.id = fresh.job_id;
  job.state = State::kSubmitted;
  job.zone = zone->get<std::string>();
  job.create_time = fresh.now;
  if (auto name = job_spec->find("JobName"); name != job_spec->end()) {
    if (!name->is_string()) return invalid("Job.JobName must be a string.");
    job.name = name->get<std::string>();
  }
  for (std::size_t i = 0; i < tasks->size(); ++i) {
    const json& t = (*tasks)[i];
    std::string where = "Job.Tasks." + std::to_string(i);
    if (!t.is_object()) return invalid(where + " must be an object.");
    Task task;
    task.name = "Task" + std::to_string(i);
    if (auto name = t.find("TaskName"); name != t.end()) {
      if (!name->is_string()) return invalid(where + ".TaskName must be a string.");
      task.name = name->get<std::string>();
    }
    std::int64_t instances = 1;
    if (auto num = t.find("TaskInstanceNum"); num != t.end()) {
      auto n = AsCount(*num);
      if (!n || *n < 1 || *n > 1000) {
        return invalid(where + ".TaskInstanceNum must be an integer from 1 to 1000.");
      }
      instances = *n;
    }
    task.instances.assign(static_cast<std::size_t>(instances), State::kPending);
    job.tasks.push_back(std::move(task));
  }
  json reply = {{"JobId", job.id}};
  return Succeed(Clause::kDrvSubmit, std::move(reply), PutJob{std::move(job)});
}

json Metrics(const std::array<int, kStateCount>& counts) {
  json m = json::object();
  for (State s : kAllStates) m[std::string(MetricsField(s))] = counts[static_cast<std::size_t>(s)];
  return m;
}

// A task's state is not documented (facts §10 item 8; OBS-1 does not judge it). The mock
// reports FAILED_INTERRUPTED if any instance is, else the least advanced unfinished state,
// else FAILED if any instance failed, else SUCCEED.
State TaskState(const Task& task) {
  std::optional<State> unfinished;
  bool failed = false;
  for (State s : task.instances) {
    if (s == State::kFailedInterrupted) return s;
    if (s == State::kFailed) failed = true;
    if (!IsCompleted(s) && (!unfinished || s < *unfinished)) unfinished = s;
  }
  if (unfinished) return *unfinished;
  return failed ? State::kFailed : State::kSucceed;
}

json EndTime(const Job& job) {
  return IsCompleted(job.state) ? json(FormatIsoUtc(job.create_time)) : json(nullptr);
}

}  // namespace

ApiRequest DeleteJobRequest(std::string_view job_id) {
  return {Action::kDeleteJob, {{"JobId", job_id}}};
}
ApiRequest DescribeJobRequest(std::string_view job_id) {
  return {Action::kDescribeJob, {{"JobId", job_id}}};
}
ApiRequest TerminateJobRequest(std::string_view job_id) {
  return {Action::kTerminateJob, {{"JobId", job_id}}};
}

Decision Decide(const Store& store, const ApiRequest& request, const Fresh& fresh) {
  if (auto refused = CheckParamShape(request)) return *refused;
  switch (request.action) {
    case Action::kDeleteJob:
      return DecideDeleteJob(store, request);
    case Action::kDescribeJob:
      return DecideDescribeJob(store, request);
    case Action::kDescribeJobs:
      return DecideDescribeJobs(store, request, nullptr);
    case Action::kSubmitJob:
      return DecideSubmitJob(request, fresh);
    case Action::kTerminateJob:
      return DecideTerminateJob(store, request);
  }
  return Refuse(Clause::kActionUnknown, "Unknown action.");
}

Decision DecideListingAlso(const Store& store, const Store::JobMap& also,
                           const ApiRequest& request) {
  if (auto refused = CheckParamShape(request)) return *refused;
  return DecideDescribeJobs(store, request, &also);
}

void Apply(Store& store, const Effect& effect) {
  if (const auto* erase = std::get_if<EraseJob>(&effect)) {
    store.Erase(erase->id);
  } else if (const auto* put = std::get_if<PutJob>(&effect)) {
    store.Put(put->job);
  } else if (const auto* terminate = std::get_if<TerminateJobEffect>(&effect)) {
    const Job* found = store.Find(terminate->id);
    if (found == nullptr) return;
    store.Put(TerminatedJobs(*found).front());
  }
}

std::vector<Job> TerminatedJobs(const Job& job) {
  if (job.state == State::kSucceed) return {job};
  Job ended = job;
  ended.state = State::kFailed;
  for (Task& t : ended.tasks) {
    for (State& s : t.instances) {
      if (!IsCompleted(s)) s = State::kFailed;
    }
  }
  if (job.state == State::kFailed && ended != job) return {ended, job};
  return {ended};
}

Result<Action, Refusal> CheckCommon(const CommonParams& common) {
  auto missing = [](std::string_view name) {
    return "The request is missing a required parameter `" + std::string(name) + "`.";
  };
  if (!common.action) return Failure{Refusal{Clause::kActionMissing, missing("Action")}};
  auto action = ActionFromName(*common.action);
  if (!action) {
    return Failure{Refusal{Clause::kActionUnknown,
                           "The action " + Quote(*common.action) + " does not exist."}};
  }
  if (!common.version) return Failure{Refusal{Clause::kVersionMissing, missing("Version")}};
  if (*common.version != kApiVersion) {
    return Failure{
        Refusal{Clause::kVersionUnknown, "The specified api version=" + Quote(*common.version) +
                                             " does not exist in service=`batch`."}};
  }
  if (!common.region) return Failure{Refusal{Clause::kRegionMissing, missing("Region")}};
  if (!IsSupportedRegion(*common.region)) {
    return Failure{Refusal{Clause::kRegionUnsupported,
                           "The region " + Quote(*common.region) + " is not supported."}};
  }
  return *action;
}

json DescribeJobReply(const Job& job) {
  json task_set = json::array();
  std::array<int, kStateCount> task_counts{};
  for (const Task& t : job.tasks) {
    State s = TaskState(t);
    ++task_counts[static_cast<std::size_t>(s)];
    task_set.push_back(
        {{"TaskName", t.name},
         {"TaskState", StateName(s)},
         {"CreateTime", FormatIsoUtc(job.create_time)},
         {"EndTime", IsCompleted(s) ? json(FormatIsoUtc(job.create_time)) : json(nullptr)}});
  }
  return {{"JobId", job.id},
          {"JobName", job.name},
          {"Zone", job.zone},
          {"Priority", 0},
          {"JobState", StateName(job.state)},
          {"CreateTime", FormatIsoUtc(job.create_time)},
          {"EndTime", EndTime(job)},
          {"TaskSet", std::move(task_set)},
          {"DependenceSet", json::array()},
          {"TaskMetrics", Metrics(task_counts)},
          {"TaskInstanceMetrics", Metrics(InstanceCounts(job))},
          {"StateReason", ""},
          {"Tags", json::array()},
          {"NextAction", ""}};
}

json JobListEntry(const Job& job) {
  std::array<int, kStateCount> task_counts{};
  for (const Task& t : job.tasks) ++task_counts[static_cast<std::size_t>(TaskState(t))];
  return {{"JobId", job.id},
          {"JobName", job.name},
          {"JobState", StateName(job.state)},
          {"Priority", 0},
          {"Placement", {{"Zone", job.zone}, {"ProjectId", 0}}},
          {"CreateTime", FormatIsoUtc(job.create_time)},
          {"EndTime", EndTime(job)},
          {"TaskMetrics", Metrics(task_counts)},
          {"Tags", json::array()}};
}

std::string FormatIsoUtc(std::int64_t unix_seconds) {
  using namespace std::chrono;
  sys_seconds t{seconds{unix_seconds}};
  sys_days day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace dj::model
