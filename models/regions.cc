// Lookups over regions.def.
#include "models/regions.h"

#include <algorithm>

namespace dj::model {
namespace {

constexpr std::string_view kRegions[] = {
#define DJ_REGION(name) name,
#include "models/regions.def"
#undef DJ_REGION
};

}  // namespace

std::span<const std::string_view> SupportedRegions() { return kRegions; }

bool IsSupportedRegion(std::string_view region) {
  return std::find(std::begin(kRegions), std::end(kRegions), region) != std::end(kRegions);
}

}  // namespace dj::model
