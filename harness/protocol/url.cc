// Percent-encoding and parameter flattening.
#include "harness/protocol/url.h"

#include <algorithm>
#include <array>

namespace dj::protocol {
namespace {

using nlohmann::json;

// Per-byte classes, looked up rather than compared: these loops run on every request the mock
// reads and are the inner loop of the query_string fuzz target.
enum : unsigned char { kAlnum = 1, kMark = 2 };  // kMark: '-', '.', '_', '~'

constexpr auto kCharClass = [] {
  std::array<unsigned char, 256> table{};
  for (std::size_t c = 'A'; c <= 'Z'; ++c) table[c] = kAlnum;
  for (std::size_t c = 'a'; c <= 'z'; ++c) table[c] = kAlnum;
  for (std::size_t c = '0'; c <= '9'; ++c) table[c] = kAlnum;
  for (char c : {'-', '.', '_', '~'}) table[static_cast<unsigned char>(c)] = kMark;
  return table;
}();

// Hex digit values; 0xff for anything else.
constexpr auto kHexValue = [] {
  std::array<unsigned char, 256> table{};
  for (auto& v : table) v = 0xff;
  for (std::size_t c = '0'; c <= '9'; ++c) table[c] = static_cast<unsigned char>(c - '0');
  for (std::size_t c = 'a'; c <= 'f'; ++c) table[c] = static_cast<unsigned char>(c - 'a' + 10);
  for (std::size_t c = 'A'; c <= 'F'; ++c) table[c] = static_cast<unsigned char>(c - 'A' + 10);
  return table;
}();

void Flatten(const json& v, const std::string& name, Pairs& out) {
  if (v.is_object()) {
    for (const auto& [key, child] : v.items())
      Flatten(child, name.empty() ? key : name + "." + key, out);
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      Flatten(v[i], name.empty() ? std::to_string(i) : name + "." + std::to_string(i), out);
    }
  } else if (v.is_string()) {
    out.emplace_back(name, v.get<std::string>());
  } else if (v.is_boolean()) {
    out.emplace_back(name, v.get<bool>() ? "true" : "false");
  } else if (!v.is_null()) {
    out.emplace_back(name, v.dump());
  }
}

// Deeper names than any Batch parameter needs are refused, so nesting stays bounded.
constexpr long kMaxParamDepth = 16;

// The value of an array index segment ("0", "17"; no sign, no leading zero), or npos.
std::size_t IndexValue(std::string_view s) {
  if (s.empty() || s.size() >= 10 || (s.size() > 1 && s[0] == '0')) return std::string::npos;
  std::size_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::string::npos;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  return value;
}

// Objects whose keys are exactly "0".."n-1" become arrays, bottom up (not the root).
void Arrayify(json& v, bool root) {
  if (!v.is_object()) return;
  for (auto& child : v) Arrayify(child, false);
  if (root || v.empty()) return;
  auto& object = v.get_ref<json::object_t&>();
  const std::size_t n = object.size();
  // n distinct keys, each an index below n, are exactly 0..n-1.
  for (const auto& entry : object) {
    if (IndexValue(entry.first) >= n) return;
  }
  json::array_t array(n);
  for (auto& [key, child] : object) array[IndexValue(key)] = std::move(child);
  v = std::move(array);
}

}  // namespace

std::string PercentEncode(std::string_view text, const PercentEncoding& how) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const unsigned char plain = how.encode_unreserved ? kAlnum : (kAlnum | kMark);
  // Sized once, then written through a pointer: no per-byte capacity checks.
  std::size_t size = 0;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    size += (kCharClass[u] & plain) || (c == ' ' && how.space_as_plus) ? 1u : 3u;
  }
  std::string out(size, '\0');
  char* w = out.data();
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (kCharClass[u] & plain) {
      *w++ = c;
    } else if (c == ' ' && how.space_as_plus) {
      *w++ = '+';
    } else {
      w[0] = '%';
      w[1] = kHex[u >> 4];
      w[2] = kHex[u & 15];
      w += 3;
    }
  }
  return out;
}

Result<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  // The decoded text is never longer than the encoded one.
  std::string out(text.size(), '\0');
  char* w = out.data();
  const char* r = text.data();
  const char* end = r + text.size();
  while (r != end) {
    char c = *r;
    if (c == '%') {
      unsigned hi = end - r > 1 ? kHexValue[static_cast<unsigned char>(r[1])] : 0xffu;
      unsigned lo = end - r > 2 ? kHexValue[static_cast<unsigned char>(r[2])] : 0xffu;
      if ((hi | lo) > 15) {
        return Failure{"bad percent-escape in `" + std::string(text.substr(0, 64)) + "`"};
      }
      *w++ = static_cast<char>(hi * 16 + lo);
      r += 3;
    } else {
      *w++ = c == '+' && plus_is_space ? ' ' : c;
      ++r;
    }
  }
  out.resize(static_cast<std::size_t>(w - out.data()));
  return out;
}

Result<Pairs> ParseForm(std::string_view text) {
  Pairs out;
  while (!text.empty()) {
    std::size_t amp = text.find('&');
    std::string_view segment = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (segment.empty()) continue;
    std::size_t eq = segment.find('=');
    if (eq == std::string_view::npos) {
      return Failure{"Url key and value should be split by `=`: `" +
                     std::string(segment.substr(0, 64)) + "`"};
    }
    auto key = PercentDecode(segment.substr(0, eq), true);
    if (!key) return Failure{key.error()};
    auto value = PercentDecode(segment.substr(eq + 1), true);
    if (!value) return Failure{value.error()};
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

std::string FormatForm(const Pairs& pairs, const PercentEncoding& how) {
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out += '&';
    out += PercentEncode(key, how);
    out += '=';
    out += PercentEncode(value, how);
  }
  return out;
}

Pairs FlattenParams(const json& params) {
  Pairs out;
  Flatten(params, "", out);
  return out;
}

Result<json> UnflattenParams(const Pairs& pairs) {
  json root = json::object();
  for (const auto& [name, value] : pairs) {
    if (std::count(name.begin(), name.end(), '.') >= kMaxParamDepth) {
      return Failure{"parameter `" + name.substr(0, 64) + "...` nests too deeply"};
    }
    json* node = &root;
    std::string_view rest = name;
    while (true) {
      std::size_t dot = rest.find('.');
      std::string_view segment = rest.substr(0, dot);
      if (segment.empty()) return Failure{"empty name segment in parameter `" + name + "`"};
      if (!node->is_object()) return Failure{"parameter `" + name + "` conflicts with another"};
      auto& object = node->get_ref<json::object_t&>();
      auto it = object.find(segment);  // transparent comparator: no key copy to look up
      if (dot == std::string_view::npos) {
        if (it != object.end()) return Failure{"parameter `" + name + "` is given twice"};
        object.emplace(std::string(segment), value);
        break;
      }
      if (it == object.end()) it = object.emplace(std::string(segment), json::object()).first;
      node = &it->second;
      rest.remove_prefix(dot + 1);
    }
  }
  Arrayify(root, true);
  return root;
}

}  // namespace dj::protocol
