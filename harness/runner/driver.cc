// The Driver: encode, expect, send, judge, observe, probe.
#include "harness/runner/driver.h"

#include <algorithm>
#include <utility>

#include "harness/check/observe.h"
#include "harness/protocol/clocks.h"
#include "harness/protocol/envelope.h"
#include "harness/runner/driver_util.h"
#include "models/job_id.h"

namespace dj::run {
namespace {

using model::Clause;
using nlohmann::json;

// Refusals of a request's parameters as sent, before any job is looked at: a server may check
// them before its limiter or after it.
bool RefusesShape(Clause c) {
  return c == Clause::kIdMalformed || c == Clause::kIdAbsent || c == Clause::kIdNotString ||
         c == Clause::kUnknownParameter || c == Clause::kBodyNotObject ||
         c == Clause::kQueryUndecodable;
}

bool Mentions(const std::vector<Finding>& findings, Clause c) {
  return std::any_of(findings.begin(), findings.end(), [c](const Finding& f) { return f.clause == c; });
}

bool Contains(const std::vector<model::Outcome>& v, const model::Outcome& o) {
  return std::find(v.begin(), v.end(), o) != v.end();
}

// COM-6: the encoded request is over the limit of its style (facts §1).
bool TooLarge(const protocol::HttpRequest& r, protocol::Style style) {
  switch (style) {
    case protocol::Style::kApi3Get:
    case protocol::Style::kQueryGet:
      return r.target.size() > protocol::kGetLimitBytes;
    case protocol::Style::kApi3Post:
      return r.body.size() > protocol::kV3PostLimitBytes;
    case protocol::Style::kFormPost:
      return r.body.size() > protocol::kV1PostLimitBytes;
  }
  return false;
}

// What AUTH-2 demands of a timestamp `shift` s from our clock at signing, when the target's
// clock reads ours (`exact`) and `ticked` s passed before the answer: the skew the target saw
// lies between the two readings. Exactly 300 s is open (the spec leaves the edge undocumented).
enum class EdgeDemand : unsigned char { kAccept, kRefuse, kEither };
EdgeDemand DemandAt(std::int64_t shift, bool exact, std::int64_t ticked) {
  if (!exact || ticked < 0) return EdgeDemand::kEither;
  std::int64_t least = shift < 0 ? -shift : shift - ticked;
  std::int64_t most = shift < 0 ? -shift + ticked : shift;
  if (most < 300) return EdgeDemand::kAccept;
  if (least > 300) return EdgeDemand::kRefuse;
  return EdgeDemand::kEither;
}

}  // namespace

std::string AllowedText(const std::vector<model::Outcome>& allowed) {
  std::string out;
  for (const auto& o : allowed) out += (out.empty() ? "" : " or ") + model::ToString(o);
  return out;
}

NoAnswer ClassifyNoAnswer(const client::TransportError& error) {
  switch (error.kind) {
    case client::TransportErrorKind::kTimeout:
      return NoAnswer::kRobAlive;
    case client::TransportErrorKind::kClosed:
      return error.whole_request_sent ? NoAnswer::kRobAlive : NoAnswer::kAskCanary;
    case client::TransportErrorKind::kMalformed:
    case client::TransportErrorKind::kTooLarge:
      return NoAnswer::kEnvShape;
    case client::TransportErrorKind::kInterrupted:
      return NoAnswer::kEnding;
    case client::TransportErrorKind::kConnect:
    case client::TransportErrorKind::kOther:
      return NoAnswer::kAskCanary;
  }
  return NoAnswer::kAskCanary;
}

std::string OutcomeText(const client::Exchange& x) {
  if (x.transport_error) return "no answer";
  auto o = x.answer.AsOutcome();
  if (o) return model::ToString(*o);
  if (x.answer.code_text) return "unknown code " + x.answer.code_text->substr(0, 80);
  return "unreadable answer";
}

// The request as planted for the fault, encoded with the sender's host, nonce and clock.
protocol::HttpRequest EncodeCall(const ApiCall& call, const protocol::EncodeOptions& sender,
                                 const std::string& region, const protocol::Credentials& creds,
                                 std::int64_t margin) {
  Planted p = Plant(call, region, margin);
  protocol::EncodeOptions o = p.options;
  o.host = sender.host;
  o.nonce = sender.nonce;
  o.language = sender.language;
  o.timestamp = sender.timestamp + p.timestamp_shift;
  protocol::Credentials signer = creds;
  if (p.unknown_secret_id) signer.secret_id = planted::kUnknownSecretId;
  return protocol::Encode(p.call, signer, o);
}

void DefaultClocks(DriverConfig& config) {
  if (!config.wall_seconds) config.wall_seconds = protocol::SystemSeconds;
  if (!config.steady_ms) config.steady_ms = protocol::SteadyMs;
  if (!config.sleep_ms) config.sleep_ms = protocol::SleepMs;
}

model::RateJudgeOptions JudgeOptions(const DriverConfig& config, bool control) {
  model::RateJudgeOptions o;
  o.slack = config.rate_slack;
  o.margin_ms = control ? 0 : config.rate_margin_ms;
  return o;
}

int DriverConfig::LimitOf(model::Action a) const { return model::LimitOf(limits, a); }

int DriverConfig::JudgedLimitOf(model::Action a) const {
  return a == model::Action::kDeleteJob ? LimitOf(a) : 0;
}

Driver::Driver(client::Target& target, client::Target* control, protocol::Credentials credentials,
               DriverConfig config)
    : target_(target),
      control_target_(control),
      credentials_({std::move(credentials)}),
      config_(std::move(config)),
      api_(target, credentials_.front(), [&] {
        client::ClientConfig c;
        c.region = config_.region;
        c.seed = config_.seed;
        c.wall_seconds = config_.wall_seconds;
        return c;
      }()) {
  credentials_.insert(credentials_.end(), config_.more_credentials.begin(),
                      config_.more_credentials.end());
  // Without a control target there is no control, whatever the configuration says: the
  // safety rules for targets without it (target-contract §4) must not depend on a flag.
  config_.control = config_.control && control_target_ != nullptr;
  if (config_.control) control_.emplace(*control_target_, config_.control_token);
  DefaultClocks(config_);
  pacer_ = config_.pacer ? config_.pacer
                         : std::make_shared<client::Pacer>(config_.pacing_fraction,
                                                           config_.steady_ms, config_.sleep_ms);
  // With control every history starts from a reset target, so from an empty judge; without,
  // the target's limiter remembers every history of the run, and so must the judge.
  judge_ = !config_.control && config_.rate_judge
               ? config_.rate_judge
               : std::make_shared<model::RateJudge>(JudgeOptions(config_, config_.control));
  if (!config_.premises) config_.premises = std::make_shared<Premises>();
  if (!config_.request_ids) config_.request_ids = std::make_shared<RequestIdLog>();
}

Result<bool> Driver::Begin() {
  trace_.clear();
  store_.Clear();
  owned_order_.clear();
  owned_.clear();
  refused_since_seen_.clear();
  if (config_.control) judge_->Reset();
  now_ms_ = 0;
  steps_ = 0;
  if (!config_.control && config_.quiet_start) {
    if (auto quiet = judge_->QuietFrom()) {
      std::int64_t wait = *quiet - config_.steady_ms();
      if (wait > 0) {
        config_.sleep_ms(wait);
        pacing_ms_ += wait;
      }
    }
  }
  if (control_) {
    auto reset = control_->Reset();
    if (!reset) {
      fatal_ = reset.error();
      return Failure{reset.error()};
    }
  }
  history_origin_ms_ = LimiterNow();
  return true;
}

std::vector<Finding> Driver::Execute(const Step& step) {
  ++steps_;
  std::string text = Describe(step);
  if (config_.interrupted != nullptr && config_.interrupted->load()) {
    fatal_ = std::string(kInterrupted);
    return {};
  }
  if (NeedsControl(step) && !control_) {
    fatal_ = "the step needs the control extension, which this target does not offer: " + text;
    return {};
  }
  if (static_cast<std::size_t>(CredentialNeeded(step)) >= credentials_.size()) {
    fatal_ =
        "the step needs a second credential (TENCENTCLOUD_SECRET_ID_2 and "
        "TENCENTCLOUD_SECRET_KEY_2), which this run was not given: " +
        text;
    return {};
  }
  return std::visit(
      [&](const auto& s) -> std::vector<Finding> {
        using T = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<T, CreateJob>) return RunCreate(s, text);
        if constexpr (std::is_same_v<T, AdvanceClock>) return RunAdvance(s, text);
        if constexpr (std::is_same_v<T, Pause>) return RunPause(s, text);
        if constexpr (std::is_same_v<T, ApiCall>) return RunApi(s, text);
        if constexpr (std::is_same_v<T, SameInStyles>) return RunSameInStyles(s, text);
        if constexpr (std::is_same_v<T, Batch>) return RunBatch(s, text);
        if constexpr (std::is_same_v<T, Submit>) return RunSubmit(s, text);
        if constexpr (std::is_same_v<T, Await>) return RunAwait(s, text);
      },
      step);
}

std::vector<Finding> Driver::RunCreate(const CreateJob& create, const std::string& step) {
  auto id = control_->PutJob(model::ToControlJson(create.job));
  Recorded r = ControlRecord(step, id ? "created" : "control failed");
  trace_.push_back(std::move(r));
  if (!id) {
    fatal_ = id.error();
  } else if (*id != create.job.id) {
    fatal_ = "the control extension created " + *id + " instead of " + create.job.id;
  } else {
    store_.Put(create.job);
  }
  return {};
}

std::vector<Finding> Driver::RunAdvance(const AdvanceClock& advance, const std::string& step) {
  auto now = control_->AdvanceClock(advance.ms);
  trace_.push_back(ControlRecord(step, now ? "advanced" : "control failed"));
  if (!now) {
    fatal_ = now.error();
  } else {
    now_ms_ = *now;
  }
  return {};
}

std::vector<Finding> Driver::RunPause(const Pause& pause, const std::string& step) {
  if (pause.ms > 0) config_.sleep_ms(pause.ms);
  trace_.push_back(ControlRecord(step, "waited"));
  return {};
}

std::optional<std::string> Driver::NamedJob(const model::ApiRequest& request) const {
  if (!request.params.is_object()) return std::nullopt;
  auto it = request.params.find("JobId");
  if (it == request.params.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

ApiCall Driver::Probing(model::ApiRequest request) const {
  return ApiCall{std::move(request), config_.probe_style, Encoding{}, WireFault::kNone};
}

const protocol::Credentials& Driver::CredentialsOf(const ApiCall& call) const {
  auto i = static_cast<std::size_t>(call.credential);
  return i < credentials_.size() ? credentials_[i] : credentials_.front();
}

model::RateKey Driver::RateKeyOf(const ApiCall& call) const {
  return {CredentialsOf(call).secret_id, call.request.action, config_.region};
}

std::int64_t Driver::LimiterNow() const { return config_.control ? now_ms_ : config_.steady_ms(); }

void Driver::Pace(const ApiCall& call) {
  int limit = config_.LimitOf(call.request.action);
  if (config_.control || limit <= 0) return;
  if (call.paced) {
    pacing_ms_ += pacer_->Acquire(RateKeyOf(call), limit);
  } else {
    pacer_->Spend(RateKeyOf(call), limit);
  }
}

bool Driver::Spend() {
  if (!config_.budget) return true;
  if (config_.budget->fetch_sub(1) > 0) return true;
  fatal_ = std::string(kBudgetSpent);
  return false;
}

client::Exchange Driver::Send(const ApiCall& call) {
  if (!Spend()) {
    client::Exchange unsent;
    unsent.transport_error = client::TransportError{std::string(kBudgetSpent),
                                                    client::TransportErrorKind::kInterrupted};
    return unsent;
  }
  Pace(call);
  return Transmit(call, EncodeCall(call, api_.Options(), config_.region, CredentialsOf(call),
                                   config_.skew_margin_s));
}

client::Exchange Driver::Transmit(const ApiCall& call, protocol::HttpRequest encoded) {
  const bool limit_judged = config_.JudgedLimitOf(call.request.action) > 0;
  client::Exchange x;
  int sends = 0;
  auto attempt = [&] {
    if (sends++ > 0) {
      if (!Spend()) return false;  // x keeps the last refusal; fatal_ says why the run ends
      encoded = EncodeCall(call, api_.Options(), config_.region, CredentialsOf(call),
                           config_.skew_margin_s);
    }
    x = api_.SendEncoded(std::move(encoded));
    ++requests_;
    return !limit_judged && IsLimitAnswer(x);
  };
  auto stop = [this] {
    if (Interrupted() && !fatal_) fatal_ = std::string(kInterrupted);
    return fatal_.has_value();
  };
  Backoff b = RetryWhileLimited(attempt, config_.limit_backoff, config_.sleep_ms, stop);
  pacing_ms_ += b.waited_ms;
  retry_note_ = RetriedNote(b);
  if (b.gave_up && !fatal_) fatal_ = GaveUpText(model::ActionName(call.request.action), b);
  return x;
}

void Driver::Record(const std::string& step, const std::string& kind, const client::Exchange& x,
                    std::vector<Finding> findings) {
  Recorded r;
  r.step = step;
  r.kind = kind;
  r.request = x.request;
  if (x.transport_error) r.transport_error = x.transport_error->message;
  r.response = x.response;
  r.outcome = OutcomeText(x);
  r.note = std::exchange(retry_note_, std::string());
  r.findings = std::move(findings);
  trace_.push_back(std::move(r));
}

Driver::Expectation Driver::Expect(const ApiCall& call, const protocol::HttpRequest& encoded) {
  Expectation e;
  auto fault_clause = ExpectedClause(call.fault, call.style);
  // The mock's order (and a gateway's): method, size, then common parameters and
  // authentication, then the rate limiter, then the parameters.
  if (call.fault == WireFault::kWrongMethod) {
    e.clause = *fault_clause;
    return e;
  }
  if (TooLarge(encoded, call.style)) {
    e.clause = Clause::kTooLarge;
    return e;
  }
  if (fault_clause && RefusedBeforeLimiter(call.fault)) {
    e.clause = *fault_clause;
    return e;
  }
  // From here on the request counts against the action's limit (target-contract §3); what
  // the limiter must do with it is known once it has been sent (ExpectRate).
  e.limit = config_.JudgedLimitOf(call.request.action);
  if (e.limit > 0) {
    e.counted = true;
    e.rate_key = RateKeyOf(call);
  }
  if (fault_clause) {
    e.clause = *fault_clause;
    return e;
  }
  e.decision = model::Decide(store_, AsReceived(call), {});
  e.reached_model = true;
  e.clause = e.decision.clause;
  return e;
}

void Driver::ResolveClockEdge(const ApiCall& call, Expectation& expected,
                              const client::Exchange& x, std::int64_t ticked_s) {
  auto shift = EdgeShift(call.fault);
  if (!shift || x.transport_error) return;
  if (DemandAt(*shift, config_.exact_clock, ticked_s) != EdgeDemand::kEither) return;
  if (x.answer.AsOutcome() == model::Err(model::ErrorCode::kAuthSignatureExpire)) {
    // Refused before the limiter and the parameters: nothing counted, nothing decided.
    Expectation refused;
    refused.clause = Clause::kAuthExpired;
    refused.when = expected.when;
    expected = refused;
  } else if (expected.clause == Clause::kAuthExpired) {
    ApiCall valid = call;
    valid.fault = WireFault::kNone;
    Expectation accepted = Expect(valid, x.request);
    ExpectRate(accepted, expected.when);
    expected = accepted;
  }
}

std::optional<Finding> Driver::RefusedUnderLimit(const ApiCall& call, const Expectation& expected,
                                                 const client::Exchange& x) {
  if (expected.clause == Clause::kTooLarge || ExpectedClause(call.fault, call.style)) return {};
  std::size_t bytes = WireBytes(x.request);
  std::size_t limit = SizeLimitBytes(call.style, /*decimal=*/true);
  if (bytes >= limit || x.transport_error) return {};
  std::string how;
  int status = x.answer.http_status;
  if (status == 413 || status == 414 || status == 431) {
    how = "HTTP " + std::to_string(status);
  } else if (x.answer.AsOutcome() == model::Err(model::ErrorCode::kRequestSizeLimitExceeded)) {
    how = "RequestSizeLimitExceeded";
  }
  if (!how.empty() || bytes * 10 > limit * 9) Check(Clause::kTooLarge);  // refused, or a probe
  if (how.empty()) return {};
  return Finding{Clause::kTooLarge,
                 "a request under the size limit of its style was refused with " + how + " (" +
                     std::to_string(bytes) + " bytes in " +
                     std::string(protocol::StyleName(call.style)) + ", whose limit is " +
                     std::to_string(limit / 1000) + " KB)"};
}

bool Driver::LostSizeProbe(const ApiCall& call, const client::Exchange& x) {
  bool probe = call.fault == WireFault::kNearLimit || call.fault == WireFault::kOverLimit;
  return probe && x.transport_error &&
         ClassifyNoAnswer(*x.transport_error) == NoAnswer::kRobAlive;
}

std::vector<Finding> Driver::AfterLostSizeProbe(const client::Exchange& x) {
  std::size_t own = trace_.size() - 1;  // RunOne recorded the request before its probes
  bool answered = false;
  std::vector<Finding> found =
      Canary("a size probe that got no answer",
             "no answer to a size probe (" + x.transport_error->message +
                 "), and none to the canary after it",
             answered);
  if (answered) {
    trace_[own].note =
        "not judged: a large request without an answer, and the canary after it was answered";
  }
  return found;
}

void Driver::ExpectRate(Expectation& e, model::Interval when) const {
  e.when = when;
  if (!e.counted) return;
  e.rate = judge_->Judge(e.rate_key, when, e.limit);
  if (!config_.control && when.from_ms < config_.demand_admission_from_ms) {
    e.rate.must_admit = false;
    e.rate.must_admit_own = false;
  }
  if (e.rate.must_refuse) {
    e.clause = Clause::kRateExceeded;
    e.reached_model = false;
  }
}

std::vector<Finding> Driver::JudgeEnvelope(model::Action action, const client::Exchange& x) {
  std::vector<Finding> out;
  for (const auto& v : protocol::CheckEnvelope(x.answer, action, config_.profile)) {
    out.push_back({v.clause, v.detail});
  }
  Check(Clause::kEnvShape);
  Check(Clause::kEnvRequestId);
  Check(Clause::kEnvErrorShape);
  if (action == model::Action::kDeleteJob && x.answer.IsSuccess())
    Check(Clause::kEnvDeleteSuccessShape);
  if (x.answer.request_id && !x.answer.request_id->empty()) {
    Check(Clause::kEnvRequestIdUnique);
    if (!config_.request_ids->Insert(*x.answer.request_id)) {
      out.push_back({Clause::kEnvRequestIdUnique, "RequestId " +
                                                      x.answer.request_id->substr(0, 64) +
                                                      " was already answered in this run"});
    }
  }
  return out;
}

std::vector<Finding> Driver::JudgeProbeAnswer(model::Action action, const client::Exchange& p) {
  if (p.transport_error || IsLimitAnswer(p)) return {};
  std::vector<Finding> out = JudgeEnvelope(action, p);
  auto outcome = p.answer.AsOutcome();
  if (outcome) {
    for (Finding& f : out) f.in_step = true;
  }
  // A probe is a well-formed request: it never gets InternalError, whatever comes after.
  Check(Clause::kRobNoInternalError);
  if (outcome == model::Err(model::ErrorCode::kInternalError)) {
    out.push_back({Clause::kRobNoInternalError,
                   "the harness's own well-formed " + std::string(model::ActionName(action)) +
                       " got InternalError"});
  }
  return out;
}

std::vector<Finding> Driver::JudgeNoAnswer(const client::TransportError& error) {
  switch (ClassifyNoAnswer(error)) {
    case NoAnswer::kRobAlive:
      Check(Clause::kRobAlive);
      return {{Clause::kRobAlive, "no answer: " + error.message}};
    case NoAnswer::kEnvShape:
      Check(Clause::kEnvShape);
      return {{Clause::kEnvShape, "not a readable HTTP answer: " + error.message}};
    case NoAnswer::kEnding:
      if (!fatal_) fatal_ = std::string(kInterrupted);
      return {};
    case NoAnswer::kAskCanary:
      return {};  // AfterNoAnswer asks the canary once the request is in the trace
  }
  return {};
}

bool Driver::JudgeRate(const ApiCall& call, Expectation& expected, const model::Outcome& outcome,
                       std::vector<Finding>& out) {
  bool limit_code =
      outcome.kind == model::OutcomeKind::kError && model::IsRateLimitCode(outcome.code);
  // The limiter's demands on a request it need not refuse: RL-1 when the stream over every
  // credential was paced; RL-4 when it is its credential's first request within the window
  // and only the other credentials' requests crowd it. A refusal with some of its own
  // requests and some of the others' in the window could be either defect (a limit below
  // the documented one, or a shared one), and each has plainer evidence: not judged.
  bool lenient = config_.profile == model::Profile::kLenient;
  bool per_credential = !lenient && !config_.more_credentials.empty() &&
                        !expected.rate.must_admit && expected.rate.must_admit_own &&
                        expected.rate.sent_in_window == 0;
  bool demanded = expected.rate.must_admit || per_credential;
  if (expected.rate.must_admit) Check(Clause::kRateLiveness);
  if (per_credential) Check(Clause::kRatePerCredential);
  if (!limit_code) return false;
  if (!demanded) {
    expected.clause = Clause::kRateExceeded;  // a refusal the judge allows
    return true;
  }
  std::string sent = std::to_string(expected.rate.sent_in_window + 1);
  std::string limit = std::to_string(expected.limit);
  if (expected.rate.must_admit) {
    out.push_back({Clause::kRateLiveness,
                   "answered " + model::ToString(outcome) + " although only " + sent + " " +
                       std::string(model::ActionName(call.request.action)) +
                       " requests, this one included, were sent within one second (limit " +
                       limit + ")"});
  } else {
    out.push_back({Clause::kRatePerCredential,
                   "answered " + model::ToString(outcome) +
                       " to its credential's first request within one second (limit " + limit +
                       "): the other credential's requests spent its limit"});
  }
  return true;
}

std::vector<Finding> Driver::JudgeOutcome(const ApiCall& call, Expectation& expected,
                                          const client::Exchange& x,
                                          const model::Outcome& outcome) {
  std::vector<Finding> out;
  if (!model::Info(expected.clause).judged) return out;
  std::vector<model::Outcome> allowed = model::Allowed(expected.clause, config_.profile);
  bool ok = Contains(allowed, outcome);
  // One of the run's own jobs: the answer may fit any state the job may be in. It checks a
  // clause only when every such state expects the same answers: where they disagree, the
  // answer tells which state the job was in, and no answer of the others' would have broken
  // the clause (a DeleteJob of a job that may be RUNNING or may have finished).
  const std::vector<model::PossibleDecision>& possible = expected.possible;
  bool one_clause = std::all_of(possible.begin(), possible.end(), [&](const auto& p) {
    return model::Allowed(p.clause, config_.profile) ==
           model::Allowed(possible.front().clause, config_.profile);
  });
  for (std::size_t i = 0; i < possible.size(); ++i) {
    if (Contains(model::Allowed(possible[i].clause, config_.profile), outcome)) {
      ok = true;
      expected.chosen = i;
      expected.clause = possible[i].clause;
      break;
    }
  }
  if (!ok || one_clause) Check(expected.clause);
  if (!ok && Contains(allowed, model::AsIfValid())) {
    // Lenient: the target may ignore the fault and answer the request as if it were valid.
    ApiCall valid = call;
    valid.fault = WireFault::kNone;
    Expectation alt = Expect(valid, x.request);
    ExpectRate(alt, expected.when);
    ok = Contains(model::Allowed(alt.clause, config_.profile), outcome);
    if (ok) expected = alt;
  }
  if (ok) return out;
  std::string what = "answered " + model::ToString(outcome) + "; " +
                     std::string(model::ClauseId(expected.clause)) + " expects " +
                     AllowedText(allowed);
  if (!expected.possible.empty()) what += ", for a job that may be: " + expected.possible_text;
  if (expected.clause == Clause::kRateExceeded) {
    what += ": " + std::to_string(expected.rate.admitted_in_window) +
            " requests were already admitted within the second before it (limit " +
            std::to_string(expected.limit) + ")";
  }
  bool internal = outcome == model::Err(model::ErrorCode::kInternalError);
  out.push_back({internal ? Clause::kRobNoInternalError : expected.clause, what});
  return out;
}

std::vector<Finding> Driver::Judge(const ApiCall& call, Expectation& expected,
                                   const client::Exchange& x) {
  if (x.transport_error) return JudgeNoAnswer(*x.transport_error);
  Check(Clause::kRobAlive);
  // A front end's refusal that the expected clause allows as a bare status is that clause's
  // answer, with no envelope to judge (docs/clauses.md): passed or failed by its profile.
  if (auto refusal = protocol::HttpRefusal(x.answer, expected.clause)) {
    return JudgeOutcome(call, expected, x, *refusal);
  }
  model::Action action = call.request.action;
  std::vector<Finding> out = JudgeEnvelope(action, x);
  auto outcome = x.answer.AsOutcome();
  if (!outcome) return out;  // not an envelope, or a code the project does not know: ENV-* said so
  for (Finding& f : out) f.in_step = true;  // the outcome was read: the model follows it
  // Actions outside the contract's limit may still be limited by a target: a transient answer
  // (Transmit backed off from it) from which nothing is judged (target-contract §3).
  if (IsLimitAnswer(x) && config_.JudgedLimitOf(action) <= 0) return out;
  bool well_formed = call.fault == WireFault::kNone || !ExpectedClause(call.fault, call.style);
  if (well_formed) Check(Clause::kRobNoInternalError);
  if (expected.counted && expected.clause != Clause::kRateExceeded &&
      JudgeRate(call, expected, *outcome, out)) {
    return out;
  }
  std::vector<Finding> judged = JudgeOutcome(call, expected, x, *outcome);
  out.insert(out.end(), judged.begin(), judged.end());
  // OBS-1: what DescribeJob reports of an existing job.
  if (expected.clause == Clause::kObsDescribe && x.answer.IsSuccess()) {
    auto id = NamedJob(call.request);
    if (const model::Job* job = id ? store_.Find(*id) : nullptr) {
      for (const auto& diff : check::CompareDescribedJob(x.answer.response, *job)) {
        out.push_back({Clause::kObsDescribe, "DescribeJob of " + job->id + ": " + diff});
      }
    }
  }
  // GONE-2: a listing never shows a deleted job.
  auto any_deleted = [this] {
    return store_.AnyDeleted() || std::any_of(owned_.begin(), owned_.end(), [](const auto& o) {
             return o.second.CertainlyGone();
           });
  };
  if (action == model::Action::kDescribeJobs && x.answer.IsSuccess() && any_deleted()) {
    Check(Clause::kGoneListed);
    auto set = x.answer.response.find("JobSet");
    if (set != x.answer.response.end() && set->is_array()) {
      for (const json& entry : *set) {
        auto id = entry.is_object() ? entry.find("JobId") : entry.end();
        if (entry.is_object() && id != entry.end() && id->is_string() &&
            KnownDeleted(id->get<std::string>())) {
          out.push_back({Clause::kGoneListed,
                         "DescribeJobs still lists the deleted job " + id->get<std::string>()});
        }
      }
    }
  }
  return out;
}

void Driver::Observe(const ApiCall& call, const client::Exchange& x) {
  if (x.transport_error || !x.answer.IsSuccess()) return;
  auto id = NamedJob(call.request);
  if (!id || store_.Find(*id) == nullptr) return;
  if (call.request.action == model::Action::kDeleteJob) {
    last_deleted_ = *store_.Find(*id);
    store_.Erase(*id);
  } else if (call.request.action == model::Action::kTerminateJob) {
    std::vector<model::Job> plausible = model::TerminatedJobs(*store_.Find(*id));
    store_.Put(plausible.front());
    if (plausible.size() > 1) terminated_may_be_ = std::move(plausible);
  }
}

std::vector<Finding> Driver::SettleTerminate() {
  std::vector<model::Job> plausible = std::move(terminated_may_be_);
  terminated_may_be_.clear();
  const std::string id = plausible.front().id;
  client::Exchange p = Send(Probing(model::DescribeJobRequest(id)));
  std::vector<Finding> found = JudgeProbeAnswer(model::Action::kDescribeJob, p);
  if (!p.transport_error && p.answer.IsSuccess()) {
    Check(Clause::kObsDescribe);
    auto fits = std::find_if(plausible.begin(), plausible.end(), [&](const model::Job& j) {
      return check::CompareDescribedJob(p.answer.response, j).empty();
    });
    if (fits != plausible.end()) {
      store_.Put(*fits);
    } else {
      for (const auto& diff : check::CompareDescribedJob(p.answer.response, plausible.front())) {
        found.push_back({Clause::kObsDescribe,
                         "after TerminateJob of " + id + ", which no plausible effect of it " +
                             "explains (its unfinished instances FAILED, or no change): " + diff});
      }
    }
  }
  Record("probe: DescribeJob " + id + " after TerminateJob", "probe", p, found);
  return found;
}

bool Driver::StillAnswers() {
  client::Exchange p = Send(Probing(model::DescribeJobRequest(planted::kCanaryId)));
  Record("probe: does the target still answer (canary DescribeJob, not judged)", "probe", p, {});
  return !p.transport_error;
}

std::vector<Finding> Driver::Canary(const std::string& after, const std::string& silent,
                                   bool& answered, bool after_envelope) {
  client::Exchange p = Send(Probing(model::DescribeJobRequest(planted::kCanaryId)));
  answered = !p.transport_error;
  std::vector<Finding> found;
  if (p.transport_error && ClassifyNoAnswer(*p.transport_error) == NoAnswer::kEnding) {
    // The run is ending: nothing is judged.
  } else if (p.transport_error) {
    Check(Clause::kRobAlive);
    found.push_back({Clause::kRobAlive, silent + ": " + p.transport_error->message});
  } else if (IsLimitAnswer(p)) {
    Check(Clause::kRobAlive);  // it answered; backing off did not end the refusals (fatal_)
  } else if (!p.answer.json_envelope && after_envelope) {
    Check(Clause::kRobAlive);
    found.push_back({Clause::kRobAlive,
                     "the canary after " + after + " got no envelope: " + p.answer.parse_problem});
  } else if (!p.answer.json_envelope) {
    // The request before it got no envelope either: one envelope defect, not a broken target.
    Check(Clause::kRobAlive);
    found = JudgeProbeAnswer(model::Action::kDescribeJob, p);
  } else {
    Check(Clause::kRobAlive);
    found = JudgeProbeAnswer(model::Action::kDescribeJob, p);
    // The canary asks for a job that never existed: what it must answer is ID-4's.
    if (store_.Find(planted::kCanaryId) == nullptr) {
      Check(Clause::kIdUnknown);
      if (p.answer.AsOutcome() != model::Err(model::ErrorCode::kResourceNotFoundJob)) {
        found.push_back(
            {Clause::kIdUnknown,
             "the canary DescribeJob of a job that does not exist answered " + OutcomeText(p)});
      }
    }
  }
  Record(std::string("probe: canary DescribeJob ") + std::string(planted::kCanaryId), "probe", p,
         found);
  return found;
}

std::vector<Finding> Driver::AfterNoAnswer(const ApiCall& call, const client::Exchange& x) {
  if (ClassifyNoAnswer(*x.transport_error) != NoAnswer::kAskCanary || trace_.empty()) return {};
  std::size_t own = trace_.size() - 1;  // RunOne recorded the request before its probes
  std::string what = "no answer to " + std::string(model::ActionName(call.request.action)) +
                     " (" + x.transport_error->message + ")";
  bool answered = false;
  std::vector<Finding> found = Canary("a request that got no answer",
                                     what + ", and none to the canary after it", answered, false);
  if (answered) {
    trace_[own].note =
        "not judged: the canary after it was answered, so a front end may have refused the "
        "request by closing the connection, losing its answer";
  }
  return found;
}

std::vector<Finding> Driver::Probe(const ApiCall& call, const client::Exchange& x) {
  if (x.transport_error) return AfterNoAnswer(call, x);
  // A TerminateJob whose effect the documentation leaves open: what the job shows decides.
  if (!terminated_may_be_.empty()) return SettleTerminate();
  std::vector<Finding> out;
  bool refused = !x.answer.IsSuccess();
  bool faulty = ExpectedClause(call.fault, call.style).has_value();
  auto id = NamedJob(call.request);
  const model::Job* job = id ? store_.Find(*id) : nullptr;
  model::Action action = call.request.action;

  if (refused && job != nullptr && (action == model::Action::kDeleteJob || faulty)) {
    bool limited = x.answer.code && model::IsRateLimitCode(*x.answer.code);
    Clause clause = limited  ? Clause::kRateNoEffect
                    : faulty ? Clause::kIsoRejected
                             : Clause::kIsoFailedDelete;
    ApiCall probe = Probing(model::DescribeJobRequest(job->id));
    client::Exchange p = Send(probe);
    std::vector<Finding> found = JudgeProbeAnswer(model::Action::kDescribeJob, p);
    if (p.transport_error) {
      found = JudgeNoAnswer(*p.transport_error);
    } else if (!IsLimitAnswer(p)) {  // a refusal that backing off did not end: fatal_ says so
      Check(clause);
      if (!p.answer.IsSuccess()) {
        found.push_back({clause, "after the refused request, DescribeJob of " + job->id +
                                     " answered " + OutcomeText(p)});
      }
      for (const auto& diff : p.answer.IsSuccess()
                                  ? check::CompareDescribedJob(p.answer.response, *job)
                                  : std::vector<std::string>{}) {
        found.push_back(
            {clause, "after the refused request, job " + job->id + " changed: " + diff});
      }
    }
    Record("probe: DescribeJob " + job->id + " is unchanged", "probe", p, found);
    out.insert(out.end(), found.begin(), found.end());
    if (p.transport_error) {
      std::vector<Finding> canary = AfterNoAnswer(probe, p);
      out.insert(out.end(), canary.begin(), canary.end());
    } else if (!Mentions(found, clause) && config_.control &&
               action == model::Action::kDeleteJob) {
      // With control the model knows every job: a refused delete left all of them alone.
      std::vector<Finding> others = OthersUnchanged(job->id, clause, "after the refused request");
      out.insert(out.end(), others.begin(), others.end());
    }
  } else if (faulty && job == nullptr && store_.Find(planted::kCanaryId) == nullptr) {
    // ROB-1: after a malformed request the target still answers, and answers right.
    bool answered = false;
    std::vector<Finding> found =
        Canary("the request", "no answer to the canary after the request", answered,
               x.answer.json_envelope);
    out.insert(out.end(), found.begin(), found.end());
  }

  // ISO-2: a deletion leaves every other job as it was.
  bool deleted_now = action == model::Action::kDeleteJob && !refused && id &&
                     store_.WasDeleted(*id) && store_.Find(*id) == nullptr;
  if (deleted_now) {
    std::vector<Finding> others =
        OthersUnchanged(*id, Clause::kIsoOtherJobs, "after deleting " + *id);
    out.insert(out.end(), others.begin(), others.end());
    if (last_deleted_ && last_deleted_->id == *id) {
      std::vector<Finding> listed = GoneFromListings(*last_deleted_);
      out.insert(out.end(), listed.begin(), listed.end());
    }
  }
  return out;
}

std::vector<Finding> Driver::GoneFromListings(const model::Job& gone) {
  // One way of listing per deletion, in turn, so that a run tries them all for one request
  // each: by id, by every filter the API has, and every page of the unfiltered listing.
  auto filter = [](std::string_view name, const std::string& value) {
    return json{{"Filters", json::array({{{"Name", name}, {"Values", {value}}}})}, {"Limit", 100}};
  };
  std::vector<json> ways = {{{"JobIds", {gone.id}}},
                            filter("job-id", gone.id),
                            filter("job-state", std::string(model::StateName(gone.state))),
                            filter("zone", gone.zone),
                            json{{"Offset", 0}, {"Limit", 100}}};
  if (!gone.name.empty()) ways.push_back(filter("job-name", gone.name));
  json params = ways[listing_turn_++ % ways.size()];
  std::vector<Finding> out;
  for (int page = 0; page < 10; ++page) {
    client::Exchange p = Send(Probing({model::Action::kDescribeJobs, params}));
    std::vector<Finding> found = JudgeProbeAnswer(model::Action::kDescribeJobs, p);
    const json* set = nullptr;
    if (!p.transport_error && p.answer.IsSuccess()) {
      Check(Clause::kGoneListed);
      auto it = p.answer.response.find("JobSet");
      if (it != p.answer.response.end() && it->is_array()) set = &*it;
    }
    for (const json& entry : set != nullptr ? *set : json::array()) {
      if (entry.is_object() && entry.value("JobId", json()) == gone.id) {
        found.push_back({Clause::kGoneListed, "DescribeJobs " + params.dump() +
                                                  " still lists the deleted job " + gone.id});
      }
    }
    Record("probe: DescribeJobs does not list " + gone.id, "probe", p, found);
    out.insert(out.end(), found.begin(), found.end());
    // Only the unfiltered listing goes on to its next page, while there is one.
    auto total = set != nullptr ? p.answer.response.value("TotalCount", json()) : json();
    if (!params.contains("Offset") || !total.is_number_integer() || set->empty() ||
        params["Offset"].get<int>() + 100 >= total.get<int>()) {
      break;
    }
    params["Offset"] = params["Offset"].get<int>() + 100;
  }
  return out;
}

std::vector<Finding> Driver::OthersUnchanged(const std::string& except, Clause clause,
                                             const std::string& after) {
  json ids = json::array();
  for (const auto& [other, job_state] : store_.jobs()) {
    if (other != except && ids.size() < 100) ids.push_back(other);
  }
  if (ids.empty()) return {};
  ApiCall probe = Probing({model::Action::kDescribeJobs, {{"JobIds", ids}, {"Limit", 100}}});
  client::Exchange p = Send(probe);
  std::vector<Finding> found = JudgeProbeAnswer(model::Action::kDescribeJobs, p);
  if (p.transport_error) {
    found = JudgeNoAnswer(*p.transport_error);
  } else if (IsLimitAnswer(p)) {
    // A refusal that backing off did not end: fatal_ says so, nothing is judged.
  } else if (!p.answer.IsSuccess()) {
    Check(clause);
    found.push_back({clause, after + ", DescribeJobs of the other jobs answered " + OutcomeText(p)});
  } else {
    Check(clause);
    std::map<std::string, std::string> listed;
    const json& set =
        p.answer.response.contains("JobSet") ? p.answer.response["JobSet"] : json::array();
    for (const json& entry : set.is_array() ? set : json::array()) {
      if (entry.is_object() && entry.contains("JobId") && entry["JobId"].is_string() &&
          entry.contains("JobState") && entry["JobState"].is_string()) {
        listed[entry["JobId"].get<std::string>()] = entry["JobState"].get<std::string>();
      }
    }
    for (const auto& other : ids) {
      std::string other_id = other.get<std::string>();
      const model::Job* kept = store_.Find(other_id);
      auto it = listed.find(other_id);
      if (it == listed.end()) {
        found.push_back({clause, after + ", job " + other_id + " is gone"});
      } else if (it->second != model::StateName(kept->state)) {
        found.push_back({clause, after + ", job " + other_id + " is " + it->second.substr(0, 40) +
                                     ", not " + std::string(model::StateName(kept->state))});
      }
    }
  }
  Record("probe: DescribeJobs of the other jobs", "probe", p, found);
  if (p.transport_error) {
    std::vector<Finding> canary = AfterNoAnswer(probe, p);
    found.insert(found.end(), canary.begin(), canary.end());
  }
  if (Mentions(found, clause)) return found;
  std::vector<Finding> instances = InstancesUnchanged(ids, clause, after);
  found.insert(found.end(), instances.begin(), instances.end());
  return found;
}

std::vector<Finding> Driver::InstancesUnchanged(const json& ids, Clause clause,
                                                const std::string& after) {
  constexpr std::size_t kMostDescribed = 4;  // a history's jobs with instances, in practice
  std::vector<Finding> out;
  std::size_t described = 0;
  for (const json& other : ids) {
    const model::Job* kept = store_.Find(other.get<std::string>());
    if (kept == nullptr || kept->tasks.empty() || described++ == kMostDescribed) continue;
    client::Exchange p = Send(Probing(model::DescribeJobRequest(kept->id)));
    std::vector<Finding> found = JudgeProbeAnswer(model::Action::kDescribeJob, p);
    if (!p.transport_error && p.answer.IsSuccess()) {
      Check(clause);
      for (const auto& diff : check::CompareDescribedJob(p.answer.response, *kept)) {
        found.push_back({clause, after + ", job " + kept->id + " changed: " + diff});
      }
    }
    Record("probe: DescribeJob " + kept->id + " is unchanged", "probe", p, found);
    out.insert(out.end(), found.begin(), found.end());
    if (Mentions(found, clause)) break;
  }
  return out;
}

Driver::ApiResult Driver::RunOne(const ApiCall& call, const std::string& step) {
  ApiResult result;
  // Without control, never delete a well-formed id that exists on the target and is not ours.
  auto id = NamedJob(call.request);
  model::PossibleJob* owned = OwnedJobOf(call);
  if (!config_.control && call.request.action == model::Action::kDeleteJob && id &&
      model::IsWellFormedJobId(*id) && store_.Find(*id) == nullptr && owned == nullptr) {
    // The lookup is a DescribeJob like any other: judged (ID-4 for an id that never existed).
    // Only a plain "no such job" makes the delete safe to send: an answer that is missing,
    // unreadable, a success or any other code leaves the id's absence unproven.
    result = RunOne(Probing(model::DescribeJobRequest(*id)), "lookup before deleting " + *id);
    if (result.outcome != model::Err(model::ErrorCode::kResourceNotFoundJob)) {
      trace_.back().outcome += " (the delete is not sent: the id's absence is unproven)";
      return result;
    }
  }
  if (!Spend()) return result;
  Pace(call);
  const std::int64_t signed_s = config_.wall_seconds();
  protocol::HttpRequest encoded =
      EncodeCall(call, api_.Options(), config_.region, CredentialsOf(call), config_.skew_margin_s);
  Expectation expected = Expect(call, encoded);
  // The job a DeleteJob reaches, as the model has it before the answer (for the coverage cells).
  std::optional<DeleteCellKey> cell;
  if (call.request.action == model::Action::kDeleteJob && expected.reached_model && id) {
    if (const model::Job* job = store_.Find(*id)) {
      cell = DeleteCellKey{job->state, model::WorstInstanceState(*job)};
    }
  }
  std::int64_t sent = LimiterNow();
  client::Exchange x = Transmit(call, std::move(encoded));
  ExpectRate(expected, {sent, LimiterNow()});
  ResolveClockEdge(call, expected, x, config_.wall_seconds() - signed_s);
  if (owned != nullptr && expected.reached_model) {
    // The job moved on its own meanwhile: judge against every state it may be in by now.
    owned->Elapse(config_.steady_ms());
    expected.possible = owned->Decide(AsReceived(call));
    if (auto outcome = x.transport_error ? std::nullopt : x.answer.AsOutcome()) {
      auto fits = [&](const std::vector<model::PossibleDecision>& possible) {
        return std::any_of(possible.begin(), possible.end(), [&](const auto& p) {
          return Contains(model::Allowed(p.clause, config_.profile), *outcome);
        });
      };
      DoubtPromise(*owned, fits(expected.possible),
                   fits(owned->Unpromised(config_.steady_ms()).Decide(AsReceived(call))));
      expected.possible = owned->Decide(AsReceived(call));
    }
    expected.possible_text = owned->Text();
    expected.clause = expected.possible.front().clause;
    expected.decision = expected.possible.front().decision;
  }
  Clause asked = expected.clause;  // before Judge settles it
  std::vector<Finding> judged;
  const bool lost_probe = LostSizeProbe(call, x);
  if (auto refused = RefusedUnderLimit(call, expected, x)) {
    judged.push_back(std::move(*refused));
  } else if (!lost_probe) {
    judged = Judge(call, expected, x);
  }
  bool limited = IsLimitAnswer(x);
  if (expected.counted) {
    // A refusal of the request's shape may have come before the limiter or after it: the
    // answer cannot tell, so the judge keeps both (docs/profiles-and-decisions.md).
    bool shape_refused = !x.transport_error && !x.answer.IsSuccess() && RefusesShape(asked);
    judge_->Record(expected.rate_key, expected.when,
                   x.transport_error || shape_refused ? model::Admission::kUnknown
                   : limited                          ? model::Admission::kRefused
                                                      : model::Admission::kAdmitted);
  }
  if (owned != nullptr) {
    std::vector<Finding> followed = Follow(call, expected, x, *owned);
    judged.insert(judged.end(), followed.begin(), followed.end());
  } else {
    Observe(call, x);
  }
  Record(step, "api", x, judged);
  trace_.back().action = std::string(model::ActionName(call.request.action));
  trace_.back().at_ms = static_cast<double>(sent - history_origin_ms_);
  if (cell) {
    DeleteCellTally& tally = delete_cells_[*cell];
    ++tally.outcomes[trace_.back().outcome];
    if (!judged.empty()) ++tally.findings;
  }
  result.findings.insert(result.findings.end(), judged.begin(), judged.end());
  result.clause = expected.clause;
  result.limited = limited;
  if (!x.transport_error) result.outcome = x.answer.AsOutcome();
  if (!x.transport_error && x.answer.IsSuccess()) result.response = x.answer.response;
  std::vector<Finding> probed = lost_probe ? AfterLostSizeProbe(x) : Probe(call, x);
  result.findings.insert(result.findings.end(), probed.begin(), probed.end());
  return result;
}

std::vector<Finding> Driver::RunApi(const ApiCall& call, const std::string& step) {
  auto resolved = Resolve(call);
  if (!resolved) {
    trace_.push_back(ControlRecord(step, "skipped: its job was not made"));
    return {};
  }
  return RunOne(*resolved, step).findings;
}

std::vector<Finding> Driver::RunSameInStyles(const SameInStyles& same, const std::string& step) {
  ApiResult first = RunOne({same.request, same.first, same.first_encoding, WireFault::kNone}, step);
  ApiResult second =
      RunOne({same.request, same.second, same.second_encoding, WireFault::kNone}, step);
  std::vector<Finding> out = first.findings;
  out.insert(out.end(), second.findings.begin(), second.findings.end());
  // Compare only when the model expects the same of both (a rate limit may split them), and
  // only an API 3.0 style with a query style: STYLE-1 says nothing of two styles of one family.
  bool across = protocol::IsV3(same.first) != protocol::IsV3(same.second);
  if (across && first.clause && first.clause == second.clause && first.outcome &&
      second.outcome && !first.limited && !second.limited) {
    Check(Clause::kStyleSame);
    if (*first.outcome != *second.outcome) {
      out.push_back({Clause::kStyleSame, std::string(protocol::StyleName(same.first)) +
                                             " answered " + model::ToString(*first.outcome) + ", " +
                                             std::string(protocol::StyleName(same.second)) +
                                             " answered " + model::ToString(*second.outcome)});
      trace_.back().findings.push_back(out.back());
    }
  }
  return out;
}

}  // namespace dj::run
