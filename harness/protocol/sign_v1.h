// Signature v1 (HmacSHA1 / HmacSHA256, facts §3b) for query-style and form requests.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "harness/protocol/url.h"

namespace dj::protocol {

enum class SignatureMethod : unsigned char { kHmacSha1, kHmacSha256 };

// "HmacSHA1" / "HmacSHA256".
std::string_view SignatureMethodName(SignatureMethod m);
std::optional<SignatureMethod> SignatureMethodFromName(std::string_view name);

// METHOD + host + "/?" + every pair except Signature, sorted by name (byte order), joined as
// name=value with raw (not encoded) values.
std::string V1SourceString(std::string_view method, std::string_view host, const Pairs& params);
// Base64 of the HMAC of the source string.
std::string SignV1(std::string_view secret_key, std::string_view source, SignatureMethod m);

}  // namespace dj::protocol
