// Properties, rounds and the results document.
//
// One round runs a property for `runs` histories. The first clause that a history breaks
// becomes the round's clause: RapidCheck then shrinks the history, and only breaches of that
// same clause count as failures while it does, so the shrunk history shows exactly one clause.
// The next round sets the clause aside and looks for the next one.
#include "harness/runner/runner.h"

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "harness/protocol/clocks.h"
#include "harness/runner/crew.h"
#include "harness/runner/generators.h"

namespace dj::run {
namespace {

using model::Clause;
using nlohmann::json;

class QuietListener final : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

// Which findings fail a history in this round.
struct ClauseFilter {
  const std::set<std::string>& reported;  // clauses found in earlier rounds
  const std::string& only;
  std::optional<std::string> sticky;  // the round's clause, once found

  bool Excluded(Clause c) const {
    std::string id(model::ClauseId(c));
    return !model::Info(c).judged || (!only.empty() && !ClauseMatches(only, id));
  }
  bool Fails(Clause c) const {
    std::string id(model::ClauseId(c));
    if (Excluded(c) || reported.contains(id)) return false;
    return !sticky || *sticky == id;
  }
};

// Whether the model still follows the target after a finding of `f`'s clause, so that the
// history's later steps may be judged: the driver moved the model by what the answer said (an
// outcome it could read, a refusal, a deletion it saw succeed). After the others (an effect the
// driver did not see: a changed job, a misread id, an InternalError, no answer) the target's
// state is unknown, and judging on would report one defect many times.
bool KeepsModelInStep(const Finding& f) {
  if (f.in_step) return true;
  switch (f.clause) {
    case Clause::kEnvRequestId:
    case Clause::kEnvRequestIdUnique:
    case Clause::kEnvDeleteSuccessShape:
    case Clause::kStyleSame:
    case Clause::kRateLiveness:
    case Clause::kRateExceeded:
    case Clause::kRatePerCredential:
    case Clause::kDelCompleted:
    case Clause::kDelJobActive:
    case Clause::kDelInstanceActive:
    case Clause::kDelInterrupted:
    case Clause::kGoneDescribe:
    case Clause::kGoneListed:
    case Clause::kGoneDeleteAgain:
    case Clause::kGoneTerminate:
    case Clause::kIdUnknown:
      return true;
    default:
      return false;
  }
}

// What one step's findings mean for the round: every finding is read, and the first that fails
// the round wins, wherever it stands among findings of clauses reported already.
struct StepVerdict {
  std::optional<Finding> failing;  // fails the round
  bool out_of_step = false;        // another finding left the model behind the target
};

StepVerdict ReadFindings(const std::vector<Finding>& findings, const ClauseFilter& filter) {
  StepVerdict v;
  for (const Finding& f : findings) {
    if (!filter.Excluded(f.clause) && filter.Fails(f.clause)) {
      if (!v.failing) v.failing = f;
    } else if (!KeepsModelInStep(f)) {
      v.out_of_step = true;
    }
  }
  return v;
}

// The last history that failed with the round's clause: after shrinking, the shortest.
struct Capture {
  std::optional<std::string> fatal;
  // The target stopped answering (kSilentLimit): every later history fails at once, unsent.
  bool silent = false;
  double seconds_to_find = 0;  // when the round's first failure happened
  std::int64_t requests_to_find = 0;
  std::int64_t limiter_ms_to_find = 0;  // the same on the limiter's clock
  std::optional<Finding> finding;
  std::vector<Step> steps;
  std::vector<Recorded> trace;
};

// The system under test of one history: the driver, and where its verdicts go.
struct Totals {
  std::map<Clause, int> checks;
  std::map<Clause, int> findings;  // answers that broke each clause row
  std::int64_t histories = 0;
  std::int64_t requests = 0;
  std::int64_t limiter_ms = 0;  // the histories' time on the limiter's clock, added up
  double pacing_seconds = 0;
  int failures = 0;
  // For the reports: one row per history, the DeleteJob coverage cells, and the first few
  // schedules of the rate-limit property.
  std::vector<report::HistoryRow> rows;
  std::map<std::string, int> rows_per_property;
  std::map<DeleteCellKey, DeleteCellTally> cells;
  std::vector<report::Schedule> schedules;
};

// Rate-limit schedules kept for the reports (the failures' own histories are kept besides).
constexpr std::size_t kSchedulesKept = 3;

report::Schedule ScheduleOf(const std::vector<Recorded>& trace, std::string property, int index,
                            bool control) {
  report::Schedule s{std::move(property), index, control ? "virtual" : "real", {}};
  for (const Recorded& r : trace) {
    if (r.kind != "api" || r.at_ms < 0) continue;
    s.requests.push_back({r.at_ms, r.action, r.outcome, !r.findings.empty()});
  }
  return s;
}

struct History {
  Driver& driver;
  ClauseFilter& filter;
  Capture& capture;
  const Totals& totals;
  int& no_answer_streak;  // requests in a row, over the whole run, that got no answer
  std::chrono::steady_clock::time_point start;
  std::vector<Step> executed;
  // After a finding that does not fail the round (a clause reported in an earlier round, or
  // another clause while shrinking) and leaves the model behind the target (KeepsModelInStep),
  // the rest of the history is not judged, so that one defect is not reported many times.
  bool diverged = false;
  // Set by the first SIGINT or SIGTERM: the step it came during is not judged (a call it cut
  // off is no fault of the target), and the history ends.
  const std::atomic<bool>* interrupted = nullptr;
};

bool Raised(const std::atomic<bool>* flag) { return flag != nullptr && flag->load(); }

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::int64_t RequestsSoFar(const History& h) { return h.totals.requests + h.driver.requests(); }

// Once ROB-1 is reported (or left out by --only), this many requests in a row without an answer
// and then an unanswered canary end the run: the target has stopped answering, and every
// further history would only wait for its timeouts (hundreds of them with the default --runs).
// A target that answers the canary only ignores some requests, and the run goes on.
constexpr int kSilentLimit = 3;

// Counts the unanswered requests the driver traced from `from` on; whether the run should end.
bool TargetFellSilent(History& h, std::size_t from) {
  const std::vector<Recorded>& trace = h.driver.trace();
  for (std::size_t i = from; i < trace.size(); ++i) {
    if (trace[i].kind == "control") continue;
    h.no_answer_streak = trace[i].transport_error ? h.no_answer_streak + 1 : 0;
  }
  if (h.no_answer_streak < kSilentLimit ||
      !(h.filter.Excluded(Clause::kRobAlive) || h.filter.reported.contains("ROB-1")))
    return false;
  if (Raised(h.interrupted) || h.driver.fatal()) return false;  // the caller ends the run
  if (!h.driver.StillAnswers()) return !Raised(h.interrupted) && !h.driver.fatal();
  h.no_answer_streak = 0;
  return false;
}

// The short first pass of a run with a request budget.
constexpr int kShortPassRuns = 2;
constexpr std::uint64_t kShortPassSeed = 0x5eed;
// RapidCheck's size at which an integer draws from its whole range: a case's token, whatever
// the size of the case.
constexpr int kCaseTokenSize = 100;

class StepCommand final : public rc::state::Command<GenModel, History> {
 public:
  explicit StepCommand(Step step) : step_(std::move(step)) {}

  void apply(GenModel& model) const override { PredictEffect(model, step_); }
  void checkPreconditions(const GenModel& model) const override {
    RC_PRE(OwnedRefsValid(model, step_));
  }

  void run(const GenModel& /*predicted*/, History& h) const override {
    if (h.diverged) return;
    h.executed.push_back(step_);
    std::size_t traced = h.driver.trace().size();
    std::vector<Finding> findings = h.driver.Execute(step_);
    // Before the checks below: its canary may meet an interrupt or the end of the budget.
    bool silent = TargetFellSilent(h, traced);
    if (Raised(h.interrupted)) {
      h.capture.fatal = std::string(kInterrupted);
      RC_FAIL("the run cannot go on: interrupted");
    }
    if (h.driver.fatal()) {
      h.capture.fatal = *h.driver.fatal();
      RC_FAIL("the run cannot go on: " + *h.driver.fatal());
    }
    if (silent) {
      h.capture.silent = true;
      RC_FAIL("the target stopped answering");
    }
    StepVerdict verdict = ReadFindings(findings, h.filter);
    if (!verdict.failing) {
      h.diverged = verdict.out_of_step;
      return;
    }
    const Finding& f = *verdict.failing;
    if (!h.filter.sticky) {
      h.filter.sticky = std::string(model::ClauseId(f.clause));
      h.capture.seconds_to_find = SecondsSince(h.start);
      h.capture.requests_to_find = RequestsSoFar(h);
      h.capture.limiter_ms_to_find = h.totals.limiter_ms + h.driver.limiter_ms_since_begin();
    }
    h.capture.finding = f;
    h.capture.steps = h.executed;
    h.capture.trace = h.driver.trace();
    RC_FAIL(std::string(model::ClauseId(f.clause)) + ": " + f.message);
  }

  void show(std::ostream& os) const override { os << Describe(step_); }

 private:
  Step step_;
};

using CommandPtr = std::shared_ptr<const rc::state::Command<GenModel, History>>;

// Adds a finished history's counts to the totals, whether it passed or failed (only until the
// round's first failure: shrinking replays histories that must not count twice).
class Tally {
 public:
  Tally(const Driver& driver, const ClauseFilter& filter, Totals& totals, const RunConfig& config,
        std::chrono::steady_clock::time_point start, PropertyKind kind, bool control)
      : driver_(driver),
        filter_(filter),
        counting_(!filter.sticky),
        totals_(totals),
        config_(config),
        start_(start),
        kind_(kind),
        control_(control),
        began_(std::chrono::steady_clock::now()) {}
  ~Tally() {
    if (!counting_) return;
    for (const auto& [clause, n] : driver_.checks()) totals_.checks[clause] += n;
    for (const Recorded& r : driver_.trace()) {
      for (const Finding& f : r.findings) ++totals_.findings[f.clause];
    }
    for (const auto& [key, cell] : driver_.delete_cells()) {
      DeleteCellTally& total = totals_.cells[key];
      for (const auto& [outcome, n] : cell.outcomes) total.outcomes[outcome] += n;
      total.findings += cell.findings;
    }
    std::string property(PropertyName(kind_));
    int index = totals_.rows_per_property[property]++;
    totals_.rows.push_back({property, index, driver_.steps(), static_cast<int>(driver_.requests()),
                            std::round(SecondsSince(began_) * 100000.0) / 100.0,
                            filter_.sticky ? *filter_.sticky : std::string()});
    if (kind_ == PropertyKind::kRateLimit) KeepSchedule(property, index);
    ++totals_.histories;
    totals_.requests += driver_.requests();
    totals_.limiter_ms += driver_.limiter_ms_since_begin();
    totals_.pacing_seconds += driver_.pacing_seconds();
    if (config_.progress) {
      config_.progress(
          {totals_.histories, totals_.requests, totals_.failures,
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count()});
    }
  }
  Tally(const Tally&) = delete;
  Tally& operator=(const Tally&) = delete;

 private:
  // Keeps the kSchedulesKept longest schedules, in the order they ran.
  void KeepSchedule(const std::string& property, int index) {
    report::Schedule s = ScheduleOf(driver_.trace(), property, index, control_);
    std::vector<report::Schedule>& kept = totals_.schedules;
    if (kept.size() < kSchedulesKept) {
      kept.push_back(std::move(s));
      return;
    }
    auto shortest = std::min_element(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
      return a.requests.size() < b.requests.size();
    });
    if (s.requests.size() <= shortest->requests.size()) return;
    kept.erase(shortest);
    kept.push_back(std::move(s));
  }

  const Driver& driver_;
  const ClauseFilter& filter_;
  bool counting_;
  Totals& totals_;
  const RunConfig& config_;
  std::chrono::steady_clock::time_point start_;
  PropertyKind kind_;
  bool control_;
  std::chrono::steady_clock::time_point began_;
};

// RapidCheck prints "Using configuration: seed=..." the first time it loads RC_PARAMS. The run
// passes its own parameters, so that line would only mislead: load it once with stderr muted.
void LoadRapidCheckQuietly() {
  static const bool loaded = [] {
    std::streambuf* saved = std::cerr.rdbuf(nullptr);
    rc::detail::configuration();
    std::cerr.rdbuf(saved);
    std::cerr.clear();
    return true;
  }();
  (void)loaded;
}

// One run of a fixed history from a reset target, up to its first judged finding.
struct Rerun {
  std::optional<Finding> finding;
  std::vector<Step> steps;  // those executed, up to the one that found it
  std::vector<Recorded> trace;
  std::optional<std::string> fatal;
};

// One run of a fixed history from a reset target: the first finding of `wanted` (a clause id;
// empty: any judged clause), read past findings of other clauses as long as the model stays in
// step with the target; else the first finding of another clause.
Rerun RunFixed(const std::vector<Step>& steps, const ClauseFilter& filter, client::Target& target,
               client::Target* control, const protocol::Credentials& credentials,
               const DriverConfig& config, std::string_view wanted = {}) {
  Rerun r;
  std::optional<Finding> other;  // the first finding of another clause
  std::vector<Recorded> other_trace;
  auto settle = [&] {
    if (!other) return;
    r.finding = std::move(other);
    r.trace = std::move(other_trace);
  };
  Driver driver(target, control, credentials, config);
  if (auto begun = driver.Begin(); !begun) {
    r.fatal = begun.error();
    return r;
  }
  for (const Step& step : steps) {
    r.steps.push_back(step);
    std::vector<Finding> findings = driver.Execute(step);
    if (Raised(config.interrupted)) {
      r.fatal = std::string(kInterrupted);
      return r;
    }
    if (driver.fatal()) {
      r.fatal = *driver.fatal();
      return r;
    }
    bool out_of_step = false;
    for (const Finding& f : findings) {
      if (!filter.Excluded(f.clause) && (wanted.empty() || model::ClauseId(f.clause) == wanted)) {
        r.finding = f;
        r.trace = driver.trace();
        return r;
      }
      if (!filter.Excluded(f.clause) && !other) {
        other = f;
        other_trace = driver.trace();
      }
      out_of_step = out_of_step || !KeepsModelInStep(f);
    }
    if (out_of_step) break;
  }
  settle();
  return r;
}

// Simpler histories RapidCheck's shrinking may not reach: without one step, with a created
// job made as simple as possible (no tasks; or SUCCEED with no tasks), with every request
// signed by the main credential (shrinking changes one request at a time, and a rate-limit
// finding often needs two of them to change together), or with a concurrent batch without
// its empty threads or without one of its calls (a race found once may not show on every
// try, which RapidCheck's shrinking takes as "no longer fails").
std::vector<std::vector<Step>> SimplerHistories(const std::vector<Step>& steps) {
  std::vector<std::vector<Step>> out;
  std::vector<Step> one_credential = steps;
  for (Step& step : one_credential) {
    if (auto* call = std::get_if<ApiCall>(&step)) call->credential = 0;
  }
  if (one_credential != steps) out.push_back(std::move(one_credential));
  for (std::size_t i = 0; i < steps.size(); ++i) {
    std::vector<Step> fewer = steps;
    fewer.erase(fewer.begin() + static_cast<std::ptrdiff_t>(i));
    out.push_back(std::move(fewer));
  }
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto* batch = std::get_if<Batch>(&steps[i]);
    if (batch == nullptr) continue;
    // A batch without its empty threads (numbered from 1 again), or without one call.
    Batch compact;
    for (const auto& thread : batch->threads) {
      if (!thread.empty()) compact.threads.push_back(thread);
    }
    if (compact.threads.size() < batch->threads.size()) {
      std::vector<Step> changed = steps;
      changed[i] = compact;
      out.push_back(std::move(changed));
    }
    for (std::size_t t = 0; t < batch->threads.size(); ++t) {
      for (std::size_t c = 0; c < batch->threads[t].size(); ++c) {
        Batch fewer = *batch;
        fewer.threads[t].erase(fewer.threads[t].begin() + static_cast<std::ptrdiff_t>(c));
        std::vector<Step> changed = steps;
        changed[i] = std::move(fewer);
        out.push_back(std::move(changed));
      }
    }
  }
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto* create = std::get_if<CreateJob>(&steps[i]);
    if (create == nullptr) continue;
    for (model::State state : {model::State::kSucceed, create->job.state}) {
      model::Job simple = create->job;
      simple.state = state;
      simple.tasks.clear();
      if (simple == create->job) continue;
      std::vector<Step> changed = steps;
      changed[i] = CreateJob{simple};
      out.push_back(std::move(changed));
    }
  }
  return out;
}

// After RapidCheck: greedily take any simpler history whose first judged finding is still the
// same clause. Histories replay exactly only from a reset target, so only with control.
void SimplifyFurther(Capture& capture, const ClauseFilter& filter, client::Target& target,
                     client::Target* control, const protocol::Credentials& credentials,
                     const DriverConfig& config) {
  if (control == nullptr || !capture.finding) return;
  std::string_view id = model::ClauseId(capture.finding->clause);
  for (bool improved = true; improved;) {
    improved = false;
    for (const std::vector<Step>& candidate : SimplerHistories(capture.steps)) {
      Rerun r = RunFixed(candidate, filter, target, control, credentials, config, id);
      if (r.fatal) return;
      if (r.finding && model::ClauseId(r.finding->clause) == id) {
        capture.finding = r.finding;
        capture.steps = std::move(r.steps);
        capture.trace = std::move(r.trace);
        improved = true;
        break;
      }
    }
  }
}

std::uint64_t RoundSeed(std::uint64_t seed, PropertyKind kind, int round) {
  return seed * std::uint64_t{1000003} + static_cast<std::uint64_t>(kind) * std::uint64_t{7919} +
         static_cast<std::uint64_t>(round);
}

std::string NowIso() {
  auto now = std::chrono::system_clock::now();
  return model::FormatIsoUtc(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

report::FailureReport MakeFailure(const Capture& capture, PropertyKind kind, int round,
                                  std::uint64_t seed, const ReproTarget& repro) {
  report::FailureReport f;
  f.round = round;
  f.seconds_to_find = capture.seconds_to_find;
  f.requests_to_find = capture.requests_to_find;
  f.virtual_seconds_to_find = static_cast<double>(capture.limiter_ms_to_find) / 1000.0;
  f.repro = ReproScript(capture.steps, repro);
  f.clause = std::string(model::ClauseId(capture.finding->clause));
  f.message = capture.finding->message;
  f.timeline = capture.finding->detail;
  f.property = std::string(PropertyName(kind));
  f.seed = seed;
  f.steps = json::array();
  for (const Step& s : capture.steps) f.steps.push_back(s);
  for (const Recorded& r : capture.trace) {
    report::Exchange e;
    e.step = r.step;
    e.kind = r.kind;
    if (r.kind != "control") {
      ++f.requests;
      e.request = client::Describe(r.request);
      e.answer =
          r.transport_error ? "no answer: " + *r.transport_error : client::Describe(r.response);
    }
    e.outcome = r.note.empty() ? r.outcome : r.outcome + " (" + r.note + ")";
    e.thread = r.thread;
    e.started_ms = r.started_ms;
    e.ended_ms = r.ended_ms;
    e.at_ms = r.at_ms;
    for (const Finding& found : r.findings) {
      e.findings.push_back(std::string(model::ClauseId(found.clause)) + ": " + found.message);
    }
    f.history.push_back(std::move(e));
  }
  return f;
}

// Why an unexercised clause was not judged.
std::string SkipReason(std::string_view id, const RunConfig& config, bool control, bool concurrent,
                       bool silent, bool budget_spent, bool interrupted, const Premises& premises) {
  auto ran = [&config](PropertyKind k) {
    return std::find(config.properties.begin(), config.properties.end(), k) !=
           config.properties.end();
  };
  auto rows = model::ClausesWithId(id);
  if (!model::Info(rows.front()).judged) return "driver action: only its envelope is judged";
  if (!config.only.empty() && !ClauseMatches(config.only, id))
    return "excluded by --only " + config.only;
  bool needs_control = std::all_of(rows.begin(), rows.end(), [](Clause c) {
    return model::Info(c).needs == model::Needs::kControl;
  });
  if (needs_control && !control)
    return "needs the conformance control extension, which the target does not offer";
  bool needs_own_jobs = std::all_of(rows.begin(), rows.end(), [](Clause c) {
    return model::Info(c).needs == model::Needs::kOwnJobs;
  });
  if (needs_own_jobs && !control &&
      (!ran(PropertyKind::kOwnedJobs) || !config.driver.job_definition.is_object()))
    return "needs the control extension or jobs of the run's own (the owned-jobs property, with "
           "--job-definition and --slow-job-definition)";
  if (id == "RL-4") {
    if (config.driver.profile == model::Profile::kLenient)
      return "lenient profile: a real account may share one limit among its credentials";
    if (config.driver.more_credentials.empty())
      return "needs a second credential: TENCENTCLOUD_SECRET_ID_2 and TENCENTCLOUD_SECRET_KEY_2";
    if (!ran(PropertyKind::kRateLimit)) return "the rate-limit property was not run";
  }
  if (!control && premises.SlowJobFailed() && id == kSlowJobPremiseClauses)
    return "not judged: a premise of the run failed (" + premises.slow_job_evidence +
           "), so no job of the run's own was certainly still running when it was deleted";
  if (!control && id == kSlowJobPremiseClauses && config.driver.slow_runs_at_least_ms <= 0)
    return "not judged: without --slow-job-seconds no job of the run's own is certainly still "
           "running when it is deleted";
  if (id == "STYLE-1") {
    bool v3 = std::any_of(config.styles.begin(), config.styles.end(), protocol::IsV3);
    bool v1 = !std::all_of(config.styles.begin(), config.styles.end(), protocol::IsV3);
    if (!v3 || !v1)
      return std::string("the run sends only ") + (v3 ? "API 3.0" : "query") +
             " style requests (--style " + config.styles_name +
             "): STYLE-1 compares an API 3.0 request with the same request in query style";
  }
  if (id.starts_with("CONC-")) {
    if (!control)
      return "the concurrency property needs the conformance control extension (jobs in given "
             "states, the virtual rate-limit clock)";
    if (!concurrent)
      return "the target cannot be driven from several threads at once (Target::Another)";
    if (!ran(PropertyKind::kConcurrency)) return "the concurrency property was not run";
  }
  if (interrupted) return "not judged: the run was interrupted before it got there";
  if (silent) return "not judged: the target stopped answering (ROB-1), so the run ended early";
  if (budget_spent) return "not exercised before the request budget (--budget) was spent";
  return "not exercised by this run (try more --runs or other --style)";
}

}  // namespace

bool ClauseMatches(std::string_view glob, std::string_view id) {
  if (glob.empty()) return id.empty();
  if (glob.front() == '*') {
    for (std::size_t i = 0; i <= id.size(); ++i) {
      if (ClauseMatches(glob.substr(1), id.substr(i))) return true;
    }
    return false;
  }
  if (id.empty()) return false;
  if (glob.front() != '?' && glob.front() != id.front()) return false;
  return ClauseMatches(glob.substr(1), id.substr(1));
}

GenModel InitialModel(const RunConfig& config, bool control) {
  GenModel m;
  m.control = control;
  m.styles = config.styles;
  m.credentials = 1 + static_cast<int>(config.driver.more_credentials.size());
  m.threads = config.threads;
  m.delete_limit = config.driver.JudgedLimitOf(model::Action::kDeleteJob);
  m.exact_clock = config.driver.exact_clock;
  m.size_probes = config.size_probes;
  return m;
}

std::vector<std::vector<Step>> FixedHistories(const RunConfig& config, PropertyKind kind,
                                              bool control) {
  if (kind == PropertyKind::kOwnedJobs) return std::vector<std::vector<Step>>(1, OwnedJobsPlan());
  if (control && config.examples) return ControlPlan(InitialModel(config, control), kind);
  if (config.examples && kind == PropertyKind::kAuthCommon) {
    return SizeProbes(InitialModel(config, control));  // COM-6 once a run, read-only
  }
  return {};
}

bool PropertyAimsAt(PropertyKind kind, std::string_view id) {
  std::string_view aims = PropertyAims(kind);
  while (!aims.empty()) {
    std::size_t space = std::min(aims.find(' '), aims.size());
    if (ClauseMatches(aims.substr(0, space), id)) return true;
    aims.remove_prefix(std::min(space + 1, aims.size()));
  }
  return false;
}

Result<report::Results, RunError> RunConformance(const RunConfig& config, client::Target& target,
                                                 client::Target* control,
                                                 const protocol::Credentials& credentials) {
  LoadRapidCheckQuietly();
  auto start = std::chrono::steady_clock::now();
  report::Results results;
  results.version = config.version;
  results.target = config.target_name;
  results.control = config.control_name;
  results.seed = config.seed;
  results.profile = std::string(model::ProfileName(config.driver.profile));
  results.styles = config.styles_name;
  results.runs = config.runs;
  results.max_steps = config.max_steps;
  results.started = NowIso();

  DriverConfig driver_config = config.driver;
  driver_config.control = control != nullptr;
  // Every wait of the run (pacing, quiet windows, Await's pauses) ends soon after an interrupt.
  if (!driver_config.sleep_ms && driver_config.interrupted != nullptr) {
    driver_config.sleep_ms = [stop = driver_config.interrupted](std::int64_t ms) {
      protocol::SleepMsUnless(ms, stop);
    };
  }
  // One pacer and one judge of the target's limiter for the whole run: without control the
  // target's limiter remembers every history, so they must too.
  DefaultClocks(driver_config);
  if (!driver_config.pacer) {
    driver_config.pacer =
        std::make_shared<client::Pacer>(driver_config.pacing_fraction, driver_config.steady_ms,
                                        driver_config.sleep_ms, driver_config.interrupted);
  }
  if (!driver_config.rate_judge) {
    driver_config.rate_judge =
        std::make_shared<model::RateJudge>(JudgeOptions(driver_config, control != nullptr));
  }
  driver_config.probe_style = config.styles.front();
  if (control == nullptr && driver_config.demand_admission_from_ms == 0) {
    driver_config.demand_admission_from_ms =
        driver_config.steady_ms() + 1000 + driver_config.rate_margin_ms;
  }
  GenModel initial = InitialModel(config, control != nullptr);
  // One connection per thread of the concurrency property, kept for the whole run.
  std::vector<std::unique_ptr<client::Target>> lanes;
  for (int t = 0; t < config.threads; ++t) {
    auto lane = target.Another();
    if (!lane) {
      lanes.clear();
      break;
    }
    lanes.push_back(std::move(lane));
  }
  for (const auto& lane : lanes) driver_config.lanes.push_back(lane.get());
  if (!driver_config.crew) driver_config.crew = std::make_shared<Crew>();
  if (!driver_config.premises) driver_config.premises = std::make_shared<Premises>();
  if (!driver_config.request_ids) driver_config.request_ids = std::make_shared<RequestIdLog>();

  Totals totals;
  std::set<std::string> reported;
  std::map<std::string, report::FailureReport> failures;
  QuietListener listener;
  int no_answer_streak = 0;
  bool silent = false;

  // With a request budget, every property first runs a couple of short histories (the most
  // clauses for the fewest requests), then the rest of the budget goes to the full run.
  // The owned-jobs property starts with its plan: one fixed history that reaches every clause
  // a target without control allows, in few requests.
  // With control, every property first sends its examples (ControlPlan): fixed short
  // histories that show its clauses in the fewest requests without moving the clock.
  struct Leg {
    PropertyKind kind;
    bool short_pass = false;                   // the first pass of a run with a budget
    std::vector<std::vector<Step>> plan = {};  // fixed histories instead of generated ones
  };
  std::vector<Leg> legs;
  for (PropertyKind kind : config.properties) {
    auto fixed = FixedHistories(config, kind, control != nullptr);
    if (!fixed.empty()) legs.push_back({kind, false, std::move(fixed)});
    legs.push_back({kind, false});
    if (driver_config.budget && kind != PropertyKind::kOwnedJobs) legs.push_back({kind, true});
  }
  // The plans go first of all; with a budget the short passes next, cheapest per clause first
  // (a planted wire fault is one request for one clause), then the full runs: the most
  // clauses for the fewest requests.
  auto rank = [](const Leg& l) {
    if (!l.plan.empty()) return 0;
    if (!l.short_pass) return 4;
    return l.kind == PropertyKind::kAuthCommon ? 1 : l.kind == PropertyKind::kHistories ? 2 : 3;
  };
  std::stable_sort(legs.begin(), legs.end(),
                   [&](const Leg& a, const Leg& b) { return rank(a) < rank(b); });
  bool budget_spent = false;
  bool interrupted = false;  // the results are partial

  for (const Leg& leg : legs) {
    PropertyKind kind = leg.kind;
    const std::vector<std::vector<Step>>& plan = leg.plan;
    int runs = leg.short_pass ? std::min(config.runs, kShortPassRuns) : config.runs;
    if (!plan.empty()) runs = static_cast<int>(plan.size());
    std::size_t next_plan = 0;  // the plan's next history, over every round
    // RapidCheck evaluates a failing case again while it shrinks it, so each case draws a
    // token from its own random stream (never shrunk) and keeps the example of its token:
    // an example is sent once per case, and a case's reruns do not spend the examples after it.
    std::map<std::uint64_t, std::size_t> example_of_case;
    // The example a round failed on: the next round starts there again, since one finding
    // reports one clause and the example may show others after it.
    std::optional<std::size_t> failed_example;
    int max_steps = config.max_steps;
    if (kind == PropertyKind::kConcurrency && (control == nullptr || lanes.empty())) continue;
    if (kind == PropertyKind::kOwnedJobs) {
      // Jobs of the run's own are for targets without control, where they are the only way to
      // reach DEL-*, GONE-*, ISO-1 and OBS-1; each history waits for real jobs.
      if (control != nullptr || !driver_config.job_definition.is_object()) continue;
      if (plan.empty()) runs = std::min(runs, config.owned_runs);
      max_steps = std::min(max_steps, config.owned_steps);
    }
    if (kind == PropertyKind::kRateLimit && control == nullptr) {
      // Real time: a handful of schedules, after a quiet window, since the target's limiter may
      // still hold requests sent before this property began (by other properties, or before
      // the run: those the judge cannot know).
      runs = std::min(runs, config.realtime_rate_runs);
      max_steps = std::min(max_steps, config.realtime_rate_steps);
      driver_config.sleep_ms(1000 + driver_config.rate_margin_ms);
    }
    // Each real-time schedule starts from a quiet window, so that its finding is its own.
    driver_config.quiet_start = kind == PropertyKind::kRateLimit;
    for (int round = 0; round < config.max_rounds; ++round) {
      ClauseFilter filter{reported, config.only, std::nullopt};
      Capture capture;
      auto property = [&] {
        std::vector<CommandPtr> commands;
        // Interrupted: every candidate passes at once, before generating anything, so that
        // RapidCheck's shrinking ends in a moment.
        if (capture.fatal && *capture.fatal == kInterrupted) return;
        std::vector<Step> steps;
        std::optional<std::size_t> sending;
        if (!plan.empty()) {
          auto token = *rc::gen::noShrink(
              rc::gen::resize(kCaseTokenSize, rc::gen::arbitrary<std::uint64_t>()));
          auto [example, added] = example_of_case.try_emplace(token, next_plan);
          if (added) ++next_plan;
          if (example->second >= plan.size()) return;  // every one has been sent
          sending = example->second;
          steps = plan[*sending];
        } else {
          steps = *GenHistory(initial, kind);
        }
        for (Step& s : steps) commands.push_back(std::make_shared<const StepCommand>(std::move(s)));
        if (capture.silent) RC_FAIL("the target stopped answering");
        if (capture.fatal) return;  // interrupted or out of budget: the rest passes unsent
        // Past the shrinking budget every further candidate passes unsent: RapidCheck then
        // ends with the shortest failing history found so far.
        if (capture.finding &&
            SecondsSince(start) - capture.seconds_to_find > config.max_shrink_seconds)
          return;
        Driver driver(target, control, credentials, driver_config);
        Tally tally(driver, filter, totals, config, start, kind, control != nullptr);
        if (auto begun = driver.Begin(); !begun) {
          capture.fatal = begun.error();
          RC_FAIL("the run cannot go on: " + begun.error());
        }
        History history{driver, filter, capture, totals, no_answer_streak, start, {}};
        history.interrupted = driver_config.interrupted;
        try {
          rc::state::runAll(commands, initial, history);
        } catch (...) {
          if (sending && capture.finding) failed_example = sending;
          throw;
        }
      };
      rc::detail::TestParams params;
      params.seed = RoundSeed(config.seed ^ (leg.short_pass ? kShortPassSeed : 0), kind, round);
      params.maxSuccess = runs;
      params.maxSize = max_steps;
      rc::detail::TestMetadata metadata;
      metadata.id = std::string(PropertyName(kind));
      metadata.description = metadata.id;
      rc::detail::TestResult result =
          rc::detail::checkProperty(rc::detail::toProperty(property), metadata, params, listener);
      if (capture.fatal) {
        if (*capture.fatal == kInterrupted) {
          interrupted = true;
          // What the round found before the interrupt, shrunk as far as it got.
          if (capture.finding) {
            std::string id(model::ClauseId(capture.finding->clause));
            reported.insert(id);
            ++totals.failures;
            failures.emplace(id, MakeFailure(capture, kind, round, params.seed, config.repro));
          }
          break;
        }
        if (*capture.fatal == kBudgetSpent) {
          budget_spent = true;
          break;
        }
        return Failure{RunError{3, *capture.fatal}};
      }
      silent = capture.silent;
      if (result.is<rc::detail::SuccessResult>() || result.is<rc::detail::GaveUpResult>()) break;
      rc::detail::FailureResult failure;
      rc::detail::Error error;
      if (result.match(error)) return Failure{RunError{2, "RapidCheck: " + error.description}};
      if (!result.match(failure) || !capture.finding) {
        if (silent) break;
        return Failure{RunError{3, "a history failed without a finding: " + failure.description}};
      }
      SimplifyFurther(capture, filter, target, control, credentials, driver_config);
      std::string id(model::ClauseId(capture.finding->clause));
      reported.insert(id);
      ++totals.failures;
      failures.emplace(id, MakeFailure(capture, kind, round, params.seed, config.repro));
      if (silent) break;
      if (failed_example) next_plan = *std::exchange(failed_example, std::nullopt);
    }
    if (silent || budget_spent || interrupted) break;
  }
  results.budget_spent = budget_spent;
  results.budget = config.budget;

  // FLAKY or not: replay every failure's shrunk history. Only the clauses the run judged may
  // stop a replay, so the first finding of a deterministic failure is its own clause again.
  if (!silent && !budget_spent && !interrupted) {
    const std::set<std::string> none;
    for (auto& [id, f] : failures) {
      if (interrupted) break;
      std::vector<Step> steps = f.steps.get<std::vector<Step>>();
      DriverConfig replaying = driver_config;
      replaying.quiet_start = f.property == PropertyName(PropertyKind::kRateLimit);
      for (int i = 0; i < config.replays; ++i) {
        Rerun r = RunFixed(steps, ClauseFilter{none, config.only, std::nullopt}, target, control,
                           credentials, replaying, id);
        if (r.fatal) {
          interrupted = *r.fatal == kInterrupted;
          break;  // out of budget, or the control extension failed: as many as were replayed
        }
        ++f.replays;
        if (r.finding && model::ClauseId(r.finding->clause) == id) ++f.reproduced;
      }
    }
  }

  if (interrupted) results.partial = std::string(kInterrupted);
  if (driver_config.premises->SlowJobFailed()) {
    results.premises_failed.push_back(
        "the slow job keeps running for its promised time (--slow-job-seconds): " +
        driver_config.premises->slow_job_evidence + "; " + kSlowJobPremiseClauses +
        " is not judged on the run's own jobs");
  }

  if (control == nullptr && driver_config.ledger) {
    // Leave nothing behind: every job the run made and did not delete is finished and deleted.
    LedgerContents owned = driver_config.ledger->Contents();
    results.jobs_submitted = static_cast<std::int64_t>(owned.jobs.size());
    results.ledger = driver_config.ledger->path().string();
    if (interrupted) {
      // Stopping comes first: the jobs stay for `djharness cleanup LEDGER`.
      for (const LedgerJob& job : owned.Live()) {
        results.jobs_left.push_back((job.job_id.empty() ? job.name : job.job_id) +
                                    ": the run was interrupted before its cleanup");
      }
    } else if (!owned.Live().empty()) {
      DriverConfig cleaning = driver_config;
      cleaning.budget.reset();  // leaving nothing behind comes before the budget
      CleanupReport cleaned = CleanUp(owned, target, credentials, cleaning, config.cleanup_wait_ms);
      results.jobs_left = cleaned.left;
    }
  }

  for (std::string_view id : model::AllClauseIds()) {
    report::ClauseResult c;
    c.id = std::string(id);
    c.text = model::ClauseText(id);
    for (Clause row : model::ClausesWithId(id)) {
      auto it = totals.checks.find(row);
      if (it != totals.checks.end()) c.checks += it->second;
    }
    if (auto it = failures.find(c.id); it != failures.end()) {
      for (Clause row : model::ClausesWithId(id)) c.findings += totals.findings[row];
      const report::FailureReport& f = it->second;
      c.status = f.replays > 0 && f.reproduced < f.replays ? report::Status::kFlaky
                                                           : report::Status::kFailed;
      c.failures = 1;
      c.failure = it->second;
    } else if (c.checks > 0 && model::Info(model::ClausesWithId(id).front()).judged &&
               (config.only.empty() || ClauseMatches(config.only, id))) {
      c.status = report::Status::kPassed;
    } else {
      c.status = report::Status::kSkipped;
      c.reason = SkipReason(id, config, control != nullptr, !lanes.empty(), silent, budget_spent,
                            interrupted, *driver_config.premises);
    }
    results.clauses.push_back(std::move(c));
  }
  for (const auto& [key, cell] : totals.cells) {
    results.delete_cells.push_back(
        {std::string(model::StateName(key.job_state)),
         key.instances ? std::string(model::StateName(*key.instances)) : std::string("none"),
         cell.outcomes, cell.findings});
  }
  results.history_rows = std::move(totals.rows);
  results.rate_schedules = std::move(totals.schedules);
  results.histories = totals.histories;
  results.requests = totals.requests;
  results.pacing_seconds = totals.pacing_seconds;
  results.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return results;
}

Result<std::optional<Finding>, RunError> ReplayHistory(
    const json& steps, const DriverConfig& config, client::Target& target, client::Target* control,
    const protocol::Credentials& credentials, std::string_view wanted, const std::string& only) {
  std::vector<Step> parsed;
  try {
    parsed = steps.get<std::vector<Step>>();
  } catch (const json::exception& e) {
    return Failure{RunError{2, std::string("the recorded history cannot be read: ") + e.what()}};
  }
  const std::set<std::string> none;
  Rerun r = RunFixed(parsed, ClauseFilter{none, only, std::nullopt}, target, control, credentials,
                     config, wanted);
  if (r.fatal) return Failure{RunError{3, *r.fatal}};
  return r.finding;
}

}  // namespace dj::run
