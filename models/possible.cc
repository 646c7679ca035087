// The possible states of a job that moves on its own.
#include "models/possible.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace dj::model {
namespace {

bool IsEarly(State s) { return s == State::kSubmitted || s == State::kPending; }

bool JobMayMove(State from, State to) {
  if (from == to) return true;
  if (IsCompleted(from)) return false;
  if (from == State::kSubmitted) return true;
  if (from == State::kPending) return to != State::kSubmitted;
  // RUNNABLE, STARTING, RUNNING and FAILED_INTERRUPTED: onwards, or back to a retry.
  return !IsEarly(to);
}

}  // namespace

std::string_view InstancesName(Instances i) {
  switch (i) {
    case Instances::kNone:
      return "no instances";
    case Instances::kActive:
      return "instances active";
    case Instances::kInterrupted:
      return "instances FAILED_INTERRUPTED";
    case Instances::kDone:
      return "instances completed";
  }
  return "?";
}

std::string PhaseText(const Phase& p) {
  return std::string(StateName(p.job)) + ", " + std::string(InstancesName(p.instances));
}

bool MayMove(const Phase& from, const Phase& to) {
  if (!JobMayMove(from.job, to.job)) return false;
  if (from.instances == to.instances) return true;
  // A finished job's instances may still be finishing, never starting again.
  if (IsCompleted(from.job)) return to.instances == Instances::kDone;
  return true;
}

Job RepresentativeJob(std::string id, const Phase& p) {
  Job job;
  job.id = std::move(id);
  job.state = p.job;
  switch (p.instances) {
    case Instances::kNone:
      break;
    case Instances::kActive:
      job.tasks.push_back({"t0", {State::kRunning}});
      break;
    case Instances::kInterrupted:
      job.tasks.push_back({"t0", {State::kFailedInterrupted}});
      break;
    case Instances::kDone:
      job.tasks.push_back({"t0", {State::kSucceed}});
      break;
  }
  return job;
}

std::optional<ObservedPhase> PhaseFromDescribe(const nlohmann::json& response) {
  if (!response.is_object()) return std::nullopt;
  auto state = response.find("JobState");
  if (state == response.end() || !state->is_string()) return std::nullopt;
  auto job = StateFromName(state->get_ref<const std::string&>());
  if (!job) return std::nullopt;
  ObservedPhase seen{{*job, Instances::kNone}, false};
  auto metrics = response.find("TaskInstanceMetrics");
  if (metrics == response.end() || !metrics->is_object()) return seen;
  bool active = false, interrupted = false, done = false;
  for (State s : kAllStates) {
    auto count = metrics->find(std::string(MetricsField(s)));
    if (count == metrics->end()) continue;
    if (!count->is_number_integer() || count->get<std::int64_t>() <= 0) continue;
    if (IsCompleted(s)) {
      done = true;
    } else if (s == State::kFailedInterrupted) {
      interrupted = true;
    } else {
      active = true;
    }
  }
  seen.instances_known = true;
  seen.phase.instances = active        ? Instances::kActive
                         : interrupted ? Instances::kInterrupted
                         : done        ? Instances::kDone
                                       : Instances::kNone;
  return seen;
}

PossibleJob::PossibleJob(std::string id, std::int64_t submitted_ms, std::int64_t runs_at_least_ms)
    : id_(std::move(id)), submitted_ms_(submitted_ms), runs_at_least_ms_(runs_at_least_ms) {
  // Just submitted: SUBMITTED, with or without its instances yet.
  for (std::size_t i = 0; i < kInstancesCount; ++i) {
    phases_.set(Index({State::kSubmitted, static_cast<Instances>(i)}));
  }
  Elapse(submitted_ms);
}

std::size_t PossibleJob::Index(const Phase& p) {
  return static_cast<std::size_t>(p.job) * kInstancesCount + static_cast<std::size_t>(p.instances);
}

Phase PossibleJob::FromIndex(std::size_t i) {
  return {kAllStates[i / kInstancesCount], static_cast<Instances>(i % kInstancesCount)};
}

bool PossibleJob::FinishAllowed(std::int64_t now_ms) const {
  return terminated_ || runs_at_least_ms_ <= 0 || now_ms >= submitted_ms_ + runs_at_least_ms_;
}

void PossibleJob::Elapse(std::int64_t now_ms) {
  bool may_finish = FinishAllowed(now_ms);
  auto reachable = phases_;
  for (std::size_t from = 0; from < phases_.size(); ++from) {
    if (!phases_.test(from)) continue;
    for (std::size_t to = 0; to < phases_.size(); ++to) {
      Phase next = FromIndex(to);
      if (!may_finish && IsCompleted(next.job)) continue;
      if (MayMove(FromIndex(from), next)) reachable.set(to);
    }
  }
  phases_ = reachable;
}

std::vector<PossibleDecision> PossibleJob::Decide(const ApiRequest& request) const {
  std::vector<PossibleDecision> out;
  auto add = [&](const Store& store, std::optional<Phase> phase) {
    Decision d = model::Decide(store, request, {});
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const PossibleDecision& e) { return e.clause == d.clause; });
    if (it == out.end()) {
      out.push_back({d.clause, d, {}, false});
      it = out.end() - 1;
    }
    if (phase) {
      it->phases.push_back(*phase);
    } else {
      it->gone = true;
    }
  };
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    if (!phases_.test(i)) continue;
    Store store;
    store.Put(RepresentativeJob(id_, FromIndex(i)));
    add(store, FromIndex(i));
  }
  if (may_be_gone_) {
    Store store;
    store.Put(RepresentativeJob(id_, {}));
    store.Erase(id_);
    add(store, std::nullopt);
  }
  return out;
}

void PossibleJob::Narrow(const PossibleDecision& keep) {
  std::bitset<kStateCount * kInstancesCount> kept;
  for (const Phase& p : keep.phases) kept.set(Index(p));
  phases_ &= kept;
  may_be_gone_ = may_be_gone_ && keep.gone;
}

bool PossibleJob::Observe(const ObservedPhase& seen) {
  std::bitset<kStateCount * kInstancesCount> shown;
  for (std::size_t i = 0; i < kInstancesCount; ++i) {
    Phase p{seen.phase.job, static_cast<Instances>(i)};
    if (seen.instances_known && p != seen.phase) continue;
    shown.set(Index(p));
  }
  auto both = phases_ & shown;
  bool consistent = both.any();
  phases_ = consistent ? both : shown;
  may_be_gone_ = false;
  return consistent;
}

bool PossibleJob::Shows(const ObservedPhase& seen) const {
  PossibleJob copy = *this;
  return copy.Observe(seen);
}

PossibleJob PossibleJob::Unpromised(std::int64_t now_ms) const {
  PossibleJob copy = *this;
  copy.runs_at_least_ms_ = 0;
  copy.Elapse(now_ms);
  return copy;
}

bool PossibleJob::ObserveGone() {
  bool consistent = may_be_gone_;
  phases_.reset();
  may_be_gone_ = true;
  return consistent;
}

void PossibleJob::Terminated() { terminated_ = true; }

bool PossibleJob::MayBeDeletable() const {
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    if (phases_.test(i) && IsDeletable(RepresentativeJob(id_, FromIndex(i)))) return true;
  }
  return false;
}

bool PossibleJob::CertainlyFinished() const {
  if (may_be_gone_ || phases_.none()) return false;
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    if (phases_.test(i) && !IsDeletable(RepresentativeJob(id_, FromIndex(i)))) return false;
  }
  return true;
}

std::vector<Phase> PossibleJob::Phases() const {
  std::vector<Phase> out;
  for (std::size_t i = 0; i < phases_.size(); ++i) {
    if (phases_.test(i)) out.push_back(FromIndex(i));
  }
  return out;
}

std::string PossibleJob::Text() const {
  // Job states grouped by the instance summaries they may have, e.g.
  // "SUBMITTED, PENDING or RUNNING (any instances); SUCCEED (instances completed)".
  std::vector<std::pair<unsigned, std::vector<State>>> groups;
  for (State s : kAllStates) {
    unsigned mask = 0;
    for (std::size_t i = 0; i < kInstancesCount; ++i) {
      if (phases_.test(Index({s, static_cast<Instances>(i)}))) mask |= 1u << i;
    }
    if (mask == 0) continue;
    auto it = std::find_if(groups.begin(), groups.end(),
                           [mask](const auto& g) { return g.first == mask; });
    if (it == groups.end()) {
      groups.push_back({mask, {s}});
    } else {
      it->second.push_back(s);
    }
  }
  auto join = [](const std::vector<std::string>& words) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
      out += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
    }
    return out;
  };
  std::vector<std::string> parts;
  for (const auto& [mask, states] : groups) {
    std::vector<std::string> names, instances;
    for (State s : states) names.emplace_back(StateName(s));
    for (std::size_t i = 0; i < kInstancesCount; ++i) {
      if (mask & (1u << i)) instances.emplace_back(InstancesName(static_cast<Instances>(i)));
    }
    std::string what = mask == (1u << kInstancesCount) - 1 ? "any instances" : join(instances);
    parts.push_back(join(names) + " (" + what + ")");
  }
  if (may_be_gone_) parts.emplace_back("deleted");
  if (parts.empty()) return "nothing";
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : "; ") + part;
  return out;
}

}  // namespace dj::model
