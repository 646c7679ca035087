// The client's credential hiding for files that keep a request whole (fuzz findings): every
// part of a credential is replaced, however encoded, and a hidden request is restored exactly.
// A short secret garbles nothing, hidden JSON stays JSON, and Describe masks by name.
#include "harness/client/api_client.h"

#include <gtest/gtest.h>

#include "harness/protocol/http_wire.h"

namespace dj::client {
namespace {

using nlohmann::json;
using protocol::Credentials;

// Parts with bytes that percent-encoding changes, and a token that holds the SecretId.
const protocol::Credentials kCreds{"AKIDhideMe01", "key/with=odd bytes", "tok en+/=AKIDhideMe01"};

TEST(HideCredentials, ReplacesEveryPartAsItIsAndPercentEncoded) {
  std::string text = "id " + kCreds.secret_id + " key " + kCreds.secret_key + " raw " +
                     kCreds.token + " query " + protocol::PercentEncode(kCreds.token) + " form " +
                     protocol::PercentEncode(kCreds.token, {true, true});
  std::string hidden = HideCredentials(text, kCreds);
  EXPECT_EQ(hidden,
            "id DJHARNESS-SECRET-ID key DJHARNESS-SECRET-KEY raw DJHARNESS-SESSION-TOKEN query "
            "DJHARNESS-SESSION-TOKEN form DJHARNESS-SESSION-TOKEN");
  EXPECT_EQ(HideCredentials("nothing secret", {"", "", ""}), "nothing secret");
}

TEST(HideCredentials, AHiddenRequestIsRestoredByteForByte) {
  protocol::Call call = protocol::Call::Of(model::DeleteJobRequest("job-f5da1edl"), "ap-guangzhou");
  for (auto style : {protocol::Style::kApi3Post, protocol::Style::kApi3Get,
                     protocol::Style::kQueryGet, protocol::Style::kFormPost}) {
    protocol::EncodeOptions o;
    o.style = style;
    o.timestamp = 1735689599;
    protocol::HttpRequest request = protocol::Encode(call, kCreds, o);
    std::string sent = protocol::FormatRequestBytes(request);
    std::string saved = protocol::FormatRequestBytes(HideCredentials(request, kCreds));
    for (const std::string& part : {std::string("AKIDhideMe"), std::string("tok"),
                                    std::string("odd"), protocol::PercentEncode(kCreds.token)}) {
      EXPECT_EQ(saved.find(part), std::string::npos) << part << " in\n" << saved;
    }
    auto parsed = protocol::ParseRequestBytes(saved);
    ASSERT_TRUE(parsed.ok()) << parsed.error();
    EXPECT_EQ(protocol::FormatRequestBytes(RestoreCredentials(*parsed, kCreds)), sent)
        << protocol::StyleName(style);
  }
}

TEST(HideSecret, AShortSecretIsHiddenOnlyWhereItIsAWordOfItsOwn) {
  // A 1-character key: the words that hold an "a" stay; the key standing alone does not.
  EXPECT_EQ(HideSecret("a cat ate a", "a", "KEY"), "KEY cat ate KEY");
  EXPECT_EQ(HideSecret("Key=a&Name=banana", "a", "KEY"), "Key=KEY&Name=banana");
  EXPECT_EQ(HideSecret(R"({"SecretKey": "a"})", "a", "KEY"), R"({"SecretKey": "KEY"})");
  // Nor where '-', '.', ':' or '/' join it to more: a placeholder, a clause, an address.
  EXPECT_EQ(HideSecret("DJHARNESS-SECRET-ID", "SECRET", "KEY"), "DJHARNESS-SECRET-ID");
  EXPECT_EQ(HideSecret("DEL-1 at http://127.0.0.1:8080/", "1", "KEY"),
            "DEL-1 at http://127.0.0.1:8080/");
  // A short one that is not letters and digits may be syntax: left to the masks by name.
  EXPECT_EQ(HideSecret(R"({"x": ""})", "\"", "KEY"), R"({"x": ""})");
  // From 8 characters on, every copy, inside a word too.
  EXPECT_EQ(HideSecret("xAKIDlongId1x", "AKIDlongId1", "KEY"), "xKEYx");
  EXPECT_EQ(HideSecret("same text", "", "KEY"), "same text");
}

TEST(HideJson, TheDocumentStaysValidJsonWhateverTheSecret) {
  const json doc = {{"runs", 1},
                    {"ok", true},
                    {"name", "a"},
                    {"a", "the key a echoed"},
                    {"list", {"1", 1, "\"", nullptr}}};
  for (const std::string key : {"a", "1", "\"", "{", ":", "true", "null", "runs"}) {
    const Credentials creds{"AKIDhideJsonTest0001", key, ""};
    json hidden = HideJson(
        doc, [&creds](std::string text) { return HideCredentials(std::move(text), creds); });
    json reread = json::parse(hidden.dump(), nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(reread.is_discarded()) << key << ": " << hidden.dump();
    EXPECT_EQ(reread.size(), doc.size()) << key;
  }
  const Credentials one{"AKIDhideJsonTest0001", "a", ""};
  json hidden =
      HideJson(doc, [&one](std::string text) { return HideCredentials(std::move(text), one); });
  EXPECT_EQ(hidden["name"], "DJHARNESS-SECRET-KEY");
  EXPECT_EQ(hidden["DJHARNESS-SECRET-KEY"], "the key DJHARNESS-SECRET-KEY echoed");
  EXPECT_EQ(hidden["runs"], 1);
  EXPECT_EQ(hidden["ok"], true);
}

TEST(Describe, MasksTheCredentialParametersOfABodyNotDeclaredAForm) {
  protocol::HttpRequest r;
  r.method = "POST";
  r.target = "/";
  r.headers = {{"Host", "127.0.0.1"}, {"Content-Type", "text/plain"}};
  r.body =
      "Action=DeleteJob&JobId=job-00000001&SecretId=AKIDdescribe01&Token=tokenDescribe01"
      "&Signature=c2lnbmF0dXJl%2B";
  std::string text = Describe(r);
  for (const char* part : {"AKIDdescribe01", "tokenDescribe01", "c2lnbmF0dXJl"}) {
    EXPECT_EQ(text.find(part), std::string::npos) << part << " in\n" << text;
  }
  EXPECT_NE(text.find("JobId=job-00000001"), std::string::npos) << text;
  // A JSON body (API 3.0) carries no credential parameter: printed as it is.
  r.headers[1].second = "application/json";
  r.body = R"({"JobId":"job-00000001"})";
  EXPECT_NE(Describe(r).find(r.body), std::string::npos);
}

}  // namespace
}  // namespace dj::client
