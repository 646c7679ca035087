// HTTP requests and responses as plain values, independent of any HTTP library, so that one
// codec serves the client, the mock and the fuzz targets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dj::protocol {

// Header names compare case-insensitively; order and duplicates are kept as received.
using Headers = std::vector<std::pair<std::string, std::string>>;

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// The text with ASCII letters lower-cased (header names, media types, canonical forms).
std::string ToLowerAscii(std::string_view s);
// The text without the blanks (spaces and tabs: RFC 9110's OWS) around it.
std::string_view TrimBlanks(std::string_view s);
// The first header with the name (case-insensitive), if any.
std::optional<std::string_view> FindHeader(const Headers& headers, std::string_view name);
// Replace every header with the name by one with the value.
void SetHeader(Headers& headers, std::string_view name, std::string value);
void RemoveHeader(Headers& headers, std::string_view name);

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  // path and query exactly as on the request line
  Headers headers;
  std::string body;

  std::string_view Path() const;   // target up to '?'
  std::string_view Query() const;  // target after the first '?', "" if none

  friend bool operator==(const HttpRequest&, const HttpRequest&) = default;
};

// After a change of the body: a Content-Length header, when the request has one (as a request
// read from a file does), made to agree with the body again.
void UpdateContentLength(HttpRequest& request);

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;

  friend bool operator==(const HttpResponse&, const HttpResponse&) = default;
};

}  // namespace dj::protocol
