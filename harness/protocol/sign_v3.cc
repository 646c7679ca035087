// TC3-HMAC-SHA256.
#include "harness/protocol/sign_v3.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>

#include "harness/protocol/crypto.h"
#include "harness/protocol/http_message.h"

namespace dj::protocol {
namespace {

std::vector<std::pair<std::string, std::string>> CanonicalHeaders(const V3Input& in) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : in.headers)
    out.emplace_back(ToLowerAscii(TrimBlanks(name)), ToLowerAscii(TrimBlanks(value)));
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

bool IsDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

std::string UtcDate(std::int64_t unix_seconds) {
  using namespace std::chrono;
  year_month_day ymd{floor<days>(sys_seconds{seconds{unix_seconds}})};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string SignedHeaderList(const V3Input& in) {
  std::string out;
  for (const auto& [name, value] : CanonicalHeaders(in)) {
    if (!out.empty()) out += ';';
    out += name;
  }
  return out;
}

std::string CanonicalRequest(const V3Input& in) {
  std::string headers;
  for (const auto& [name, value] : CanonicalHeaders(in)) headers += name + ":" + value + "\n";
  std::string payload_hash = Sha256Hex(in.unsigned_payload ? kUnsignedPayload : in.payload);
  return in.method + "\n/\n" + in.canonical_query + "\n" + headers + "\n" + SignedHeaderList(in) +
         "\n" + payload_hash;
}

std::string CredentialScope(std::string_view date, std::string_view service) {
  return std::string(date) + "/" + std::string(service) + "/tc3_request";
}

std::string StringToSign(const V3Input& in) {
  return std::string(kTc3Algorithm) + "\n" + in.timestamp + "\n" +
         CredentialScope(in.date, in.service) + "\n" + Sha256Hex(CanonicalRequest(in));
}

std::string DeriveSigningKey(std::string_view secret_key, std::string_view date,
                             std::string_view service) {
  std::string k_date = HmacSha256("TC3" + std::string(secret_key), date);
  std::string k_service = HmacSha256(k_date, service);
  return HmacSha256(k_service, "tc3_request");
}

std::string SignV3(std::string_view secret_key, const V3Input& in) {
  return Hex(HmacSha256(DeriveSigningKey(secret_key, in.date, in.service), StringToSign(in)));
}

std::string FormatAuthorization(std::string_view secret_id, const V3Input& in,
                                std::string_view signature) {
  return std::string(kTc3Algorithm) + " Credential=" + std::string(secret_id) + "/" +
         CredentialScope(in.date, in.service) + ", SignedHeaders=" + SignedHeaderList(in) +
         ", Signature=" + std::string(signature);
}

Result<Authorization> ParseAuthorization(std::string_view header) {
  header = TrimBlanks(header);
  if (!header.starts_with(kTc3Algorithm) || header.size() == kTc3Algorithm.size() ||
      header[kTc3Algorithm.size()] != ' ') {
    return Failure{std::string("the Authorization header does not start with `TC3-HMAC-SHA256 `")};
  }
  std::string_view rest = header.substr(kTc3Algorithm.size() + 1);
  Authorization auth;
  bool have_credential = false;
  bool have_signed = false;
  bool have_signature = false;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view item = TrimBlanks(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Failure{"the Authorization item `" + std::string(item.substr(0, 40)) + "` has no `=`"};
    }
    std::string_view key = item.substr(0, eq);
    std::string_view value = item.substr(eq + 1);
    if (key == "Credential" && !have_credential) {
      have_credential = true;
      std::vector<std::string_view> parts;
      while (true) {
        std::size_t slash = value.find('/');
        parts.push_back(value.substr(0, slash));
        if (slash == std::string_view::npos) break;
        value.remove_prefix(slash + 1);
      }
      if (parts.size() != 4 || parts[0].empty() || !IsDate(parts[1]) || parts[2].empty() ||
          parts[3] != "tc3_request") {
        return Failure{std::string("Credential must be SecretId/YYYY-MM-DD/service/tc3_request")};
      }
      auth.secret_id = parts[0];
      auth.date = parts[1];
      auth.service = parts[2];
    } else if (key == "SignedHeaders" && !have_signed) {
      have_signed = true;
      while (!value.empty()) {
        std::size_t semi = value.find(';');
        std::string_view name = value.substr(0, semi);
        if (name.empty()) return Failure{std::string("SignedHeaders has an empty name")};
        auth.signed_headers.emplace_back(name);
        if (semi == std::string_view::npos) break;
        value.remove_prefix(semi + 1);
      }
    } else if (key == "Signature" && !have_signature) {
      have_signature = true;
      if (value.size() != 64 || !IsLowerHex(value)) {
        return Failure{std::string("Signature must be 64 lower-case hex digits")};
      }
      auth.signature = value;
    } else {
      return Failure{"unexpected or repeated Authorization item `" +
                     std::string(key.substr(0, 40)) + "`"};
    }
  }
  if (!have_credential || !have_signed || !have_signature) {
    return Failure{
        std::string("the Authorization header needs Credential, SignedHeaders and Signature")};
  }
  auto has = [&](std::string_view name) {
    return std::find(auth.signed_headers.begin(), auth.signed_headers.end(), name) !=
           auth.signed_headers.end();
  };
  if (!has("content-type") || !has("host")) {
    return Failure{std::string("SignedHeaders must include content-type and host")};
  }
  return auth;
}

}  // namespace dj::protocol
