// A linearizability checker (Wing & Gong's search with Lowe's memoisation, as in Knossos and
// Porcupine) over any sequential specification whose states are small integers.
//
// A history is a set of operations, each with the time it was invoked and the time its answer
// arrived. It is linearizable when some order of the operations (1) keeps every operation that
// finished before another one started before it, and (2) is a run of the specification that
// yields every observed answer. The search linearizes, from the earliest pending answer back,
// any operation whose call came before it, and remembers every (set of linearized operations,
// state) pair it has reached, so that no pair is explored twice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

namespace dj::check {

// An operation never answered: it may have taken effect at any time after its call, or never.
inline constexpr std::int64_t kNoAnswer = std::numeric_limits<std::int64_t>::max();

struct TimedOp {
  std::int64_t invoked = 0;
  std::int64_t completed = 0;  // kNoAnswer: no answer; its step should allow "no effect"
};

// The states the operation `op` can lead to from `state`, appended to `next`; none when what
// was observed of `op` cannot happen in `state`. More than one when the observation leaves the
// effect open (an unanswered call: taken effect or not).
using StepFn = std::function<void(int state, std::size_t op, std::vector<int>& next)>;

struct Linearization {
  bool linearizable = false;
  std::vector<std::size_t> order;  // a witness order, when linearizable
  int final_state = 0;             // the state after `order`
  std::size_t explored = 0;        // (linearized set, state) pairs visited
  bool gave_up = false;            // the search hit max_explored: the answer is "not shown"
};

// Decide whether the history is linearizable from `initial`. Gives up (gave_up, not
// linearizable) after visiting max_explored distinct pairs.
//
// `read_only` (optional, one flag per operation) marks operations that leave every state as it
// is (a read, or a refusal that was observed as such). The search then linearizes such an
// operation as soon as it is legal, without keeping the choice to postpone it: any order that
// puts it later can put it there instead. That keeps long histories of mostly reads cheap.
Linearization CheckLinearizable(const std::vector<TimedOp>& ops, int initial, const StepFn& step,
                                const std::vector<bool>* read_only = nullptr,
                                std::size_t max_explored = 5'000'000);

}  // namespace dj::check
