// IMF-fixdate, written and read without the C library's locale.
#include "harness/protocol/http_date.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>

#include "harness/protocol/http_message.h"

namespace dj::protocol {
namespace {

constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::optional<int> Digits(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string FormatHttpDate(std::int64_t unix_seconds) {
  using namespace std::chrono;
  sys_seconds at{seconds{unix_seconds}};
  sys_days day = floor<days>(at);
  year_month_day ymd{day};
  hh_mm_ss<seconds> time{at - day};
  weekday wd{day};
  char out[40];
  std::snprintf(out, sizeof out, "%s, %02u %s %04d %02lld:%02lld:%02lld GMT",
                kDays[wd.c_encoding()].data(), static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1].data(),
                static_cast<int>(ymd.year()), static_cast<long long>(time.hours().count()),
                static_cast<long long>(time.minutes().count()),
                static_cast<long long>(time.seconds().count()));
  return out;
}

std::optional<std::int64_t> ParseHttpDate(std::string_view text) {
  text = TrimBlanks(text);
  // "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters at fixed places.
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  int weekday_index = -1;
  for (std::size_t i = 0; i < kDays.size(); ++i) {
    if (kDays[i] == text.substr(0, 3)) weekday_index = static_cast<int>(i);
  }
  unsigned month = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == text.substr(8, 3)) month = static_cast<unsigned>(i + 1);
  }
  auto day = Digits(text.substr(5, 2));
  auto year = Digits(text.substr(12, 4));
  auto hour = Digits(text.substr(17, 2));
  auto minute = Digits(text.substr(20, 2));
  auto second = Digits(text.substr(23, 2));
  if (weekday_index < 0 || month == 0 || !day || !year || !hour || !minute || !second ||
      *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year{*year}, std::chrono::month{month},
                     std::chrono::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return std::nullopt;
  sys_days date{ymd};
  if (weekday{date}.c_encoding() != static_cast<unsigned>(weekday_index)) return std::nullopt;
  return static_cast<std::int64_t>(date.time_since_epoch().count()) * 86400 + *hour * 3600 +
         *minute * 60 + *second;
}

}  // namespace dj::protocol
