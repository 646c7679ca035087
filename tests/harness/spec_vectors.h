// The fake credentials and the request of the signing test vectors (facts §3d), shared by
// the protocol tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "harness/protocol/codec.h"

namespace dj::protocol::vectors {

inline constexpr std::string_view kSecretId = "AKIDHarnessFakeSecretId000000000000001";
inline constexpr std::string_view kSecretKey = "HarnessFakeSecretKey0000000000001";
// 2024-12-31T23:59:59Z, which is already 2025-01-01 in UTC+8.
inline constexpr std::int64_t kNow = 1735689599;

inline Credentials Creds() { return {std::string(kSecretId), std::string(kSecretKey), ""}; }

// DeleteJob of the vectors' job, region ap-guangzhou.
inline Call DeleteJobCall(std::string job_id = "job-f5da1edl") {
  Call call;
  call.action = "DeleteJob";
  call.region = "ap-guangzhou";
  call.params = {{"JobId", std::move(job_id)}};
  return call;
}

// A server that knows only the vectors' credential, with its clock at kNow.
inline AuthPolicy Policy() {
  AuthPolicy p;
  p.lookup_key = [](std::string_view id) -> std::optional<std::string> {
    if (id == kSecretId) return std::string(kSecretKey);
    return std::nullopt;
  };
  p.now = kNow;
  return p;
}

}  // namespace dj::protocol::vectors
