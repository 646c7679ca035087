// Hashes, HMACs, hex and Base64 on OpenSSL (facts §3).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dj::protocol {

// Raw digests (binary strings).
std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HmacSha1(std::string_view key, std::string_view data);

// Lower-case hex of binary data.
std::string Hex(std::string_view bytes);
// Lower-case hex SHA-256, as TC3 uses it for payloads and canonical requests.
std::string Sha256Hex(std::string_view data);

std::string Base64Encode(std::string_view bytes);
// Strict standard-alphabet Base64 with padding; std::nullopt for anything else.
std::optional<std::string> Base64Decode(std::string_view text);

// Constant-time equality for signatures.
bool SafeEquals(std::string_view a, std::string_view b);

}  // namespace dj::protocol
