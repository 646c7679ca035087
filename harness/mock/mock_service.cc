// The reference mock's request handling: control extension, codec, common parameters,
// authentication, rate limit, model decision, and the planted faults around them.
#include "harness/mock/mock_service.h"

#include <cstdio>
#include <ostream>

#include "harness/mock/foreign_jobs.h"
#include "harness/protocol/clocks.h"
#include "harness/protocol/envelope.h"
#include "harness/protocol/http_date.h"
#include "models/api_model.h"
#include "models/job_id.h"

namespace dj::mock {
namespace {

using model::Clause;
using model::Decision;
using nlohmann::json;
using protocol::HttpRequest;
using protocol::HttpResponse;

constexpr std::string_view kControlPrefix = "/_conformance/";

HttpResponse ControlAnswer(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}

HttpResponse ControlError(int status, std::string message) {
  return ControlAnswer(status, {{"Error", std::move(message)}});
}

// target-contract §2.
HttpResponse HandleControl(MockState& state, const MockConfig& config, const HttpRequest& req,
                           const Clocks& clocks) {
  if (!config.control_token.empty() &&
      protocol::FindHeader(req.headers, "X-Conformance-Token") != config.control_token) {
    return ControlError(403, "missing or wrong X-Conformance-Token");
  }
  std::string_view what = req.Path().substr(kControlPrefix.size());
  if (what != "reset" && what != "jobs" && what != "clock") {
    return ControlError(404, "unknown control request");
  }
  if (req.method != "POST") return ControlError(405, "control requests are POST");
  json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return ControlError(400, "the body must be a JSON object");
  }
  if (what == "reset") {
    state.store.Clear();
    state.ghosts.clear();
    state.limiter.Reset();
    state.virtual_now_ms = 0;
    state.progress.clear();
    state.foreign.clear();
    return ControlAnswer(200, json::object());
  }
  if (what == "jobs") {
    auto job = model::JobFromControlJson(body, NewJobId(state.rng, state.store));
    if (!job) return ControlError(400, job.error());
    job->zone = config.zone;
    job->create_time = clocks.wall_seconds;
    std::string id = job->id;
    state.ghosts.erase(id);
    // A job the control extension puts is the harness's own and has exactly the states given.
    state.progress.erase(id);
    state.foreign.erase(id);
    state.store.Put(std::move(*job));
    return ControlAnswer(200, {{"JobId", id}});
  }
  auto advance = body.find("AdvanceMs");
  if (body.size() != 1 || advance == body.end() || !advance->is_number_integer() ||
      advance->get<std::int64_t>() < 0) {
    return ControlError(400, "the body must be {\"AdvanceMs\": N} with an integer N >= 0");
  }
  state.virtual_now_ms += advance->get<std::int64_t>();
  return ControlAnswer(200, {{"NowMs", state.virtual_now_ms}});
}

std::optional<std::string> KeyOf(const MockConfig& config, std::string_view secret_id) {
  for (const auto& c : config.credentials) {
    if (c.secret_id == secret_id) return c.secret_key;
  }
  return std::nullopt;
}

// The planted faults that change the model's decision.
Decision PlantDecisionFaults(const MockState& state, const MockConfig& config,
                             const model::ApiRequest& request, Decision d) {
  const model::Store& store = state.store;
  auto job_id = [&]() -> std::string {
    auto it = request.params.is_object() ? request.params.find("JobId") : request.params.end();
    return it != request.params.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto deleted = [&](std::string id) {
    Decision out;
    out.clause = Clause::kDelCompleted;
    out.effect = model::EraseJob{std::move(id)};
    return out;
  };
  switch (d.clause) {
    case Clause::kDelJobActive:
      if (config.Has(Fault::kRunningDeletable)) return deleted(job_id());
      break;
    case Clause::kDelInstanceActive:
    case Clause::kDelInterrupted: {
      const model::Job* job = store.Find(job_id());
      if (config.Has(Fault::kInstancesIgnored) && job && model::IsCompleted(job->state)) {
        return deleted(job_id());
      }
      if (config.Has(Fault::kInterruptedCompleted) && d.clause == Clause::kDelInterrupted) {
        return deleted(job_id());
      }
      break;
    }
    case Clause::kIdMalformed:
      if (config.Has(Fault::kLaxJobId) && request.action != model::Action::kDescribeJobs &&
          job_id().starts_with(model::kJobIdPrefix)) {
        d.clause = Clause::kIdUnknown;
        d.detail = "The job `" + job_id().substr(0, 64) + "` does not exist.";
      }
      break;
    case Clause::kIdUnknown:
      if (config.Has(Fault::kNotFoundAsMalformed)) d.clause = Clause::kIdMalformed;
      break;
    case Clause::kGoneDescribe:
      if (config.Has(Fault::kDeletedStillDescribed)) {
        if (auto ghost = state.ghosts.find(job_id()); ghost != state.ghosts.end()) {
          Decision out;
          out.clause = Clause::kObsDescribe;
          out.reply = model::DescribeJobReply(ghost->second);
          return out;
        }
      }
      break;
    case Clause::kGoneListed:
      if (config.Has(Fault::kDeletedStillListed)) {
        return model::DecideListingAlso(store, state.ghosts, request);
      }
      break;
    case Clause::kGoneDeleteAgain:
      if (config.Has(Fault::kSecondDeleteSucceeds)) {
        Decision out;
        out.clause = Clause::kDelCompleted;
        return out;
      }
      break;
    default:
      break;
  }
  return d;
}

struct Answerer {
  MockState& state;
  const MockConfig& config;
  AuditEntry* audit = nullptr;  // the request's audit entry, when it has one: gets the outcome

  std::string RequestId() {
    if (config.Has(Fault::kRequestIdRepeated)) return "00000000-0000-4000-8000-000000000000";
    if (config.Has(Fault::kRequestIdNotUuid)) return "req-" + std::to_string(++state.answers);
    return NewRequestId(state.rng);
  }

  HttpResponse Error(model::ErrorCode code, std::string_view message) {
    if (audit != nullptr) audit->outcome = model::CodeString(code);
    HttpResponse r = protocol::ErrorResponse(RequestId(), code, message);
    if (config.Has(Fault::kNoRequestIdOnErrors)) {
      json body = json::parse(r.body);
      body["Response"].erase("RequestId");
      r.body = body.dump();
    }
    if (config.Has(Fault::kErrorsNot200)) r.status = 400;
    return r;
  }

  HttpResponse Refuse(const model::Refusal& refusal) {
    model::Outcome o = model::Canonical(refusal.clause);
    return Error(o.code, refusal.detail.empty() ? model::DefaultMessage(o.code)
                                                : std::string_view(refusal.detail));
  }

  HttpResponse Success(json fields) {
    if (audit != nullptr) audit->outcome = "success";
    return protocol::SuccessResponse(RequestId(), std::move(fields));
  }
};

// Apply a success's effect, with the faults that widen it.
void ApplyEffect(MockState& state, const MockConfig& config, const model::Effect& effect) {
  if (const auto* erase = std::get_if<model::EraseJob>(&effect)) {
    const model::Job* job = state.store.Find(erase->id);
    if (job == nullptr) return;
    if (config.Has(Fault::kDeletedStillDescribed) || config.Has(Fault::kDeletedStillListed)) {
      state.ghosts[erase->id] = *job;
    }
    if (config.Has(Fault::kDeletesNeighbour)) {
      auto next = state.store.jobs().upper_bound(erase->id);
      if (next != state.store.jobs().end()) {
        std::string neighbour = next->first;
        state.store.Erase(neighbour);
      }
    }
  }
  model::Apply(state.store, effect);
}

}  // namespace

int MockConfig::LimitOf(model::Action a) const {
  int limit = model::LimitOf(limits, a);
  return Has(Fault::kLimitOnePerSecond) && limit > 1 ? 1 : limit;
}

std::string NewRequestId(std::mt19937_64& rng) {
  std::uint64_t hi = rng();
  std::uint64_t lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10xx
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xffff),
                static_cast<unsigned long long>(hi & 0xffff),
                static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

std::string NewJobId(std::mt19937_64& rng, const model::Store& store) {
  while (true) {
    std::string id(model::kJobIdPrefix);
    for (std::size_t i = 0; i < model::kJobIdSuffixLength; ++i) {
      id += model::kJobIdAlphabet[rng() % model::kJobIdAlphabet.size()];
    }
    if (store.Find(id) == nullptr && !store.WasDeleted(id)) return id;
  }
}

namespace {

// ReadApiRequest after ParseWire.
Result<ReadRequest, model::Refusal> ReadWire(const MockConfig& config,
                                             const protocol::WireRequest& wire,
                                             std::int64_t wall_seconds) {
  model::CommonParams common = wire.common;
  if (!common.region && config.Has(Fault::kRegionOptional)) common.region = "ap-guangzhou";
  auto action = model::CheckCommon(common);
  if (!action) return Failure{action.error()};

  protocol::AuthPolicy policy;
  policy.lookup_key = [&](std::string_view id) { return KeyOf(config, id); };
  policy.now = wall_seconds;
  policy.max_skew = config.max_skew_seconds;
  policy.check_signature = !config.Has(Fault::kSignatureUnchecked);
  policy.check_timestamp = !config.Has(Fault::kExpiredAccepted);
  policy.check_scope_date = !config.Has(Fault::kLocalDateAccepted);
  auto secret_id = protocol::Authenticate(wire, policy);
  if (!secret_id) return Failure{secret_id.error()};

  return ReadRequest{*secret_id, *action, *common.region, wire.style, protocol::ApiParams(wire)};
}

}  // namespace

Result<ReadRequest, model::Refusal> ReadApiRequest(const MockConfig& config, const HttpRequest& req,
                                                   std::int64_t wall_seconds) {
  auto wire = protocol::ParseWire(req);
  if (!wire) return Failure{wire.error()};
  return ReadWire(config, *wire, wall_seconds);
}

PreRead PreReadRequest(const MockConfig& config, const HttpRequest& req,
                       std::int64_t wall_seconds) {
  PreRead pre{protocol::ParseWire(req), std::nullopt};
  if (pre.wire) pre.read = ReadWire(config, *pre.wire, wall_seconds);
  return pre;
}

namespace {

// Respond without the progression. An audited request (StartAudit) gets its entry in *audit,
// all but its foreign flag, filled in where each part is known, so that nothing is parsed twice.
HttpResponse AnswerRequest(MockState& state, const MockConfig& config, const HttpRequest& req,
                           const Clocks& clocks, std::optional<DeferredErase>* deferred,
                           std::optional<AuditEntry>& audit, PreRead* pre) {
  Answerer answer{state, config};
  std::string_view path = req.Path();
  if (config.control && path.starts_with(kControlPrefix)) {
    return HandleControl(state, config, req, clocks);
  }
  if (path != "/") {
    HttpResponse r = answer.Error(model::ErrorCode::kResourceNotFound,
                                  "There is no API at this path; the API is served at /.");
    r.status = 404;
    return r;
  }

  std::optional<PreRead> own;
  if (pre == nullptr) pre = &own.emplace(PreReadRequest(config, req, clocks.wall_seconds));
  const auto& wire = pre->wire;
  if (!wire) return answer.Refuse(wire.error());
  audit = StartAudit(wire->common.action, clocks.wall_seconds);
  if (audit) answer.audit = &*audit;
  auto& read = *pre->read;
  if (!read) {
    if (audit) {
      auto params = protocol::ApiParams(*wire);
      if (params) audit->job_id = AuditedJobId(*params);
    }
    return answer.Refuse(read.error());
  }
  const model::Action action = read->action;

  // target-contract §3: the limiter sits in front of parameter validation.
  int limit = config.Has(Fault::kNoRateLimit) ? 0 : config.LimitOf(action);
  std::int64_t now_ms = config.control ? state.virtual_now_ms : clocks.steady_ms;
  std::string counted_as = config.Has(Fault::kLimitShared) ? std::string() : read->secret_id;
  bool admitted = state.limiter.Admit({counted_as, action, read->region}, now_ms, limit);

  model::ApiRequest request{action, json::object()};
  auto& params = read->params;
  if (params) request.params = std::move(*params);
  if (audit) audit->job_id = AuditedJobId(request.params);
  if (!params && admitted) return answer.Refuse(params.error());
  if (config.Has(Fault::kGarbageAnswers) && request.params.is_object()) {
    for (const auto& [key, value] : request.params.items()) {
      if (!model::AcceptsParam(action, key)) {
        HttpResponse garbage;
        garbage.headers.emplace_back("Content-Type", "text/html");
        garbage.body = "<html><body><h1>502 Bad Gateway</h1></body></html>";
        return garbage;
      }
    }
  }
  if (config.Has(Fault::kHangs) && action == model::Action::kDeleteJob &&
      request.params.is_object()) {
    auto id = request.params.find("JobId");
    if (id != request.params.end() && id->is_string() && id->get<std::string>().size() > 64) {
      HttpResponse none;
      none.status = kNoAnswerStatus;
      return none;
    }
  }
  if (config.Has(Fault::kUnknownParamsIgnored) && request.params.is_object()) {
    for (auto it = request.params.begin(); it != request.params.end();) {
      it = model::AcceptsParam(action, it.key()) ? std::next(it) : request.params.erase(it);
    }
  }

  model::Fresh fresh{"", clocks.wall_seconds};
  if (action == model::Action::kSubmitJob) fresh.job_id = NewJobId(state.rng, state.store);
  Decision d = model::Decide(state.store, request, fresh);
  d = PlantDecisionFaults(state, config, request, std::move(d));

  if (!admitted) {
    if (params && config.Has(Fault::kRateLimitedStillDeletes) && d.Succeeds()) {
      ApplyEffect(state, config, d.effect);
    }
    return answer.Refuse({Clause::kRateExceeded,
                          "DeleteJob allows " + std::to_string(limit) + " requests per second."});
  }
  if (!d.Succeeds()) {
    if (config.Has(Fault::kFailedDeleteMutates) &&
        (d.clause == Clause::kDelJobActive || d.clause == Clause::kDelInstanceActive ||
         d.clause == Clause::kDelInterrupted)) {
      model::Apply(state.store,
                   model::TerminateJobEffect{request.params["JobId"].get<std::string>()});
    }
    return answer.Refuse({d.clause, d.detail});
  }
  if (config.Has(Fault::kInternalErrorOnEmptyJob) && d.clause == Clause::kDelCompleted) {
    const model::Job* job = state.store.Find(request.params["JobId"].get<std::string>());
    if (job != nullptr && job->tasks.empty()) {
      return answer.Error(model::ErrorCode::kInternalError, "Internal error.");
    }
  }
  if (const auto* erase = std::get_if<model::EraseJob>(&d.effect);
      erase != nullptr && deferred != nullptr && config.Has(Fault::kNonAtomicDelete)) {
    *deferred = DeferredErase{erase->id};
    return answer.Success(std::move(d.reply));
  }
  ApplyEffect(state, config, d.effect);
  if (const auto* put = std::get_if<model::PutJob>(&d.effect);
      put != nullptr && action == model::Action::kSubmitJob) {
    if (audit) audit->job_id = put->job.id;
    if (config.instant_jobs) {
      model::Job done = put->job;
      done.state = model::State::kSucceed;
      for (model::Task& t : done.tasks) {
        for (model::State& s : t.instances) s = model::State::kSucceed;
      }
      state.store.Put(std::move(done));
    } else if (config.autoprogress_ms > 0) {
      state.progress[put->job.id] =
          StartProgress(request.params, clocks.steady_ms, config.autoprogress_ms);
    }
  }
  return answer.Success(std::move(d.reply));
}

}  // namespace

HttpResponse Respond(MockState& state, const MockConfig& config, const HttpRequest& req,
                     const Clocks& clocks, std::optional<DeferredErase>* deferred,
                     std::optional<AuditEntry>* audit, PreRead* pre) {
  AdvanceJobs(state.store, state.progress, config.autoprogress_ms, clocks.steady_ms);
  std::optional<AuditEntry> entry;
  HttpResponse response = AnswerRequest(state, config, req, clocks, deferred, entry, pre);
  if (entry) {
    // The answers that are not an envelope (planted faults only).
    if (entry->outcome.empty()) {
      entry->outcome = response.status == kNoAnswerStatus ? "no answer" : "unreadable";
    }
    FinishAudit(*entry, state.foreign);
  }
  if (audit != nullptr) *audit = std::move(entry);
  return response;
}

MockService::MockService(MockConfig config, SecondsClock wall, MillisClock steady)
    : config_(std::move(config)), wall_(std::move(wall)), steady_(std::move(steady)) {
  if (!wall_) wall_ = protocol::SystemSeconds;
  if (!steady_) steady_ = protocol::SteadyMs;
  state_.rng.seed(config_.seed != 0 ? config_.seed : std::random_device{}());
  AddForeignJobs(state_, config_, wall_() + config_.clock_offset_s);
}

HttpResponse MockService::Handle(const HttpRequest& request) {
  std::optional<DeferredErase> deferred;
  HttpResponse response;
  // Parsing and checking the signature read no state: done before the lock, so that
  // concurrent requests are verified in parallel and the lock covers only the limiter, the
  // model and the answer (for a DescribeJob, parse and verify were two thirds of the time
  // under it). An API request only (a control request's path is answered under the lock).
  std::int64_t wall = wall_() + config_.clock_offset_s;
  std::optional<PreRead> pre;
  if (request.Path() == "/") pre = PreReadRequest(config_, request, wall);
  {
    std::lock_guard lock(mu_);
    // Read the steady clock under the lock: requests then reach the rate limiter in clock
    // order, which its window log relies on.
    Clocks clocks{wall, steady_()};
    std::optional<AuditEntry> audit;
    response = Respond(state_, config_, request, clocks, &deferred, &audit, pre ? &*pre : nullptr);
    if (audit) Record(std::move(*audit));
  }
  if (deferred) {
    // The planted race (non-atomic-delete): the check above and the erase below are two
    // steps, as with a database round trip between them; a concurrent delete of the same job
    // that checks in between succeeds too.
    protocol::SleepMs(config_.race_window_ms);
    std::lock_guard lock(mu_);
    ApplyEffect(state_, config_, model::EraseJob{deferred->job_id});
  }
  response.headers.emplace_back("Date", protocol::FormatHttpDate(wall));
  return response;
}

void MockService::Record(AuditEntry entry) {
  entry.seq = ++audit_seq_;
  if (audit_out_ != nullptr) *audit_out_ << AuditJsonLine(entry) << std::endl;  // flushed
  if (config_.audit_memory_entries == 0) return;
  audit_.push_back(std::move(entry));
  if (audit_.size() > config_.audit_memory_entries) audit_.pop_front();
}

model::Store MockService::SnapshotStore() const {
  std::lock_guard lock(mu_);
  model::Store store = state_.store;
  ProgressMap progress = state_.progress;
  AdvanceJobs(store, progress, config_.autoprogress_ms, steady_());
  return store;
}

std::vector<std::string> MockService::ForeignJobIds() const {
  std::lock_guard lock(mu_);
  return {state_.foreign.begin(), state_.foreign.end()};
}

std::size_t MockService::DeletableForeignJobs() const {
  std::lock_guard lock(mu_);
  std::size_t deletable = 0;
  for (const std::string& id : state_.foreign) {
    const model::Job* job = state_.store.Find(id);
    if (job != nullptr && model::IsDeletable(*job)) ++deletable;
  }
  return deletable;
}

std::vector<AuditEntry> MockService::Audit() const {
  std::lock_guard lock(mu_);
  return {audit_.begin(), audit_.end()};
}

void MockService::SetAuditLog(std::ostream* out) {
  std::lock_guard lock(mu_);
  audit_out_ = out;
}

}  // namespace dj::mock
