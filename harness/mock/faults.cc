// Lookups over faults.def.
#include "harness/mock/faults.h"

#include <cstddef>

namespace dj::mock {
namespace {

struct FaultRow {
  std::string_view name;
  model::Clause clause;
  std::string_view text;
};

constexpr FaultRow kRows[] = {
#define DJ_FAULT(e, name, clause, text) {name, model::Clause::clause, text},
#include "harness/mock/faults.def"
#undef DJ_FAULT
};

const FaultRow& Row(Fault f) { return kRows[static_cast<std::size_t>(f)]; }

}  // namespace

std::string_view FaultName(Fault f) { return Row(f).name; }
model::Clause BrokenClause(Fault f) { return Row(f).clause; }
std::string_view FaultDescription(Fault f) { return Row(f).text; }

std::optional<Fault> FaultFromName(std::string_view name) {
  for (Fault f : kAllFaults) {
    if (Row(f).name == name) return f;
  }
  return std::nullopt;
}

}  // namespace dj::mock
