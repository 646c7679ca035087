// Results document: names and JSON conversion.
#include "reports/results.h"

#include <algorithm>

namespace dj::report {

using nlohmann::json;

std::string_view StatusName(Status s) {
  switch (s) {
    case Status::kPassed:
      return "passed";
    case Status::kFailed:
      return "failed";
    case Status::kFlaky:
      return "flaky";
    case Status::kSkipped:
      return "skipped";
  }
  return "?";
}

namespace {
Status StatusFrom(const json& j) {
  std::string s = j.get<std::string>();
  if (s == "passed") return Status::kPassed;
  if (s == "failed") return Status::kFailed;
  if (s == "flaky") return Status::kFlaky;
  if (s == "skipped") return Status::kSkipped;
  throw json::other_error::create(501, "unknown status " + s, &j);
}
}  // namespace

int Results::Count(Status s) const {
  return static_cast<int>(std::count_if(clauses.begin(), clauses.end(),
                                        [&](const ClauseResult& c) { return c.status == s; }));
}

std::string Results::Verdict() const {
  if (ExitCode() != 0) return "NOT CONFORMANT";
  return Count(Status::kPassed) > 0 ? "CONFORMANT" : "NOTHING JUDGED";
}

int Results::ExitCode() const { return Count(Status::kFailed) + Count(Status::kFlaky) > 0 ? 1 : 0; }

void to_json(json& j, const Exchange& e) {
  j = {{"step", e.step},     {"kind", e.kind},       {"request", e.request},
       {"answer", e.answer}, {"outcome", e.outcome}, {"findings", e.findings}};
  if (e.thread >= 0) {
    j["thread"] = e.thread;
    j["started_ms"] = e.started_ms;
    j["ended_ms"] = e.ended_ms;
  }
  if (e.at_ms >= 0) j["at_ms"] = e.at_ms;
}
void from_json(const json& j, Exchange& e) {
  e.step = j.at("step").get<std::string>();
  e.kind = j.at("kind").get<std::string>();
  e.request = j.at("request").get<std::string>();
  e.answer = j.at("answer").get<std::string>();
  e.outcome = j.at("outcome").get<std::string>();
  e.findings = j.at("findings").get<std::vector<std::string>>();
  e.thread = j.value("thread", -1);
  e.started_ms = j.value("started_ms", 0.0);
  e.ended_ms = j.value("ended_ms", 0.0);
  e.at_ms = j.value("at_ms", -1.0);
}

void to_json(json& j, const FailureReport& f) {
  j = {{"clause", f.clause},
       {"message", f.message},
       {"property", f.property},
       {"round", f.round},
       {"seed", f.seed},
       {"requests", f.requests},
       {"seconds_to_find", f.seconds_to_find},
       {"requests_to_find", f.requests_to_find},
       {"virtual_seconds_to_find", f.virtual_seconds_to_find},
       {"steps", f.steps},
       {"history", f.history},
       {"timeline", f.timeline},
       {"repro", f.repro},
       {"replays", f.replays},
       {"reproduced", f.reproduced}};
}
void from_json(const json& j, FailureReport& f) {
  f.clause = j.at("clause").get<std::string>();
  f.message = j.at("message").get<std::string>();
  f.property = j.at("property").get<std::string>();
  f.round = j.at("round").get<int>();
  f.seed = j.at("seed").get<std::uint64_t>();
  f.requests = j.at("requests").get<int>();
  f.seconds_to_find = j.at("seconds_to_find").get<double>();
  f.requests_to_find = j.at("requests_to_find").get<std::int64_t>();
  f.virtual_seconds_to_find = j.value("virtual_seconds_to_find", 0.0);
  f.steps = j.at("steps");
  f.history = j.at("history").get<std::vector<Exchange>>();
  f.timeline = j.value("timeline", std::string());
  f.repro = j.at("repro").get<std::string>();
  f.replays = j.value("replays", 0);
  f.reproduced = j.value("reproduced", 0);
}

void to_json(json& j, const ClauseResult& c) {
  j = {{"id", c.id},         {"text", c.text},         {"status", StatusName(c.status)},
       {"checks", c.checks}, {"failures", c.failures}, {"reason", c.reason}};
  j["findings"] = c.findings;
  j["failure"] = c.failure ? json(*c.failure) : json(nullptr);
}
void from_json(const json& j, ClauseResult& c) {
  c.id = j.at("id").get<std::string>();
  c.text = j.at("text").get<std::string>();
  c.status = StatusFrom(j.at("status"));
  c.checks = j.at("checks").get<int>();
  c.failures = j.at("failures").get<int>();
  c.findings = j.value("findings", 0);
  c.reason = j.at("reason").get<std::string>();
  if (!j.at("failure").is_null()) c.failure = j.at("failure").get<FailureReport>();
}

void to_json(json& j, const DeleteCell& c) {
  j = {{"job_state", c.job_state},
       {"instances", c.instances},
       {"outcomes", c.outcomes},
       {"findings", c.findings}};
}
void from_json(const json& j, DeleteCell& c) {
  c.job_state = j.at("job_state").get<std::string>();
  c.instances = j.at("instances").get<std::string>();
  c.outcomes = j.at("outcomes").get<std::map<std::string, std::int64_t>>();
  c.findings = j.at("findings").get<std::int64_t>();
}

void to_json(json& j, const HistoryRow& h) {
  j = {{"property", h.property}, {"index", h.index}, {"steps", h.steps},
       {"requests", h.requests}, {"ms", h.ms},       {"failed", h.failed}};
}
void from_json(const json& j, HistoryRow& h) {
  h.property = j.at("property").get<std::string>();
  h.index = j.at("index").get<int>();
  h.steps = j.at("steps").get<int>();
  h.requests = j.at("requests").get<int>();
  h.ms = j.at("ms").get<double>();
  h.failed = j.at("failed").get<std::string>();
}

void to_json(json& j, const ScheduleEntry& e) {
  j = {{"at_ms", e.at_ms}, {"action", e.action}, {"outcome", e.outcome}, {"finding", e.finding}};
}
void from_json(const json& j, ScheduleEntry& e) {
  e.at_ms = j.at("at_ms").get<double>();
  e.action = j.at("action").get<std::string>();
  e.outcome = j.at("outcome").get<std::string>();
  e.finding = j.at("finding").get<bool>();
}

void to_json(json& j, const Schedule& s) {
  j = {{"property", s.property}, {"index", s.index}, {"clock", s.clock}, {"requests", s.requests}};
}
void from_json(const json& j, Schedule& s) {
  s.property = j.at("property").get<std::string>();
  s.index = j.at("index").get<int>();
  s.clock = j.at("clock").get<std::string>();
  s.requests = j.at("requests").get<std::vector<ScheduleEntry>>();
}

void to_json(json& j, const Judging& g) {
  j = {{"region", g.region},
       {"limits", g.limits},
       {"rate_slack", g.rate_slack},
       {"rate_margin_ms", g.rate_margin_ms},
       {"skew_margin_s", g.skew_margin_s},
       {"only", g.only},
       {"timeout_ms", g.timeout_ms},
       {"max_answer_mib", g.max_answer_mib},
       {"faults", g.faults}};
}
void from_json(const json& j, Judging& g) {
  g.region = j.at("region").get<std::string>();
  g.limits = j.at("limits").get<std::map<std::string, int>>();
  g.rate_slack = j.at("rate_slack").get<int>();
  g.rate_margin_ms = j.at("rate_margin_ms").get<std::int64_t>();
  g.skew_margin_s = j.at("skew_margin_s").get<std::int64_t>();
  g.only = j.at("only").get<std::string>();
  g.timeout_ms = j.at("timeout_ms").get<std::int64_t>();
  g.max_answer_mib = j.at("max_answer_mib").get<std::int64_t>();
  g.faults = j.at("faults").get<std::vector<std::string>>();
}

void to_json(json& j, const Results& r) {
  j = {{"tool", r.tool},
       {"version", r.version},
       {"target", r.target},
       {"control", r.control},
       {"seed", r.seed},
       {"profile", r.profile},
       {"styles", r.styles},
       {"runs", r.runs},
       {"max_steps", r.max_steps},
       {"started", r.started},
       {"duration_seconds", r.duration_seconds},
       {"histories", r.histories},
       {"requests", r.requests},
       {"pacing_seconds", r.pacing_seconds},
       {"summary",
        {{"passed", r.Count(Status::kPassed)},
         {"failed", r.Count(Status::kFailed)},
         {"flaky", r.Count(Status::kFlaky)},
         {"skipped", r.Count(Status::kSkipped)}}},
       {"api_version", r.api_version},
       {"clauses", r.clauses},
       {"delete_cells", r.delete_cells},
       {"rate_schedules", r.rate_schedules},
       {"history_rows", r.history_rows}};
  if (r.jobs_submitted > 0 || !r.ledger.empty()) {
    j["owned_jobs"] = {
        {"submitted", r.jobs_submitted}, {"ledger", r.ledger}, {"left", r.jobs_left}};
  }
  if (r.budget > 0) j["budget"] = {{"limit", r.budget}, {"spent", r.budget_spent}};
  if (!r.partial.empty()) {
    j["partial"] = true;
    j["partial_reason"] = r.partial;
  }
  if (!r.premises_failed.empty()) j["premises_failed"] = r.premises_failed;
  if (r.target_clock) {
    j["target_clock"] = {{"offset_s", r.target_clock->offset_s},
                         {"source", r.target_clock->source},
                         {"uncertainty_s", r.target_clock->uncertainty_s},
                         {"requests", r.target_clock->requests}};
  }
  if (r.judging) j["judging"] = *r.judging;
}
void from_json(const json& j, Results& r) {
  r.tool = j.at("tool").get<std::string>();
  r.version = j.at("version").get<std::string>();
  r.target = j.at("target").get<std::string>();
  r.control = j.at("control").get<std::string>();
  r.seed = j.at("seed").get<std::uint64_t>();
  r.profile = j.at("profile").get<std::string>();
  r.styles = j.at("styles").get<std::string>();
  r.runs = j.at("runs").get<int>();
  r.max_steps = j.at("max_steps").get<int>();
  r.started = j.at("started").get<std::string>();
  r.duration_seconds = j.at("duration_seconds").get<double>();
  r.histories = j.at("histories").get<std::int64_t>();
  r.requests = j.at("requests").get<std::int64_t>();
  r.pacing_seconds = j.at("pacing_seconds").get<double>();
  r.clauses = j.at("clauses").get<std::vector<ClauseResult>>();
  // Absent from results files written before they existed.
  r.api_version = j.value("api_version", std::string("2017-03-12"));
  r.delete_cells = j.value("delete_cells", std::vector<DeleteCell>{});
  r.rate_schedules = j.value("rate_schedules", std::vector<Schedule>{});
  r.history_rows = j.value("history_rows", std::vector<HistoryRow>{});
  if (auto owned = j.find("owned_jobs"); owned != j.end()) {
    r.jobs_submitted = owned->at("submitted").get<std::int64_t>();
    r.ledger = owned->at("ledger").get<std::string>();
    r.jobs_left = owned->at("left").get<std::vector<std::string>>();
  }
  if (auto budget = j.find("budget"); budget != j.end()) {
    r.budget = budget->at("limit").get<std::int64_t>();
    r.budget_spent = budget->at("spent").get<bool>();
  }
  if (j.value("partial", false)) r.partial = j.value("partial_reason", std::string("partial"));
  r.premises_failed = j.value("premises_failed", std::vector<std::string>{});
  if (auto clock = j.find("target_clock"); clock != j.end()) {
    r.target_clock = Results::TargetClock{
        clock->at("offset_s").get<std::int64_t>(), clock->at("source").get<std::string>(),
        clock->at("uncertainty_s").get<std::int64_t>(), clock->at("requests").get<int>()};
  }
  if (auto judging = j.find("judging"); judging != j.end()) r.judging = judging->get<Judging>();
}

Result<Results> ResultsFromText(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Failure{std::string("the results file is not JSON")};
  try {
    return j.get<Results>();
  } catch (const json::exception& e) {
    return Failure{std::string("the results file does not have the results schema: ") + e.what()};
  }
}

}  // namespace dj::report
