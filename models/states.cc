// Lookups over states.def.
#include "models/states.h"

namespace dj::model {
namespace {

struct StateRow {
  std::string_view name;
  bool completed;
  std::string_view metric;
};

constexpr StateRow kRows[] = {
#define DJ_STATE(e, name, completed, metric) {name, completed, metric},
#include "models/states.def"
#undef DJ_STATE
};

const StateRow& Row(State s) { return kRows[static_cast<std::size_t>(s)]; }

}  // namespace

std::string_view StateName(State s) { return Row(s).name; }
bool IsCompleted(State s) { return Row(s).completed; }
std::string_view MetricsField(State s) { return Row(s).metric; }

std::optional<State> StateFromName(std::string_view name) {
  for (State s : kAllStates) {
    if (Row(s).name == name) return s;
  }
  return std::nullopt;
}

}  // namespace dj::model
