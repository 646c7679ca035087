// The signing API client over any Target: builds valid requests by default (one request
// builder; faults only on request), sends them, and parses every answer defensively.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "harness/client/target.h"
#include "harness/protocol/codec.h"
#include "harness/protocol/envelope.h"
#include "models/api_model.h"

namespace dj::client {

struct ClientConfig {
  protocol::Style style = protocol::Style::kApi3Post;
  std::string region = "ap-guangzhou";
  protocol::SignatureMethod signature_method = protocol::SignatureMethod::kHmacSha256;
  std::string language;
  std::uint64_t seed = 1;                      // v1 nonces
  std::function<std::int64_t()> wall_seconds;  // default: the system clock
};

// One request and what came back.
struct Exchange {
  protocol::HttpRequest request;
  std::optional<TransportError> transport_error;  // set when there was no HTTP answer
  protocol::HttpResponse response;                // valid without a transport error
  protocol::Answer answer;                        // ParseAnswer(response)
};

class ApiClient {
 public:
  ApiClient(Target& target, protocol::Credentials credentials, ClientConfig config = {});

  // The encode options a valid request gets now: the target's Host, the current time, a fresh
  // nonce and the configured style. Change fields of the result to plant a fault.
  protocol::EncodeOptions Options();
  // Sign and send a call with the given options.
  Exchange Send(const protocol::Call& call, const protocol::EncodeOptions& options);
  // Send a request that is already encoded (and perhaps deliberately broken).
  Exchange SendEncoded(protocol::HttpRequest request);
  // Sign and send a well-formed request with Options().
  Exchange Send(const model::ApiRequest& request);

  const ClientConfig& config() const { return config_; }
  Target& target() { return target_; }

 private:
  Target& target_;
  protocol::Credentials credentials_;
  ClientConfig config_;
  std::mt19937_64 rng_;
};

// The conformance control extension (target-contract §2).
class ControlClient {
 public:
  ControlClient(Target& target, std::string token = {})
      : target_(target), token_(std::move(token)) {}

  Result<bool> Reset();
  // Create or replace a job; the answer's JobId.
  Result<std::string> PutJob(const nlohmann::json& description);
  // Move the target's rate-limit clock; the new total in ms.
  Result<std::int64_t> AdvanceClock(std::int64_t ms);

 private:
  Result<nlohmann::json> Post(std::string_view what, const nlohmann::json& body);
  Target& target_;
  std::string token_;
};

// Files that keep a request whole (fuzz findings) hold these instead of a credential's parts.
inline constexpr std::string_view kSecretIdPlaceholder = "DJHARNESS-SECRET-ID";
inline constexpr std::string_view kSessionTokenPlaceholder = "DJHARNESS-SESSION-TOKEN";
inline constexpr std::string_view kSecretKeyPlaceholder = "DJHARNESS-SECRET-KEY";

inline constexpr std::string_view kControlTokenPlaceholder = "DJHARNESS-CONTROL-TOKEN";

// A secret shorter than this is replaced only where it stands alone between delimiters (blanks,
// quotes, = & , ; and brackets: a JSON string, a form value, a word), and only when it is letters
// and digits, as real SecretIds and keys are. A short one is also part of ordinary text:
// replacing a 1-character key everywhere would garble every line and URL. The masks by name
// (Describe) do not depend on its length.
inline constexpr std::size_t kShortSecret = 8;

// `text` with `secret` replaced by `placeholder`: as it is, and percent-encoded in each way the
// harness encodes values (a v1 query or form body). An empty secret changes nothing.
std::string HideSecret(std::string text, std::string_view secret, std::string_view placeholder);
// HideSecret for every part of `credentials`, the longest first.
std::string HideCredentials(std::string text, const protocol::Credentials& credentials);
// `value` with `hide` applied to every string in it, member names included: the structure is
// kept, so whatever a placeholder replaces, the JSON stays valid (text replacement over a
// dump would not: a secret "1" would hit every number).
nlohmann::json HideJson(nlohmann::json value, const std::function<std::string(std::string)>& hide);
// The same in a request's target, headers and body (and its Content-Length, if it has one).
protocol::HttpRequest HideCredentials(protocol::HttpRequest request,
                                      const protocol::Credentials& credentials);
// The request with the placeholders replaced by `credentials`'s SecretId and token: as they are
// in headers, percent-encoded in the request target and the body (Content-Length follows).
protocol::HttpRequest RestoreCredentials(protocol::HttpRequest request,
                                         const protocol::Credentials& credentials);

// A request as text for people (reports, the life-cycle walk): SecretId, signatures and
// tokens replaced by placeholders, so that no credential is ever printed.
std::string Describe(const protocol::HttpRequest& request);
std::string Describe(const protocol::HttpResponse& response);

}  // namespace dj::client
