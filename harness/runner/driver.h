// The Driver executes Steps against a target and judges every answer against its own copy of
// the reference model, which it moves by what the target was observed to do. It is the system
// under test of the RapidCheck histories and the engine of `djharness replay`.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/client/api_client.h"
#include "harness/client/pacer.h"
#include "harness/runner/backoff.h"
#include "harness/runner/ledger.h"
#include "harness/runner/premises.h"
#include "harness/runner/request_ids.h"
#include "harness/runner/steps.h"
#include "models/possible.h"
#include "models/rate_judge.h"
#include "models/store.h"

namespace dj::run {

class Crew;

// Driver::fatal() texts the runner ends a run on without an error of the target.
inline constexpr std::string_view kInterrupted = "interrupted";
inline constexpr std::string_view kBudgetSpent = "the request budget is spent";

// A breach of one clause, found by judging one answer.
struct Finding {
  Finding() = default;
  Finding(model::Clause c, std::string m, std::string d = {})
      : clause(c), message(std::move(m)), detail(std::move(d)) {}

  model::Clause clause = model::Clause::kEnvShape;
  std::string message;
  std::string detail;  // more lines for people: the timeline of a concurrency finding
  // The answer was still understood and the model followed it, so the steps after it are
  // judged as usual (an envelope defect in an answer whose outcome could be read).
  bool in_step = false;
};

struct DriverConfig {
  model::Profile profile = model::Profile::kStrict;
  std::string region = "ap-guangzhou";
  bool control = true;        // use the control extension (only when a control target is given)
  std::string control_token;  // sent as X-Conformance-Token when not empty
  protocol::Style probe_style = protocol::Style::kApi3Post;  // style of the driver's own probes
  std::int64_t skew_margin_s = 5;       // AUTH-2 is probed at 300 - margin and 300 + margin seconds
  // The target's signature clock reads the same second as wall_seconds (the in-process mock):
  // AUTH-2 is then probed at its exact edge too (the timestamp-299/300/301 faults), and judged
  // exactly when no second ticked between signing and the answer. Without it those faults are
  // not generated, and any answer to one that is replayed is allowed.
  bool exact_clock = false;
  model::Limits limits;                 // requests per second; absent = actions.def default
  // The run's other credentials: ApiCall::credential 1 is more_credentials[0] (RL-4).
  std::vector<protocol::Credentials> more_credentials;
  // Judging the target's limiter (model/rate_judge.h): admissions a window may hold as a
  // multiple of the limit (2 accepts fixed-window limiters), and in real time how far the
  // target's clock may misjudge a gap.
  int rate_slack = 1;
  std::int64_t rate_margin_ms = 50;
  // Without control the driver paces rate-limited actions to this fraction of their limit,
  // with a pacer that outlives one history (the target's limiter does too), and judges the
  // target's limiter with a judge that does too. Empty: the driver makes its own.
  double pacing_fraction = 0.9;
  std::shared_ptr<client::Pacer> pacer;
  // Connections for the concurrency property's threads (not owned); the driver opens more
  // with Target::Another() when a batch has more threads than this.
  std::vector<client::Target*> lanes;
  // The threads that send a batch's calls, kept between batches; the driver starts its own
  // when empty.
  std::shared_ptr<Crew> crew;
  std::shared_ptr<model::RateJudge> rate_judge;
  // Without control, on the steady clock: requests sent before this may share a window with
  // ones sent before the run began (another run's cleanup, another client), which the judge
  // cannot know; RL-1 and RL-4 are not demanded of them.
  std::int64_t demand_admission_from_ms = 0;
  // Without control: Begin() waits until no request sent so far can share a window with the
  // history's (the rate-limit schedules, so that each one shows its finding on its own).
  bool quiet_start = false;
  std::uint64_t seed = 1;  // v1 nonces
  // Without control, the run's own jobs (target-contract §4, the owned-jobs property): the
  // SubmitJob parameters of a job that finishes on its own soon, and of one that keeps running
  // at least slow_runs_at_least_ms after it was submitted unless terminated (0: no such bound,
  // so a delete of it while it runs cannot be told from one after it finished).
  nlohmann::json job_definition;
  nlohmann::json slow_job_definition;
  std::int64_t slow_runs_at_least_ms = 0;
  std::shared_ptr<Ledger> ledger;  // every job submitted and deleted; may be empty
  // The run's premises, shared by its drivers; the driver makes its own when empty.
  std::shared_ptr<Premises> premises;
  // The RequestIds answered so far in the run (ENV-3), shared by its drivers; the driver makes
  // its own when empty, for its own life.
  std::shared_ptr<RequestIdLog> request_ids;
  // Await's pauses between DescribeJobs: the first, doubled after each up to the second.
  std::int64_t await_first_pause_ms = 100;
  std::int64_t await_max_pause_ms = 5000;
  // Set by a signal handler: no request is sent after it is set (the step ends as fatal).
  const std::atomic<bool>* interrupted = nullptr;
  // Requests the run may still send (--budget), shared by every driver of the run; empty = no
  // cap. At zero the step ends as fatal with kBudgetSpent.
  std::shared_ptr<std::atomic<std::int64_t>> budget;
  // RequestLimitExceeded answered to an action whose limit is not judged (every one but
  // DeleteJob's, target-contract §3): the call is sent again within this budget.
  BackoffPolicy limit_backoff;
  // Clocks and waiting, injectable for tests; default to the system's. A batch's threads may
  // call sleep_ms at once (their backoff).
  std::function<std::int64_t()> wall_seconds;
  std::function<std::int64_t()> steady_ms;
  std::function<void(std::int64_t ms)> sleep_ms;

  // The action's limit: what the pacer keeps under without control.
  int LimitOf(model::Action a) const;
  // The limit RL-1 to RL-4 judge: DeleteJob's, the only one in the contract; 0 for every other
  // action, whose limit only paces (docs/profiles-and-decisions.md).
  int JudgedLimitOf(model::Action a) const;
};

// Fill the clocks and the waiting that are unset with the system's.
void DefaultClocks(DriverConfig& config);

// The options of the judge of a target's limiter: virtual time (control) or real time.
model::RateJudgeOptions JudgeOptions(const DriverConfig& config, bool control);

// One request of the current history and what became of it.
struct Recorded {
  std::string step;               // Describe() of the step that sent it
  std::string kind;               // "api", "probe" or "control"
  protocol::HttpRequest request;  // as sent (empty for control steps)
  std::optional<std::string> transport_error;
  protocol::HttpResponse response;
  std::string outcome;  // "success", an error code, "HTTP 413", "no answer", ...
  std::vector<Finding> findings;
  int thread = -1;  // a batch's calls: which thread sent it, and when (ms from the batch's start)
  double started_ms = 0;
  double ended_ms = 0;
  std::string action;  // the API action, for API requests
  // When it was sent on the limiter's clock (virtual with control, steady without), in ms from
  // the history's Begin(); -1 for control steps and the calls of a batch.
  double at_ms = -1;
  // Why it was sent more than once, or why its clause was not judged ("" when neither).
  std::string note;
};

// A step that sent no API request (a control request, a pause, a skipped call).
inline Recorded ControlRecord(std::string step, std::string outcome) {
  Recorded r;
  r.step = std::move(step);
  r.kind = "control";
  r.outcome = std::move(outcome);
  return r;
}

// The DeleteJob requests on a job the model knew, by (job state, worst instance state): what
// was answered, and how many of the answers broke a clause. A job whose instances mix kinds
// (SUCCEED + FAILED_INTERRUPTED + RUNNING) is counted under its worst instance, which alone
// decides the clause with the job state: each cell is one clause's (generators_test).
struct DeleteCellKey {
  model::State job_state = model::State::kSubmitted;
  std::optional<model::State> instances;  // std::nullopt: no instances
  auto operator<=>(const DeleteCellKey&) const = default;
};
struct DeleteCellTally {
  std::map<std::string, std::int64_t> outcomes;
  std::int64_t findings = 0;
};

class Driver {
 public:
  // `control` may be the same object as `target`, another one, or nullptr (no control).
  Driver(client::Target& target, client::Target* control, protocol::Credentials credentials,
         DriverConfig config);

  // Start a history: reset the target (with control) and the model. Fails when the control
  // extension cannot be used.
  Result<bool> Begin();
  // Execute one step, judge every answer, move the model by what was observed.
  std::vector<Finding> Execute(const Step& step);
  // Whether the target answers at all: one DescribeJob of the canary id, traced as a probe and
  // not judged. The run asks it before it decides that the target stopped answering, so that
  // a target that never answers some requests (ROB-1, already reported) is still judged on
  // everything else.
  bool StillAnswers();

  // Set when a control request failed: the run cannot go on (not a finding about the API).
  const std::optional<std::string>& fatal() const { return fatal_; }
  const std::vector<Recorded>& trace() const { return trace_; }
  // How many answers were judged under each clause row, over the driver's life.
  const std::map<model::Clause, int>& checks() const { return checks_; }
  std::int64_t requests() const { return requests_; }
  int steps() const { return steps_; }  // steps executed since Begin()
  const std::map<DeleteCellKey, DeleteCellTally>& delete_cells() const { return delete_cells_; }
  double pacing_seconds() const { return static_cast<double>(pacing_ms_) / 1000.0; }
  // Time on the limiter's clock since Begin(): virtual with control (moved only by clock
  // steps), real (steady) without.
  std::int64_t limiter_ms_since_begin() const { return LimiterNow() - history_origin_ms_; }
  const model::Store& store() const { return store_; }
  // Take a job of the run's own (from a ledger, for cleanup) as the history's next "@owned-N",
  // in an unknown state. Returns N.
  int Adopt(const std::string& job_id);
  // What the driver knows of one of the run's own jobs, nullptr for any other id.
  const model::PossibleJob* Owned(std::string_view job_id) const;
  // The ids of this history's own jobs, "@owned-N" at index N ("" when its SubmitJob failed).
  const std::vector<std::string>& owned_order() const { return owned_order_; }

 private:
  // What the model expects of one API request.
  struct Expectation {
    model::Clause clause = model::Clause::kEnvShape;
    model::Decision decision;  // for requests that reach the model
    bool reached_model = false;
    bool counted = false;  // the request counted against a rate limit
    model::RateKey rate_key;
    int limit = 0;
    model::Interval when;     // when it was sent and answered, on the limiter's clock
    model::RateVerdict rate;  // what any conformant limiter must do with it
    // One of the run's own jobs (no control): the decisions over every state it may be in,
    // which of them the answer fitted, and those states for people.
    std::vector<model::PossibleDecision> possible;
    std::optional<std::size_t> chosen;
    std::string possible_text;
  };

  // One API call's findings, with what the model expected and what was answered.
  struct ApiResult {
    std::vector<Finding> findings;
    std::optional<model::Clause> clause;
    std::optional<model::Outcome> outcome;
    bool limited = false;     // refused by a limiter, as the judge allows
    nlohmann::json response;  // the Response object of a success
  };

  ApiResult RunOne(const ApiCall& call, const std::string& step);
  std::vector<Finding> RunApi(const ApiCall& call, const std::string& step);
  std::vector<Finding> RunSameInStyles(const SameInStyles& same, const std::string& step);
  std::vector<Finding> RunCreate(const CreateJob& create, const std::string& step);
  std::vector<Finding> RunAdvance(const AdvanceClock& advance, const std::string& step);

  std::vector<Finding> RunPause(const Pause& pause, const std::string& step);
  // The run's own jobs: owned.cc.
  std::vector<Finding> RunSubmit(const Submit& submit, const std::string& step);
  std::vector<Finding> RunAwait(const Await& await, const std::string& step);
  // The call with "@owned-N" replaced by the job's id; std::nullopt when no such job was made.
  std::optional<ApiCall> Resolve(const ApiCall& call) const;
  model::PossibleJob* OwnedJobOf(const ApiCall& call);
  // An own job's answer that fits no state it may be in, but would if the slow job could
  // have finished early: the premise is checked (CheckSlowJobPremise) before anything is
  // judged, and when it failed the job is judged without its promise.
  void DoubtPromise(model::PossibleJob& job, bool fits_promised, bool fits_unpromised);
  // A twin of the slow job, described once it is as old as `age_ms`: still unfinished means
  // the premise held. Sets config_.premises' verdict and returns it.
  bool CheckSlowJobPremise(std::int64_t age_ms);
  // Move what the driver knows of an own job by the answer; OBS-1 and ISO-1 findings.
  std::vector<Finding> Follow(const ApiCall& call, const Expectation& expected,
                              const client::Exchange& x, model::PossibleJob& job);
  bool KnownDeleted(const std::string& id) const;
  // Concurrency: batch.cc.
  std::vector<Finding> RunBatch(const Batch& batch, const std::string& step);
  // One call of a batch: ROB-1, its envelope and ROB-2 (the batch judges the rest together).
  std::vector<Finding> JudgeBatchCall(const ApiCall& call, const client::Exchange& x);
  // One connection per thread, or std::nullopt (fatal_ set) when the target has too few.
  std::optional<std::vector<client::Target*>> Lanes(std::size_t threads);

  // Pace, encode and send one call without judging it (the driver's own probes).
  client::Exchange Send(const ApiCall& call);
  // Send an encoded call; an answer of RequestLimitExceeded to an action whose limit is not
  // judged is sent again, encoded afresh, after a backoff (target-contract §3). A spent
  // backoff budget sets fatal_.
  client::Exchange Transmit(const ApiCall& call, protocol::HttpRequest encoded);
  // What the model expects of the encoded call, before the limiter is considered.
  Expectation Expect(const ApiCall& call, const protocol::HttpRequest& encoded);
  // AUTH-2 at the window's exact edge: when the target may have seen the planted timestamp
  // at exactly 300 s (or the clock is not ours), a refusal as expired and an ordinary answer
  // are both allowed; `expected` becomes what the answer fits. `ticked_s`: seconds our clock
  // moved between signing and the answer.
  void ResolveClockEdge(const ApiCall& call, Expectation& expected, const client::Exchange& x,
                        std::int64_t ticked_s);
  // COM-6 from below: an ordinary request under its style's size limit by every reading of
  // the limit, refused for its size (HTTP 413, 414 or 431, or RequestSizeLimitExceeded).
  // Requests near the limit (SizeProbes) count as COM-6 checks whatever their answer.
  std::optional<Finding> RefusedUnderLimit(const ApiCall& call, const Expectation& expected,
                                           const client::Exchange& x);
  // A size probe (near-limit, over-limit) that timed out or was closed after it was sent
  // whole: a front end may give up on a large request so, and a slow one may pass the call's
  // deadline with 10 MB to read. Not judged; the canary after it decides ROB-1.
  static bool LostSizeProbe(const ApiCall& call, const client::Exchange& x);
  std::vector<Finding> AfterLostSizeProbe(const client::Exchange& x);
  // What the limiter must do with a counted request sent during `when` (RL-1, RL-2, RL-4).
  void ExpectRate(Expectation& e, model::Interval when) const;
  // Judge an answer: envelope, outcome, OBS-1, GONE-2. May replace `expected` when the lenient
  // profile accepts the answer as if the fault were absent.
  std::vector<Finding> Judge(const ApiCall& call, Expectation& expected, const client::Exchange& x);
  // ENV-1 to ENV-5 of one answer (an HTTP answer).
  std::vector<Finding> JudgeEnvelope(model::Action action, const client::Exchange& x);
  // The envelope of a probe's answer (a DescribeJob or DescribeJobs the driver sends itself);
  // nothing for no answer or a limiter's refusal.
  std::vector<Finding> JudgeProbeAnswer(model::Action action, const client::Exchange& p);
  // The answer's outcome against the expected clause's allowed outcomes (or ROB-2).
  std::vector<Finding> JudgeOutcome(const ApiCall& call, Expectation& expected,
                                    const client::Exchange& x, const model::Outcome& outcome);
  // The rate-limit clauses of a counted request (RL-1, RL-4); true when they decide the answer.
  bool JudgeRate(const ApiCall& call, Expectation& expected, const model::Outcome& outcome,
                 std::vector<Finding>& out);
  // A request without an answer: what its transport error shows by itself (ROB-1, ENV-1).
  std::vector<Finding> JudgeNoAnswer(const client::TransportError& error);
  // A request without an answer that shows nothing by itself: the canary decides ROB-1, and
  // when it is answered the request's clause is not judged (its trace says so).
  std::vector<Finding> AfterNoAnswer(const ApiCall& call, const client::Exchange& x);
  // ROB-1's canary DescribeJob of planted::kCanaryId (ID-4 when the history did not make it),
  // recorded in the trace. `silent` opens the finding when it gets no answer, `after` names
  // what it follows; `answered` says whether it got an HTTP answer. A canary answer without an
  // envelope is ROB-1 only when what it follows had one (`after_envelope`), else ENV-1.
  std::vector<Finding> Canary(const std::string& after, const std::string& silent,
                              bool& answered, bool after_envelope = true);
  // Move the model by the observed answer.
  void Observe(const ApiCall& call, const client::Exchange& x);
  // After a TerminateJob with several plausible effects (model::TerminatedJobs): a DescribeJob
  // tells which one the target chose; OBS-1 when it shows none of them.
  std::vector<Finding> SettleTerminate();
  // Look at the target after a refusal or a deletion: ISO-1, ISO-2, ISO-3, RL-3, ROB-1.
  std::vector<Finding> Probe(const ApiCall& call, const client::Exchange& x);
  // Every job the model holds but `except` is as it was (`clause`, the findings' text starting
  // with `after`): a listing shows each with its JobState, then DescribeJob its instances.
  std::vector<Finding> OthersUnchanged(const std::string& except, model::Clause clause,
                                       const std::string& after);
  std::vector<Finding> InstancesUnchanged(const nlohmann::json& ids, model::Clause clause,
                                          const std::string& after);
  // GONE-2 after a deletion: one way of listing jobs (the next in turn) does not show `gone`.
  std::vector<Finding> GoneFromListings(const model::Job& gone);
  // Without control: wait until a rate-limited action may be sent (or, for an unpaced call,
  // tell the pacer it went).
  void Pace(const ApiCall& call);
  // The limiter's clock: virtual with control, real (steady) without.
  std::int64_t LimiterNow() const;
  const protocol::Credentials& CredentialsOf(const ApiCall& call) const;
  model::RateKey RateKeyOf(const ApiCall& call) const;

  void Check(model::Clause c) { ++checks_[c]; }
  // Take one request from the budget; false (and fatal_ set) when none is left.
  bool Spend();
  bool Interrupted() const { return config_.interrupted != nullptr && config_.interrupted->load(); }
  void Record(const std::string& step, const std::string& kind, const client::Exchange& x,
              std::vector<Finding> findings);
  ApiCall Probing(model::ApiRequest request) const;
  std::optional<std::string> NamedJob(const model::ApiRequest& request) const;

  client::Target& target_;
  client::Target* control_target_;
  std::vector<protocol::Credentials> credentials_;  // [0] the main one, then more_credentials
  DriverConfig config_;
  client::ApiClient api_;
  std::optional<client::ControlClient> control_;

  model::Store store_;
  std::int64_t now_ms_ = 0;                  // the target's virtual clock (control mode)
  std::shared_ptr<client::Pacer> pacer_;     // our own pacing (without control)
  std::shared_ptr<model::RateJudge> judge_;  // what the target's limiter must do
  std::vector<std::unique_ptr<client::Target>> own_lanes_;  // opened by Lanes()
  std::vector<std::string> owned_order_;
  std::map<std::string, model::PossibleJob, std::less<>> owned_;
  std::set<std::string, std::less<>> refused_since_seen_;  // own jobs with a refused DeleteJob
  std::vector<model::Job> terminated_may_be_;  // set by Observe for SettleTerminate
  std::optional<model::Job> last_deleted_;     // as it was before its DeleteJob succeeded
  std::size_t listing_turn_ = 0;               // GoneFromListings' next way of listing

  std::vector<Recorded> trace_;
  int steps_ = 0;
  std::int64_t history_origin_ms_ = 0;                     // LimiterNow() at Begin()
  std::map<DeleteCellKey, DeleteCellTally> delete_cells_;  // over the driver's life
  std::map<model::Clause, int> checks_;
  std::optional<std::string> fatal_;
  std::int64_t requests_ = 0;
  std::int64_t pacing_ms_ = 0;  // pacing under limits and backing off from limiters
  std::string retry_note_;      // Transmit's note for the next Record
};

}  // namespace dj::run
