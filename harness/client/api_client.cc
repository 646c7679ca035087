// ApiClient, ControlClient and redacted printing.
#include "harness/client/api_client.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "harness/protocol/clocks.h"
#include "harness/protocol/url.h"

namespace dj::client {

using nlohmann::json;

ApiClient::ApiClient(Target& target, protocol::Credentials credentials, ClientConfig config)
    : target_(target),
      credentials_(std::move(credentials)),
      config_(std::move(config)),
      rng_(config_.seed) {
  if (!config_.wall_seconds) config_.wall_seconds = protocol::SystemSeconds;
}

protocol::EncodeOptions ApiClient::Options() {
  protocol::EncodeOptions o;
  o.style = config_.style;
  o.host = target_.HostHeader();
  o.timestamp = config_.wall_seconds();
  o.nonce = rng_() % 4294967295ULL + 1;  // a positive integer, as the SDKs send
  o.signature_method = config_.signature_method;
  o.language = config_.language;
  return o;
}

Exchange ApiClient::Send(const protocol::Call& call, const protocol::EncodeOptions& options) {
  return SendEncoded(protocol::Encode(call, credentials_, options));
}

Exchange ApiClient::SendEncoded(protocol::HttpRequest request) {
  Exchange x;
  x.request = std::move(request);
  SendResult sent = target_.Send(x.request);
  if (!sent) {
    x.transport_error = sent.error();
    return x;
  }
  x.response = std::move(*sent);
  x.answer = protocol::ParseAnswer(x.response);
  return x;
}

Exchange ApiClient::Send(const model::ApiRequest& request) {
  return Send(protocol::Call::Of(request, config_.region), Options());
}

Result<json> ControlClient::Post(std::string_view what, const json& body) {
  protocol::HttpRequest req;
  req.method = "POST";
  req.target = "/_conformance/" + std::string(what);
  req.headers.emplace_back("Host", target_.HostHeader());
  req.headers.emplace_back("Content-Type", "application/json");
  if (!token_.empty()) req.headers.emplace_back("X-Conformance-Token", token_);
  req.body = body.dump();
  SendResult sent = target_.Send(req);
  if (!sent) return Failure{"control request " + std::string(what) + ": " + sent.error().message};
  json answer = json::parse(sent->body, nullptr, /*allow_exceptions=*/false);
  if (sent->status != 200) {
    bool said = answer.is_object() && answer.contains("Error") && answer["Error"].is_string();
    // An answer may echo the token: hidden before the body is cut, so that no piece is left.
    std::string why = HideSecret(said ? answer["Error"].get<std::string>() : sent->body, token_,
                                 kControlTokenPlaceholder);
    if (!said) why.resize(std::min<std::size_t>(why.size(), 200));
    return Failure{"control request " + std::string(what) + " answered HTTP " +
                   std::to_string(sent->status) + ": " + why};
  }
  if (answer.is_discarded() || !answer.is_object()) {
    return Failure{"control request " + std::string(what) +
                   " answered a body that is not a JSON object"};
  }
  return answer;
}

Result<bool> ControlClient::Reset() {
  auto r = Post("reset", json::object());
  if (!r) return Failure{r.error()};
  return true;
}

Result<std::string> ControlClient::PutJob(const json& description) {
  auto r = Post("jobs", description);
  if (!r) return Failure{r.error()};
  auto id = r->find("JobId");
  if (id == r->end() || !id->is_string())
    return Failure{std::string("control jobs answered no JobId")};
  return id->get<std::string>();
}

Result<std::int64_t> ControlClient::AdvanceClock(std::int64_t ms) {
  auto r = Post("clock", {{"AdvanceMs", ms}});
  if (!r) return Failure{r.error()};
  auto now = r->find("NowMs");
  if (now == r->end() || !now->is_number_integer()) {
    return Failure{"control clock answered no NowMs: " +
                   HideSecret(r->dump(), token_, kControlTokenPlaceholder).substr(0, 200)};
  }
  return now->get<std::int64_t>();
}

namespace {

constexpr std::string_view kHidden = "<hidden>";

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  if (from.empty()) return text;
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

bool IsCredentialParam(std::string_view name) {
  return name == "SecretId" || name == "Signature" || name == "Token";
}

// v1 credential parameters in a query or form body.
std::string RedactForm(std::string_view form) {
  auto pairs = protocol::ParseForm(form);
  if (!pairs) return std::string(kHidden);  // undecodable: print nothing of it
  for (auto& [name, value] : *pairs) {
    if (IsCredentialParam(name)) value = kHidden;
  }
  std::string out;
  for (const auto& [name, value] : *pairs) {
    if (!out.empty()) out += '&';
    out += protocol::PercentEncode(name) + "=" +
           (value == kHidden ? value : protocol::PercentEncode(value));
  }
  return out;
}

// A body that is not declared a form but reads as one with v1 credential parameters (a saved or
// mutated request whose Content-Type says otherwise) is masked as a form all the same.
bool ReadsAsCredentialForm(std::string_view body) {
  auto pairs = protocol::ParseForm(body);
  return pairs && std::any_of(pairs->begin(), pairs->end(),
                              [](const auto& p) { return IsCredentialParam(p.first); });
}

// What stands around a value in the texts the harness prints: blanks, quotes, form and header
// separators, brackets. Not '-', '.', ':', '/' or '\'': they join parts of one word ("DEL-1",
// "127.0.0.1:80", "can't").
bool IsDelimiter(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("\"=&,;()[]{}<>").find(c) != std::string_view::npos;
}

// ReplaceAll of `word` only where it stands between delimiters (or at an end).
std::string ReplaceWholeWords(std::string text, std::string_view word, std::string_view to) {
  std::size_t at = text.find(word);
  while (at != std::string::npos) {
    std::size_t end = at + word.size();
    bool whole =
        (at == 0 || IsDelimiter(text[at - 1])) && (end == text.size() || IsDelimiter(text[end]));
    if (whole) text.replace(at, word.size(), to);
    at = text.find(word, whole ? at + to.size() : at + 1);
  }
  return text;
}

}  // namespace

std::string HideSecret(std::string text, std::string_view secret, std::string_view placeholder) {
  if (secret.empty()) return text;
  if (secret.size() < kShortSecret) {
    bool alnum = std::all_of(secret.begin(), secret.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0;
    });
    // Letters and digits percent-encode as themselves: one form to look for.
    return alnum ? ReplaceWholeWords(std::move(text), secret, placeholder) : text;
  }
  text = ReplaceAll(std::move(text), secret, placeholder);
  for (bool plus : {false, true}) {
    for (bool unreserved : {false, true}) {
      text = ReplaceAll(std::move(text), protocol::PercentEncode(secret, {plus, unreserved}),
                        placeholder);
    }
  }
  return text;
}

std::string HideCredentials(std::string text, const protocol::Credentials& credentials) {
  std::vector<std::pair<std::string, std::string_view>> parts = {
      {credentials.secret_id, kSecretIdPlaceholder},
      {credentials.secret_key, kSecretKeyPlaceholder},
      {credentials.token, kSessionTokenPlaceholder}};
  // The longest first: a credential that holds another is replaced whole.
  std::sort(parts.begin(), parts.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [secret, placeholder] : parts) {
    text = HideSecret(std::move(text), secret, placeholder);
  }
  return text;
}

json HideJson(json value, const std::function<std::string(std::string)>& hide) {
  if (value.is_string()) return hide(value.get<std::string>());
  if (value.is_array()) {
    for (auto& item : value) item = HideJson(std::move(item), hide);
  } else if (value.is_object()) {
    json out = json::object();
    for (auto& [name, item] : value.items()) out[hide(name)] = HideJson(std::move(item), hide);
    return out;
  }
  return value;
}

protocol::HttpRequest HideCredentials(protocol::HttpRequest request,
                                      const protocol::Credentials& credentials) {
  for (auto& [name, value] : request.headers)
    value = HideCredentials(std::move(value), credentials);
  request.target = HideCredentials(std::move(request.target), credentials);
  request.body = HideCredentials(std::move(request.body), credentials);
  protocol::UpdateContentLength(request);
  return request;
}

protocol::HttpRequest RestoreCredentials(protocol::HttpRequest request,
                                         const protocol::Credentials& credentials) {
  auto restore = [&credentials](std::string text, bool encoded) {
    for (const auto& [placeholder, secret] :
         {std::pair{kSecretIdPlaceholder, &credentials.secret_id},
          std::pair{kSessionTokenPlaceholder, &credentials.token}}) {
      text = ReplaceAll(std::move(text), placeholder,
                        encoded ? protocol::PercentEncode(*secret) : *secret);
    }
    return text;
  };
  for (auto& [name, value] : request.headers) value = restore(std::move(value), false);
  request.target = restore(std::move(request.target), true);
  request.body = restore(std::move(request.body), true);
  protocol::UpdateContentLength(request);
  return request;
}

std::string Describe(const protocol::HttpRequest& r) {
  std::string target(r.Path());
  if (!r.Query().empty()) target += "?" + RedactForm(r.Query());
  std::string out = r.method + " " + target + "\n";
  for (const auto& [name, value] : r.headers) {
    std::string shown = value;
    if (protocol::EqualsIgnoreCase(name, "Authorization")) {
      static const std::regex kCredential("Credential=[^/,]*/");
      static const std::regex kSignature("Signature=[0-9A-Za-z]*");
      shown = std::regex_replace(shown, kCredential, "Credential=<hidden>/");
      shown = std::regex_replace(shown, kSignature, "Signature=<hidden>");
    } else if (protocol::EqualsIgnoreCase(name, "X-TC-Token")) {
      shown = kHidden;
    }
    out += "  " + name + ": " + shown + "\n";
  }
  bool form = protocol::FindHeader(r.headers, "Content-Type")
                  .value_or("")
                  .starts_with("application/x-www-form-urlencoded");
  form = form || ReadsAsCredentialForm(r.body);
  if (!r.body.empty()) out += "  " + (form ? RedactForm(r.body) : r.body.substr(0, 2000)) + "\n";
  return out;
}

std::string Describe(const protocol::HttpResponse& r) {
  return "HTTP " + std::to_string(r.status) + "  " + r.body.substr(0, 2000) + "\n";
}

}  // namespace dj::client
