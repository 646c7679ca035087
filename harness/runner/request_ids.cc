#include "harness/runner/request_ids.h"

#include "harness/protocol/envelope.h"

namespace dj::run {

bool RequestIdLog::Insert(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!protocol::IsLowercaseUuid(id)) return others_.emplace(id).second;
  Bits bits;
  int n = 0;
  for (char c : id) {
    if (c == '-') continue;
    std::uint64_t digit = c <= '9' ? static_cast<std::uint64_t>(c - '0')
                                   : static_cast<std::uint64_t>(c - 'a' + 10);
    std::uint64_t& half = n++ < 16 ? bits.hi : bits.lo;
    half = half << 4 | digit;
  }
  return uuids_.insert(bits).second;
}

}  // namespace dj::run
