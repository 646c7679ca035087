// RankIndex: sorted blocks of keys.
#include "models/rank_index.h"

#include <algorithm>
#include <iterator>

namespace dj::model {

std::size_t RankIndex::BlockOf(std::string_view key) const {
  auto after = std::upper_bound(
      blocks_.begin(), blocks_.end(), key,
      [](std::string_view k, const std::vector<std::string>& block) { return k < block.front(); });
  return after == blocks_.begin() ? 0 : static_cast<std::size_t>(after - blocks_.begin()) - 1;
}

void RankIndex::Insert(std::string_view key) {
  ++size_;
  if (blocks_.empty()) {
    blocks_.push_back({std::string(key)});
    return;
  }
  std::size_t b = BlockOf(key);
  std::vector<std::string>& block = blocks_[b];
  block.insert(std::lower_bound(block.begin(), block.end(), key), std::string(key));
  if (block.size() > 2 * kBlock) {
    auto half = block.begin() + static_cast<std::ptrdiff_t>(kBlock);
    std::vector<std::string> upper(std::make_move_iterator(half),
                                   std::make_move_iterator(block.end()));
    block.erase(half, block.end());
    blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(b) + 1, std::move(upper));
  }
}

void RankIndex::Erase(std::string_view key) {
  if (blocks_.empty()) return;
  std::size_t b = BlockOf(key);
  std::vector<std::string>& block = blocks_[b];
  auto it = std::lower_bound(block.begin(), block.end(), key);
  if (it == block.end() || *it != key) return;
  block.erase(it);
  --size_;
  if (block.empty()) blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(b));
}

std::optional<std::string_view> RankIndex::At(std::size_t rank) const {
  if (rank >= size_) return std::nullopt;
  for (const std::vector<std::string>& block : blocks_) {
    if (rank < block.size()) return block[rank];
    rank -= block.size();
  }
  return std::nullopt;  // unreachable while size_ counts the blocks' keys
}

}  // namespace dj::model
