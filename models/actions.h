// The API actions a target serves (target-contract §1), generated from actions.def.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

namespace dj::model {

enum class Action : unsigned char {
#define DJ_ACTION(e, name, limit, mutates, params) e,
#include "models/actions.def"
#undef DJ_ACTION
};

inline constexpr std::array kAllActions = {
#define DJ_ACTION(e, name, limit, mutates, params) Action::e,
#include "models/actions.def"
#undef DJ_ACTION
};

// The API version every action here belongs to.
inline constexpr std::string_view kApiVersion = "2017-03-12";
// The credential-scope service name of Batch (facts §1).
inline constexpr std::string_view kService = "batch";

// The wire name, e.g. "DeleteJob".
std::string_view ActionName(Action a);
// Exact (case-sensitive) match of a wire name; std::nullopt for anything else (COM-1).
std::optional<Action> ActionFromName(std::string_view name);
// Requests per second the reference mock allows by default; 0 means unlimited (target-contract §3).
int DefaultLimitPerSecond(Action a);
// Requests per second by action as configured (`--limit ACTION=N`); an action absent from the
// map has its DefaultLimitPerSecond.
using Limits = std::map<Action, int>;
int LimitOf(const Limits& limits, Action a);
// True for the actions whose success can create, change or remove a job: SubmitJob,
// TerminateJob, DeleteJob.
bool Mutates(Action a);
// Every top-level parameter the action defines (COM-4).
const std::vector<std::string_view>& AcceptedParams(Action a);
// True when `name` is one of AcceptedParams(a).
bool AcceptsParam(Action a, std::string_view name);

}  // namespace dj::model
