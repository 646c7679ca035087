// Google Benchmark: the codec's hot paths, per request style: encode+sign (client),
// parse+verify (server), and the mock's whole handler (with 1,000,000 jobs too). The model's
// decisions at scale are in model_bench.cc.
#include <benchmark/benchmark.h>

#include "harness/mock/mock_service.h"
#include "harness/protocol/codec.h"
#include "models/api_model.h"

namespace dj {
namespace {

constexpr std::int64_t kNow = 1735689599;

protocol::Credentials Creds() {
  return {std::string(mock::kDefaultSecretId), std::string(mock::kDefaultSecretKey), ""};
}

protocol::EncodeOptions Options(protocol::Style style) {
  protocol::EncodeOptions o;
  o.style = style;
  o.timestamp = kNow;
  return o;
}

const protocol::Call kCall =
    protocol::Call::Of(model::DeleteJobRequest("job-f5da1edl"), "ap-guangzhou");

void BM_EncodeAndSign(benchmark::State& state) {
  auto style = static_cast<protocol::Style>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(protocol::Encode(kCall, Creds(), Options(style)));
  state.SetLabel(std::string(protocol::StyleName(style)));
}

void BM_ParseAndVerify(benchmark::State& state) {
  auto style = static_cast<protocol::Style>(state.range(0));
  protocol::HttpRequest req = protocol::Encode(kCall, Creds(), Options(style));
  protocol::AuthPolicy policy;
  policy.lookup_key = [](std::string_view) {
    return std::optional<std::string>(std::string(mock::kDefaultSecretKey));
  };
  policy.now = kNow;
  for (auto _ : state) {
    auto wire = protocol::ParseWire(req);
    benchmark::DoNotOptimize(protocol::Authenticate(*wire, policy));
    benchmark::DoNotOptimize(protocol::ApiParams(*wire));
  }
  state.SetLabel(std::string(protocol::StyleName(style)));
}

// The mock's whole handler on a DescribeJob of a missing id (no state change, no limit).
void BM_MockRespond(benchmark::State& state) {
  mock::MockConfig config;
  mock::MockState mock_state;
  protocol::Call call =
      protocol::Call::Of(model::DescribeJobRequest("job-f5da1edl"), "ap-guangzhou");
  protocol::HttpRequest req = protocol::Encode(call, Creds(), Options(protocol::Style::kApi3Post));
  for (auto _ : state) benchmark::DoNotOptimize(mock::Respond(mock_state, config, req, {kNow, 0}));
}

// The mock's whole handler with N foreign jobs: DescribeJob of one of them, and a DeleteJob of
// one that cannot be deleted (no limit, no state change), each in O(log n).
void BM_MockRespondAtScale(benchmark::State& state, model::Action action) {
  mock::MockConfig config;
  config.foreign_jobs = static_cast<int>(state.range(0));
  config.seed = 7;
  config.limits[model::Action::kDeleteJob] = 0;
  mock::MockService service(
      config, [] { return kNow; }, [] { return std::int64_t{0}; });
  std::string id;
  model::Store store = service.SnapshotStore();
  for (const auto& [foreign, job] : store.jobs()) {
    if (!model::IsDeletable(job)) {
      id = foreign;
      break;
    }
  }
  model::ApiRequest request = action == model::Action::kDeleteJob ? model::DeleteJobRequest(id)
                                                                  : model::DescribeJobRequest(id);
  protocol::HttpRequest req = protocol::Encode(protocol::Call::Of(request, "ap-guangzhou"), Creds(),
                                               Options(protocol::Style::kApi3Post));
  for (auto _ : state) benchmark::DoNotOptimize(service.Handle(req));
}

BENCHMARK(BM_EncodeAndSign)->DenseRange(0, 3);
BENCHMARK(BM_ParseAndVerify)->DenseRange(0, 3);
BENCHMARK(BM_MockRespond);
BENCHMARK_CAPTURE(BM_MockRespondAtScale, describe, model::Action::kDescribeJob)
    ->Arg(1000)
    ->Arg(1000000);
BENCHMARK_CAPTURE(BM_MockRespondAtScale, delete, model::Action::kDeleteJob)
    ->Arg(1000)
    ->Arg(1000000);

}  // namespace
}  // namespace dj

BENCHMARK_MAIN();
