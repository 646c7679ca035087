// Wing-Gong-Lowe search over a linked list of call and return events.
#include "harness/check/linearizability.h"

#include <algorithm>
#include <unordered_set>

namespace dj::check {
namespace {

// The operations linearized so far, plus the state they led to: one visited point.
struct Point {
  std::vector<std::uint64_t> bits;
  int state = 0;
  friend bool operator==(const Point&, const Point&) = default;
};

struct PointHash {
  std::size_t operator()(const Point& p) const {
    std::uint64_t h = std::uint64_t{1469598103934665603U};
    h ^= static_cast<std::uint32_t>(p.state);
    for (std::uint64_t w : p.bits) {
      h ^= w + std::uint64_t{0x9e3779b97f4a7c15U} + (h << 6) + (h >> 2);
    }
    return static_cast<std::size_t>(h);
  }
};

// One event of the doubly linked list: an operation's call, or its return.
struct Event {
  bool is_call = false;
  std::size_t op = 0;
  std::int64_t time = 0;
  Event* prev = nullptr;
  Event* next = nullptr;
  Event* match = nullptr;  // a call's return
};

// Take an operation's call and return out of the list.
void Lift(Event* call) {
  call->prev->next = call->next;
  call->next->prev = call->prev;
  Event* ret = call->match;
  ret->prev->next = ret->next;
  if (ret->next != nullptr) ret->next->prev = ret->prev;
}

// Put them back, in the reverse order.
void Unlift(Event* call) {
  Event* ret = call->match;
  ret->prev->next = ret;
  if (ret->next != nullptr) ret->next->prev = ret;
  call->prev->next = call;
  call->next->prev = call;
}

struct Frame {
  Event* call;
  int state_before;
  std::vector<int> alternatives;  // the states the call could lead to
  std::size_t taken;              // which of them this frame follows
  // A read-only call that is legal here is linearized at once, never postponed: any order
  // that puts it later can put it here instead, since every call that had to come before it
  // already has (it is before the first pending return) and it changes no state, here or
  // later. So if nothing after it works, nothing without it does either, and backtracking
  // goes straight past it.
  bool forced = false;
};

}  // namespace

Linearization CheckLinearizable(const std::vector<TimedOp>& ops, int initial, const StepFn& step,
                                const std::vector<bool>* read_only, std::size_t max_explored) {
  Linearization result;
  const std::size_t n = ops.size();
  std::vector<Event> events(2 * n + 1);  // events[0] is the head sentinel
  std::vector<Event*> order;
  order.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    Event& call = events[1 + 2 * i];
    Event& ret = events[2 + 2 * i];
    call = {true, i, ops[i].invoked, nullptr, nullptr, &ret};
    ret = {false, i, std::max(ops[i].completed, ops[i].invoked), nullptr, nullptr, nullptr};
    order.push_back(&call);
    order.push_back(&ret);
  }
  // By time; at equal times calls first, so that touching operations count as concurrent
  // (the permissive reading: an answer and a call in the same tick may be in either order).
  std::stable_sort(order.begin(), order.end(), [](const Event* a, const Event* b) {
    if (a->time != b->time) return a->time < b->time;
    return a->is_call && !b->is_call;
  });
  Event* head = &events[0];
  Event* last = head;
  for (Event* e : order) {
    last->next = e;
    e->prev = last;
    last = e;
  }

  const std::size_t words = (n + 63) / 64;
  Point point{std::vector<std::uint64_t>(words, 0), initial};
  std::unordered_set<Point, PointHash> seen;
  std::vector<Frame> stack;
  int state = initial;
  Event* entry = head->next;
  std::vector<int> next;

  // Follow alternative `k` onwards of the frame's call; true when one leads somewhere new.
  auto advance = [&](Frame& frame, std::size_t k) {
    for (; k < frame.alternatives.size(); ++k) {
      std::size_t op = frame.call->op;
      point.bits[op / 64] |= std::uint64_t{1} << (op % 64);
      point.state = frame.alternatives[k];
      if (seen.insert(point).second) {
        frame.taken = k;
        state = frame.alternatives[k];
        Lift(frame.call);
        return true;
      }
      point.bits[op / 64] &= ~(std::uint64_t{1} << (op % 64));
    }
    return false;
  };

  while (head->next != nullptr) {
    if (seen.size() >= max_explored) {
      result.gave_up = true;
      result.explored = seen.size();
      return result;
    }
    bool dead_end = entry == nullptr || !entry->is_call;
    if (!dead_end) {
      next.clear();
      step(state, entry->op, next);
      Frame frame{entry, state, next, 0, false};
      bool reads = read_only != nullptr && (*read_only)[entry->op];
      if (reads && next.size() == 1 && next.front() == state) {
        frame.forced = true;
        if (advance(frame, 0)) {
          stack.push_back(std::move(frame));
          entry = head->next;
          continue;
        }
        dead_end = true;  // reached before, and nothing worked from there
      } else if (!next.empty() && advance(frame, 0)) {
        stack.push_back(std::move(frame));
        entry = head->next;
        continue;
      } else {
        entry = entry->next;
        continue;
      }
    }
    // A return (or the end): every operation before it must be linearized first. Back up to
    // the latest choice that has another way to go.
    bool moved = false;
    while (!stack.empty()) {
      Frame frame = std::move(stack.back());
      stack.pop_back();
      std::size_t op = frame.call->op;
      Unlift(frame.call);
      point.bits[op / 64] &= ~(std::uint64_t{1} << (op % 64));
      state = frame.state_before;
      if (frame.forced) continue;
      if (advance(frame, frame.taken + 1)) {
        stack.push_back(std::move(frame));
        entry = head->next;
      } else {
        entry = frame.call->next;
      }
      moved = true;
      break;
    }
    if (!moved) {
      result.explored = seen.size();
      return result;  // nothing left to try: not linearizable
    }
  }
  result.linearizable = true;
  result.final_state = state;
  for (const Frame& f : stack) result.order.push_back(f.call->op);
  result.explored = seen.size();
  return result;
}

}  // namespace dj::check
