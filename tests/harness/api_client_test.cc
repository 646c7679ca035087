// The client's credential hiding for files that keep a request whole (fuzz findings): every
// part of a credential is replaced, however encoded, and a hidden request is restored exactly.
#include "harness/client/api_client.h"

#include <gtest/gtest.h>

#include "harness/protocol/http_wire.h"

namespace dj::client {
namespace {

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

}  // namespace
}  // namespace dj::client
