// The wire protocol of target-contract §1, one codec for both ends:
//  - Encode: a Call (valid by default, faulty on request) to a signed HttpRequest, in any of
//    the four request styles (facts §1);
//  - ParseWire + Authenticate + ApiParams: what a server makes of an HttpRequest, each step
//    either a value or a Refusal naming the clause (AUTH-*, COM-*).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "harness/protocol/http_message.h"
#include "harness/protocol/sign_v1.h"
#include "harness/protocol/url.h"
#include "models/api_model.h"
#include "models/clauses.h"

namespace dj::protocol {

enum class Style : unsigned char {
  kApi3Post,  // POST JSON body, common parameters in X-TC-* headers, TC3-HMAC-SHA256 (default)
  kApi3Get,   // GET, API parameters in the query, common parameters in headers, TC3
  kQueryGet,  // GET, every parameter in the query, signature v1 (the seed's example)
  kFormPost,  // POST application/x-www-form-urlencoded body, signature v1
};
std::string_view StyleName(Style s);  // "api3-post", "api3-get", "query-get", "form-post"
std::optional<Style> StyleFromName(std::string_view name);
bool IsV3(Style s);

struct Credentials {
  std::string secret_id;
  std::string secret_key;
  std::string token;  // temporary-credential token, sent as X-TC-Token / Token when not empty
};

// One API call as the client means it. Absent common parameters are left out (COM-1..3).
struct Call {
  std::optional<std::string> action;
  std::optional<std::string> version = std::string(model::kApiVersion);
  std::optional<std::string> region = std::string("ap-guangzhou");
  nlohmann::json params = nlohmann::json::object();

  static Call Of(const model::ApiRequest& request, std::optional<std::string> region);
};

// Deliberate faults; all off by default. Each breaks exactly what it names.
struct Faults {
  bool wrong_key = false;             // AUTH-1: sign with a key that is not the secret key
  bool local_date = false;            // AUTH-5 (v3): credential date LocalScopeDate(timestamp)
  bool tamper_after_signing = false;  // AUTH-6: v3 POST body gains a space, v3 GET Content-Type
                                      // changes, v1 Nonce changes, after the signature is made
  bool omit_signature = false;        // AUTH-4: no Authorization header (v3) / no Signature (v1)
  std::optional<std::string> authorization;     // AUTH-4 (v3): send this Authorization verbatim
  std::optional<std::string> v1_omit_param;     // AUTH-4 (v1): leave out SecretId, Nonce, ...
  std::optional<std::string> signature_method;  // AUTH-4 (v1): this SignatureMethod text
  bool omit_timestamp = false;                  // AUTH-2
  std::optional<std::string> timestamp_text;    // AUTH-2: this timestamp text, signed as given
  std::optional<std::string> method;            // COM-5: this HTTP method
  std::optional<std::string> raw_body;          // COM-7 (v3 POST): this body instead of JSON
};

struct EncodeOptions {
  Style style = Style::kApi3Post;
  std::string host = "batch.tencentcloudapi.com";  // sent as Host and signed
  std::string service = std::string(model::kService);
  std::int64_t timestamp = 0;                                       // UNIX seconds
  std::uint64_t nonce = 1;                                          // v1
  SignatureMethod signature_method = SignatureMethod::kHmacSha256;  // v1
  bool send_signature_method = true;  // v1: false sends none (the service assumes HmacSHA1)
  std::string content_type;           // "" = the style's usual one
  std::string language;               // X-TC-Language / Language when not empty
  PercentEncoding encoding;           // how query/form values are encoded
  bool reverse_param_order = false;   // v1: send parameters in reverse name order
  Faults faults;
};

// The credential date a client with a local-time bug would sign (AUTH-5): the UTC+8 date (the
// classic case), or, in the hours when UTC+8 shares the UTC date, the date in UTC+14 or UTC-12,
// so that it always differs from UtcDate(timestamp).
std::string LocalScopeDate(std::int64_t timestamp);

// A signed request for the call. Deterministic: the same inputs give the same bytes.
HttpRequest Encode(const Call& call, const Credentials& creds, const EncodeOptions& options);

// ----- server side -----

// The size limits of COM-6, by style (facts §1).
inline constexpr std::size_t kGetLimitBytes = 32 * 1024;
inline constexpr std::size_t kV1PostLimitBytes = 1024 * 1024;
inline constexpr std::size_t kV3PostLimitBytes = 10 * 1024 * 1024;

// What the server reads off a request before judging its meaning.
struct WireRequest {
  Style style = Style::kApi3Post;
  model::CommonParams common;  // Action, Version, Region as received
  std::optional<std::string> timestamp_text;
  std::optional<std::string> token;
  // v3
  std::optional<std::string> authorization;  // the header, unparsed
  // v1
  Pairs v1_params;  // every decoded query/form parameter
  // The request itself, for the signature: the one given to ParseWire, which must outlive
  // this value (no copy of a body of up to 10 MB).
  const HttpRequest* http = nullptr;
};

// COM-5 (method), COM-6 (size), style detection, and decoding of a query or form body
// (COM-7). Never throws.
// The result refers to `http`, which must outlive it; a temporary does not compile.
Result<WireRequest, model::Refusal> ParseWire(const HttpRequest& http);
Result<WireRequest, model::Refusal> ParseWire(const HttpRequest&& http) = delete;

// What authentication needs from the server.
struct AuthPolicy {
  // The secret key of a SecretId, or std::nullopt when the id is unknown (AUTH-3).
  std::function<std::optional<std::string>(std::string_view secret_id)> lookup_key;
  std::int64_t now = 0;          // server wall clock, UNIX seconds
  std::int64_t max_skew = 300;   // AUTH-2
  bool check_signature = true;   // false only for the planted fault "signature-unchecked"
  bool check_timestamp = true;   // false only for the planted fault "expired-accepted"
  bool check_scope_date = true;  // false only for the planted fault "local-date-accepted"
};

// AUTH-4, AUTH-2, AUTH-3, AUTH-5, AUTH-1/6 in that order; the SecretId on success.
// The credential-scope service may be "batch" or the first label of the Host header (what
// the official Node SDK signs against a loopback endpoint, facts §11); the signed host may
// carry the port or not.
Result<std::string, model::Refusal> Authenticate(const WireRequest& wire, const AuthPolicy& policy);

// The API parameters: the JSON body (v3 POST; COM-7 when it is not JSON), or the query/form
// parameters other than the common ones, unflattened (COM-7 when they do not nest).
Result<nlohmann::json, model::Refusal> ApiParams(const WireRequest& wire);

}  // namespace dj::protocol
