// Google Benchmark: the reference model at scale (issue 8, item 3). The model and the mock must
// hold 1,000,000 jobs with DescribeJob and DeleteJob in O(log n), and DescribeJobs must page
// rather than copy the store. Each benchmark's argument is the number of jobs in the store.
//
//   build/release/bench/model_bench                       # every size
//   build/release/bench/model_bench --benchmark_filter=/1000000
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>

#include "models/api_model.h"

namespace dj {
namespace {

using nlohmann::json;

std::string IdOf(std::int64_t i) {
  // Ids spread over the key space like real ones: i scrambled, then in base 36.
  std::uint64_t x = static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ULL;
  std::string id = "job-";
  for (int k = 0; k < 8; ++k) {
    id += "0123456789abcdefghijklmnopqrstuvwxyz"[x % 36];
    x /= 36;
  }
  return id;
}

// A store of n jobs (a third deletable, like the mock's foreign jobs), built once per size and
// never freed (freeing a million jobs would charge the next benchmark's first allocations).
model::Store& StoreOf(std::int64_t n) {
  static std::map<std::int64_t, std::unique_ptr<model::Store>> stores;
  auto& store = stores[n];
  if (!store) {
    store = std::make_unique<model::Store>();
    for (std::int64_t i = 0; i < n; ++i) {
      bool deletable = i % 3 == 0;
      model::State s = deletable ? model::State::kSucceed : model::State::kRunning;
      store->Put({IdOf(i),
                  "job-" + std::to_string(i),
                  s,
                  {{"t0", {s, model::State::kSucceed}}},
                  "ap-guangzhou-2",
                  1735689599});
    }
  }
  return *store;
}

void Sizes(benchmark::internal::Benchmark* b) { b->Arg(1000)->Arg(100000)->Arg(1000000); }

// DeleteJob of a job in the store, refused or allowed, cycling through 1,024 of them.
void BM_DecideDeleteJob(benchmark::State& state) {
  const model::Store& store = StoreOf(state.range(0));
  std::vector<model::ApiRequest> requests;
  for (std::int64_t i = 0; i < 1024; ++i)
    requests.push_back(model::DeleteJobRequest(IdOf(i * 7919 % state.range(0))));
  std::size_t k = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(model::Decide(store, requests[k++ % requests.size()], {}));
  }
}

// DeleteJob of an id the store never held (ID-4).
void BM_DecideDeleteJobUnknown(benchmark::State& state) {
  const model::Store& store = StoreOf(state.range(0));
  model::ApiRequest request = model::DeleteJobRequest("job-zzzzzzzz");
  for (auto _ : state) benchmark::DoNotOptimize(model::Decide(store, request, {}));
}

// Applying a successful DeleteJob: erase and remember the id (then put it back, untimed).
void BM_ApplyDelete(benchmark::State& state) {
  model::Store& store = StoreOf(state.range(0));
  std::string id = IdOf(0);
  model::Job job = *store.Find(id);
  for (auto _ : state) {
    model::Apply(store, model::EraseJob{id});
    state.PauseTiming();
    store.Put(job);
    state.ResumeTiming();
  }
}

void BM_DecideDescribeJob(benchmark::State& state) {
  const model::Store& store = StoreOf(state.range(0));
  model::ApiRequest request = model::DescribeJobRequest(IdOf(state.range(0) / 2));
  for (auto _ : state) benchmark::DoNotOptimize(model::Decide(store, request, {}));
}

model::ApiRequest List(json params) { return {model::Action::kDescribeJobs, std::move(params)}; }

// DescribeJobs without filters: a page of 100 at the start, the middle and the end.
void BM_DescribeJobsPage(benchmark::State& state, double where) {
  const model::Store& store = StoreOf(state.range(0));
  auto offset = static_cast<std::int64_t>(where * static_cast<double>(state.range(0) - 100));
  model::ApiRequest request = List({{"Offset", offset}, {"Limit", 100}});
  for (auto _ : state) benchmark::DoNotOptimize(model::Decide(store, request, {}));
}

// DescribeJobs of 100 named jobs (JobIds), and with a job-id filter.
void BM_DescribeJobsByIds(benchmark::State& state) {
  const model::Store& store = StoreOf(state.range(0));
  json ids = json::array();
  for (std::int64_t i = 0; i < 100; ++i) ids.push_back(IdOf(i * 997 % state.range(0)));
  model::ApiRequest by_ids = List({{"JobIds", ids}, {"Limit", 100}});
  for (auto _ : state) benchmark::DoNotOptimize(model::Decide(store, by_ids, {}));
}

// DescribeJobs with a job-state filter: every job is looked at (TotalCount needs them all).
void BM_DescribeJobsByState(benchmark::State& state) {
  const model::Store& store = StoreOf(state.range(0));
  json filters = json::array({{{"Name", "job-state"}, {"Values", {"SUCCEED"}}}});
  model::ApiRequest request = List({{"Filters", filters}, {"Limit", 100}});
  for (auto _ : state) benchmark::DoNotOptimize(model::Decide(store, request, {}));
}

BENCHMARK(BM_DecideDeleteJob)->Apply(Sizes);
BENCHMARK(BM_DecideDeleteJobUnknown)->Apply(Sizes);
BENCHMARK(BM_ApplyDelete)->Apply(Sizes);
BENCHMARK(BM_DecideDescribeJob)->Apply(Sizes);
BENCHMARK_CAPTURE(BM_DescribeJobsPage, first, 0.0)->Apply(Sizes);
BENCHMARK_CAPTURE(BM_DescribeJobsPage, middle, 0.5)->Apply(Sizes);
BENCHMARK_CAPTURE(BM_DescribeJobsPage, last, 1.0)->Apply(Sizes);
BENCHMARK(BM_DescribeJobsByIds)->Apply(Sizes);
BENCHMARK(BM_DescribeJobsByState)->Apply(Sizes)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace dj

BENCHMARK_MAIN();
