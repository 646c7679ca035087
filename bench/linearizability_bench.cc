// Google Benchmark: the cost of checking a concurrent DeleteJob history for linearizability
// (CONC-2) against history length and thread count. Each history is made linearizable by
// construction: every call takes effect at a random point inside its interval, in the
// reference model. Goal (issue 4): 8 threads x 1,000 calls each checked in under 1 s.
//
// Arguments: threads, calls per thread, jobs, mix (see MakeHistory). A broken variant shows the
// cost of a history that is not linearizable (the search must exhaust before it can say so).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <random>

#include "harness/check/job_history.h"
#include "models/api_model.h"

namespace dj {
namespace {

using check::JobOp;
using check::JobOpKind;

struct History {
  std::map<std::string, std::optional<model::Job>> initial;
  std::map<std::string, std::vector<JobOp>> per_job;
};

model::Job StartingJob(std::string id, std::mt19937_64& rng) {
  model::Job job;
  job.id = std::move(id);
  bool running = rng() % 2 == 0;
  job.state = running ? model::State::kRunning : model::State::kSucceed;
  job.tasks.push_back(
      {"t0", {running ? model::State::kRunning : model::State::kSucceed, model::State::kSucceed}});
  return job;
}

// mix 0: deletes, describes, terminates and listings; mix 1: no deletes, so every job stays
// and every successful TerminateJob is a choice the search must keep open.
History MakeHistory(int threads, int calls, int jobs, std::uint64_t seed, int mix = 0) {
  std::mt19937_64 rng(seed);
  History h;
  model::Store store;
  std::vector<std::string> ids;
  for (int j = 0; j < jobs; ++j) {
    char id[16];
    std::snprintf(id, sizeof id, "job-%08d", j);
    ids.emplace_back(id);
    model::Job job = StartingJob(id, rng);
    store.Put(job);
    h.initial[id] = job;
  }
  struct Pending {
    std::string id;
    JobOp op;
    std::int64_t point;
  };
  std::vector<Pending> all;
  for (int t = 0; t < threads; ++t) {
    std::int64_t clock = static_cast<std::int64_t>(rng() % 1000);
    for (int i = 0; i < calls; ++i) {
      JobOp op;
      unsigned kind = static_cast<unsigned>(rng() % 20);
      if (mix == 1) kind = 8 + kind % 12;
      op.kind = kind < 8    ? JobOpKind::kDelete
                : kind < 14 ? JobOpKind::kDescribe
                : kind < 17 ? JobOpKind::kTerminate
                            : JobOpKind::kList;
      op.thread = t;
      op.invoked = clock + static_cast<std::int64_t>(rng() % 200);
      op.completed = op.invoked + 50 + static_cast<std::int64_t>(rng() % 2000);
      std::int64_t point =
          op.invoked + static_cast<std::int64_t>(
                           rng() % static_cast<std::uint64_t>(op.completed - op.invoked + 1));
      all.push_back({ids[rng() % ids.size()], std::move(op), point});
      clock = all.back().op.completed + 1;
    }
  }
  std::vector<std::size_t> by_point(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) by_point[i] = i;
  std::stable_sort(by_point.begin(), by_point.end(),
                   [&](std::size_t a, std::size_t b) { return all[a].point < all[b].point; });
  for (std::size_t i : by_point) {
    Pending& p = all[i];
    const model::Job* job = store.Find(p.id);
    if (p.op.kind == JobOpKind::kList) {
      p.op.outcome = model::Ok();
      if (job != nullptr) p.op.listed_state = std::string(model::StateName(job->state));
      continue;
    }
    model::ApiRequest request = p.op.kind == JobOpKind::kDelete ? model::DeleteJobRequest(p.id)
                                : p.op.kind == JobOpKind::kTerminate
                                    ? model::TerminateJobRequest(p.id)
                                    : model::DescribeJobRequest(p.id);
    model::Decision d = model::Decide(store, request, {});
    p.op.outcome = model::Canonical(d.clause);
    if (d.Succeeds()) {
      if (p.op.kind == JobOpKind::kDescribe) p.op.response = model::DescribeJobReply(*job);
      model::Apply(store, d.effect);
    }
  }
  for (Pending& p : all) h.per_job[p.id].push_back(std::move(p.op));
  return h;
}

// Every job's history checked; false when any is not linearizable.
bool CheckAll(const History& h, std::size_t& explored) {
  bool ok = true;
  for (const auto& [id, ops] : h.per_job) {
    check::JobVerdict v =
        check::CheckJobHistory(id, h.initial.at(id), ops, model::Profile::kStrict, false);
    explored += v.explored;
    ok = ok && v.linearizable;
  }
  return ok;
}

void BM_CheckLinearizableHistory(benchmark::State& state) {
  int threads = static_cast<int>(state.range(0));
  int calls = static_cast<int>(state.range(1));
  int jobs = static_cast<int>(state.range(2));
  int mix = static_cast<int>(state.range(3));
  History h = MakeHistory(threads, calls, jobs, 42, mix);
  std::size_t explored = 0;
  for (auto _ : state) {
    explored = 0;
    bool ok = CheckAll(h, explored);
    if (!ok) state.SkipWithError("a linearizable history was refused");
  }
  state.counters["calls"] = threads * calls;
  state.counters["states"] = static_cast<double>(explored);
  state.counters["calls/s"] =
      benchmark::Counter(threads * calls, benchmark::Counter::kIsIterationInvariantRate);
}

// The same history (one job) with a last DescribeJob that still sees the job as it started,
// after everything else: the worst case, since the search must try every way to order the
// calls before it can say that none explains the last answer.
void BM_CheckBrokenHistory(benchmark::State& state) {
  int threads = static_cast<int>(state.range(0));
  int calls = static_cast<int>(state.range(1));
  History h = MakeHistory(threads, calls, 1, 43);
  auto& [id, ops] = *h.per_job.begin();
  std::int64_t end = 0;
  for (const JobOp& op : ops) end = std::max(end, op.completed);
  JobOp late;
  late.kind = JobOpKind::kDescribe;
  late.invoked = end + 1;
  late.completed = end + 2;
  late.outcome = model::Ok();
  late.response = model::DescribeJobReply(*h.initial.at(id));
  ops.push_back(late);
  std::size_t explored = 0;
  for (auto _ : state) {
    explored = 0;
    if (CheckAll(h, explored)) state.SkipWithError("a broken history was accepted");
  }
  state.counters["calls"] = threads * calls + 1;
  state.counters["states"] = static_cast<double>(explored);
}

BENCHMARK(BM_CheckLinearizableHistory)
    ->ArgNames({"threads", "calls", "jobs", "mix"})
    ->ArgsProduct({{1, 2, 4, 8, 16}, {100, 1000}, {1, 8}, {0, 1}})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CheckBrokenHistory)
    ->ArgNames({"threads", "calls"})
    ->ArgsProduct({{2, 8, 16}, {100, 1000}})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace dj

BENCHMARK_MAIN();
