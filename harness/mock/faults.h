// The catalogue of planted faults (faults.def): each names one defect and the clause it breaks.
#pragma once

#include <array>
#include <optional>
#include <set>
#include <string_view>

#include "models/clauses.h"

namespace dj::mock {

enum class Fault : unsigned char {
#define DJ_FAULT(e, name, clause, text) e,
#include "harness/mock/faults.def"
#undef DJ_FAULT
};

inline constexpr std::array kAllFaults = {
#define DJ_FAULT(e, name, clause, text) Fault::e,
#include "harness/mock/faults.def"
#undef DJ_FAULT
};

using FaultSet = std::set<Fault>;

std::string_view FaultName(Fault f);
std::optional<Fault> FaultFromName(std::string_view name);
// The clause the fault breaks.
model::Clause BrokenClause(Fault f);
std::string_view FaultDescription(Fault f);

}  // namespace dj::mock
