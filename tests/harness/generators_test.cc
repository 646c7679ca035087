// The step generators reach what the histories need: every (job state, worst instance state)
// pair, every kind of JobId and action, every wire fault in a style that carries it; and a
// step's JSON round-trips for replay files.
#include "harness/runner/generators.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>

namespace dj::run {
namespace {

using model::State;

template <class T>
T Sample(const rc::Gen<T>& gen, rc::Random& random, int size = 30) {
  return gen(random.split(), size).value();
}

TEST(GenJob, ReachesEveryJobStateAndWorstInstanceStatePair) {
  rc::Random random(7);
  std::set<std::pair<State, std::optional<State>>> pairs;
  for (int i = 0; i < 5000; ++i) {
    model::Job job = Sample(GenJob("job-aaaaaaaa"), random);
    EXPECT_LE(job.tasks.size(), 4U);
    for (const auto& t : job.tasks) EXPECT_LE(t.instances.size(), 3U);
    pairs.insert({job.state, model::WorstInstanceState(job)});
  }
  EXPECT_EQ(pairs.size(), model::kStateCount * (model::kStateCount + 1));  // 8 x (8 states + none)
}

// Which kinds of instance state a job mixes: bit 0 completed, 1 FAILED_INTERRUPTED, 2 active.
unsigned MixOf(const model::Job& job) {
  unsigned mix = 0;
  for (const auto& t : job.tasks) {
    for (State s : t.instances) {
      mix |= model::IsCompleted(s) ? 1U : s == State::kFailedInterrupted ? 2U : 4U;
    }
  }
  return mix;
}

TEST(GenJob, ReachesEveryJobStateWithEveryMixOfInstanceKinds) {
  rc::Random random(9);
  std::set<std::pair<State, unsigned>> seen;
  int three_kinds = 0;
  for (int i = 0; i < 5000; ++i) {
    model::Job job = Sample(GenJob("job-aaaaaaaa"), random);
    seen.insert({job.state, MixOf(job)});
    three_kinds += MixOf(job) == 7U ? 1 : 0;
  }
  EXPECT_EQ(seen.size(), model::kStateCount * 8);  // 8 job states x 8 mixes (none included)
  EXPECT_GT(three_kinds, 400);  // e.g. SUCCEED + FAILED_INTERRUPTED + RUNNING
}

// The coverage table (DeleteCellKey) counts a delete under (job state, worst instance state):
// every job of a cell, whatever it mixes, gets the same clause from the model.
TEST(GenJob, TheWorstInstanceDecidesTheClauseWhateverTheMix) {
  rc::Random random(10);
  std::map<std::pair<State, std::optional<State>>, model::Clause> clause_of;
  for (int i = 0; i < 5000; ++i) {
    model::Job job = Sample(GenJob("job-aaaaaaaa"), random);
    model::Store store;
    store.Put(job);
    model::Clause c = model::Decide(store, model::DeleteJobRequest(job.id), {}).clause;
    auto [it, fresh] = clause_of.emplace(std::pair(job.state, model::WorstInstanceState(job)), c);
    EXPECT_EQ(it->second, c) << Describe(Step(CreateJob{job}));
  }
  EXPECT_EQ(clause_of.size(), model::kStateCount * (model::kStateCount + 1));
}

TEST(GenJob, DeletableJobsAreCommonEnough) {
  rc::Random random(8);
  int deletable = 0;
  for (int i = 0; i < 2000; ++i)
    deletable += model::IsDeletable(Sample(GenJob("job-aaaaaaaa"), random)) ? 1 : 0;
  EXPECT_GT(deletable, 200);  // DEL-1 and GONE-* need them; uniform states would give ~8%
}

TEST(GenStep, HistoriesMixEveryKindOfStepAtSmallSizes) {
  GenModel m;
  m.styles = {protocol::Style::kApi3Post, protocol::Style::kQueryGet};
  rc::Random random(42);
  std::map<std::string, int> seen;
  for (int i = 0; i < 600; ++i) {
    Step s = Sample(GenStep(m, PropertyKind::kHistories), random, /*size=*/5);
    std::string kind = std::visit(
        [](const auto& v) -> std::string {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, ApiCall>)
            return std::string(model::ActionName(v.request.action));
          if constexpr (std::is_same_v<T, CreateJob>) return "CreateJob";
          if constexpr (std::is_same_v<T, AdvanceClock>) return "AdvanceClock";
          if constexpr (std::is_same_v<T, SameInStyles>) return "SameInStyles";
          return "other";
        },
        s);
    ++seen[kind];
    if (const auto* call = std::get_if<ApiCall>(&s)) {
      EXPECT_EQ(call->fault, WireFault::kNone);  // faults are the other property's
    }
    PredictEffect(m, s);
  }
  for (const char* kind : {"CreateJob", "AdvanceClock", "DeleteJob", "DescribeJob", "DescribeJobs",
                           "TerminateJob", "SameInStyles"}) {
    EXPECT_GT(seen[kind], 5) << kind;
  }
}

// Every fault but the size probes (sent once a run: SizeProbes) and, unless the target's clock
// is exact, AUTH-2's exact edge.
TEST(GenStep, AuthCommonPlantsEveryFaultInAStyleThatCarriesIt) {
  for (bool exact : {false, true}) {
    GenModel m;
    m.styles = {protocol::Style::kApi3Post, protocol::Style::kApi3Get,
                protocol::Style::kQueryGet, protocol::Style::kFormPost};
    m.exact_clock = exact;
    rc::Random random(3);
    std::set<WireFault> faults;
    for (int i = 0; i < 2500; ++i) {
      if (i % 50 == 0) m.store.Clear();  // keep the generation model small
      Step s = Sample(GenStep(m, PropertyKind::kAuthCommon), random);
      if (const auto* call = std::get_if<ApiCall>(&s)) {
        EXPECT_TRUE(FaultFitsStyle(call->fault, call->style)) << Describe(s);
        faults.insert(call->fault);
      }
      PredictEffect(m, s);
    }
    std::set<WireFault> expected;
    for (WireFault f : kAllWireFaults) {
      bool size = f == WireFault::kOversize || f == WireFault::kNearLimit ||
                  f == WireFault::kOverLimit;
      if (!size && (exact || !EdgeShift(f))) expected.insert(f);
    }
    EXPECT_EQ(faults, expected) << "exact clock: " << exact;
  }
}

TEST(GenStep, WithoutControlNothingNeedsIt) {
  GenModel m;
  m.control = false;
  rc::Random random(5);
  for (int i = 0; i < 500; ++i) {
    for (PropertyKind kind : {PropertyKind::kHistories, PropertyKind::kAuthCommon}) {
      Step s = Sample(GenStep(m, kind), random);
      EXPECT_FALSE(NeedsControl(s)) << Describe(s);
      if (const auto* call = std::get_if<ApiCall>(&s)) {
        EXPECT_NE(call->request.action, model::Action::kTerminateJob);  // never on others' jobs
      }
    }
  }
}

TEST(GenStep, RateLimitSchedulesAreUnpacedDeletesAndGapsFromEveryCredential) {
  for (bool control : {true, false}) {
    GenModel m;
    m.control = control;
    m.credentials = 2;
    rc::Random random(11);
    std::map<std::string, int> seen;
    std::set<std::int64_t> gaps;
    for (int i = 0; i < 800; ++i) {
      if (i % 40 == 0) m.store.Clear();
      Step s = Sample(GenStep(m, PropertyKind::kRateLimit), random, 10);
      EXPECT_EQ(NeedsControl(s), control && !std::holds_alternative<ApiCall>(s)) << Describe(s);
      if (const auto* a = std::get_if<AdvanceClock>(&s)) gaps.insert(a->ms);
      if (const auto* p = std::get_if<Pause>(&s)) gaps.insert(p->ms);
      if (const auto* call = std::get_if<ApiCall>(&s);
          call != nullptr && call->request.action == model::Action::kDeleteJob) {
        EXPECT_FALSE(call->paced);
        ++seen["credential " + std::to_string(call->credential)];
      }
      PredictEffect(m, s);
    }
    EXPECT_GT(seen["credential 0"], 50);
    EXPECT_GT(seen["credential 1"], 50);
    // The window's edges are drawn on purpose.
    for (std::int64_t edge : {0, 999, 1000, 1001}) EXPECT_TRUE(gaps.contains(edge)) << edge;
  }
}

TEST(GenStep, ConcurrencyBatchesCallEveryActionOnTheJobsFromEveryThread) {
  GenModel m;
  m.threads = 8;
  rc::Random random(13);
  std::map<std::string, int> actions;
  int batches = 0;
  int busiest = 0;
  for (int i = 0; i < 300; ++i) {
    if (i % 30 == 0) m.store.Clear();
    Step s = Sample(GenStep(m, PropertyKind::kConcurrency), random, 20);
    if (const auto* batch = std::get_if<Batch>(&s)) {
      ++batches;
      EXPECT_EQ(batch->threads.size(), 8U);
      int calls = 0;
      for (const auto& thread : batch->threads) {
        EXPECT_LE(thread.size(), 4U);
        for (const ApiCall& call : thread) {
          ++actions[std::string(model::ActionName(call.request.action))];
          EXPECT_EQ(call.fault, WireFault::kNone);
          ++calls;
        }
      }
      busiest = std::max(busiest, calls);
    }
    PredictEffect(m, s);
  }
  EXPECT_GT(batches, 50);
  EXPECT_GE(busiest, 16);
  for (const char* a : {"DeleteJob", "DescribeJob", "TerminateJob", "DescribeJobs"})
    EXPECT_GT(actions[a], 20) << a;
}

RC_GTEST_PROP(StepJson, RoundTrips, ()) {
  GenModel m;
  m.styles = {protocol::Style::kApi3Post, protocol::Style::kFormPost};
  m.store.Put(*GenJob("job-aaaaaaaa"));
  m.credentials = 2;
  m.threads = 3;
  m.control = *rc::gen::arbitrary<bool>();
  PropertyKind kind = *rc::gen::element(PropertyKind::kHistories, PropertyKind::kAuthCommon,
                                        PropertyKind::kRateLimit, PropertyKind::kConcurrency);
  RC_PRE(m.control || kind != PropertyKind::kConcurrency);
  Step s = *GenStep(m, kind);
  nlohmann::json j = s;
  Step back = j.get<Step>();
  RC_ASSERT(back == s);
}

TEST(StepJson, RefusesWhatIsNotAStep) {
  for (
      const char* text :
      {R"({"Step":"Nope"})", R"({"Step":"AdvanceClock"})",
       R"({"Step":"Api","Action":"Frobnicate","Params":{},"Style":"api3-post","Encoding":{"SpaceAsPlus":false,"EncodeUnreserved":false,"ReverseOrder":false,"SignatureMethod":"HmacSHA1","SendSignatureMethod":true},"Fault":"none"})",
       R"({"Step":"CreateJob","Job":{"JobState":"DONE","Tasks":[]}})",
       R"({"Step":"Pause","Ms":-1})", R"({"Step":"Batch","Threads":[[{"Step":"Nope"}]]})"}) {
    EXPECT_THROW(nlohmann::json::parse(text).get<Step>(), nlohmann::json::exception) << text;
  }
}

}  // namespace
}  // namespace dj::run
