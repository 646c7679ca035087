// The Driver's side of the run's own jobs on a target without control: submit, await, and
// judge by what the job may be (models/possible.h).
#include <algorithm>
#include <cstdio>

#include "harness/runner/driver.h"
#include "harness/runner/driver_util.h"

namespace dj::run {
namespace {

using model::Action;
using model::Clause;
using nlohmann::json;

// SubmitJob's parameters for `definition`, with the job named `name` (the ledger's name for it).
json Named(json definition, const std::string& name) {
  if (definition.contains("Job") && definition["Job"].is_object()) {
    definition["Job"]["JobName"] = name;
  }
  return definition;
}

}  // namespace

int Driver::Adopt(const std::string& job_id) {
  auto [it, fresh] = owned_.try_emplace(job_id, job_id, config_.steady_ms(), 0);
  if (fresh) it->second.MayBeGone();  // a ledger may be behind: its delete may have happened
  owned_order_.push_back(job_id);
  return static_cast<int>(owned_order_.size()) - 1;
}

const model::PossibleJob* Driver::Owned(std::string_view job_id) const {
  auto it = owned_.find(job_id);
  return it == owned_.end() ? nullptr : &it->second;
}

bool Driver::KnownDeleted(const std::string& id) const {
  if (store_.WasDeleted(id) && store_.Find(id) == nullptr) return true;
  const model::PossibleJob* job = Owned(id);
  return job != nullptr && job->CertainlyGone();
}

std::optional<ApiCall> Driver::Resolve(const ApiCall& call) const {
  if (!call.request.params.is_object()) return call;
  ApiCall out = call;
  auto resolve = [this](json& v) {
    if (!v.is_string()) return true;
    auto n = OwnedIndex(v.get_ref<const std::string&>());
    if (!n) return true;
    auto i = static_cast<std::size_t>(*n);
    if (i >= owned_order_.size() || owned_order_[i].empty()) return false;
    v = owned_order_[i];
    return true;
  };
  json& p = out.request.params;
  if (auto id = p.find("JobId"); id != p.end() && !resolve(*id)) return std::nullopt;
  if (auto ids = p.find("JobIds"); ids != p.end() && ids->is_array()) {
    for (json& v : *ids) {
      if (!resolve(v)) return std::nullopt;
    }
  }
  return out;
}

model::PossibleJob* Driver::OwnedJobOf(const ApiCall& call) {
  if (config_.control || call.fault != WireFault::kNone) return nullptr;
  if (call.request.action == Action::kDescribeJobs || call.request.action == Action::kSubmitJob)
    return nullptr;
  auto id = NamedJob(call.request);
  if (!id) return nullptr;
  auto it = owned_.find(*id);
  return it == owned_.end() ? nullptr : &it->second;
}

std::vector<Finding> Driver::RunSubmit(const Submit& submit, const std::string& step) {
  const json& definition = submit.slow ? config_.slow_job_definition : config_.job_definition;
  if (!definition.is_object()) {
    owned_order_.emplace_back();
    trace_.push_back(ControlRecord(step, "skipped: the run has no job definition"));
    return {};
  }
  std::string name = config_.ledger ? config_.ledger->Submitting() : "djharness-job";
  ApiCall call{{Action::kSubmitJob, Named(definition, name)},
               config_.probe_style,
               Encoding{},
               WireFault::kNone};
  // The job cannot have started before its SubmitJob was sent.
  std::int64_t sent = config_.steady_ms();
  ApiResult r = RunOne(call, step);
  std::string id;
  if (auto it = r.response.find("JobId"); it != r.response.end() && it->is_string()) {
    id = it->get<std::string>();
  }
  owned_order_.push_back(id);
  if (!id.empty()) {
    bool promised = submit.slow && !config_.premises->SlowJobFailed();
    owned_.try_emplace(id, id, sent, promised ? config_.slow_runs_at_least_ms : 0);
    if (config_.ledger) config_.ledger->Submitted(name, id);
  }
  return r.findings;
}

std::vector<Finding> Driver::RunAwait(const Await& await, const std::string& step) {
  auto n = static_cast<std::size_t>(await.job);
  if (n >= owned_order_.size() || owned_order_[n].empty()) {
    trace_.push_back(ControlRecord(step, "skipped: its job was not made"));
    return {};
  }
  const std::string id = owned_order_[n];
  std::vector<Finding> out;
  std::int64_t deadline = config_.steady_ms() + await.max_ms;
  std::int64_t pause = std::max<std::int64_t>(1, config_.await_first_pause_ms);
  while (true) {
    ApiResult r = RunOne(Probing(model::DescribeJobRequest(id)), step);
    out.insert(out.end(), r.findings.begin(), r.findings.end());
    const model::PossibleJob& job = owned_.at(id);
    if (!job.CanExist() || !r.outcome) break;  // gone, or no answer: nothing to wait for
    auto phases = job.Phases();
    bool done = await.until == Until::kFinished
                    ? job.CertainlyFinished()
                    : std::all_of(phases.begin(), phases.end(), [](const model::Phase& p) {
                        return p.job == model::State::kRunning || model::IsCompleted(p.job);
                      });
    if (done || (config_.interrupted != nullptr && config_.interrupted->load())) break;
    bool cannot_finish = await.until == Until::kFinished && job.EarliestFinishMs() > deadline;
    if (cannot_finish || config_.steady_ms() + pause > deadline) {
      trace_.back().outcome += " (gave up waiting)";
      break;
    }
    config_.sleep_ms(pause);
    pause = std::min(pause * 2, std::max(pause, config_.await_max_pause_ms));
  }
  return out;
}

void Driver::DoubtPromise(model::PossibleJob& job, bool fits_promised, bool fits_unpromised) {
  std::int64_t now = config_.steady_ms();
  if (fits_promised || !fits_unpromised || job.EarliestFinishMs() <= now) return;
  if (config_.premises->slow_job == Premises::Verdict::kHeld ||
      CheckSlowJobPremise(now - job.submitted_ms())) {
    return;
  }
  for (auto& [id, own] : owned_) own.DropPromise(now);
}

bool Driver::CheckSlowJobPremise(std::int64_t age_ms) {
  Premises& premises = *config_.premises;
  if (premises.slow_job != Premises::Verdict::kUntested) {
    return premises.slow_job == Premises::Verdict::kHeld;
  }
  auto fail = [&](std::string evidence) {
    premises.slow_job = Premises::Verdict::kFailed;
    premises.slow_job_evidence = std::move(evidence);
    return false;
  };
  std::string name = config_.ledger ? config_.ledger->Submitting() : "djharness-job";
  std::int64_t sent = config_.steady_ms();
  client::Exchange s =
      Send(Probing({Action::kSubmitJob, Named(config_.slow_job_definition, name)}));
  Record("premise: a twin of the slow job", "probe", s, {});
  json made = s.transport_error || !s.answer.IsSuccess() || !s.answer.response.is_object()
                  ? json()
                  : s.answer.response.value("JobId", json());
  if (!made.is_string()) return fail("a twin of the slow job, to check it, could not be submitted");
  std::string twin = made.get<std::string>();
  if (config_.ledger) config_.ledger->Submitted(name, twin);
  config_.sleep_ms(std::max<std::int64_t>(0, sent + age_ms - config_.steady_ms()));
  client::Exchange d = Send(Probing(model::DescribeJobRequest(twin)));
  Record("premise: DescribeJob of the twin " + twin, "probe", d, {});
  auto seen = d.transport_error || !d.answer.IsSuccess()
                  ? std::nullopt
                  : model::PhaseFromDescribe(d.answer.response);
  double seconds = static_cast<double>(config_.steady_ms() - sent) / 1000.0;
  if (!seen) return fail("the slow job's twin " + twin + " could not be described");
  if (!model::IsCompleted(seen->phase.job)) {
    premises.slow_job = Premises::Verdict::kHeld;
    return true;
  }
  char after[32];
  std::snprintf(after, sizeof after, "%.1f", seconds);
  return fail("the slow job's twin " + twin + " was " +
              std::string(model::StateName(seen->phase.job)) + " " + after +
              " s after its SubmitJob, though --slow-job-seconds promises it runs " +
              std::to_string(config_.slow_runs_at_least_ms / 1000) + " s");
}

std::vector<Finding> Driver::Follow(const ApiCall& call, const Expectation& expected,
                                    const client::Exchange& x, model::PossibleJob& job) {
  std::vector<Finding> out;
  Action action = call.request.action;
  if (x.transport_error) {
    if (action == Action::kDeleteJob) job.MayBeGone();  // it may have been deleted
    return out;
  }
  auto outcome = x.answer.AsOutcome();
  if (!expected.reached_model || !outcome ||
      (outcome->kind == model::OutcomeKind::kError && model::IsRateLimitCode(outcome->code))) {
    return out;  // refused before the job was looked at: nothing learnt
  }
  if (expected.chosen) job.Narrow(expected.possible[*expected.chosen]);
  const std::string id = job.id();
  bool success = x.answer.IsSuccess();
  bool not_found = *outcome == model::Err(model::ErrorCode::kResourceNotFoundJob);
  if (action == Action::kDeleteJob) {
    if (success || not_found) {
      job.ObserveGone();
      if (success && config_.ledger) config_.ledger->Deleted(id);
    } else {
      refused_since_seen_.insert(id);
    }
  } else if (action == Action::kTerminateJob && success) {
    job.Terminated();
  } else if (action == Action::kDescribeJob && not_found) {
    job.ObserveGone();
  } else if (action == Action::kDescribeJob && success) {
    if (auto seen = model::PhaseFromDescribe(x.answer.response)) {
      DoubtPromise(job, job.Shows(*seen), job.Unpromised(config_.steady_ms()).Shows(*seen));
      std::string before = job.Text();
      bool after_refusal = refused_since_seen_.count(id) > 0;
      Clause clause = after_refusal ? Clause::kIsoFailedDelete : Clause::kObsDescribe;
      if (expected.chosen) Check(clause);
      // An answer that fit no possible state was reported by Judge: only follow what it shows.
      if (!job.Observe(*seen) && expected.chosen) {
        out.push_back({clause, "DescribeJob of " + id + " shows " + model::PhaseText(seen->phase) +
                                   (after_refusal ? " after a refused DeleteJob" : "") +
                                   ", a state the job cannot have reached: it could only be " +
                                   before});
      }
    }
    refused_since_seen_.erase(id);
  }
  return out;
}

}  // namespace dj::run
