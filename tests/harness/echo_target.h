// A target in front of another whose error answers echo what each request carried of its
// credentials, as a careless server might: for tests that nothing the harness prints or writes
// holds a piece of a secret. Sentinel credentials and a control token to look for.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "harness/client/target.h"
#include "harness/protocol/codec.h"
#include "harness/protocol/http_message.h"

namespace dj::testing {

inline const protocol::Credentials kSentinelCredentials{
    "AKIDsentinelId4Tq8Wm2Zx6Rc1Vb", "sentinelKey7Hn3Pd9Lk5Ys2Gf", "sentinelToken6Jw1Xe8Ua4Qm"};
inline const std::string kSentinelControlToken = "sentinelControl3Kv7Nb2Dh9Tz";

// Every 12-character piece of `secret` (from every 4th character) found in `text`: a cut or
// partly replaced copy is found too. Empty when there is none.
inline std::vector<std::string> PiecesIn(const std::string& text, const std::string& secret) {
  std::vector<std::string> found;
  for (std::size_t at = 0; at + 12 <= secret.size(); at += 4) {
    if (text.find(secret.substr(at, 12)) != std::string::npos)
      found.push_back(secret.substr(at, 12));
  }
  return found;
}

// The pieces of every sentinel (credential and control token) in `text`.
inline std::vector<std::string> SentinelPiecesIn(const std::string& text) {
  std::vector<std::string> found;
  for (const std::string& secret : {kSentinelCredentials.secret_id, kSentinelCredentials.secret_key,
                                    kSentinelCredentials.token, kSentinelControlToken}) {
    for (std::string& piece : PiecesIn(text, secret)) found.push_back(std::move(piece));
  }
  return found;
}

class EchoTarget final : public client::Target {
 public:
  // `also`: more text the answers echo (a secret the server knows, such as the key).
  EchoTarget(client::Target& inner, std::vector<std::string> also)
      : inner_(inner), also_(std::move(also)) {}

  // Appends the echo to Response.Error.Message (an API error) or to Error (a control error).
  // Each part is repeated at 40 offsets, so that some copy straddles wherever an answer is cut.
  client::SendResult Send(const protocol::HttpRequest& request) override {
    client::SendResult sent = inner_.Send(request);
    if (!sent) return sent;
    nlohmann::json doc = nlohmann::json::parse(sent->body, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) return sent;
    nlohmann::json* text = nullptr;
    if (doc.contains("Response") && doc["Response"].is_object() &&
        doc["Response"].contains("Error") && doc["Response"]["Error"].is_object() &&
        doc["Response"]["Error"].contains("Message")) {
      text = &doc["Response"]["Error"]["Message"];
    } else if (doc.contains("Error") && doc["Error"].is_string()) {
      text = &doc["Error"];
    }
    if (text == nullptr || !text->is_string()) return sent;
    *text = text->get<std::string>() + " you sent:" + Echo(request);
    sent->body = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return sent;
  }
  std::string HostHeader() const override { return inner_.HostHeader(); }
  std::string Name() const override { return "echo " + inner_.Name(); }

 private:
  std::string Echo(const protocol::HttpRequest& request) const {
    std::vector<std::string> parts = also_;
    for (const char* name : {"Authorization", "X-TC-Token", "X-Conformance-Token"}) {
      parts.emplace_back(protocol::FindHeader(request.headers, name).value_or(""));
    }
    parts.push_back(request.target);
    parts.push_back(request.body);
    std::string echo;
    for (std::size_t shift = 0; shift < 40; ++shift) {
      for (const std::string& part : parts) echo += " " + std::string(shift, '.') + part;
    }
    return echo;
  }

  client::Target& inner_;
  std::vector<std::string> also_;
};

}  // namespace dj::testing
