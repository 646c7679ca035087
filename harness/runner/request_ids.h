// Every RequestId a run was answered (ENV-3: unique within a run), shared by its drivers. A
// lowercase UUID is kept as its 128 bits, anything else as text: a run of a million requests
// keeps them in tens of megabytes.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace dj::run {

class RequestIdLog {
 public:
  // False when `id` was answered before in the run.
  bool Insert(std::string_view id);

 private:
  struct Bits {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    bool operator==(const Bits&) const = default;
  };
  struct Hash {
    std::size_t operator()(const Bits& b) const { return b.hi ^ (b.lo * 0x9e3779b97f4a7c15ULL); }
  };

  std::mutex mu_;
  std::unordered_set<Bits, Hash> uuids_;
  std::unordered_set<std::string> others_;
};

}  // namespace dj::run
