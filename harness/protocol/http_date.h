// The HTTP Date header's one modern form (IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT"): what
// the mock sends on every answer and what the harness reads to learn the target's clock
// (client/target_clock.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dj::protocol {

// UNIX seconds as an IMF-fixdate, in UTC.
std::string FormatHttpDate(std::int64_t unix_seconds);
// The UNIX seconds of an IMF-fixdate (leading and trailing blanks allowed); std::nullopt for
// anything else, including the obsolete RFC 850 and asctime forms and impossible dates.
std::optional<std::int64_t> ParseHttpDate(std::string_view text);

}  // namespace dj::protocol
