// The Driver's concurrency (CONC-1, CONC-2): a batch of calls from several threads at once,
// judged as a whole. Each call's envelope is judged as usual; DeleteJob's limit is judged on
// the counts of a batch that happens at one virtual instant (RL-1, RL-2, RL-4); then, after a
// DescribeJob of every job the batch named, each job's calls are checked for linearizability
// against the reference model, from the state the model held before the batch.
#include <algorithm>
#include <chrono>
#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <set>

#include "harness/check/job_history.h"
#include "harness/protocol/envelope.h"
#include "harness/runner/crew.h"
#include "harness/runner/driver.h"
#include "harness/runner/driver_util.h"
#include "models/job_id.h"

namespace dj::run {
namespace {

using model::Clause;
using nlohmann::json;

// One call of the batch and what became of it; times in ns from the batch's start. A call sent
// again after a limiter's refusal (target-contract §3) is one call: from its first send to the
// last answer.
struct Sent {
  int thread = 0;
  const ApiCall* call = nullptr;
  client::Exchange x;
  std::int64_t started = 0;
  std::int64_t ended = 0;
  Backoff backoff;
};

std::optional<std::string> JobIdOf(const model::ApiRequest& r) {
  if (!r.params.is_object()) return std::nullopt;
  auto it = r.params.find("JobId");
  if (it == r.params.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// The JobIds a DescribeJobs call asks for by filter (the batches ask by JobIds).
std::vector<std::string> ListedIds(const model::ApiRequest& r) {
  std::vector<std::string> out;
  if (!r.params.is_object() || !r.params.contains("JobIds") || !r.params["JobIds"].is_array())
    return out;
  for (const json& id : r.params["JobIds"]) {
    if (id.is_string()) out.push_back(id.get<std::string>());
  }
  return out;
}

// A listing's JobState for `id`, or std::nullopt when it does not list the job.
std::optional<std::string> ListedState(const json& response, const std::string& id) {
  auto set = response.find("JobSet");
  if (set == response.end() || !set->is_array()) return std::nullopt;
  for (const json& entry : *set) {
    if (!entry.is_object()) continue;
    auto jid = entry.find("JobId");
    auto state = entry.find("JobState");
    if (jid != entry.end() && jid->is_string() && jid->get_ref<const std::string&>() == id) {
      return state != entry.end() && state->is_string() ? state->get<std::string>()
                                                        : std::string("?");
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<Finding> Driver::JudgeBatchCall(const ApiCall& call, const client::Exchange& x) {
  if (x.transport_error) return JudgeNoAnswer(*x.transport_error);
  Check(Clause::kRobAlive);
  std::vector<Finding> found = JudgeEnvelope(call.request.action, x);
  Check(Clause::kRobNoInternalError);
  if (x.answer.AsOutcome() == model::Err(model::ErrorCode::kInternalError)) {
    found.push_back({Clause::kRobNoInternalError, "a well-formed request got InternalError", ""});
  }
  return found;
}

std::optional<std::vector<client::Target*>> Driver::Lanes(std::size_t threads) {
  std::vector<client::Target*> lanes(config_.lanes.begin(), config_.lanes.end());
  for (auto& own : own_lanes_) lanes.push_back(own.get());
  while (lanes.size() < threads) {
    std::unique_ptr<client::Target> another = target_.Another();
    if (!another) {
      fatal_ = "the target " + target_.Name() +
               " cannot be driven from several threads at once (the concurrency property)";
      return std::nullopt;
    }
    lanes.push_back(another.get());
    own_lanes_.push_back(std::move(another));
  }
  lanes.resize(threads);
  return lanes;
}

std::vector<Finding> Driver::RunBatch(const Batch& batch, const std::string& step) {
  std::vector<Finding> out;
  auto lanes = Lanes(batch.threads.size());
  if (!lanes) return out;

  // ---- send: every thread on its own connection, all released together
  std::vector<std::vector<Sent>> sent(batch.threads.size());
  {
    std::latch ready(static_cast<std::ptrdiff_t>(batch.threads.size()));
    auto origin = std::chrono::steady_clock::now();
    auto since = [origin] {
      return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                                  origin)
          .count();
    };
    std::vector<std::function<void()>> threads;
    for (std::size_t t = 0; t < batch.threads.size(); ++t) {
      threads.emplace_back([&, t] {
        client::ClientConfig c;
        c.region = config_.region;
        c.seed = config_.seed * 1000003 + static_cast<std::uint64_t>(requests_) + t + 1;
        c.wall_seconds = config_.wall_seconds;
        client::ApiClient api(*(*lanes)[t], credentials_.front(), c);
        ready.arrive_and_wait();
        for (const ApiCall& call : batch.threads[t]) {
          // Interrupted: no more calls (the runner judges nothing of this step).
          if (config_.interrupted != nullptr && config_.interrupted->load()) break;
          Sent s;
          s.thread = static_cast<int>(t);
          s.call = &call;
          bool limit_judged = config_.JudgedLimitOf(call.request.action) > 0;
          auto attempt = [&] {
            protocol::HttpRequest encoded = EncodeCall(call, api.Options(), config_.region,
                                                       CredentialsOf(call), config_.skew_margin_s);
            s.x = api.SendEncoded(std::move(encoded));
            return !limit_judged && IsLimitAnswer(s.x);
          };
          s.started = since();
          s.backoff = RetryWhileLimited(attempt, config_.limit_backoff, config_.sleep_ms,
                                        [this] { return Interrupted(); });
          s.ended = since();
          sent[t].push_back(std::move(s));
        }
      });
    }
    if (!config_.crew) config_.crew = std::make_shared<Crew>();
    config_.crew->RunAll(std::move(threads));
  }
  std::vector<Sent*> all;
  for (auto& thread : sent) {
    for (Sent& s : thread) all.push_back(&s);
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Sent* a, const Sent* b) { return a->started < b->started; });
  std::int64_t waited = 0;  // the threads back off at once: the longest thread's pauses
  std::map<int, std::int64_t> waited_by_thread;
  const Sent* gave_up = nullptr;
  for (const Sent* s : all) {
    requests_ += s->backoff.attempts;
    waited = std::max(waited, waited_by_thread[s->thread] += s->backoff.waited_ms);
    if (s->backoff.gave_up && gave_up == nullptr) gave_up = s;
  }
  pacing_ms_ += waited;
  if (gave_up != nullptr && !fatal_) {
    fatal_ = GaveUpText(model::ActionName(gave_up->call->request.action), gave_up->backoff);
  }

  // ---- every answer's envelope, as for any call; a call without an answer as for any call
  bool ask_canary = false;
  for (Sent* s : all) {
    std::vector<Finding> found = JudgeBatchCall(*s->call, s->x);
    ask_canary = ask_canary || (s->x.transport_error &&
                                ClassifyNoAnswer(*s->x.transport_error) == NoAnswer::kAskCanary);
    retry_note_ = RetriedNote(s->backoff);
    Record("thread " + std::to_string(s->thread + 1) + ": " + Describe(Step(*s->call)), "api", s->x,
           found);
    trace_.back().thread = s->thread;
    trace_.back().started_ms = static_cast<double>(s->started) / 1e6;
    trace_.back().ended_ms = static_cast<double>(s->ended) / 1e6;
    out.insert(out.end(), found.begin(), found.end());
  }
  if (ask_canary) {
    bool answered = false;
    std::vector<Finding> found = Canary(
        "a batch", "no answer to some calls of a concurrent batch, and none to the canary after it",
        answered);
    out.insert(out.end(), found.begin(), found.end());
  }
  (void)step;

  // ---- DeleteJob's limit, on the counts: every call of the batch is at one virtual instant
  const bool lenient = config_.profile == model::Profile::kLenient;
  std::map<model::RateKey, std::vector<const Sent*>> counted;
  for (const Sent* s : all) {
    if (config_.JudgedLimitOf(s->call->request.action) > 0)
      counted[RateKeyOf(*s->call)].push_back(s);
  }
  if (!counted.empty()) {
    const model::Interval now{now_ms_, now_ms_};
    int limit = 0;
    int total = 0;
    int admitted_or_unknown = 0;
    int sent_before_all = 0;
    for (const auto& [key, calls] : counted) {
      limit = config_.JudgedLimitOf(key.action);
      model::RateVerdict before = judge_->Judge(key, now, limit);
      sent_before_all = before.sent_in_window_all;
      int admitted = 0;
      int unknown = 0;
      for (const Sent* s : calls) {
        if (s->x.transport_error) {
          ++unknown;
        } else if (!IsLimitAnswer(s->x)) {
          ++admitted;
        }
      }
      total += static_cast<int>(calls.size());
      admitted_or_unknown += admitted + unknown;
      // RL-2: no more admissions than the window has room for.
      int room = std::max(0, limit * judge_->options().slack - before.admitted_in_window);
      Check(Clause::kRateExceeded);
      if (admitted > room) {
        out.push_back({Clause::kRateExceeded,
                       std::to_string(admitted) + " of " + std::to_string(calls.size()) +
                           " concurrent " + std::string(model::ActionName(key.action)) +
                           " requests were admitted at one instant, with " +
                           std::to_string(before.admitted_in_window) +
                           " already admitted within the second (limit " + std::to_string(limit) +
                           ")",
                       ""});
      }
      // RL-4: a credential's first request within the window is not crowded out by others'.
      if (!lenient && !config_.more_credentials.empty() && before.sent_in_window == 0) {
        Check(Clause::kRatePerCredential);
        if (admitted + unknown == 0) {
          out.push_back({Clause::kRatePerCredential,
                         "every one of " + std::to_string(calls.size()) +
                             " concurrent requests of a credential that had sent none within "
                             "the second was refused (limit " +
                             std::to_string(limit) + "): other credentials spent its limit",
                         ""});
        }
      }
    }
    // RL-1: in any order, the first (limit - sent before) requests were within the limit.
    int due = std::min(total, std::max(0, limit - sent_before_all));
    if (due > 0) Check(Clause::kRateLiveness);
    if (admitted_or_unknown < due) {
      out.push_back({Clause::kRateLiveness,
                     "only " + std::to_string(admitted_or_unknown) + " of " +
                         std::to_string(total) +
                         " concurrent DeleteJob requests were admitted, though in any order the "
                         "first " +
                         std::to_string(due) + " were within the limit of " + std::to_string(limit),
                     ""});
    }
    for (const auto& [key, calls] : counted) {
      for (const Sent* s : calls) {
        judge_->Record(key, now,
                       s->x.transport_error  ? model::Admission::kUnknown
                       : IsLimitAnswer(s->x) ? model::Admission::kRefused
                                             : model::Admission::kAdmitted);
      }
    }
  }

  // ---- each job's calls, then a DescribeJob of it after them all, checked for
  // linearizability from the model's state before the batch.
  std::map<std::string, std::vector<check::JobOp>> per_job;
  std::int64_t last = 0;
  for (const Sent* s : all) {
    last = std::max(last, s->ended);
    if (IsLimitAnswer(s->x)) continue;  // refused by a limiter: no effect to order (RL-3)
    check::JobOp op;
    op.invoked = s->started;
    op.completed = s->x.transport_error ? check::kNoAnswer : s->ended;
    if (!s->x.transport_error) op.outcome = s->x.answer.AsOutcome();
    op.thread = s->thread;
    std::string shown = s->x.transport_error ? "no answer" : OutcomeText(s->x);
    const model::ApiRequest& r = s->call->request;
    if (r.action == model::Action::kDescribeJobs) {
      op.kind = check::JobOpKind::kList;
      for (const std::string& id : ListedIds(r)) {
        check::JobOp one = op;
        if (op.outcome == model::Ok()) one.listed_state = ListedState(s->x.answer.response, id);
        one.label = "DescribeJobs lists " + id + " -> " +
                    (op.outcome == model::Ok() ? one.listed_state.value_or("not listed") : shown);
        per_job[id].push_back(std::move(one));
      }
      continue;
    }
    auto id = JobIdOf(r);
    if (!id || !model::IsWellFormedJobId(*id)) continue;
    op.kind = r.action == model::Action::kDeleteJob      ? check::JobOpKind::kDelete
              : r.action == model::Action::kTerminateJob ? check::JobOpKind::kTerminate
                                                         : check::JobOpKind::kDescribe;
    if (op.kind == check::JobOpKind::kDescribe) op.response = s->x.answer.response;
    op.label = std::string(model::ActionName(r.action)) + " " + *id + " -> " + shown;
    per_job[*id].push_back(std::move(op));
  }
  for (auto& [id, ops] : per_job) {
    // What the job is once every call is answered: the last word of its history.
    ApiCall probe = Probing(model::DescribeJobRequest(id));
    std::int64_t started = last + 1;
    client::Exchange p = Send(probe);
    Record("probe: DescribeJob " + id + " after the batch", "probe", p, {});
    check::JobOp after;
    after.kind = check::JobOpKind::kDescribe;
    after.invoked = started;
    after.completed = p.transport_error ? check::kNoAnswer : started + 1;
    if (!p.transport_error) after.outcome = p.answer.AsOutcome();
    after.response = p.answer.response;
    after.thread = -1;
    after.label = "DescribeJob " + id + " after the batch -> " + OutcomeText(p);
    ops.push_back(std::move(after));
  }

  for (auto& [id, ops] : per_job) {
    const model::Job* before = store_.Find(id);
    std::optional<model::Job> initial =
        before != nullptr ? std::optional<model::Job>(*before) : std::nullopt;
    int deletes = static_cast<int>(std::count_if(ops.begin(), ops.end(), [](const auto& op) {
      return op.kind == check::JobOpKind::kDelete && op.outcome.has_value();
    }));
    if (before != nullptr && model::IsDeletable(*before) && deletes >= 2)
      Check(Clause::kConcDoubleDelete);
    Check(Clause::kConcLinearizable);
    check::JobVerdict v = check::CheckJobHistory(id, initial, ops, config_.profile);
    if (v.gave_up) continue;  // too many ways to order: not judged
    if (v.linearizable) {
      if (v.final) {
        store_.Put(*v.final);
      } else if (before != nullptr) {
        store_.Erase(id);
      }
      continue;
    }
    // Overlapping deletes that no order explains, each explainable alone: the job was
    // deletable (from the start, or once a concurrent TerminateJob finished it), and more than
    // one delete succeeded.
    bool double_delete = check::OnlyDeletes(ops, v.minimal);
    // Calls that do not overlap show a defect of one call, under that call's own clause.
    std::optional<check::SequentialBreach> sequential =
        double_delete ? std::nullopt
                      : check::SequentialClause(id, initial, ops, v.minimal, config_.profile);
    std::string text =
        sequential ? "the answer to " + ops[sequential->op].label + " breaks " +
                         std::string(model::ClauseId(sequential->clause)) +
                         " (found in a concurrent batch)"
        : double_delete
            ? std::to_string(v.minimal.size()) + " concurrent DeleteJob calls on " + id +
                  " cannot all be answered so: of concurrent deletes of one job exactly one "
                  "succeeds and the others get ResourceNotFound.Job"
            : "the calls on " + id +
                  " cannot be put in any order that the reference model answers so: the " +
                  std::to_string(v.minimal.size()) + " below cannot be explained, whatever its " +
                  std::to_string(ops.size() - v.minimal.size()) + " other calls did";
    std::string detail =
        "  calls on " + id + ", from " +
        (before != nullptr ? "a " + std::string(model::StateName(before->state)) + " job"
                           : std::string("no such job")) +
        ", times in ms from the batch's start:\n" + check::Timeline(ops, v.minimal);
    out.push_back({sequential      ? sequential->clause
                   : double_delete ? Clause::kConcDoubleDelete
                                   : Clause::kConcLinearizable,
                   text, detail});
    trace_.back().findings.push_back(out.back());
  }
  return out;
}

}  // namespace dj::run
