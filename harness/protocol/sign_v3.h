// TC3-HMAC-SHA256 (signature v3, facts §3a): canonical request, string to sign, key
// derivation, and the Authorization header, for signing and for verifying.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/result.h"

namespace dj::protocol {

inline constexpr std::string_view kTc3Algorithm = "TC3-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// Everything the v3 signature covers.
struct V3Input {
  std::string method;           // "POST" or "GET"
  std::string canonical_query;  // POST: ""; GET: the query exactly as sent after '?'
  // Signed headers as (name, value); names and values are trimmed and lower-cased when the
  // canonical form is built, and sorted by name.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload;            // the raw body (GET: "")
  bool unsigned_payload = false;  // X-TC-Content-SHA256: UNSIGNED-PAYLOAD
  std::string timestamp;          // X-TC-Timestamp exactly as sent
  std::string date;               // credential-scope date, normally UtcDate(timestamp)
  std::string service = "batch";
};

// "YYYY-MM-DD" of the UTC calendar day of a UNIX time (not the local day: AUTH-5).
std::string UtcDate(std::int64_t unix_seconds);

std::string SignedHeaderList(const V3Input& in);  // e.g. "content-type;host"
std::string CanonicalRequest(const V3Input& in);
std::string CredentialScope(std::string_view date, std::string_view service);
std::string StringToSign(const V3Input& in);
// kSigning = HMAC(HMAC(HMAC("TC3" + key, date), service), "tc3_request"), raw bytes.
std::string DeriveSigningKey(std::string_view secret_key, std::string_view date,
                             std::string_view service);
// Lower-case hex signature.
std::string SignV3(std::string_view secret_key, const V3Input& in);
std::string FormatAuthorization(std::string_view secret_id, const V3Input& in,
                                std::string_view signature);

// A parsed Authorization header.
struct Authorization {
  std::string secret_id;
  std::string date;
  std::string service;
  std::vector<std::string> signed_headers;  // in the order given
  std::string signature;                    // 64 lower-case hex digits
};
// Parses "TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b,
// Signature=HEX". Fails, naming the problem, on any other shape (AUTH-4); SignedHeaders must
// name content-type and host.
Result<Authorization> ParseAuthorization(std::string_view header);

}  // namespace dj::protocol
