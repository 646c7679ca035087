// Google Benchmark: the foundation's hot paths, per request style: encode+sign (client),
// parse+verify (server), the mock's whole Respond, and the model's DeleteJob decision.
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

// The model's DeleteJob decision in a store of N jobs.
void BM_DecideDeleteJob(benchmark::State& state) {
  model::Store store;
  for (std::int64_t i = 0; i < state.range(0); ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "job-%08lld", static_cast<long long>(i));
    store.Put({id, "", model::State::kRunning, {{"t0", {model::State::kRunning}}}, "z", 0});
  }
  model::ApiRequest request = model::DeleteJobRequest("job-00000007");
  for (auto _ : state) benchmark::DoNotOptimize(model::Decide(store, request, {}));
}

BENCHMARK(BM_EncodeAndSign)->DenseRange(0, 3);
BENCHMARK(BM_ParseAndVerify)->DenseRange(0, 3);
BENCHMARK(BM_MockRespond);
BENCHMARK(BM_DecideDeleteJob)->Arg(10)->Arg(10000)->Arg(1000000);

}  // namespace
}  // namespace dj

BENCHMARK_MAIN();
