#include "harness/protocol/http_wire.h"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>

#include "harness/protocol/codec.h"

namespace dj::protocol {
namespace {

// RFC 9110 tchar.
bool IsTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// A request target: visible ASCII and obs-text, no blanks or controls.
bool IsTarget(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

// A field value after trimming: visible characters, blanks inside, obs-text; no controls.
bool IsFieldValue(std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

// The next line ending in CRLF (without it), advancing `rest`; std::nullopt without a CRLF.
std::optional<std::string_view> NextLine(std::string_view& rest) {
  std::size_t end = rest.find("\r\n");
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = rest.substr(0, end);
  rest.remove_prefix(end + 2);
  return line;
}

std::optional<std::uint64_t> ParseDecimal(std::string_view s) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> ParseHex(std::string_view s) {
  if (s.empty() || s.size() > 8) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// A chunked body: chunks, the last chunk "0", no trailer fields, and nothing after it.
Result<std::string> DecodeChunked(std::string_view rest) {
  std::string body;
  while (true) {
    auto size_line = NextLine(rest);
    if (!size_line) return Failure{std::string("a chunk size line does not end in CRLF")};
    std::string_view size_text = size_line->substr(0, size_line->find(';'));
    auto size = ParseHex(size_text);
    if (!size) return Failure{"the chunk size `" + std::string(size_text) + "` is not hex"};
    if (*size == 0) break;
    if (body.size() + *size > kV3PostLimitBytes) {
      return Failure{std::string("the chunked body exceeds 10 MB")};
    }
    if (rest.size() < *size + 2) return Failure{std::string("a chunk is cut short")};
    if (rest.substr(*size, 2) != "\r\n")
      return Failure{std::string("a chunk does not end in CRLF")};
    body.append(rest.substr(0, *size));
    rest.remove_prefix(*size + 2);
  }
  if (rest != "\r\n") return Failure{std::string("trailer fields or bytes after the last chunk")};
  return body;
}

}  // namespace

Result<HttpRequest> ParseRequestBytes(std::string_view bytes) {
  std::size_t head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    return Failure{std::string("the request head does not end in an empty line")};
  }
  if (head_end + 4 > kMaxRequestHead)
    return Failure{std::string("the request head exceeds 64 KiB")};
  std::string_view head = bytes.substr(0, head_end + 2);  // every line ends in CRLF
  std::string_view rest = bytes.substr(head_end + 4);

  HttpRequest request;
  std::string_view line = *NextLine(head);
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) {
    return Failure{std::string("the request line is not METHOD SP TARGET SP VERSION")};
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(method)) return Failure{std::string("the method is not a token")};
  if (!IsTarget(target)) return Failure{std::string("the request target is empty or has blanks")};
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    return Failure{"the version `" + std::string(version) + "` is not HTTP/1.0 or HTTP/1.1"};
  }
  request.method = std::string(method);
  request.target = std::string(target);

  while (!head.empty()) {
    std::string_view field = *NextLine(head);
    std::size_t colon = field.find(':');
    if (colon == std::string_view::npos) return Failure{std::string("a header line has no colon")};
    std::string_view name = field.substr(0, colon);
    std::string_view value = TrimBlanks(field.substr(colon + 1));
    if (!IsToken(name))
      return Failure{"the header name `" + std::string(name) + "` is not a token"};
    if (!IsFieldValue(value)) {
      return Failure{"the value of header " + std::string(name) + " has control characters"};
    }
    request.headers.emplace_back(std::string(name), std::string(value));
  }

  std::optional<std::uint64_t> length;
  bool chunked = false;
  for (const auto& [name, value] : request.headers) {
    if (EqualsIgnoreCase(name, "Content-Length")) {
      auto v = ParseDecimal(value);
      if (!v) return Failure{"the Content-Length `" + value + "` is not a number"};
      if (length && *length != *v)
        return Failure{std::string("two Content-Length headers disagree")};
      length = v;
    } else if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
      if (chunked || !EqualsIgnoreCase(value, "chunked")) {
        return Failure{"the Transfer-Encoding `" + value + "` is not a single chunked"};
      }
      chunked = true;
    }
  }
  if (chunked && length) {
    return Failure{std::string("both Content-Length and Transfer-Encoding are present")};
  }
  if (chunked) {
    auto body = DecodeChunked(rest);
    if (!body) return Failure{body.error()};
    request.body = std::move(*body);
  } else {
    std::uint64_t n = length.value_or(0);
    if (rest.size() != n) {
      return Failure{"the body has " + std::to_string(rest.size()) + " bytes, the headers say " +
                     std::to_string(n)};
    }
    request.body = std::string(rest);
  }
  return request;
}

std::string FormatRequestBytes(const HttpRequest& request) {
  bool chunked = false;
  bool has_length = false;
  for (const auto& [name, value] : request.headers) {
    chunked = chunked || EqualsIgnoreCase(name, "Transfer-Encoding");
    has_length = has_length || EqualsIgnoreCase(name, "Content-Length");
  }
  std::string out = request.method + " " + request.target + " HTTP/1.1\r\n";
  for (const auto& [name, value] : request.headers) out += name + ": " + value + "\r\n";
  if (!chunked && !has_length && !request.body.empty()) {
    out += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  }
  out += "\r\n";
  if (chunked) {
    if (!request.body.empty()) {
      char size[20];
      std::snprintf(size, sizeof size, "%zx", request.body.size());
      out += std::string(size) + "\r\n" + request.body + "\r\n";
    }
    out += "0\r\n\r\n";
  } else {
    out += request.body;
  }
  return out;
}

}  // namespace dj::protocol
