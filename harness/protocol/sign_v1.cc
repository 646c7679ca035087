// Signature v1.
#include "harness/protocol/sign_v1.h"

#include <algorithm>

#include "harness/protocol/crypto.h"

namespace dj::protocol {

std::string_view SignatureMethodName(SignatureMethod m) {
  return m == SignatureMethod::kHmacSha1 ? "HmacSHA1" : "HmacSHA256";
}

std::optional<SignatureMethod> SignatureMethodFromName(std::string_view name) {
  if (name == "HmacSHA1") return SignatureMethod::kHmacSha1;
  if (name == "HmacSHA256") return SignatureMethod::kHmacSha256;
  return std::nullopt;
}

std::string V1SourceString(std::string_view method, std::string_view host, const Pairs& params) {
  Pairs sorted;
  for (const auto& p : params) {
    if (p.first != "Signature") sorted.push_back(p);
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out = std::string(method) + std::string(host) + "/?";
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0) out += '&';
    out += sorted[i].first + "=" + sorted[i].second;
  }
  return out;
}

std::string SignV1(std::string_view secret_key, std::string_view source, SignatureMethod m) {
  return Base64Encode(m == SignatureMethod::kHmacSha1 ? HmacSha1(secret_key, source)
                                                      : HmacSha256(secret_key, source));
}

}  // namespace dj::protocol
