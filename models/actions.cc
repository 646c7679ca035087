// Lookups over actions.def.
#include "models/actions.h"

#include <algorithm>
#include <cstddef>

namespace dj::model {
namespace {

struct ActionRow {
  std::string_view name;
  int limit;
  bool mutates;
  std::string_view params;  // comma-separated
};

constexpr ActionRow kRows[] = {
#define DJ_ACTION(e, name, limit, mutates, params) {name, limit, mutates, params},
#include "models/actions.def"
#undef DJ_ACTION
};

const ActionRow& Row(Action a) { return kRows[static_cast<std::size_t>(a)]; }

std::vector<std::string_view> Split(std::string_view list) {
  std::vector<std::string_view> out;
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    out.push_back(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

std::string_view ActionName(Action a) { return Row(a).name; }
int DefaultLimitPerSecond(Action a) { return Row(a).limit; }

int LimitOf(const Limits& limits, Action a) {
  auto it = limits.find(a);
  return it != limits.end() ? it->second : DefaultLimitPerSecond(a);
}
bool Mutates(Action a) { return Row(a).mutates; }

std::optional<Action> ActionFromName(std::string_view name) {
  for (Action a : kAllActions) {
    if (Row(a).name == name) return a;
  }
  return std::nullopt;
}

const std::vector<std::string_view>& AcceptedParams(Action a) {
  static const auto kParams = [] {
    std::array<std::vector<std::string_view>, kAllActions.size()> table;
    for (Action each : kAllActions) {
      table[static_cast<std::size_t>(each)] = Split(Row(each).params);
    }
    return table;
  }();
  return kParams[static_cast<std::size_t>(a)];
}

bool AcceptsParam(Action a, std::string_view name) {
  const auto& accepted = AcceptedParams(a);
  return std::find(accepted.begin(), accepted.end(), name) != accepted.end();
}

}  // namespace dj::model
