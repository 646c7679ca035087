// Job and task-instance states (facts §6a), generated from states.def.
// The contract uses the same eight states for jobs and instances (target-contract §2).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace dj::model {

enum class State : unsigned char {
#define DJ_STATE(e, name, completed, metric) e,
#include "models/states.def"
#undef DJ_STATE
};

inline constexpr std::array kAllStates = {
#define DJ_STATE(e, name, completed, metric) State::e,
#include "models/states.def"
#undef DJ_STATE
};
inline constexpr std::size_t kStateCount = kAllStates.size();

// The wire spelling, e.g. "FAILED_INTERRUPTED".
std::string_view StateName(State s);
// The exact wire spelling only; anything else (other case, spaces) is std::nullopt.
std::optional<State> StateFromName(std::string_view name);
// True for SUCCEED and FAILED only: the seed's "completed" (DEL-1, DEL-4).
bool IsCompleted(State s);
// The TaskMetrics / TaskInstanceMetrics counter for the state, e.g. "RunningCount".
std::string_view MetricsField(State s);

}  // namespace dj::model
