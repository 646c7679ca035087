// The keys of a set in order, with the key at any position found without walking to it: how
// DescribeJobs serves a page at any Offset of a million jobs (a std::map only walks). Sorted
// blocks of at most 2 * kBlock keys: insert and erase move at most one block's keys, and the
// key at a rank is found by adding up block sizes (a million keys are about 4,000 blocks).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dj::model {

class RankIndex {
 public:
  static constexpr std::size_t kBlock = 256;

  // Adds a key that is not there yet.
  void Insert(std::string_view key);
  // Removes a key that is there.
  void Erase(std::string_view key);
  void Clear() {
    blocks_.clear();
    size_ = 0;
  }
  // The key with `rank` smaller keys, std::nullopt when rank >= size().
  std::optional<std::string_view> At(std::size_t rank) const;
  std::size_t size() const { return size_; }

 private:
  // The block that holds `key`, or would: the last whose first key is not after it.
  std::size_t BlockOf(std::string_view key) const;

  std::vector<std::vector<std::string>> blocks_;  // every block sorted and non-empty
  std::size_t size_ = 0;
};

}  // namespace dj::model
