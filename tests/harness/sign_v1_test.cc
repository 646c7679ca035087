// Tests of harness/protocol/sign_v1 and the v1 requests Encode sends (facts §3d, V1-A and V1-B).
#include "harness/protocol/sign_v1.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "harness/protocol/codec.h"
#include "tests/harness/spec_vectors.h"

namespace dj::protocol {
namespace {

using namespace vectors;  // NOLINT: the spec vectors read best unqualified

constexpr std::string_view kHost = "batch.tencentcloudapi.com";

constexpr std::string_view kSourceA =
    "GETbatch.tencentcloudapi.com/"
    "?Action=DeleteJob&JobId=job-f5da1edl&Nonce=11886&Region=ap-guangzhou"
    "&SecretId=AKIDHarnessFakeSecretId000000000000001&Timestamp=1735689599&Version=2017-03-12";
constexpr std::string_view kSignatureA = "eIpxh3sThtcp/7VU/6XDVXk9RLA=";
// V1-A's sent URL, path and query only.
constexpr std::string_view kTargetA =
    "/?Action=DeleteJob&JobId=job-f5da1edl&Nonce=11886&Region=ap-guangzhou"
    "&SecretId=AKIDHarnessFakeSecretId000000000000001&Signature=eIpxh3sThtcp%2F7VU%2F6XDVXk9RLA%3D"
    "&Timestamp=1735689599&Version=2017-03-12";

constexpr std::string_view kSourceB =
    "POSTbatch.tencentcloudapi.com/"
    "?Action=DeleteJob&JobId=job-f5da1edl&Nonce=11886&Region=ap-guangzhou"
    "&SecretId=AKIDHarnessFakeSecretId000000000000001&SignatureMethod=HmacSHA256&Timestamp="
    "1735689599"
    "&Version=2017-03-12";
constexpr std::string_view kSignatureB = "anaU/ZU8833d7UtkBMA6RdAgupk9VEIWSa8/Cpy6iBM=";
constexpr std::string_view kBodyB =
    "Action=DeleteJob&JobId=job-f5da1edl&Nonce=11886&Region=ap-guangzhou"
    "&SecretId=AKIDHarnessFakeSecretId000000000000001&Signature=anaU%"
    "2FZU8833d7UtkBMA6RdAgupk9VEIWSa8%2FCpy6iBM%3D"
    "&SignatureMethod=HmacSHA256&Timestamp=1735689599&Version=2017-03-12";

// The parameters of V1-A, deliberately not in name order.
Pairs ParamsA() {
  return {
      {"Version", "2017-03-12"},  {"Timestamp", "1735689599"}, {"SecretId", std::string(kSecretId)},
      {"Region", "ap-guangzhou"}, {"Nonce", "11886"},          {"JobId", "job-f5da1edl"},
      {"Action", "DeleteJob"}};
}

TEST(V1SourceString, VectorA) { EXPECT_EQ(V1SourceString("GET", kHost, ParamsA()), kSourceA); }

TEST(V1SourceString, LeavesOutSignature) {
  Pairs params = ParamsA();
  params.emplace_back("Signature", "whatever");
  EXPECT_EQ(V1SourceString("GET", kHost, params), kSourceA);
}

TEST(V1SourceString, VectorB) {
  Pairs params = ParamsA();
  params.emplace_back("SignatureMethod", "HmacSHA256");
  EXPECT_EQ(V1SourceString("POST", kHost, params), kSourceB);
}

TEST(V1SourceString, SortsByBytesAndKeepsValuesRaw) {
  Pairs params = {
      {"InstanceIds.2", "b"}, {"a", "lower"}, {"InstanceIds.12", "a b&c=d"}, {"Z", "/+="}};
  EXPECT_EQ(V1SourceString("GET", "h", params),
            "GETh/?InstanceIds.12=a b&c=d&InstanceIds.2=b&Z=/+=&a=lower");
}

RC_GTEST_PROP(V1SourceStringProp, IndependentOfParameterOrder, ()) {
  Pairs params = ParamsA();
  std::vector<std::size_t> order = *rc::gen::unique<std::vector<std::size_t>>(
      params.size(), rc::gen::inRange<std::size_t>(0, params.size()));
  Pairs shuffled;
  for (std::size_t i : order) shuffled.push_back(params[i]);
  RC_ASSERT(V1SourceString("GET", kHost, shuffled) == kSourceA);
}

TEST(V1SourceString, NoParameters) {
  EXPECT_EQ(V1SourceString("GET", kHost, {}), "GETbatch.tencentcloudapi.com/?");
}

TEST(SignV1, VectorA_HmacSha1) {
  EXPECT_EQ(SignV1(kSecretKey, kSourceA, SignatureMethod::kHmacSha1), kSignatureA);
}

TEST(SignV1, VectorB_HmacSha256) {
  EXPECT_EQ(SignV1(kSecretKey, kSourceB, SignatureMethod::kHmacSha256), kSignatureB);
}

TEST(SignatureMethodNames, RoundTripAndExactMatch) {
  EXPECT_EQ(SignatureMethodName(SignatureMethod::kHmacSha1), "HmacSHA1");
  EXPECT_EQ(SignatureMethodName(SignatureMethod::kHmacSha256), "HmacSHA256");
  EXPECT_EQ(SignatureMethodFromName("HmacSHA1"), SignatureMethod::kHmacSha1);
  EXPECT_EQ(SignatureMethodFromName("HmacSHA256"), SignatureMethod::kHmacSha256);
  EXPECT_EQ(SignatureMethodFromName("hmacsha1"), std::nullopt);
  EXPECT_EQ(SignatureMethodFromName("HmacMD5"), std::nullopt);
  EXPECT_EQ(SignatureMethodFromName(""), std::nullopt);
}

// ----- what Encode sends -----

EncodeOptions V1Options(Style style, SignatureMethod method, bool send_method) {
  EncodeOptions o;
  o.style = style;
  o.host = std::string(kHost);
  o.timestamp = 1735689599;
  o.nonce = 11886;
  o.signature_method = method;
  o.send_signature_method = send_method;
  return o;
}

TEST(EncodeV1, QueryGetIsVectorA) {
  HttpRequest req = Encode(DeleteJobCall(), Creds(),
                           V1Options(Style::kQueryGet, SignatureMethod::kHmacSha1, false));
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target, kTargetA);
  EXPECT_EQ(req.body, "");
  EXPECT_EQ(FindHeader(req.headers, "Host"), kHost);
  EXPECT_EQ(FindHeader(req.headers, "Authorization"), std::nullopt);
  EXPECT_EQ(FindHeader(req.headers, "X-TC-Action"), std::nullopt);
}

TEST(EncodeV1, FormPostIsVectorB) {
  HttpRequest req = Encode(DeleteJobCall(), Creds(),
                           V1Options(Style::kFormPost, SignatureMethod::kHmacSha256, true));
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/");
  EXPECT_EQ(req.body, kBodyB);
  EXPECT_EQ(FindHeader(req.headers, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(FindHeader(req.headers, "Host"), kHost);
}

TEST(EncodeV1, SentSignatureDecodesToTheVector) {
  HttpRequest req = Encode(DeleteJobCall(), Creds(),
                           V1Options(Style::kQueryGet, SignatureMethod::kHmacSha1, false));
  auto pairs = ParseForm(req.Query());
  ASSERT_TRUE(pairs.ok()) << pairs.error();
  std::optional<std::string> signature;
  for (const auto& [name, value] : *pairs) {
    if (name == "Signature") signature = value;
  }
  EXPECT_EQ(signature, kSignatureA);
}

TEST(EncodeV1, ReverseOrderSendsTheSameParameters) {
  EncodeOptions o = V1Options(Style::kQueryGet, SignatureMethod::kHmacSha1, false);
  o.reverse_param_order = true;
  HttpRequest req = Encode(DeleteJobCall(), Creds(), o);
  EXPECT_EQ(req.target,
            "/?Version=2017-03-12&Timestamp=1735689599&Signature=eIpxh3sThtcp%2F7VU%2F6XDVXk9RLA%3D"
            "&SecretId=AKIDHarnessFakeSecretId000000000000001&Region=ap-guangzhou&Nonce=11886"
            "&JobId=job-f5da1edl&Action=DeleteJob");
}

TEST(EncodeV1, SignatureMethodSentWithSha1) {
  HttpRequest req = Encode(DeleteJobCall(), Creds(),
                           V1Options(Style::kQueryGet, SignatureMethod::kHmacSha1, true));
  auto pairs = ParseForm(req.Query());
  ASSERT_TRUE(pairs.ok()) << pairs.error();
  std::string signature;
  Pairs signed_params;
  for (const auto& p : *pairs) {
    if (p.first == "Signature") signature = p.second;
    signed_params.push_back(p);
  }
  std::string source = V1SourceString("GET", kHost, signed_params);
  EXPECT_NE(source.find("&SignatureMethod=HmacSHA1&"), std::string::npos) << source;
  EXPECT_EQ(signature, SignV1(kSecretKey, source, SignatureMethod::kHmacSha1));
}

}  // namespace
}  // namespace dj::protocol
