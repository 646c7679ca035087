// Step generators.
#include "harness/runner/generators.h"

#include <rapidcheck/state.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "models/gen_util.h"
#include "models/job_id_gen.h"

namespace dj::run {
namespace {

using model::Action;
using model::State;
using nlohmann::json;

// One of the generators, chosen by weight (a vector: which options exist depends on the
// state). Uniform at every size, and shrinks towards the first option, so the simplest goes
// first: that lets RapidCheck simplify a step, not only drop it.
template <class T>
rc::Gen<T> Weighted(std::vector<std::pair<int, rc::Gen<T>>> options) {
  std::vector<std::size_t> slots;  // option i appears weight_i times
  for (std::size_t i = 0; i < options.size(); ++i) {
    slots.insert(slots.end(), static_cast<std::size_t>(options[i].first), i);
  }
  return rc::gen::mapcat(model::UniformInRange<std::size_t>(0, slots.size()),
                         [options, slots](std::size_t k) { return options[slots[k]].second; });
}

// A state that is neither completed nor FAILED_INTERRUPTED.
rc::Gen<State> GenActiveState() {
  return rc::gen::element(State::kSubmitted, State::kPending, State::kRunnable, State::kStarting,
                          State::kRunning);
}

std::vector<std::string> Keys(const model::Store& store) {
  std::vector<std::string> out;
  for (const auto& [id, job] : store.jobs()) out.push_back(id);
  return out;
}

std::vector<std::string> Deleted(const model::Store& store) {
  return {store.deleted().begin(), store.deleted().end()};
}

// Near misses of every kind, the 1 MiB one rarely: it is expensive and one kind among many.
rc::Gen<std::string> GenNearMiss() {
  return rc::gen::map(model::GenNearMissJobId(/*huge_weight=*/1),
                      [](model::NearMissId n) { return std::move(n.id); });
}

enum class IdChoice { kExisting, kDeleted, kNever, kNearMiss, kAbsent, kWrongType };

// The JobId parameter: a JSON value, or absent (std::nullopt).
rc::Gen<std::optional<json>> GenJobIdParam(const GenModel& m,
                                           std::vector<std::pair<int, IdChoice>> weights,
                                           bool typed) {
  auto existing = Keys(m.store);
  auto deleted = Deleted(m.store);
  std::vector<std::pair<int, rc::Gen<std::optional<json>>>> options;
  auto some = [](rc::Gen<std::string> g) {
    return rc::gen::map(std::move(g),
                        [](std::string id) { return std::optional<json>(json(std::move(id))); });
  };
  for (auto [w, choice] : weights) {
    switch (choice) {
      case IdChoice::kExisting:
        if (!existing.empty()) options.push_back({w, some(rc::gen::elementOf(existing))});
        break;
      case IdChoice::kDeleted:
        if (!deleted.empty()) options.push_back({w, some(rc::gen::elementOf(deleted))});
        break;
      case IdChoice::kNever:
        options.push_back({w, some(model::GenWellFormedJobId())});
        break;
      case IdChoice::kNearMiss:
        options.push_back({w, some(GenNearMiss())});
        break;
      case IdChoice::kAbsent:
        options.push_back({w, rc::gen::just(std::optional<json>())});
        break;
      case IdChoice::kWrongType:
        // Only the JSON body can carry a type; query parameters are all strings.
        if (typed) {
          options.push_back({w, rc::gen::map(rc::gen::element<int>(0, 1, 2, 3, 4), [](int k) {
                               json v = k == 0   ? json(12345678)
                                        : k == 1 ? json(nullptr)
                                        : k == 2 ? json::array({"job-f5da1edl"})
                                        : k == 3 ? json::object({{"JobId", "job-f5da1edl"}})
                                                 : json(true);
                               return std::optional<json>(v);
                             })});
        }
        break;
    }
  }
  return Weighted(options);
}

json WithJobId(const std::optional<json>& id) {
  json params = json::object();
  if (id) params["JobId"] = *id;
  return params;
}

rc::Gen<Encoding> GenEncoding() {
  return rc::gen::build<Encoding>(
      rc::gen::set(&Encoding::space_as_plus), rc::gen::set(&Encoding::encode_unreserved),
      rc::gen::set(&Encoding::reverse_param_order),
      rc::gen::set(&Encoding::signature_method,
                   rc::gen::element(protocol::SignatureMethod::kHmacSha256,
                                    protocol::SignatureMethod::kHmacSha1)),
      rc::gen::set(&Encoding::send_signature_method));
}

// An API request in a style the run allows.
rc::Gen<Step> GenCall(const GenModel& m, Action action, std::vector<std::pair<int, IdChoice>> ids) {
  return rc::gen::mapcat(rc::gen::elementOf(m.styles), [m, action, ids](protocol::Style style) {
    bool typed = style == protocol::Style::kApi3Post;
    return rc::gen::map(
        rc::gen::pair(GenJobIdParam(m, ids, typed), GenEncoding()),
        [action, style](const std::pair<std::optional<json>, Encoding>& p) {
          return Step(ApiCall{{action, WithJobId(p.first)}, style, p.second, WireFault::kNone});
        });
  });
}

rc::Gen<Step> GenCreate(const GenModel& m) {
  auto existing = Keys(m.store);
  rc::Gen<std::string> id =
      existing.empty() ? model::GenWellFormedJobId()
                       : rc::gen::weightedOneOf<std::string>(
                             {{4, model::GenWellFormedJobId()}, {1, rc::gen::elementOf(existing)}});
  return rc::gen::map(
      rc::gen::mapcat(id, [](std::string job_id) { return GenJob(std::move(job_id)); }),
      [](model::Job job) { return Step(CreateJob{std::move(job)}); });
}

rc::Gen<Step> GenListing(const GenModel& m) {
  auto ids = Keys(m.store);
  auto deleted = Deleted(m.store);
  auto by_ids = [](std::string id) { return json{{"JobIds", {id}}}; };
  auto by_filter = [](std::string id) {
    return json{{"Filters", json::array({{{"Name", "job-id"}, {"Values", {id}}}})}};
  };
  std::vector<std::pair<int, rc::Gen<json>>> options = {{1, rc::gen::just(json::object())}};
  if (!ids.empty()) {
    options.push_back({1, rc::gen::map(rc::gen::elementOf(ids), by_ids)});
    options.push_back({1, rc::gen::map(rc::gen::elementOf(ids), by_filter)});
  }
  if (!deleted.empty()) {  // what GONE-2 is about
    options.push_back({3, rc::gen::map(rc::gen::elementOf(deleted), by_ids)});
    options.push_back({3, rc::gen::map(rc::gen::elementOf(deleted), by_filter)});
  }
  return rc::gen::mapcat(
      rc::gen::pair(rc::gen::elementOf(m.styles), GenEncoding()),
      [options](const std::pair<protocol::Style, Encoding>& se) {
        return rc::gen::map(Weighted(options), [se](json params) {
          return Step(ApiCall{
              {Action::kDescribeJobs, std::move(params)}, se.first, se.second, WireFault::kNone});
        });
      });
}

rc::Gen<Step> GenAdvance() {
  return rc::gen::map(
      rc::gen::weightedOneOf<std::int64_t>(
          {{6, rc::gen::element<std::int64_t>(0, 100, 499, 500, 501, 999, 1000, 1000, 1001, 2000)},
           {1, model::UniformInRange<std::int64_t>(0, 3000)}}),
      [](std::int64_t ms) { return Step(AdvanceClock{ms}); });
}

// The gap before a request of a rate-limit schedule, in ms: the window's edges often, anything
// up to 1.5 s otherwise. Shrinks towards 0, so a shrunk schedule shows the tightest timing
// that still breaks the clause.
rc::Gen<std::int64_t> GenGap() {
  return Weighted<std::int64_t>(
      {{6, rc::gen::element<std::int64_t>(0, 1, 250, 499, 500, 501, 999, 1000, 1001)},
       {3, model::UniformInRange<std::int64_t>(0, 1501)}});
}

// A step of a rate-limit schedule: a gap (the control clock, or real time), a DeleteJob from
// one of the credentials (unpaced: the schedule's timing is the point), now and then a job to
// delete (RL-3) or a DescribeJob, which no limit may refuse.
rc::Gen<Step> GenRateStep(const GenModel& m) {
  using enum IdChoice;
  std::vector<std::pair<int, rc::Gen<Step>>> options;
  bool control = m.control;
  options.push_back({10, rc::gen::map(GenGap(), [control](std::int64_t ms) {
                       return control ? Step(AdvanceClock{ms}) : Step(Pause{ms});
                     })});
  // Ids shrink towards a never-existing one: only the timing is left to explain the finding.
  auto deletes = GenCall(m, Action::kDeleteJob, {{6, kNever}, {3, kExisting}, {1, kNearMiss}});
  options.push_back(
      {16, rc::gen::map(rc::gen::pair(deletes, model::UniformInRange(0, m.credentials)),
                        [](const std::pair<Step, int>& p) {
                          Step step = p.first;
                          auto& call = std::get<ApiCall>(step);
                          call.paced = false;
                          call.credential = p.second;
                          return step;
                        })});
  if (control) options.push_back({3, GenCreate(m)});
  options.push_back({1, GenCall(m, Action::kDescribeJob, {{3, kExisting}, {1, kNever}})});
  return Weighted(options);
}

// One call of a concurrent batch: mostly on the jobs that exist, now and then on a deleted or a
// never-existing one; from any credential, in any style.
rc::Gen<ApiCall> GenBatchCall(const GenModel& m) {
  using enum IdChoice;
  std::vector<std::string> ids = Keys(m.store);
  for (const auto& id : m.store.deleted()) ids.push_back(id);
  auto call = [&m](Action action, std::vector<std::pair<int, IdChoice>> choices) {
    return rc::gen::map(GenCall(m, action, std::move(choices)),
                        [](const Step& s) { return std::get<ApiCall>(s); });
  };
  std::vector<std::pair<int, IdChoice>> on_jobs = {{8, kExisting}, {2, kDeleted}, {1, kNever}};
  rc::Gen<ApiCall> listing =
      rc::gen::map(rc::gen::pair(rc::gen::elementOf(m.styles), GenEncoding()),
                   [ids](const std::pair<protocol::Style, Encoding>& se) {
                     json list = json::array();
                     for (const auto& id : ids) {
                       if (list.size() < 100) list.push_back(id);
                     }
                     return ApiCall{{Action::kDescribeJobs, {{"JobIds", list}, {"Limit", 100}}},
                                    se.first,
                                    se.second,
                                    WireFault::kNone};
                   });
  auto any = Weighted<ApiCall>({{5, call(Action::kDeleteJob, on_jobs)},
                                {3, call(Action::kDescribeJob, on_jobs)},
                                {2, call(Action::kTerminateJob, on_jobs)},
                                {1, listing}});
  return rc::gen::map(rc::gen::pair(any, model::UniformInRange(0, m.credentials)),
                      [](std::pair<ApiCall, int> p) {
                        p.first.credential = p.second;
                        return p.first;
                      });
}

// A batch: each thread 0-4 calls (shrinking empties threads and drops calls).
rc::Gen<Step> GenBatch(const GenModel& m) {
  auto thread = rc::gen::mapcat(model::UniformInRange(0, 5), [m](int n) {
    return rc::gen::container<std::vector<ApiCall>>(static_cast<std::size_t>(n), GenBatchCall(m));
  });
  return rc::gen::map(
      rc::gen::container<std::vector<std::vector<ApiCall>>>(
          static_cast<std::size_t>(std::max(1, m.threads)), thread),
      [](std::vector<std::vector<ApiCall>> threads) { return Step(Batch{std::move(threads)}); });
}

// A step of the concurrency property: make up to four jobs, send batches, and move the clock
// on so that the next batch's deletes are admitted again.
rc::Gen<Step> GenConcurrencyStep(const GenModel& m) {
  std::vector<std::pair<int, rc::Gen<Step>>> options;
  if (m.store.size() < 4) options.push_back({m.store.size() == 0 ? 8 : 3, GenCreate(m)});
  if (m.store.size() > 0 || m.store.AnyDeleted()) options.push_back({6, GenBatch(m)});
  options.push_back({2, rc::gen::map(rc::gen::element<std::int64_t>(1000, 2000),
                                     [](std::int64_t ms) { return Step(AdvanceClock{ms}); })});
  return Weighted(options);
}

// A read-only request sent in two styles (STYLE-1).
rc::Gen<Step> GenSameInStyles(const GenModel& m) {
  std::vector<std::string> blocked;  // existing jobs that cannot be deleted: deleting is read-only
  for (const auto& [id, job] : m.store.jobs()) {
    if (!model::IsDeletable(job)) blocked.push_back(id);
  }
  auto request = rc::gen::mapcat(rc::gen::arbitrary<bool>(), [m, blocked](bool describe) {
    std::vector<std::pair<int, IdChoice>> ids = {
        {2, IdChoice::kNever}, {3, IdChoice::kNearMiss}, {1, IdChoice::kAbsent}};
    if (describe) {
      ids.push_back({3, IdChoice::kExisting});
      ids.push_back({1, IdChoice::kDeleted});
      return rc::gen::map(GenJobIdParam(m, ids, false), [](std::optional<json> id) {
        return model::ApiRequest{Action::kDescribeJob, WithJobId(id)};
      });
    }
    GenModel only_blocked;
    for (const auto& id : blocked) only_blocked.store.Put(*m.store.Find(id));
    ids.push_back({3, IdChoice::kExisting});
    return rc::gen::map(GenJobIdParam(only_blocked, ids, false), [](std::optional<json> id) {
      return model::ApiRequest{Action::kDeleteJob, WithJobId(id)};
    });
  });
  return rc::gen::map(rc::gen::tuple(request, rc::gen::elementOf(m.styles), GenEncoding(),
                                     rc::gen::elementOf(m.styles), GenEncoding()),
                      [](const std::tuple<model::ApiRequest, protocol::Style, Encoding,
                                          protocol::Style, Encoding>& t) {
                        return Step(SameInStyles{std::get<0>(t), std::get<1>(t), std::get<2>(t),
                                                 std::get<3>(t), std::get<4>(t)});
                      });
}

std::vector<WireFault> AllFaults() {
  std::vector<WireFault> out;
  for (WireFault f : kAllWireFaults) {
    if (f != WireFault::kNone) out.push_back(f);
  }
  return out;
}

// A request with a planted wire fault, in a style that can carry it.
rc::Gen<Step> GenFaulty(const GenModel& m) {
  std::vector<std::pair<int, rc::Gen<WireFault>>> faults;
  for (WireFault f : AllFaults()) {
    bool fits = std::any_of(m.styles.begin(), m.styles.end(),
                            [f](protocol::Style s) { return FaultFitsStyle(f, s); });
    // A 10 MB body is costly: the size limits are probed once a run (SizeProbes), not here.
    bool size = f == WireFault::kOversize || f == WireFault::kNearLimit ||
                f == WireFault::kOverLimit;
    if (fits && !size && (m.exact_clock || !EdgeShift(f))) {
      faults.push_back({20, rc::gen::just(f)});
    }
  }
  std::vector<std::pair<int, IdChoice>> ids = {{3, IdChoice::kExisting}, {1, IdChoice::kNever}};
  return rc::gen::mapcat(Weighted(faults), [m, ids](WireFault fault) {
    std::vector<protocol::Style> styles;
    std::copy_if(m.styles.begin(), m.styles.end(), std::back_inserter(styles),
                 [fault](protocol::Style s) { return FaultFitsStyle(fault, s); });
    return rc::gen::map(
        rc::gen::tuple(
            rc::gen::element(Action::kDeleteJob, Action::kDeleteJob, Action::kDescribeJob),
            GenJobIdParam(m, ids, false), rc::gen::elementOf(styles), GenEncoding()),
        [fault](const std::tuple<Action, std::optional<json>, protocol::Style, Encoding>& t) {
          return Step(ApiCall{
              {std::get<0>(t), WithJobId(std::get<1>(t))}, std::get<2>(t), std::get<3>(t), fault});
        });
  });
}

// A step as a RapidCheck command over no system: generating and shrinking a history only need
// its effect on the generation model. The caller executes the steps.
struct NoSystem {};
class PlannedStep final : public rc::state::Command<GenModel, NoSystem> {
 public:
  explicit PlannedStep(Step step) : step_(std::move(step)) {}
  void apply(GenModel& model) const override { PredictEffect(model, step_); }
  // Shrinking may drop the Submit a later step's "@owned-N" needs: such a history is invalid.
  void checkPreconditions(const GenModel& model) const override {
    RC_PRE(OwnedRefsValid(model, step_));
  }
  void show(std::ostream& os) const override { os << Describe(step_); }
  const Step& step() const { return step_; }

 private:
  Step step_;
};

}  // namespace

rc::Gen<std::vector<Step>> GenHistory(const GenModel& initial, PropertyKind kind) {
  using Planned = std::shared_ptr<const rc::state::Command<GenModel, NoSystem>>;
  auto commands = rc::state::gen::commands(initial, [kind](const GenModel& m) {
    return rc::gen::map(GenStep(m, kind), [](Step s) -> Planned {
      return std::make_shared<PlannedStep>(std::move(s));
    });
  });
  return rc::gen::map(
      commands, [](const rc::state::Commands<rc::state::Command<GenModel, NoSystem>>& planned) {
        std::vector<Step> steps;
        steps.reserve(planned.size());
        for (const Planned& p : planned)
          steps.push_back(static_cast<const PlannedStep&>(*p).step());
        return steps;
      });
}

namespace {

struct PropertyRow {
  std::string_view name;
  std::string_view aims;
  std::string_view summary;
};
constexpr PropertyRow kPropertyRows[] = {
#define DJ_PROPERTY(e, name, aims, summary) {name, aims, summary},
#include "harness/runner/properties.def"
#undef DJ_PROPERTY
};

const PropertyRow& RowOf(PropertyKind kind) {
  return kPropertyRows[static_cast<std::size_t>(kind)];
}

}  // namespace

std::string_view PropertyName(PropertyKind kind) { return RowOf(kind).name; }
std::string_view PropertyAims(PropertyKind kind) { return RowOf(kind).aims; }
std::string_view PropertySummary(PropertyKind kind) { return RowOf(kind).summary; }

std::optional<PropertyKind> PropertyFromName(std::string_view name) {
  for (PropertyKind k : kAllProperties) {
    if (PropertyName(k) == name) return k;
  }
  return std::nullopt;
}

namespace {

// The three kinds of instance state that decide a deletion: completed (SUCCEED, FAILED),
// FAILED_INTERRUPTED, and still active.
enum class StateKind : unsigned char { kCompleted, kInterrupted, kActive };

rc::Gen<State> GenStateOf(StateKind kind) {
  switch (kind) {
    case StateKind::kCompleted:
      return rc::gen::element(State::kSucceed, State::kFailed);
    case StateKind::kInterrupted:
      return rc::gen::just(State::kFailedInterrupted);
    case StateKind::kActive:
      return GenActiveState();
  }
  return rc::gen::just(State::kSucceed);
}

// Which kinds a job's instances mix, as a bit set over StateKind (0: no instances). Mixes
// that hold completed instances are drawn more often, so that deletable jobs (and with them
// DEL-1 and GONE-*) stay common; every mix is reached.
rc::Gen<unsigned> GenMix() {
  return Weighted<unsigned>({{2, rc::gen::just(0U)},
                             {4, rc::gen::just(1U)},
                             {1, rc::gen::just(2U)},
                             {1, rc::gen::just(4U)},
                             {2, rc::gen::just(3U)},
                             {2, rc::gen::just(5U)},
                             {1, rc::gen::just(6U)},
                             {2, rc::gen::just(7U)}});
}

// 1-4 tasks of 0-3 instances whose states are of the kinds in `mix`, each kind at least once.
std::vector<std::vector<State>> GenInstances(unsigned mix) {
  std::vector<StateKind> kinds;
  for (StateKind k : {StateKind::kCompleted, StateKind::kInterrupted, StateKind::kActive}) {
    if ((mix >> static_cast<unsigned>(k)) & 1U) kinds.push_back(k);
  }
  auto tasks = static_cast<std::size_t>(*model::UniformInRange(1, 5));
  std::vector<std::size_t> sizes;
  std::size_t total = 0;
  for (std::size_t t = 0; t < tasks; ++t) {
    sizes.push_back(static_cast<std::size_t>(*model::UniformInRange(0, 4)));
    total += sizes.back();
  }
  for (std::size_t t = 0; total < kinds.size(); t = (t + 1) % tasks) {
    if (sizes[t] < 3) {
      ++sizes[t];
      ++total;
    }
  }
  // Slot i of the flattened instances: kinds[i] for the first of each kind, then any kind of
  // the mix; the slots are then spread over the tasks in a drawn order.
  std::vector<State> flat;
  for (std::size_t i = 0; i < total; ++i) {
    StateKind k = i < kinds.size() ? kinds[i] : *rc::gen::elementOf(kinds);
    flat.push_back(*GenStateOf(k));
  }
  for (std::size_t i = flat.size(); i > 1; --i) {
    std::swap(flat[i - 1], flat[*model::UniformInRange<std::size_t>(0, i)]);
  }
  std::vector<std::vector<State>> out(tasks);
  std::size_t next = 0;
  for (std::size_t t = 0; t < tasks; ++t) {
    out[t].assign(flat.begin() + static_cast<std::ptrdiff_t>(next),
                  flat.begin() + static_cast<std::ptrdiff_t>(next + sizes[t]));
    next += sizes[t];
  }
  return out;
}

}  // namespace

rc::Gen<model::Job> GenJob(std::string id) {
  auto gen_job_state = Weighted<State>({{6, rc::gen::element(State::kSucceed, State::kFailed)},
                                        {2, rc::gen::just(State::kFailedInterrupted)},
                                        {5, GenActiveState()}});
  return rc::gen::exec([id, gen_job_state] {
    model::Job job;
    job.id = id;
    job.state = *gen_job_state;
    unsigned mix = *GenMix();
    if (mix == 0) {
      // Half of these have no tasks at all: a case servers get wrong (ROB-2).
      int tasks = *Weighted<int>({{4, rc::gen::just(0)}, {4, model::UniformInRange(1, 5)}});
      for (int t = 0; t < tasks; ++t) job.tasks.push_back({"t" + std::to_string(t), {}});
      return job;
    }
    auto all = GenInstances(mix);
    for (std::size_t i = 0; i < all.size(); ++i) {
      job.tasks.push_back({"t" + std::to_string(i), std::move(all[i])});
    }
    return job;
  });
}

// A call on the history's own job N, in any style the run allows.
rc::Gen<Step> GenOwnedCall(const GenModel& m, Action action, int n) {
  return rc::gen::map(rc::gen::pair(rc::gen::elementOf(m.styles), GenEncoding()),
                      [action, n](const std::pair<protocol::Style, Encoding>& se) {
                        json params = action == Action::kDescribeJobs
                                          ? json{{"JobIds", {OwnedRef(n)}}}
                                          : json{{"JobId", OwnedRef(n)}};
                        return Step(ApiCall{{action, params}, se.first, se.second});
                      });
}

// The life of the run's own jobs on a target without control: submit a quick or a slow job,
// watch it, delete it while it runs (DEL-2: the slow one cannot have finished), terminate it,
// wait for it to finish, delete it (DEL-1), then ask for it again (GONE-*).
rc::Gen<Step> GenOwnedStep(const GenModel& m) {
  std::vector<std::pair<int, rc::Gen<Step>>> options;
  int live = 0;
  for (std::size_t k = 0; k < m.owned.size(); ++k) {
    const OwnedGen& o = m.owned[k];
    int n = static_cast<int>(k);
    auto await = [n](Until until) { return rc::gen::just(Step(Await{n, until})); };
    if (o.deleted) {
      options.push_back({2, GenOwnedCall(m, Action::kDeleteJob, n)});
      options.push_back({2, GenOwnedCall(m, Action::kDescribeJob, n)});
      options.push_back({1, GenOwnedCall(m, Action::kTerminateJob, n)});
      options.push_back({1, GenOwnedCall(m, Action::kDescribeJobs, n)});
      continue;
    }
    ++live;
    if (o.finished) {
      options.push_back({10, GenOwnedCall(m, Action::kDeleteJob, n)});
      options.push_back({2, GenOwnedCall(m, Action::kDescribeJob, n)});
    } else if (o.slow && !o.terminated) {
      options.push_back({5, GenOwnedCall(m, Action::kDeleteJob, n)});
      if (!o.running) options.push_back({4, await(Until::kRunning)});
      // Only once it runs: a SUBMITTED job cannot be terminated yet (DRV-2).
      if (o.running) options.push_back({5, GenOwnedCall(m, Action::kTerminateJob, n)});
      options.push_back({2, GenOwnedCall(m, Action::kDescribeJob, n)});
    } else {
      options.push_back({8, await(Until::kFinished)});
      options.push_back({2, GenOwnedCall(m, Action::kDeleteJob, n)});
      options.push_back({1, GenOwnedCall(m, Action::kDescribeJob, n)});
    }
  }
  if (static_cast<int>(m.owned.size()) < m.max_owned) {
    options.push_back({live == 0 ? 20 : 3, rc::gen::map(rc::gen::arbitrary<bool>(), [](bool slow) {
                         return Step(Submit{slow});
                       })});
  }
  if (options.empty()) {
    // Every job of the history is gone: ask for the last one again (GONE-1).
    return GenOwnedCall(m, Action::kDescribeJob, static_cast<int>(m.owned.size()) - 1);
  }
  return Weighted(options);
}

rc::Gen<Step> GenStep(const GenModel& m, PropertyKind kind) {
  if (kind == PropertyKind::kOwnedJobs) return GenOwnedStep(m);
  if (kind == PropertyKind::kRateLimit) return GenRateStep(m);
  if (kind == PropertyKind::kConcurrency) return GenConcurrencyStep(m);
  std::vector<std::pair<int, rc::Gen<Step>>> options;
  if (kind == PropertyKind::kAuthCommon) {
    if (m.control) {
      options.push_back({3, GenCreate(m)});
      options.push_back({1, GenAdvance()});
    }
    options.push_back({10, GenFaulty(m)});
    if (m.control) {
      options.push_back(
          {2, GenCall(m, Action::kDeleteJob, {{3, IdChoice::kExisting}, {1, IdChoice::kNever}})});
    }
    return Weighted(options);
  }
  using enum IdChoice;
  if (m.control) {
    options.push_back({20, GenCreate(m)});
    // DeleteJob allows 2 per second and only these steps move the clock: often enough that most
    // deletes are admitted, rarely enough that the limit is still reached.
    options.push_back({20, GenAdvance()});
    options.push_back(
        {8, GenCall(m, Action::kTerminateJob, {{4, kExisting}, {4, kDeleted}, {1, kNever}})});
  }
  // A never-existing id comes first: ids shrink towards it, which turns a delete that only
  // fills the rate-limit window into a harmless one.
  options.push_back({30, GenCall(m, Action::kDeleteJob,
                                 {{10, kNever},
                                  {45, kExisting},
                                  {20, kDeleted},
                                  {15, kNearMiss},
                                  {5, kAbsent},
                                  {5, kWrongType}})});
  options.push_back({12, GenCall(m, Action::kDescribeJob,
                                 {{45, kExisting},
                                  {15, kDeleted},
                                  {10, kNever},
                                  {10, kNearMiss},
                                  {3, kAbsent},
                                  {3, kWrongType}})});
  options.push_back({8, GenListing(m)});
  if (m.styles.size() > 1) options.push_back({4, GenSameInStyles(m)});
  return Weighted(options);
}

std::vector<Step> OwnedJobsPlan() {
  auto on = [](Action action, int n) {
    json params = action == Action::kDescribeJobs ? json{{"JobIds", {OwnedRef(n)}}}
                                                  : json{{"JobId", OwnedRef(n)}};
    return Step(
        ApiCall{{action, params}, protocol::Style::kApi3Post, Encoding{}, WireFault::kNone});
  };
  return {Submit{false},
          Submit{true},
          on(Action::kDeleteJob, 1),    // DEL-2: the slow job cannot have finished
          on(Action::kDescribeJob, 1),  // ISO-1: the refused delete changed nothing
          Await{0, Until::kFinished},
          on(Action::kDeleteJob, 0),     // DEL-1
          on(Action::kDescribeJob, 0),   // GONE-1
          on(Action::kDeleteJob, 0),     // GONE-3
          on(Action::kTerminateJob, 0),  // GONE-4
          on(Action::kDescribeJobs, 0),  // GONE-2
          Await{1, Until::kRunning},
          on(Action::kDeleteJob, 1),  // DEL-2 while RUNNING
          on(Action::kTerminateJob, 1),
          Await{1, Until::kFinished},
          on(Action::kDeleteJob, 1)};  // DEL-1 after TerminateJob
}

namespace {

// Ids of the examples' jobs: well formed, in this order (deletes-neighbour deletes the next).
constexpr std::string_view kPlanJob = "job-plan0001";
constexpr std::string_view kPlanNeighbour = "job-plan0002";
// Well-formed ids the examples never create.
constexpr std::string_view kPlanNever[] = {"job-00000001", "job-00000002", "job-00000003"};
// The rate-limit examples fill DeleteJob's window with at most this many deletes: RL-2 is
// reached by them for a limit up to it.
constexpr int kMaxPlanBurst = 100;

// The i-th well-formed id the examples never create (kPlanNever's, then job-00000004, ...).
std::string PlanNeverId(int i) {
  char id[16];
  std::snprintf(id, sizeof id, "job-%08d", i + 1);
  return id;
}

model::Job PlanJob(std::string_view id, State state, std::vector<std::vector<State>> tasks) {
  model::Job job;
  job.id = std::string(id);
  job.state = state;
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    job.tasks.push_back({"t" + std::to_string(t), std::move(tasks[t])});
  }
  return job;
}

ApiCall PlanCall(Action action, json params, protocol::Style style) {
  return ApiCall{{action, std::move(params)}, style, Encoding{}, WireFault::kNone};
}

ApiCall OnJob(Action action, std::string_view id, protocol::Style style) {
  json params = action == Action::kDescribeJobs ? json{{"JobIds", {id}}} : json{{"JobId", id}};
  return PlanCall(action, std::move(params), style);
}

std::vector<std::vector<Step>> HistoriesPlan(const GenModel& m) {
  using enum State;
  protocol::Style s = m.styles.front();
  auto on = [s](Action a, std::string_view id) { return Step(OnJob(a, id, s)); };
  auto create = [](std::string_view id, State st, std::vector<std::vector<State>> tasks) {
    return Step(CreateJob{PlanJob(id, st, std::move(tasks))});
  };
  std::vector<std::vector<Step>> plan = {
      // DEL-2, and ISO-1 after the refusal.
      {create(kPlanJob, kRunning, {{kRunning}}), on(Action::kDeleteJob, kPlanJob),
       on(Action::kDescribeJob, kPlanJob)},
      // DEL-3: a completed job with an instance still running among completed and
      // FAILED_INTERRUPTED ones.
      {create(kPlanJob, kSucceed, {{kSucceed, kFailedInterrupted}, {kRunning}}),
       on(Action::kDeleteJob, kPlanJob), on(Action::kDescribeJob, kPlanJob)},
      // DEL-4: FAILED_INTERRUPTED on an instance among completed ones, then on the job.
      {create(kPlanJob, kSucceed, {{kSucceed, kFailedInterrupted, kFailed}}),
       create(kPlanNeighbour, kFailedInterrupted, {{kSucceed}}), on(Action::kDeleteJob, kPlanJob),
       on(Action::kDeleteJob, kPlanNeighbour)},
      // DEL-1 and GONE-1..4, alone: a target that also deletes a neighbour (ISO-2) leaves the
      // model behind at the deletion, and the history would end before GONE-*.
      {create(kPlanJob, kSucceed, {{kSucceed, kFailed}}), on(Action::kDeleteJob, kPlanJob),
       on(Action::kDescribeJob, kPlanJob), on(Action::kDescribeJobs, kPlanJob),
       Step(PlanCall(Action::kDescribeJobs,
                     {{"Filters", json::array({{{"Name", "job-id"}, {"Values", {kPlanJob}}}})}},
                     s)),
       on(Action::kDeleteJob, kPlanJob), on(Action::kTerminateJob, kPlanJob)},
      // ISO-2: deleting one job leaves its neighbour as it was.
      {create(kPlanJob, kSucceed, {{kSucceed}}), create(kPlanNeighbour, kFailed, {{kFailed}}),
       on(Action::kDeleteJob, kPlanJob), on(Action::kDescribeJob, kPlanNeighbour)},
      // DEL-1 and ROB-2 for a completed job without tasks.
      {create(kPlanJob, kFailed, {}), on(Action::kDeleteJob, kPlanJob)},
      // ID-1 (uppercase) and ID-4 (well formed, never existed).
      {on(Action::kDeleteJob, "job-PLAN0001"), on(Action::kDeleteJob, kPlanNever[0])},
      // ID-1 for a very long id (ROB-1: the target must still answer), ID-2 and ID-3.
      {on(Action::kDeleteJob, "job-" + std::string(72, 'a')),
       Step(PlanCall(Action::kDescribeJob, json::object(), s)),
       Step(PlanCall(Action::kDescribeJob, {{"JobId", 12345678}}, protocol::Style::kApi3Post))},
  };
  if (m.styles.size() > 1) {  // STYLE-1
    plan.push_back({create(kPlanJob, kRunning, {{kRunning}}),
                    Step(SameInStyles{model::DescribeJobRequest(std::string(kPlanJob)),
                                      m.styles.front(), Encoding{}, m.styles.back(), Encoding{}})});
  }
  return plan;
}

// One history per wire fault and signature version: a DeleteJob that carries the fault on a
// deletable job, then a look at the job (ISO-3).
std::vector<std::vector<Step>> AuthCommonPlan(const GenModel& m) {
  std::vector<std::vector<Step>> plan;
  for (WireFault f : kAllWireFaults) {
    if (f == WireFault::kNone || f == WireFault::kNearLimit || f == WireFault::kOverLimit ||
        (!m.exact_clock && EdgeShift(f))) {
      continue;  // SizeProbes has the limits; the exact edge needs an exact clock
    }
    for (bool v3 : {true, false}) {
      auto style = std::find_if(m.styles.begin(), m.styles.end(), [&](protocol::Style s) {
        return protocol::IsV3(s) == v3 && FaultFitsStyle(f, s);
      });
      if (style == m.styles.end()) continue;
      ApiCall call = OnJob(Action::kDeleteJob, kPlanJob, *style);
      call.fault = f;
      plan.push_back({Step(CreateJob{PlanJob(kPlanJob, State::kSucceed, {{State::kSucceed}})}),
                      Step(std::move(call)), Step(OnJob(Action::kDescribeJob, kPlanJob, *style))});
    }
  }
  for (auto& sizes : SizeProbes(m)) plan.push_back(std::move(sizes));
  return plan;
}

std::vector<std::vector<Step>> RatePlan(const GenModel& m) {
  if (m.delete_limit <= 0) return {};  // no limit to judge
  protocol::Style s = m.styles.front();
  auto del = [s](std::string_view id, int credential) {
    ApiCall call = OnJob(Action::kDeleteJob, id, s);
    call.paced = false;
    call.credential = credential;
    return Step(std::move(call));
  };
  // `limit` deletes at once fill the window; each example goes on from there.
  const int limit = std::min(m.delete_limit, kMaxPlanBurst);
  auto filled = [&](std::vector<Step> first, std::vector<Step> then) {
    for (int i = 0; i < limit; ++i) first.push_back(del(PlanNeverId(i), 0));
    first.insert(first.end(), then.begin(), then.end());
    return first;
  };
  std::vector<std::vector<Step>> plan = {
      // RL-1 and RL-2: of limit + 1 at once the first `limit` are admitted, the last is not.
      filled({}, {del(PlanNeverId(limit), 0)}),
      // RL-3: the refused delete leaves its job in place.
      filled({Step(CreateJob{PlanJob(kPlanJob, State::kSucceed, {{State::kSucceed}})})},
             {del(kPlanJob, 0), Step(OnJob(Action::kDescribeJob, kPlanJob, s))}),
  };
  if (m.credentials > 1) {  // RL-4: another credential's limit is its own
    plan.push_back(filled({}, {del(PlanNeverId(limit), 1)}));
  }
  return plan;
}

// CONC-1: two threads delete the same deletable job at once, the others look at it.
std::vector<std::vector<Step>> ConcurrencyPlan(const GenModel& m) {
  if (m.threads < 2) return {};
  protocol::Style s = m.styles.front();
  Batch batch;
  for (int t = 0; t < m.threads; ++t) {
    batch.threads.push_back(
        {OnJob(t < 2 ? Action::kDeleteJob : Action::kDescribeJob, kPlanJob, s)});
  }
  return {{Step(CreateJob{PlanJob(kPlanJob, State::kSucceed, {{State::kSucceed}})}),
           Step(std::move(batch)), Step(OnJob(Action::kDescribeJob, kPlanJob, s))}};
}

// A DescribeJobs whose job-name filter the fault pads to the style's limit (the step stays
// small: replay files and reports hold it).
ApiCall Padded(WireFault fault, protocol::Style style) {
  json filter = {{"Name", "job-name"}, {"Values", {"djharness-size-probe"}}};
  ApiCall call = PlanCall(Action::kDescribeJobs, {{"Filters", json::array({filter})}}, style);
  call.fault = fault;
  return call;
}

}  // namespace

std::vector<std::vector<Step>> SizeProbes(const GenModel& m) {
  std::vector<std::vector<Step>> out;
  if (!m.size_probes) return out;
  for (protocol::Style s : m.styles) {
    out.push_back({Step(Padded(WireFault::kNearLimit, s))});
    if (s == protocol::Style::kApi3Post && m.control) continue;  // AuthCommonPlan's oversize
    out.back().push_back(Step(Padded(WireFault::kOverLimit, s)));
  }
  return out;
}

std::vector<std::vector<Step>> ControlPlan(const GenModel& m, PropertyKind kind) {
  switch (kind) {
    case PropertyKind::kHistories:
      return HistoriesPlan(m);
    case PropertyKind::kAuthCommon:
      return AuthCommonPlan(m);
    case PropertyKind::kRateLimit:
      return RatePlan(m);
    case PropertyKind::kConcurrency:
      return ConcurrencyPlan(m);
    case PropertyKind::kOwnedJobs:
      break;
  }
  return {};
}

namespace {

// The own job a step names, if any.
std::optional<int> OwnedOf(const Step& step) {
  if (const auto* await = std::get_if<Await>(&step)) return await->job;
  const auto* call = std::get_if<ApiCall>(&step);
  if (call == nullptr || !call->request.params.is_object()) return std::nullopt;
  const json& p = call->request.params;
  if (auto id = p.find("JobId"); id != p.end() && id->is_string()) {
    return OwnedIndex(id->get_ref<const std::string&>());
  }
  if (auto ids = p.find("JobIds");
      ids != p.end() && ids->is_array() && ids->size() == 1 && (*ids)[0].is_string()) {
    return OwnedIndex((*ids)[0].get_ref<const std::string&>());
  }
  return std::nullopt;
}

}  // namespace

bool OwnedRefsValid(const GenModel& m, const Step& step) {
  auto n = OwnedOf(step);
  return !n || static_cast<std::size_t>(*n) < m.owned.size();
}

void PredictEffect(GenModel& m, const Step& step) {
  if (const auto* submit = std::get_if<Submit>(&step)) {
    m.owned.push_back({submit->slow});
    return;
  }
  if (auto n = OwnedOf(step); n && static_cast<std::size_t>(*n) < m.owned.size()) {
    OwnedGen& o = m.owned[static_cast<std::size_t>(*n)];
    if (const auto* await = std::get_if<Await>(&step)) {
      (await->until == Until::kRunning ? o.running : o.finished) = true;
    } else if (const auto* call = std::get_if<ApiCall>(&step)) {
      if (call->request.action == Action::kTerminateJob) o.terminated = true;
      if (call->request.action == Action::kDeleteJob && o.finished) o.deleted = true;
    }
    return;
  }
  if (const auto* batch = std::get_if<Batch>(&step)) {
    // Which calls win is the target's business: as far as generation can tell, in thread order.
    for (const auto& thread : batch->threads) {
      for (const ApiCall& call : thread) PredictEffect(m, call);
    }
  } else if (const auto* create = std::get_if<CreateJob>(&step)) {
    m.store.Put(create->job);
  } else if (const auto* call = std::get_if<ApiCall>(&step)) {
    if (ExpectedClause(call->fault, call->style)) return;
    model::Decision d = model::Decide(m.store, AsReceived(*call), {});
    if (d.Succeeds()) model::Apply(m.store, d.effect);
  }
}

}  // namespace dj::run
