// HTTP/1.1 requests as bytes on a socket (RFC 9112): the fuzz targets read raw requests with
// it, and `djharness fuzz` writes the requests it mutates with it. The mock itself reads
// requests through cpp-httplib; this parser is stricter than most servers, never lenient.
#pragma once

#include <string>
#include <string_view>

#include "harness/protocol/http_message.h"
#include "models/result.h"

namespace dj::protocol {

// The largest request head ParseRequestBytes reads (request line and headers).
inline constexpr std::size_t kMaxRequestHead = 64 * 1024;

// One whole request: "METHOD SP TARGET SP HTTP/1.x CRLF", header lines "Name: value CRLF",
// CRLF, then a body framed by Content-Length or by chunked Transfer-Encoding, and nothing
// after it. Header values lose their surrounding blanks; names keep their spelling. Fails,
// naming the problem, on anything else (bare LF, folded headers, conflicting lengths, ...).
Result<HttpRequest> ParseRequestBytes(std::string_view bytes);

// The request as bytes. Headers are written as they are; a body is framed as the headers say
// (one chunk when they say chunked), and gets a Content-Length header when they say nothing.
// ParseRequestBytes(FormatRequestBytes(r)) == r for every r that ParseRequestBytes returned.
std::string FormatRequestBytes(const HttpRequest& request);

}  // namespace dj::protocol
