// Percent-encoding and parameter flattening.
#include "harness/protocol/url.h"

#include <algorithm>

namespace dj::protocol {
namespace {

using nlohmann::json;

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

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

bool IsIndex(std::string_view s) {
  return !s.empty() && s.size() < 10 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
         (s.size() == 1 || s[0] != '0');
}

// Objects whose keys are exactly "0".."n-1" become arrays, bottom up (not the root).
json Arrayify(json v, bool root) {
  if (!v.is_object()) return v;
  for (auto& [key, child] : v.items()) child = Arrayify(std::move(child), false);
  if (root || v.empty()) return v;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v.contains(std::to_string(i))) return v;
  }
  if (!std::all_of(v.items().begin(), v.items().end(),
                   [](const auto& kv) { return IsIndex(kv.key()); })) {
    return v;
  }
  json array = json::array();
  for (std::size_t i = 0; i < v.size(); ++i) array.push_back(std::move(v[std::to_string(i)]));
  return array;
}

}  // namespace

std::string PercentEncode(std::string_view text, const PercentEncoding& how) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 (!how.encode_unreserved && IsUnreserved(c));
    if (plain) {
      out += c;
    } else if (c == ' ' && how.space_as_plus) {
      out += '+';
    } else {
      auto u = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

Result<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int hi = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return Failure{"bad percent-escape in `" + std::string(text.substr(0, 64)) + "`"};
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
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
      std::string segment(rest.substr(0, dot));
      if (segment.empty()) return Failure{"empty name segment in parameter `" + name + "`"};
      if (!node->is_object()) return Failure{"parameter `" + name + "` conflicts with another"};
      if (dot == std::string_view::npos) {
        if (node->contains(segment)) return Failure{"parameter `" + name + "` is given twice"};
        (*node)[segment] = value;
        break;
      }
      node = &(*node)[segment];
      if (node->is_null()) *node = json::object();
      rest.remove_prefix(dot + 1);
    }
  }
  return Arrayify(std::move(root), true);
}

}  // namespace dj::protocol
