// The sequential specification of one job, and the search over its concurrent histories.
#include "harness/check/job_history.h"

#include <algorithm>
#include <map>

#include "harness/check/observe.h"
#include "models/api_model.h"

namespace dj::check {
namespace {

using model::Outcome;

// The states one job can be in during a history: the initial one and what TerminateJob and
// DeleteJob make of it. Few, so they are numbered and every step is computed once.
class JobSpec {
 public:
  JobSpec(std::string id, const std::optional<model::Job>& initial, const std::vector<JobOp>& ops,
          model::Profile profile)
      : id_(std::move(id)), ops_(ops), profile_(profile) {
    Intern(initial);
  }

  void Step(int state, std::size_t op, std::vector<int>& next) {
    auto key = std::make_pair(state, op);
    auto it = cache_.find(key);
    if (it == cache_.end()) it = cache_.emplace(key, Compute(state, op)).first;
    next.insert(next.end(), it->second.begin(), it->second.end());
  }

  const std::optional<model::Job>& State(int s) const {
    return states_[static_cast<std::size_t>(s)];
  }

 private:
  int Intern(const std::optional<model::Job>& job) {
    auto it = std::find(states_.begin(), states_.end(), job);
    if (it != states_.end()) return static_cast<int>(it - states_.begin());
    states_.push_back(job);
    return static_cast<int>(states_.size() - 1);
  }

  model::ApiRequest Request(JobOpKind kind) const {
    switch (kind) {
      case JobOpKind::kDelete:
        return model::DeleteJobRequest(id_);
      case JobOpKind::kTerminate:
        return model::TerminateJobRequest(id_);
      case JobOpKind::kDescribe:
      case JobOpKind::kList:
        break;
    }
    return model::DescribeJobRequest(id_);
  }

  // What `op` may have been answered from `state`, and what it leaves.
  std::vector<int> Compute(int s, std::size_t op_index) {
    const JobOp& op = ops_[op_index];
    std::optional<model::Job> job = states_[static_cast<std::size_t>(s)];
    model::Store store;
    if (job) store.Put(*job);
    if (op.kind == JobOpKind::kList) {
      // A listing reports the job exactly when it exists, with its state (GONE-2, DRV-3).
      if (!op.outcome) return {s};
      if (*op.outcome != model::Ok()) return {s};  // the listing failed as a whole: no view
      bool listed = op.listed_state.has_value();
      if (listed != job.has_value()) return {};
      if (listed && *op.listed_state != model::StateName(job->state)) return {};
      return {s};
    }
    model::Decision d = model::Decide(store, Request(op.kind), {});
    std::optional<model::Job> after = job;
    if (d.Succeeds()) {
      model::Apply(store, d.effect);
      const model::Job* kept = store.Find(id_);
      after = kept != nullptr ? std::optional<model::Job>(*kept) : std::nullopt;
    }
    if (!op.outcome) {  // unknown: it took effect, or it did not
      std::vector<int> both = {s};
      if (!d.Succeeds()) return both;
      std::vector<int> effects = Effects(op.kind, job, after);
      both.insert(both.end(), effects.begin(), effects.end());
      return both;
    }
    const Outcome& got = *op.outcome;
    if (op.kind == JobOpKind::kTerminate && job) {
      // TerminateJob is a driver action (DRV-1, DRV-2): any answer but "no such job" will do;
      // a success terminates.
      if (got == model::Err(model::ErrorCode::kResourceNotFoundJob)) return {};
      if (got == model::Ok()) return Effects(op.kind, job, after);
      return {s};
    }
    std::vector<Outcome> allowed = model::Allowed(d.clause, profile_);
    if (std::find(allowed.begin(), allowed.end(), got) == allowed.end()) return {};
    if (op.kind == JobOpKind::kDescribe && got == model::Ok()) {
      if (!job || !CompareDescribedJob(op.response, *job).empty()) return {};
    }
    return {got == model::Ok() ? Intern(after) : s};
  }

  // The states a success may leave: every plausible effect of a TerminateJob, else `after`.
  std::vector<int> Effects(JobOpKind kind, const std::optional<model::Job>& job,
                           const std::optional<model::Job>& after) {
    if (kind != JobOpKind::kTerminate || !job) return {Intern(after)};
    std::vector<int> out;
    for (const model::Job& j : model::TerminatedJobs(*job)) out.push_back(Intern(j));
    return out;
  }

  std::string id_;
  const std::vector<JobOp>& ops_;
  model::Profile profile_;
  std::vector<std::optional<model::Job>> states_;
  std::map<std::pair<int, std::size_t>, std::vector<int>> cache_;
};

Linearization Search(const std::string& id, const std::optional<model::Job>& initial,
                     const std::vector<JobOp>& ops, model::Profile profile, JobSpec** spec_out,
                     std::optional<JobSpec>& spec) {
  spec.emplace(id, initial, ops, profile);
  if (spec_out != nullptr) *spec_out = &*spec;
  std::vector<TimedOp> timed;
  std::vector<bool> read_only;
  timed.reserve(ops.size());
  for (const JobOp& op : ops) {
    timed.push_back({op.invoked, op.completed});
    // Reads, and calls observed to fail (a refusal changes nothing, whatever the state).
    bool reads = op.kind == JobOpKind::kDescribe || op.kind == JobOpKind::kList ||
                 (op.outcome && *op.outcome != model::Ok());
    read_only.push_back(reads);
  }
  return CheckLinearizable(
      timed, 0, [&spec](int s, std::size_t op, std::vector<int>& next) { spec->Step(s, op, next); },
      &read_only);
}

}  // namespace

JobVerdict CheckJobHistory(const std::string& job_id, const std::optional<model::Job>& initial,
                           const std::vector<JobOp>& ops, model::Profile profile, bool minimize) {
  JobVerdict v;
  std::optional<JobSpec> spec;
  JobSpec* used = nullptr;
  Linearization lin = Search(job_id, initial, ops, profile, &used, spec);
  v.explored = lin.explored;
  v.gave_up = lin.gave_up;
  v.linearizable = lin.linearizable;
  if (lin.linearizable) {
    v.final = used->State(lin.final_state);
    return v;
  }
  if (lin.gave_up || !minimize) return v;
  // Forget what was observed of one operation at a time (it may then have taken effect or not,
  // at any time after its call) while the history stays not linearizable: what is left
  // cannot be explained whatever the forgotten calls did. Reads go first, then refusals, then
  // successes, the latest first in each: what is left is then the cause (an impossible
  // success) rather than its symptoms (the refusals and reads that follow from it).
  auto rank = [&](std::size_t i) {
    const JobOp& op = ops[i];
    if (op.kind == JobOpKind::kDescribe || op.kind == JobOpKind::kList) return 0;
    return op.outcome == model::Ok() ? 2 : 1;
  };
  std::vector<std::size_t> order(ops.size());
  for (std::size_t i = 0; i < ops.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return ops[a].invoked > ops[b].invoked;
  });
  std::vector<JobOp> trial = ops;
  std::vector<bool> forgotten(ops.size(), false);
  auto forget = [](JobOp op) {
    op.outcome.reset();
    op.completed = kNoAnswer;
    op.listed_state.reset();
    return op;
  };
  for (std::size_t i : order) {
    trial[i] = forget(ops[i]);
    std::optional<JobSpec> s;
    Linearization l = Search(job_id, initial, trial, profile, nullptr, s);
    if (!l.linearizable && !l.gave_up) {
      forgotten[i] = true;
    } else {
      trial[i] = ops[i];
    }
  }
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (!forgotten[i]) v.minimal.push_back(i);
  }
  return v;
}

bool OnlyDeletes(const std::vector<JobOp>& ops, const std::vector<std::size_t>& subset) {
  bool deletes =
      subset.size() >= 2 && std::all_of(subset.begin(), subset.end(), [&](std::size_t i) {
        return ops[i].kind == JobOpKind::kDelete && ops[i].outcome.has_value();
      });
  if (!deletes) return false;
  // Concurrent: at least two of them overlap.
  for (std::size_t a : subset) {
    for (std::size_t b : subset) {
      if (a != b && ops[a].invoked <= ops[b].invoked && ops[b].invoked <= ops[a].completed)
        return true;
    }
  }
  return false;
}

std::optional<SequentialBreach> SequentialClause(const std::string& job_id,
                                                 const std::optional<model::Job>& initial,
                                                 const std::vector<JobOp>& ops,
                                                 const std::vector<std::size_t>& subset,
                                                 model::Profile profile) {
  std::vector<std::size_t> sorted = subset;
  std::sort(sorted.begin(), sorted.end(),
            [&](std::size_t a, std::size_t b) { return ops[a].invoked < ops[b].invoked; });
  for (std::size_t k = 0; k < sorted.size(); ++k) {
    if (!ops[sorted[k]].outcome) return std::nullopt;
    if (k > 0 && ops[sorted[k - 1]].completed >= ops[sorted[k]].invoked) return std::nullopt;
  }
  // No other call on the job may have come before the last one: its state must be the one the
  // calls of the subset left (a refused call with a hidden effect would make any clause a
  // guess).
  std::size_t culprit = sorted.back();
  for (std::size_t j = 0; j < ops.size(); ++j) {
    bool in_subset = std::find(sorted.begin(), sorted.end(), j) != sorted.end();
    if (!in_subset && ops[j].invoked < ops[culprit].invoked) return std::nullopt;
  }
  // In time order, every call but the last must be answered as the model allows, and the last
  // not: then the last one's clause, in the state the others left, names the defect.
  JobSpec spec(job_id, initial, ops, profile);
  int state = 0;
  for (std::size_t k = 0; k < sorted.size(); ++k) {
    std::vector<int> next;
    spec.Step(state, sorted[k], next);
    bool last = k + 1 == sorted.size();
    if (next.empty() != last) return std::nullopt;
    if (!last) {
      state = next.front();
      continue;
    }
    const JobOp& op = ops[sorted[k]];
    const std::optional<model::Job>& job = spec.State(state);
    if (op.kind == JobOpKind::kList) {
      if (op.listed_state && !job) return SequentialBreach{model::Clause::kGoneListed, sorted[k]};
      return std::nullopt;  // a listing's own defect (DRV-3) is not judged
    }
    model::Store store;
    if (initial) store.Put(*initial);
    if (!job) store.Erase(job_id);  // gone by the calls before it (GONE-*), or never there
    if (job) store.Put(*job);
    model::ApiRequest request = op.kind == JobOpKind::kDelete ? model::DeleteJobRequest(job_id)
                                : op.kind == JobOpKind::kTerminate
                                    ? model::TerminateJobRequest(job_id)
                                    : model::DescribeJobRequest(job_id);
    model::Clause clause = model::Decide(store, request, {}).clause;
    if (!model::Info(clause).judged) return std::nullopt;
    return SequentialBreach{clause, sorted[k]};
  }
  return std::nullopt;
}

std::string Timeline(const std::vector<JobOp>& ops, const std::vector<std::size_t>& subset,
                     int width) {
  if (subset.empty()) return "";
  std::int64_t from = ops[subset.front()].invoked;
  std::int64_t to = from;
  for (std::size_t i : subset) {
    from = std::min(from, ops[i].invoked);
    if (ops[i].completed != kNoAnswer) to = std::max(to, ops[i].completed);
    to = std::max(to, ops[i].invoked);
  }
  std::int64_t span = std::max<std::int64_t>(to - from, 1);
  auto column = [&](std::int64_t t) { return static_cast<int>((t - from) * (width - 1) / span); };
  auto ms = [](std::int64_t t) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(t) / 1e6);
    return std::string(buf);
  };
  std::vector<std::size_t> sorted = subset;
  std::sort(sorted.begin(), sorted.end(),
            [&](std::size_t a, std::size_t b) { return ops[a].invoked < ops[b].invoked; });
  std::string out;
  for (std::size_t i : sorted) {
    const JobOp& op = ops[i];
    bool answered = op.completed != kNoAnswer;
    int a = column(op.invoked);
    int b = answered ? std::max(column(op.completed), a) : width - 1;
    std::string bar(static_cast<std::size_t>(width), ' ');
    for (int c = a; c <= b; ++c) bar[static_cast<std::size_t>(c)] = '-';
    bar[static_cast<std::size_t>(a)] = '|';
    bar[static_cast<std::size_t>(b)] = answered ? '|' : '>';
    out += "  thread " + std::to_string(op.thread + 1) + (op.thread + 1 < 10 ? "  " : " ") + bar +
           "  " + op.label + "  (" + ms(op.invoked) + "-" +
           (answered ? ms(op.completed) + " ms)" : "no answer)") + "\n";
  }
  return out;
}

}  // namespace dj::check
