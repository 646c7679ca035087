// Percent-encoding, form/query strings, and the flattening of nested API parameters into
// "Name.0.Field" pairs that query-style requests use (facts §1).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/result.h"

namespace dj::protocol {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// The legal ways to encode one value. Every variant decodes to the same text.
struct PercentEncoding {
  bool space_as_plus = false;      // ' ' as '+' instead of "%20"
  bool encode_unreserved = false;  // also encode '-', '.', '_', '~' (RFC 3986 allows it)
};

// RFC 3986: letters, digits and "-._~" stay, everything else becomes %XX (upper-case hex).
std::string PercentEncode(std::string_view text, const PercentEncoding& how = {});
// Strict: '%' must start two hex digits. With plus_is_space, '+' decodes to ' '.
Result<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// "a=1&b=2" (query string or form body) to decoded pairs, in order. Empty segments are
// skipped; a segment without '=' or with a bad escape fails, naming the segment.
Result<Pairs> ParseForm(std::string_view text);
// Pairs to "a=1&b=2", each name and value encoded with `how`.
std::string FormatForm(const Pairs& pairs, const PercentEncoding& how = {});

// Nested parameters to flat pairs: objects join names with '.', arrays add ".N" from 0,
// booleans are "true"/"false", numbers their JSON text; null is left out.
Pairs FlattenParams(const nlohmann::json& params);
// The inverse: a JSON object whose leaves are strings. Fails on a repeated name, an empty
// name segment, a name that is both a leaf and a parent, or more than 16 levels of nesting.
Result<nlohmann::json> UnflattenParams(const Pairs& pairs);

}  // namespace dj::protocol
