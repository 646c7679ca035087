// Request encoding (client) and request parsing and authentication (server).
#include "harness/protocol/codec.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "harness/protocol/crypto.h"
#include "harness/protocol/sign_v3.h"

namespace dj::protocol {
namespace {

using model::Clause;
using model::Refusal;
using nlohmann::json;

constexpr std::string_view kJsonType = "application/json";
constexpr std::string_view kFormType = "application/x-www-form-urlencoded";

// The v1 common parameters (facts §2); everything else in a query-style request is an API
// parameter.
constexpr std::array<std::string_view, 11> kV1CommonParams = {
    "Action",    "Version",         "Region", "Timestamp", "Nonce",        "SecretId",
    "Signature", "SignatureMethod", "Token",  "Language",  "RequestClient"};

bool IsV1Common(std::string_view name) {
  return std::find(kV1CommonParams.begin(), kV1CommonParams.end(), name) != kV1CommonParams.end();
}

std::optional<std::string> Header(const HttpRequest& r, std::string_view name) {
  auto v = FindHeader(r.headers, name);
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

std::optional<std::string> Param(const Pairs& pairs, std::string_view name) {
  for (const auto& [key, value] : pairs) {
    if (key == name) return value;
  }
  return std::nullopt;
}

// The media type, lower-cased, without parameters: "application/json; charset=utf-8" ->
// "application/json".
std::string MediaType(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return ToLowerAscii(media);
}

std::string HostWithoutPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') {  // [::1]:8080
    std::size_t close = host.find(']');
    return std::string(host.substr(0, close == std::string_view::npos ? host.size() : close + 1));
  }
  return std::string(host.substr(0, host.find(':')));
}

// The host values a client may have signed: as sent, and without the port.
std::vector<std::string> SignableHosts(const HttpRequest& r) {
  std::string host(FindHeader(r.headers, "Host").value_or(""));
  std::vector<std::string> out = {host};
  if (std::string bare = HostWithoutPort(host); bare != host) out.push_back(bare);
  return out;
}

std::string DumpJson(const json& v) {
  // Replace invalid UTF-8 rather than throw: a generator must never crash the encoder.
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

Refusal Refuse(Clause c, std::string detail) { return Refusal{c, std::move(detail)}; }

std::string Missing(std::string_view name) {
  return "The request is missing a required parameter `" + std::string(name) + "`.";
}

// AUTH-2 on the timestamp text.
Result<std::int64_t, Refusal> CheckTimestamp(const std::optional<std::string>& text,
                                             const AuthPolicy& policy) {
  if (!text) return Failure{Refuse(Clause::kAuthTimestampMissing, Missing("Timestamp"))};
  std::int64_t ts = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), ts);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size() ||
      (*text)[0] == '-') {
    return Failure{Refuse(Clause::kAuthTimestampMalformed, "The Timestamp must be UNIX seconds.")};
  }
  std::int64_t skew = policy.now > ts ? policy.now - ts : ts - policy.now;
  if (policy.check_timestamp && skew > policy.max_skew) {
    return Failure{Refuse(Clause::kAuthExpired, "The Timestamp is " + std::to_string(skew) +
                                                    " s away from the server time; at most " +
                                                    std::to_string(policy.max_skew) +
                                                    " s is allowed.")};
  }
  return ts;
}

Result<std::string, Refusal> LookupKey(const std::string& secret_id, const AuthPolicy& policy) {
  auto key = policy.lookup_key ? policy.lookup_key(secret_id) : std::nullopt;
  if (!key) {
    return Failure{Refuse(Clause::kAuthUnknownSecretId, "The SecretId is not found.")};
  }
  return *key;
}

Refusal BadSignature() {
  return Refuse(Clause::kAuthBadSignature,
                std::string(model::DefaultMessage(model::ErrorCode::kAuthSignatureFailure)));
}

Result<std::string, Refusal> AuthenticateV3(const WireRequest& w, const AuthPolicy& policy) {
  if (!w.authorization) {
    return Failure{Refuse(Clause::kAuthNoAuthorization, "The Authorization header is missing.")};
  }
  auto auth = ParseAuthorization(*w.authorization);
  if (!auth) {
    return Failure{Refuse(Clause::kAuthNoAuthorization,
                          "The Authorization header is malformed: " + auth.error() + ".")};
  }
  auto ts = CheckTimestamp(w.timestamp_text, policy);
  if (!ts) return Failure{ts.error()};
  auto key = LookupKey(auth->secret_id, policy);
  if (!key) return Failure{key.error()};
  if (!policy.check_signature) return auth->secret_id;

  if (policy.check_scope_date && auth->date != UtcDate(*ts)) {
    return Failure{Refuse(Clause::kAuthLocalDate, "The credential date " + auth->date +
                                                      " is not the UTC date of the Timestamp.")};
  }
  std::string host(FindHeader(w.http->headers, "Host").value_or(""));
  std::string first_label = host.substr(0, host.find('.'));
  if (auth->service != model::kService && auth->service != first_label) {
    return Failure{BadSignature()};
  }
  V3Input in;
  in.method = w.http->method;
  in.canonical_query = w.http->method == "GET" ? std::string(w.http->Query()) : std::string();
  in.payload = w.http->body;
  in.unsigned_payload = FindHeader(w.http->headers, "X-TC-Content-SHA256") == kUnsignedPayload;
  in.timestamp = *w.timestamp_text;
  in.date = auth->date;
  in.service = auth->service;
  std::size_t host_index = 0;
  for (const std::string& name : auth->signed_headers) {
    auto value = FindHeader(w.http->headers, name);
    if (!value) return Failure{BadSignature()};
    if (EqualsIgnoreCase(name, "host")) host_index = in.headers.size();
    in.headers.emplace_back(name, std::string(*value));
  }
  for (const std::string& signed_host : SignableHosts(*w.http)) {
    in.headers[host_index].second = signed_host;
    if (SafeEquals(SignV3(*key, in), auth->signature)) return auth->secret_id;
  }
  return Failure{BadSignature()};
}

Result<std::string, Refusal> AuthenticateV1(const WireRequest& w, const AuthPolicy& policy) {
  for (std::string_view name : {"SecretId", "Signature", "Nonce"}) {
    if (!Param(w.v1_params, name))
      return Failure{Refuse(Clause::kAuthV1MissingParam, Missing(name))};
  }
  SignatureMethod method = SignatureMethod::kHmacSha1;
  if (auto given = Param(w.v1_params, "SignatureMethod")) {
    auto known = SignatureMethodFromName(*given);
    if (!known) {
      return Failure{
          Refuse(Clause::kAuthV1BadMethod, "The SignatureMethod must be HmacSHA1 or HmacSHA256.")};
    }
    method = *known;
  }
  auto ts = CheckTimestamp(w.timestamp_text, policy);
  if (!ts) return Failure{ts.error()};
  std::string secret_id = *Param(w.v1_params, "SecretId");
  auto key = LookupKey(secret_id, policy);
  if (!key) return Failure{key.error()};
  if (!policy.check_signature) return secret_id;
  std::string given = *Param(w.v1_params, "Signature");
  for (const std::string& host : SignableHosts(*w.http)) {
    std::string source = V1SourceString(w.http->method, host, w.v1_params);
    if (SafeEquals(SignV1(*key, source, method), given)) return secret_id;
  }
  return Failure{BadSignature()};
}

}  // namespace

std::string_view StyleName(Style s) {
  switch (s) {
    case Style::kApi3Post:
      return "api3-post";
    case Style::kApi3Get:
      return "api3-get";
    case Style::kQueryGet:
      return "query-get";
    case Style::kFormPost:
      return "form-post";
  }
  return "?";
}

std::optional<Style> StyleFromName(std::string_view name) {
  for (Style s : {Style::kApi3Post, Style::kApi3Get, Style::kQueryGet, Style::kFormPost}) {
    if (StyleName(s) == name) return s;
  }
  return std::nullopt;
}

bool IsV3(Style s) { return s == Style::kApi3Post || s == Style::kApi3Get; }

Call Call::Of(const model::ApiRequest& request, std::optional<std::string> region) {
  Call c;
  c.action = std::string(model::ActionName(request.action));
  c.region = std::move(region);
  c.params = request.params;
  return c;
}

std::string LocalScopeDate(std::int64_t timestamp) {
  std::string utc = UtcDate(timestamp);
  for (std::int64_t hours : {8, 14, -12}) {
    std::string local = UtcDate(timestamp + hours * 3600);
    if (local != utc) return local;
  }
  return utc;  // unreachable: at any hour UTC+14 or UTC-12 has another date
}

HttpRequest Encode(const Call& call, const Credentials& creds, const EncodeOptions& o) {
  const Faults& f = o.faults;
  std::string ts = f.timestamp_text.value_or(std::to_string(o.timestamp));
  std::string key = f.wrong_key ? creds.secret_key + "-not-the-key" : creds.secret_key;
  HttpRequest req;
  bool post = o.style == Style::kApi3Post || o.style == Style::kFormPost;
  req.method = post ? "POST" : "GET";

  if (IsV3(o.style)) {
    std::string content_type =
        !o.content_type.empty() ? o.content_type : std::string(post ? kJsonType : kFormType);
    std::string query;
    if (post) {
      req.body = f.raw_body ? *f.raw_body : DumpJson(call.params);
    } else {
      query = FormatForm(FlattenParams(call.params), o.encoding);
      if (!query.empty()) req.target = "/?" + query;
    }
    req.headers.emplace_back("Host", o.host);
    req.headers.emplace_back("Content-Type", content_type);
    if (call.action) req.headers.emplace_back("X-TC-Action", *call.action);
    if (call.version) req.headers.emplace_back("X-TC-Version", *call.version);
    if (call.region) req.headers.emplace_back("X-TC-Region", *call.region);
    if (!f.omit_timestamp) req.headers.emplace_back("X-TC-Timestamp", ts);
    if (!creds.token.empty()) req.headers.emplace_back("X-TC-Token", creds.token);
    if (!o.language.empty()) req.headers.emplace_back("X-TC-Language", o.language);

    V3Input in;
    in.method = req.method;
    in.canonical_query = query;
    in.headers = {{"content-type", content_type}, {"host", o.host}};
    in.payload = req.body;
    in.timestamp = ts;
    in.date = f.local_date ? LocalScopeDate(o.timestamp) : UtcDate(o.timestamp);
    in.service = o.service;
    if (f.authorization) {
      req.headers.emplace_back("Authorization", *f.authorization);
    } else if (!f.omit_signature) {
      req.headers.emplace_back("Authorization",
                               FormatAuthorization(creds.secret_id, in, SignV3(key, in)));
    }
    if (f.tamper_after_signing) {
      if (post) {
        req.body += ' ';
      } else {
        SetHeader(req.headers, "Content-Type", content_type + "; charset=utf-8");
      }
    }
  } else {
    Pairs pairs = FlattenParams(call.params);
    auto add = [&](std::string_view name, std::string value) {
      if (f.v1_omit_param != name) pairs.emplace_back(std::string(name), std::move(value));
    };
    if (call.action) add("Action", *call.action);
    if (call.version) add("Version", *call.version);
    if (call.region) add("Region", *call.region);
    if (!f.omit_timestamp) add("Timestamp", ts);
    add("Nonce", std::to_string(o.nonce));
    add("SecretId", creds.secret_id);
    if (f.signature_method) {
      add("SignatureMethod", *f.signature_method);
    } else if (o.send_signature_method) {
      add("SignatureMethod", std::string(SignatureMethodName(o.signature_method)));
    }
    if (!creds.token.empty()) add("Token", creds.token);
    if (!o.language.empty()) add("Language", o.language);
    // Without a SignatureMethod (or with one the service does not know) sign with HmacSHA1.
    bool sends_known_method = o.send_signature_method && !f.signature_method;
    SignatureMethod m = sends_known_method ? o.signature_method : SignatureMethod::kHmacSha1;
    std::string signature = SignV1(key, V1SourceString(req.method, o.host, pairs), m);
    if (!f.omit_signature) add("Signature", signature);
    if (f.tamper_after_signing) {
      for (auto& [name, value] : pairs) {
        if (name == "Nonce") value = std::to_string(o.nonce + 1);
      }
    }
    std::stable_sort(pairs.begin(), pairs.end(), [&](const auto& a, const auto& b) {
      return o.reverse_param_order ? b.first < a.first : a.first < b.first;
    });
    std::string encoded = FormatForm(pairs, o.encoding);
    req.headers.emplace_back("Host", o.host);
    if (post) {
      req.headers.emplace_back("Content-Type",
                               o.content_type.empty() ? std::string(kFormType) : o.content_type);
      req.body = std::move(encoded);
    } else {
      if (!o.content_type.empty()) req.headers.emplace_back("Content-Type", o.content_type);
      if (!encoded.empty()) req.target = "/?" + encoded;
    }
  }
  if (f.method) req.method = *f.method;
  return req;
}

Result<WireRequest, Refusal> ParseWire(const HttpRequest& http) {
  if (http.method != "GET" && http.method != "POST") {
    return Failure{Refuse(
        Clause::kUnsupportedMethod,
        "The HTTP method " + http.method.substr(0, 16) + " is not supported; use GET or POST.")};
  }
  bool get = http.method == "GET";
  if (get && http.target.size() > kGetLimitBytes) {
    return Failure{Refuse(Clause::kTooLarge, "A GET request may be at most 32 KB.")};
  }
  if (!get && http.body.size() > kV3PostLimitBytes) {
    return Failure{Refuse(Clause::kTooLarge, "A POST request may be at most 10 MB.")};
  }
  WireRequest w;
  w.http = &http;
  auto authorization = Header(http, "Authorization");
  std::string media = MediaType(FindHeader(http.headers, "Content-Type").value_or(""));
  // An API 3.0 GET without Authorization still carries X-TC-* common headers (AUTH-4, not a
  // v1 request missing its SecretId); a v1 client sends none of them.
  bool v3_headers =
      Header(http, "X-TC-Action") || Header(http, "X-TC-Version") || Header(http, "X-TC-Timestamp");
  if (authorization || v3_headers || (!get && media != kFormType)) {
    w.style = get ? Style::kApi3Get : Style::kApi3Post;
    w.authorization = std::move(authorization);
    w.common.action = Header(http, "X-TC-Action");
    w.common.version = Header(http, "X-TC-Version");
    w.common.region = Header(http, "X-TC-Region");
    w.timestamp_text = Header(http, "X-TC-Timestamp");
    w.token = Header(http, "X-TC-Token");
    return w;
  }
  w.style = get ? Style::kQueryGet : Style::kFormPost;
  if (!get && http.body.size() > kV1PostLimitBytes) {
    return Failure{
        Refuse(Clause::kTooLarge, "A POST request with signature v1 may be at most 1 MB.")};
  }
  auto pairs = ParseForm(get ? http.Query() : std::string_view(http.body));
  if (!pairs) return Failure{Refuse(Clause::kQueryUndecodable, pairs.error() + ".")};
  w.v1_params = std::move(*pairs);
  w.common.action = Param(w.v1_params, "Action");
  w.common.version = Param(w.v1_params, "Version");
  w.common.region = Param(w.v1_params, "Region");
  w.timestamp_text = Param(w.v1_params, "Timestamp");
  w.token = Param(w.v1_params, "Token");
  return w;
}

Result<std::string, Refusal> Authenticate(const WireRequest& wire, const AuthPolicy& policy) {
  return IsV3(wire.style) ? AuthenticateV3(wire, policy) : AuthenticateV1(wire, policy);
}

Result<json, Refusal> ApiParams(const WireRequest& w) {
  Pairs api;
  switch (w.style) {
    case Style::kApi3Post: {
      json body = json::parse(w.http->body, nullptr, /*allow_exceptions=*/false);
      if (body.is_discarded()) {
        return Failure{Refuse(Clause::kBodyNotObject, "The request body is not valid JSON.")};
      }
      return body;
    }
    case Style::kApi3Get: {
      auto pairs = ParseForm(w.http->Query());
      if (!pairs) return Failure{Refuse(Clause::kQueryUndecodable, pairs.error() + ".")};
      api = std::move(*pairs);
      break;
    }
    case Style::kQueryGet:
    case Style::kFormPost:
      for (const auto& p : w.v1_params) {
        if (!IsV1Common(p.first)) api.push_back(p);
      }
      break;
  }
  auto params = UnflattenParams(api);
  if (!params) return Failure{Refuse(Clause::kQueryUndecodable, params.error() + ".")};
  return std::move(*params);
}

}  // namespace dj::protocol
