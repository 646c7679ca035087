// Digests and HMACs on OpenSSL's EVP interface; hex, Base64, constant-time comparison.
#include "harness/protocol/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace dj::protocol {
namespace {

// OpenSSL 3's one-shot SHA256() and HMAC() look the algorithm up (an implicit fetch, with a
// lock and a property query) on every call, which costs more than hashing a request: fetch
// each digest once, keep one context per thread, and build HMAC (RFC 2104) on the digest.
struct Algorithm {
  const EVP_MD* md;
  std::size_t block;  // bytes
};

const Algorithm& Fetched(const char* name) {
  auto fetch = [](const char* n) {
    EVP_MD* md = EVP_MD_fetch(nullptr, n, nullptr);
    if (md == nullptr) throw std::runtime_error(std::string("no ") + n + " in OpenSSL");
    return Algorithm{md, static_cast<std::size_t>(EVP_MD_get_block_size(md))};
  };
  static const Algorithm sha256 = fetch("SHA256");
  static const Algorithm sha1 = fetch("SHA1");
  return std::string_view(name) == "SHA1" ? sha1 : sha256;
}

EVP_MD_CTX* ThreadContext() {
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                           EVP_MD_CTX_free);
  if (!ctx) throw std::runtime_error("EVP_MD_CTX_new failed");
  return ctx.get();
}

std::string Digest(const EVP_MD* md, std::string_view first, std::string_view second = {}) {
  EVP_MD_CTX* ctx = ThreadContext();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestInit_ex(ctx, md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx, first.data(), first.size()) != 1 ||
      EVP_DigestUpdate(ctx, second.data(), second.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out, &len) != 1) {
    throw std::runtime_error("digest failed");  // only on OpenSSL misconfiguration
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string Hmac(const Algorithm& algorithm, std::string_view key, std::string_view data) {
  constexpr std::size_t kMaxBlock = 128;
  const std::size_t block = algorithm.block;
  if (block == 0 || block > kMaxBlock) throw std::runtime_error("unexpected digest block size");
  unsigned char pad[kMaxBlock] = {};
  std::string hashed_key;
  if (key.size() > block) {
    hashed_key = Digest(algorithm.md, key);
    key = hashed_key;
  }
  std::copy(key.begin(), key.end(), pad);
  for (std::size_t i = 0; i < block; ++i) pad[i] ^= 0x36;
  std::string_view padded(reinterpret_cast<const char*>(pad), block);
  std::string inner = Digest(algorithm.md, padded, data);
  for (std::size_t i = 0; i < block; ++i) pad[i] ^= 0x36 ^ 0x5c;
  std::string mac = Digest(algorithm.md, padded, inner);
  OPENSSL_cleanse(pad, sizeof pad);
  if (!hashed_key.empty()) OPENSSL_cleanse(hashed_key.data(), hashed_key.size());
  return mac;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string Sha256(std::string_view data) { return Digest(Fetched("SHA256").md, data); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  return Hmac(Fetched("SHA256"), key, data);
}

std::string HmacSha1(std::string_view key, std::string_view data) {
  return Hmac(Fetched("SHA1"), key, data);
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    out += kDigits[u >> 4];
    out += kDigits[u & 15];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) { return Hex(Sha256(data)); }

std::string Base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16) |
                 (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                 static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 2]));
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (std::size_t rest = bytes.size() - i; rest > 0) {
    unsigned v = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2) v |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + static_cast<std::size_t>(k)];
      bool last_group = i + 4 == text.size();
      if (c == '=' && last_group && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;  // data after padding
      v[k] = Base64Value(c);
      if (v[k] < 0) return std::nullopt;
    }
    unsigned bits = (static_cast<unsigned>(v[0]) << 18) | (static_cast<unsigned>(v[1]) << 12) |
                    (static_cast<unsigned>(v[2]) << 6) | static_cast<unsigned>(v[3]);
    out += static_cast<char>((bits >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((bits >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(bits & 0xff);
  }
  return out;
}

bool SafeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace dj::protocol
