#include "fuzz/step_decoder.h"

#include <string>

#include "models/api_model.h"
#include "models/job_id.h"

namespace dj::fuzz {
namespace {

using nlohmann::json;
using run::ApiCall;
using run::Step;

// A small id pool makes histories revisit jobs: creations, deletions and reads meet.
constexpr std::string_view kPool[] = {"job-00000001", "job-00000002", "job-abcdefgh",
                                      "job-zz000000"};

template <class T, std::size_t N>
const T& Pick(FuzzedDataProvider& in, const T (&items)[N]) {
  return items[in.ConsumeIntegralInRange<std::size_t>(0, N - 1)];
}

model::State PickState(FuzzedDataProvider& in) {
  return model::kAllStates[in.ConsumeIntegralInRange<std::size_t>(0, model::kStateCount - 1)];
}

std::string JobId(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 6)) {
    case 0:
      return in.ConsumeRandomLengthString(24);  // anything, malformed most of the time
    case 6:
      return "job-" + in.ConsumeRandomLengthString(12);  // a near miss: the prefix and anything
    case 1: {
      std::string id(model::kJobIdPrefix);  // well formed, unknown
      for (std::size_t i = 0; i < model::kJobIdSuffixLength; ++i) {
        id += model::kJobIdAlphabet[in.ConsumeIntegralInRange<std::size_t>(
            0, model::kJobIdAlphabet.size() - 1)];
      }
      return id;
    }
    default:
      return std::string(Pick(in, kPool));
  }
}

model::Job MakeJob(FuzzedDataProvider& in) {
  model::Job job;
  job.id = std::string(Pick(in, kPool));
  job.name = "fuzz";
  job.state = PickState(in);
  job.zone = "ap-guangzhou-2";
  job.create_time = 1700000000;
  int tasks = in.ConsumeIntegralInRange(0, 2);
  for (int t = 0; t < tasks; ++t) {
    model::Task task{"task" + std::to_string(t), {}};
    int instances = in.ConsumeIntegralInRange(0, 3);
    for (int i = 0; i < instances; ++i) task.instances.push_back(PickState(in));
    job.tasks.push_back(std::move(task));
  }
  return job;
}

json Params(FuzzedDataProvider& in, model::Action action) {
  json p = json::object();
  switch (action) {
    case model::Action::kDescribeJobs:
      switch (in.ConsumeIntegralInRange(0, 3)) {
        case 0:
          break;
        case 1:
          p["JobIds"] = json::array({JobId(in)});
          break;
        case 2:
          p["Filters"] = json::array({{{"Name", "job-id"}, {"Values", {JobId(in)}}}});
          break;
        default:
          p["Offset"] = in.ConsumeIntegralInRange(-1, 3);
          p["Limit"] = in.ConsumeIntegralInRange(-1, 101);
          break;
      }
      break;
    case model::Action::kSubmitJob:
      if (in.ConsumeBool()) {
        p["Placement"] = {{"Zone", "ap-guangzhou-2"}};
        p["Job"] = {{"JobName", "fuzz"}, {"Tasks", json::array({{{"TaskName", "t"}}})}};
      }
      break;
    default:
      if (in.ConsumeIntegralInRange(0, 7) != 0) p["JobId"] = JobId(in);
      break;
  }
  // Now and then a value of the wrong type, to reach the driver clauses.
  if (in.ConsumeIntegralInRange(0, 15) == 0 && !p.empty()) p.begin().value() = 42;
  return p;
}

run::Encoding MakeEncoding(FuzzedDataProvider& in) {
  run::Encoding e;
  e.space_as_plus = in.ConsumeBool();
  e.encode_unreserved = in.ConsumeBool();
  e.reverse_param_order = in.ConsumeBool();
  e.signature_method = in.ConsumeBool() ? protocol::SignatureMethod::kHmacSha256
                                        : protocol::SignatureMethod::kHmacSha1;
  e.send_signature_method = in.ConsumeIntegralInRange(0, 7) != 0;
  return e;
}

protocol::Style PickStyle(FuzzedDataProvider& in) {
  return static_cast<protocol::Style>(in.ConsumeIntegralInRange(0, 3));
}

ApiCall MakeCall(FuzzedDataProvider& in) {
  ApiCall call;
  call.request.action =
      model::kAllActions[in.ConsumeIntegralInRange<std::size_t>(0, model::kAllActions.size() - 1)];
  call.request.params = Params(in, call.request.action);
  call.style = PickStyle(in);
  call.encoding = MakeEncoding(in);
  call.credential = in.ConsumeIntegralInRange(0, 7) == 0 ? 1 : 0;
  if (in.ConsumeIntegralInRange(0, 3) == 0) {
    run::WireFault f = run::kAllWireFaults[in.ConsumeIntegralInRange<std::size_t>(
        0, run::kAllWireFaults.size() - 1)];
    if (f != run::WireFault::kOversize && run::FaultFitsStyle(f, call.style)) call.fault = f;
  }
  return call;
}

}  // namespace

std::vector<Step> DecodeSteps(FuzzedDataProvider& in, std::size_t max_steps) {
  std::vector<Step> steps;
  while (steps.size() < max_steps && in.remaining_bytes() > 0) {
    switch (in.ConsumeIntegralInRange(0, 9)) {
      case 0:
      case 1:
      case 2:
        steps.emplace_back(run::CreateJob{MakeJob(in)});
        break;
      case 3:
        steps.emplace_back(run::AdvanceClock{in.ConsumeIntegralInRange<std::int64_t>(0, 1500)});
        break;
      case 4: {
        run::SameInStyles same;
        std::string id = JobId(in);
        same.request = in.ConsumeBool() ? model::DescribeJobRequest(id)
                                        : model::ApiRequest{model::Action::kDescribeJobs,
                                                            {{"JobIds", json::array({id})}}};
        same.first = PickStyle(in);
        same.first_encoding = MakeEncoding(in);
        same.second = PickStyle(in);
        same.second_encoding = MakeEncoding(in);
        steps.emplace_back(std::move(same));
        break;
      }
      default:
        steps.emplace_back(MakeCall(in));
        break;
    }
  }
  return steps;
}

}  // namespace dj::fuzz
