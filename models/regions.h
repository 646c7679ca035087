// The regions the reference model serves (regions.def; facts §9).
#pragma once

#include <span>
#include <string_view>

namespace dj::model {

// True when the region is in regions.def (exact match). Anything else is COM-3 UnsupportedRegion.
bool IsSupportedRegion(std::string_view region);
std::span<const std::string_view> SupportedRegions();

}  // namespace dj::model
