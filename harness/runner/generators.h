// RapidCheck generators of history steps from the state a history has reached (as far as
// generation can predict it). They choose plausible arguments; judging is the Driver's.
#pragma once

#include <rapidcheck.h>

#include <optional>
#include <string_view>
#include <vector>

#include "harness/protocol/codec.h"
#include "harness/runner/steps.h"
#include "models/actions.h"
#include "models/store.h"

namespace dj::run {

// What generation predicts of a job of the run's own (targets without control).
struct OwnedGen {
  bool slow = false;        // keeps running until terminated
  bool running = false;     // awaited until RUNNING
  bool finished = false;    // awaited until finished
  bool terminated = false;  // TerminateJob was sent
  bool deleted = false;     // DeleteJob was sent once it had finished
  friend bool operator==(const OwnedGen&, const OwnedGen&) = default;
};

// What generation knows: the jobs as the steps so far should have left them.
struct GenModel {
  model::Store store;
  bool control = true;  // CreateJob and AdvanceClock are available
  std::vector<protocol::Style> styles = {protocol::Style::kApi3Post};
  int credentials = 1;          // how many credentials the run has (ApiCall::credential below it)
  int threads = 8;              // a concurrent batch's threads
  std::vector<OwnedGen> owned;  // "@owned-N" is owned[N]
  int max_owned = 3;            // Submit steps per history at most
  // DeleteJob's limit as the run judges it (--limit): the rate-limit examples fill its window.
  int delete_limit = model::DefaultLimitPerSecond(model::Action::kDeleteJob);
  bool exact_clock = false;     // the target's clock is ours: AUTH-2's exact edge is probed
  bool size_probes = true;      // COM-6's requests at and over the size limits (SizeProbes)
};

// Which property a step belongs to (properties.def).
enum class PropertyKind : unsigned char {
#define DJ_PROPERTY(e, name, aims, summary) e,
#include "harness/runner/properties.def"
#undef DJ_PROPERTY
};
inline constexpr PropertyKind kAllProperties[] = {
#define DJ_PROPERTY(e, name, aims, summary) PropertyKind::e,
#include "harness/runner/properties.def"
#undef DJ_PROPERTY
};
std::string_view PropertyName(PropertyKind kind);
std::optional<PropertyKind> PropertyFromName(std::string_view name);
// The clause ids the property's histories are built to reach: globs separated by spaces.
std::string_view PropertyAims(PropertyKind kind);
// What the property's histories do, in one paragraph (docs/clauses.md).
std::string_view PropertySummary(PropertyKind kind);

// A job for the control extension: any job state, with instances that mix any of the kinds
// completed, FAILED_INTERRUPTED and active (e.g. SUCCEED + FAILED_INTERRUPTED + RUNNING), each
// kind of the mix at least once, so that DEL-1, DEL-3 and DEL-4 meet mixes and not only one
// worst instance; 0-4 tasks of 0-3 instances, every (job state, worst instance state) pair.
rc::Gen<model::Job> GenJob(std::string id);
// The next step of a history.
rc::Gen<Step> GenStep(const GenModel& model, PropertyKind kind);
// Move the generation model by the step's expected effect (no rate limit, strict profile).
void PredictEffect(GenModel& model, const Step& step);
// The owned-jobs property's first history: a quick and a slow job of the run's own through
// every clause a target without control allows (DEL-1, DEL-2, ISO-1, OBS-1, GONE-1..4).
std::vector<Step> OwnedJobsPlan();
// The examples of a property on a target with the control extension: fixed short histories,
// each built to show a clause or a few in the fewest requests and without moving the clock
// (every history starts from a reset target, so its first two DeleteJobs are admitted). A run
// sends them before any generated history, as Schemathesis sends a schema's explicit examples
// first: a target that breaks a clause outright fails within its first requests, at virtual
// time 0. Empty for the owned-jobs property (its plan is OwnedJobsPlan) and for concurrency
// when the model has fewer than two threads.
std::vector<std::vector<Step>> ControlPlan(const GenModel& model, PropertyKind kind);
// COM-6 at each limit, for every style of the run: a DescribeJobs whose job-name filter makes
// it just under the limit by either reading (it must be answered as an ordinary request: a
// gateway tighter than the API, such as nginx's default 1 MB body, is not conformant), and
// one just over it (refused). With control the v3 POST over the limit is AuthCommonPlan's
// oversize DeleteJob. One history per style (a history ends at its first finding), sent once
// a run (ControlPlan, FixedHistories).
std::vector<std::vector<Step>> SizeProbes(const GenModel& model);
// False when the step names an own job ("@owned-N") that no earlier Submit made (shrinking
// drops such histories).
bool OwnedRefsValid(const GenModel& model, const Step& step);
// A whole history of a property from `initial`, as RapidCheck's state machine generates it:
// each step drawn from the state the steps before it should leave. It shrinks like a command
// sequence (fewer steps, simpler steps). `djharness run` and `djharness diff` both draw from it.
rc::Gen<std::vector<Step>> GenHistory(const GenModel& initial, PropertyKind kind);

}  // namespace dj::run
