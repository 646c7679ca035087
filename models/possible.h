// What a job may be, for a target without the control extension (the real service): its
// states move on their own, so the model keeps the set of states the job may be in, given what
// was observed of it and how states can move, and judges an answer by whether some possible
// state allows it. An answer narrows the set to what it implies.
//
// A possible state is abstracted to what DeleteJob depends on: the job's own state and a
// summary of its task instances (none, some active, some FAILED_INTERRUPTED, all completed).
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "models/api_model.h"
#include "models/clauses.h"
#include "models/states.h"

namespace dj::model {

// The task instances of a job as far as DeleteJob cares (TaskInstanceMetrics).
enum class Instances : unsigned char {
  kNone,         // no instance yet (or none at all)
  kActive,       // some instance neither completed nor FAILED_INTERRUPTED
  kInterrupted,  // none active, some FAILED_INTERRUPTED
  kDone,         // every instance SUCCEED or FAILED
};
inline constexpr std::size_t kInstancesCount = 4;
std::string_view InstancesName(Instances i);

struct Phase {
  State job = State::kSubmitted;
  Instances instances = Instances::kNone;
  friend bool operator==(const Phase&, const Phase&) = default;
};
std::string PhaseText(const Phase& p);  // e.g. "RUNNING, instances active"

// Whether a job may move from `from` to `to` on its own (reflexive and transitive): forward
// through SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, back from FAILED_INTERRUPTED to a
// retry, and never out of SUCCEED or FAILED; instances may change while the job is unfinished,
// and only towards all-completed once it is finished.
bool MayMove(const Phase& from, const Phase& to);

// A job with the phase's states: one task whose one instance stands for the summary.
Job RepresentativeJob(std::string id, const Phase& p);

// The phase a DescribeJob answer (its Response object) shows, or std::nullopt when it names no
// known JobState. Without TaskInstanceMetrics the instances are unknown: `instances_known`
// is false and the phase's instances are kNone.
struct ObservedPhase {
  Phase phase;
  bool instances_known = true;
};
std::optional<ObservedPhase> PhaseFromDescribe(const nlohmann::json& response);

// One outcome the model allows, with the clause that decides it and the phases it fits.
struct PossibleDecision {
  Clause clause = Clause::kEnvShape;
  Decision decision;
  std::vector<Phase> phases;  // empty for "gone"
  bool gone = false;
};

class PossibleJob {
 public:
  // A job that SubmitJob returned at `submitted_ms` (the harness's steady clock). When
  // `runs_at_least_ms` > 0 the job cannot finish on its own before submitted_ms plus that
  // (a job definition that keeps running, e.g. `sleep 3600`), unless it is terminated.
  PossibleJob(std::string id, std::int64_t submitted_ms, std::int64_t runs_at_least_ms);

  const std::string& id() const { return id_; }
  // Let time pass up to `now_ms`: every phase reachable from a possible one becomes possible.
  void Elapse(std::int64_t now_ms);
  // The decisions of a request on this job over every possible state, one per clause.
  std::vector<PossibleDecision> Decide(const ApiRequest& request) const;
  // What an answer implies: keep only the states from which `keep` decided it.
  void Narrow(const PossibleDecision& keep);
  // DescribeJob showed the job in `seen`. False (and the set becomes {seen}) when no possible
  // state could be shown so: the target moved the job in a way jobs cannot move.
  bool Observe(const ObservedPhase& seen);
  // Whether DescribeJob may show the job in `seen` (Observe would return true).
  bool Shows(const ObservedPhase& seen) const;
  // The same job without its promised run time, as it may be at `now_ms`: what it may be if
  // the target finished it early (the promise is the run's premise, not an API rule).
  PossibleJob Unpromised(std::int64_t now_ms) const;
  // Forget the promised run time from now on.
  void DropPromise(std::int64_t now_ms) { *this = Unpromised(now_ms); }
  std::int64_t submitted_ms() const { return submitted_ms_; }
  // The job was reported not found although it may still exist: false when it cannot be gone.
  bool ObserveGone();
  // TerminateJob succeeded: the job may now finish at once.
  void Terminated();
  // A request whose effect is unknown (no answer): the job may also be gone.
  void MayBeGone() { may_be_gone_ = true; }

  bool CanBeGone() const { return may_be_gone_; }
  bool CertainlyGone() const { return may_be_gone_ && phases_.none(); }
  bool CanExist() const { return phases_.any(); }
  bool MayBeDeletable() const;
  bool CertainlyFinished() const;  // every possible state is completed (job and instances)
  bool terminated() const { return terminated_; }
  // Before this (the steady clock) the job cannot finish on its own; 0 when it may at any time.
  std::int64_t EarliestFinishMs() const {
    return terminated_ || runs_at_least_ms_ <= 0 ? 0 : submitted_ms_ + runs_at_least_ms_;
  }
  std::vector<Phase> Phases() const;
  std::string Text() const;  // for findings: "one of: RUNNING, instances active; ..."

 private:
  static std::size_t Index(const Phase& p);
  static Phase FromIndex(std::size_t i);
  bool FinishAllowed(std::int64_t now_ms) const;

  std::string id_;
  std::int64_t submitted_ms_;
  std::int64_t runs_at_least_ms_;
  std::bitset<kStateCount * kInstancesCount> phases_;
  bool may_be_gone_ = false;
  bool terminated_ = false;
};

}  // namespace dj::model
