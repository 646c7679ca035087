// The harness against a hostile target: every answer it reads comes from the input. Part 1
// reads the input as one answer (status, Content-Type, body) and checks the reader's own
// invariants; part 2 runs a history through the conformance Driver against a target whose
// every API answer is cut from the input, so the envelope, outcome, OBS-1 and GONE-2 checks
// and the probes all read hostile bytes. Properties: never a crash, never an exception, and
// an answer that is not a clean envelope is always a finding.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "harness/client/target.h"
#include "harness/protocol/envelope.h"
#include "harness/runner/driver.h"
#include "models/api_model.h"

namespace {

using namespace dj;
using nlohmann::json;

constexpr std::int64_t kNow = 1700000000;

// Answers control requests as the contract says and API requests with the input's bytes.
class HostileTarget final : public client::Target {
 public:
  explicit HostileTarget(FuzzedDataProvider& in) : in_(in) {}
  client::SendResult Send(const protocol::HttpRequest& request) override {
    protocol::HttpResponse r;
    r.headers.emplace_back("Content-Type", "application/json");
    if (request.Path().starts_with("/_conformance/")) {
      json body = json::object();
      if (request.Path() == "/_conformance/jobs") {
        json sent = json::parse(request.body, nullptr, false);
        body["JobId"] = sent.is_object() ? sent.value("JobId", "job-00000001") : "job-00000001";
      }
      if (request.Path() == "/_conformance/clock") body["NowMs"] = 0;
      r.body = body.dump();
      return r;
    }
    if (in_.remaining_bytes() == 0) return Failure{client::TransportError{"no more answers"}};
    r.status = in_.ConsumeBool() ? 200 : in_.ConsumeIntegralInRange(100, 599);
    if (in_.ConsumeBool()) r.headers.front().second = in_.ConsumeRandomLengthString(32);
    r.body = in_.ConsumeRandomLengthString(2048);
    return r;
  }
  std::string HostHeader() const override { return "batch.tencentcloudapi.com"; }
  std::string Name() const override { return "hostile target"; }

 private:
  FuzzedDataProvider& in_;
};

void CheckOneAnswer(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  protocol::HttpResponse http;
  http.status = in.ConsumeIntegralInRange(0, 999);
  http.headers.emplace_back("Content-Type", in.ConsumeRandomLengthString(40));
  http.body = in.ConsumeRemainingBytesAsString();
  protocol::Answer a = protocol::ParseAnswer(http);
  DJ_FUZZ_CHECK(a.http_status == http.status, "the answer's status is not the response's");
  DJ_FUZZ_CHECK(!a.json_envelope || a.response.is_object(), "an envelope without a Response");
  DJ_FUZZ_CHECK(a.json_envelope || a.response.is_null(), "a Response outside an envelope");
  DJ_FUZZ_CHECK(!a.has_error || a.json_envelope, "an error outside an envelope");
  DJ_FUZZ_CHECK(!a.code || (a.code_text && model::CodeString(*a.code) == *a.code_text),
                "a known code that is not the code text");
  DJ_FUZZ_CHECK(a.json_envelope || !a.parse_problem.empty(), "no envelope and no reason why");
  bool clean = a.http_status == 200 && a.json_envelope && a.request_id.has_value();
  for (model::Action action : model::kAllActions) {
    for (model::Profile profile : {model::Profile::kStrict, model::Profile::kLenient}) {
      auto broken = protocol::CheckEnvelope(a, action, profile);
      DJ_FUZZ_CHECK(clean || !broken.empty(), "an answer without envelope breaks nothing");
    }
  }
  (void)a.AsOutcome();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  CheckOneAnswer(data, size);

  FuzzedDataProvider in(data, size);
  HostileTarget target(in);
  run::DriverConfig config;
  config.wall_seconds = [] { return kNow; };
  config.steady_ms = [] { return std::int64_t{0}; };
  config.sleep_ms = [](std::int64_t) {};
  run::Driver driver(target, &target, {"AKIDfuzz", "key", ""}, config);
  DJ_FUZZ_CHECK(driver.Begin().ok(), "the hostile target's control reset was refused");
  model::Job job;
  job.id = "job-00000001";
  job.state = model::State::kSucceed;
  job.tasks = {{"t", {model::State::kSucceed, model::State::kFailed}}};
  auto call = [](model::ApiRequest request) {
    run::ApiCall c;
    c.request = std::move(request);
    return run::Step(c);
  };
  std::vector<run::Step> steps = {
      run::CreateJob{job},
      call(model::DescribeJobRequest(job.id)),
      call(model::DeleteJobRequest(job.id)),
      call({model::Action::kDescribeJobs, {{"JobIds", {job.id}}}}),
      call(model::DeleteJobRequest("job-00000002")),
      call(model::DeleteJobRequest("JOB-1")),
      call(model::TerminateJobRequest(job.id)),
  };
  for (const run::Step& step : steps) {
    std::vector<run::Finding> findings = driver.Execute(step);
    for (const run::Recorded& r : driver.trace()) {
      if (r.kind != "api" || r.transport_error) continue;
      protocol::Answer a = protocol::ParseAnswer(r.response);
      bool clean = a.http_status == 200 && a.json_envelope && a.request_id.has_value();
      DJ_FUZZ_CHECK(clean || !r.findings.empty(), "an answer that is no envelope went unjudged");
    }
  }
  return 0;
}
