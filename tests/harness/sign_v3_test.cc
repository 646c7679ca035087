// Tests of harness/protocol/sign_v3 (TC3-HMAC-SHA256) against the V3 vectors of facts §3d.
#include "harness/protocol/sign_v3.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "harness/protocol/codec.h"
#include "harness/protocol/crypto.h"
#include "tests/harness/spec_vectors.h"

namespace dj::protocol {
namespace {

using namespace vectors;  // NOLINT: the spec vectors read best unqualified

// The harness test vector's inputs (facts §3d).
constexpr std::int64_t kTimestamp = 1735689599;
constexpr std::string_view kHost = "batch.tencentcloudapi.com";
constexpr std::string_view kBody = R"({"JobId":"job-f5da1edl"})";

// V3-A outputs.
constexpr std::string_view kHashedPayloadA =
    "f92829d20b512ac3ad39a4f2c6c769209cceed4c173e59b3dc8659cc777d2f4c";
constexpr std::string_view kCanonicalA =
    "POST\n/\n\ncontent-type:application/"
    "json\nhost:batch.tencentcloudapi.com\n\ncontent-type;host\n"
    "f92829d20b512ac3ad39a4f2c6c769209cceed4c173e59b3dc8659cc777d2f4c";
constexpr std::string_view kCanonicalHashA =
    "d56f2ff584bec3fe53b9a2152b00e7610ec3ab8710938f84ddc25b1cacb3e09e";
constexpr std::string_view kScopeA = "2024-12-31/batch/tc3_request";
constexpr std::string_view kStringToSignA =
    "TC3-HMAC-SHA256\n1735689599\n2024-12-31/batch/tc3_request\n"
    "d56f2ff584bec3fe53b9a2152b00e7610ec3ab8710938f84ddc25b1cacb3e09e";
constexpr std::string_view kDateKeyA =
    "a9e18defa0a5e42c76e4cd9011dde0488873eec5c0ba0d74552a62cf3ca49544";
constexpr std::string_view kServiceKeyA =
    "1506d258e5173aae1ef180c03ae14aed1ed32623461c2c2955b67d28613281ae";
constexpr std::string_view kSigningKeyA =
    "ba76ce3982af997ee8b30d9402ed4ab3b48f031e965744e4535e15562e540d6c";
constexpr std::string_view kSignatureA =
    "35f1050a558d3abcfd3ecf1b4af0a0711c514a3f44ce91877983c53ca0fb9b92";
constexpr std::string_view kAuthorizationA =
    "TC3-HMAC-SHA256 "
    "Credential=AKIDHarnessFakeSecretId000000000000001/2024-12-31/batch/tc3_request, "
    "SignedHeaders=content-type;host, "
    "Signature=35f1050a558d3abcfd3ecf1b4af0a0711c514a3f44ce91877983c53ca0fb9b92";

constexpr std::string_view kEmptyHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// V3-A: POST, Content-Type application/json.
V3Input InputA() {
  V3Input in;
  in.method = "POST";
  in.headers = {{"content-type", "application/json"}, {"host", std::string(kHost)}};
  in.payload = kBody;
  in.timestamp = "1735689599";
  in.date = "2024-12-31";
  in.service = "batch";
  return in;
}

// ----- V3-A, every step -----

TEST(SignV3VectorA, HashedPayload) { EXPECT_EQ(Sha256Hex(kBody), kHashedPayloadA); }

TEST(SignV3VectorA, CanonicalRequestAndItsHash) {
  std::string canonical = CanonicalRequest(InputA());
  EXPECT_EQ(canonical, kCanonicalA);
  EXPECT_EQ(Sha256Hex(canonical), kCanonicalHashA);
}

TEST(SignV3VectorA, SignedHeaderList) {
  EXPECT_EQ(SignedHeaderList(InputA()), "content-type;host");
}

TEST(SignV3VectorA, CredentialScope) { EXPECT_EQ(CredentialScope("2024-12-31", "batch"), kScopeA); }

TEST(SignV3VectorA, StringToSign) { EXPECT_EQ(StringToSign(InputA()), kStringToSignA); }

TEST(SignV3VectorA, KeyDerivationSteps) {
  std::string k_date = HmacSha256("TC3" + std::string(kSecretKey), "2024-12-31");
  EXPECT_EQ(Hex(k_date), kDateKeyA);
  std::string k_service = HmacSha256(k_date, "batch");
  EXPECT_EQ(Hex(k_service), kServiceKeyA);
  EXPECT_EQ(Hex(HmacSha256(k_service, "tc3_request")), kSigningKeyA);
  EXPECT_EQ(Hex(DeriveSigningKey(kSecretKey, "2024-12-31", "batch")), kSigningKeyA);
}

TEST(SignV3VectorA, Signature) {
  EXPECT_EQ(SignV3(kSecretKey, InputA()), kSignatureA);
  EXPECT_EQ(Hex(HmacSha256(DeriveSigningKey(kSecretKey, "2024-12-31", "batch"), kStringToSignA)),
            kSignatureA);
}

TEST(SignV3VectorA, Authorization) {
  EXPECT_EQ(FormatAuthorization(kSecretId, InputA(), kSignatureA), kAuthorizationA);
}

TEST(SignV3VectorA, HeaderNamesAndValuesAreTrimmedLowerCasedAndSorted) {
  V3Input in = InputA();
  in.headers = {{" Host ", "\tBatch.TencentCloudAPI.com "}, {"Content-Type", "Application/JSON"}};
  EXPECT_EQ(CanonicalRequest(in), kCanonicalA);
  EXPECT_EQ(SignV3(kSecretKey, in), kSignatureA);
}

// ----- the variants -----

TEST(SignV3Variants, B_ContentTypeWithCharset) {
  V3Input in = InputA();
  in.headers[0].second = "application/json; charset=utf-8";
  EXPECT_EQ(CanonicalRequest(in).substr(CanonicalRequest(in).size() - 64), kHashedPayloadA);
  EXPECT_EQ(Sha256Hex(CanonicalRequest(in)),
            "539cea79d16d453d510783362b3847b1453e0698874243079628352a7c1584a1");
  EXPECT_EQ(SignV3(kSecretKey, in),
            "8a9b651e0383518c68df616735ccadeb3e33776f754fca4df518e8b689dd5f56");
}

TEST(SignV3Variants, C_BodyWithSpace) {
  V3Input in = InputA();
  in.payload = R"({"JobId": "job-f5da1edl"})";
  EXPECT_EQ(Sha256Hex(in.payload),
            "027ec98e2f138098425e86caf921fb3b685467915d7e0d830ba4171a2f1b1931");
  EXPECT_EQ(Sha256Hex(CanonicalRequest(in)),
            "54c309c3bdb165f18ae2abecf9310507a2593f3437bdb61b5fc5cf5e78537cad");
  EXPECT_EQ(SignV3(kSecretKey, in),
            "7bb549665d63b16b40097be7de9ccc2ca4abfd7db7f65b0edff19b2113a2a161");
}

TEST(SignV3Variants, D_Get) {
  V3Input in = InputA();
  in.method = "GET";
  in.canonical_query = "JobId=job-f5da1edl";
  in.payload = "";
  in.headers[0].second = "application/x-www-form-urlencoded";
  EXPECT_EQ(Sha256Hex(in.payload), kEmptyHash);
  EXPECT_EQ(CanonicalRequest(in),
            "GET\n/\nJobId=job-f5da1edl\ncontent-type:application/x-www-form-urlencoded\n"
            "host:batch.tencentcloudapi.com\n\ncontent-type;host\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex(CanonicalRequest(in)),
            "bde128baf3c6fe49d02d1d55aa1a21bc8aa6a6a2173c98f0121ce22bccd12dde");
  EXPECT_EQ(SignV3(kSecretKey, in),
            "da0978103df39e8d7ce0081c5aab555f3b6eb6bc5e7f4487d2fe4d6d1a0e7826");
}

TEST(SignV3Variants, E_IntlHost) {
  V3Input in = InputA();
  in.headers[1].second = "batch.intl.tencentcloudapi.com";
  EXPECT_EQ(in.service, "batch");
  EXPECT_EQ(SignV3(kSecretKey, in),
            "fad23bbba3cc816e485720777ba117b6c9f229d3032097ed456e847b0bfb12c5");
}

TEST(SignV3Variants, Neg_LocalDate) {
  V3Input in = InputA();
  in.date = UtcDate(kTimestamp + 8 * 3600);  // the UTC+8 client's mistake
  EXPECT_EQ(in.date, "2025-01-01");
  EXPECT_EQ(Sha256Hex(CanonicalRequest(in)), kCanonicalHashA);
  std::string signature = SignV3(kSecretKey, in);
  EXPECT_EQ(signature, "e2f5f001d10b7fa79003015d12fe14ec0b483e9e410efafbdfe6c299107216e6");
  EXPECT_NE(signature, kSignatureA);
}

TEST(SignV3, UnsignedPayloadHashesTheLiteral) {
  V3Input in = InputA();
  in.unsigned_payload = true;
  std::string canonical = CanonicalRequest(in);
  EXPECT_EQ(canonical.substr(canonical.size() - 64), Sha256Hex(kUnsignedPayload));
  in.payload = "anything at all";
  EXPECT_EQ(CanonicalRequest(in), canonical);
}

TEST(SignV3, ExtraSignedHeadersAreListedInOrder) {
  V3Input in = InputA();
  in.headers.emplace_back("X-TC-Action", "DeleteJob");
  EXPECT_EQ(SignedHeaderList(in), "content-type;host;x-tc-action");
  EXPECT_NE(CanonicalRequest(in).find("\nx-tc-action:deletejob\n\ncontent-type;host;x-tc-action\n"),
            std::string::npos);
}

// ----- Encode (codec) gives the same bytes as the vectors -----

EncodeOptions V3Options(Style style) {
  EncodeOptions o;
  o.style = style;
  o.host = std::string(kHost);
  o.timestamp = kTimestamp;
  return o;
}

TEST(EncodeV3, Api3PostIsVectorA) {
  HttpRequest req = Encode(DeleteJobCall(), Creds(), V3Options(Style::kApi3Post));
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/");
  EXPECT_EQ(req.body, kBody);
  EXPECT_EQ(FindHeader(req.headers, "Authorization"), kAuthorizationA);
  EXPECT_EQ(FindHeader(req.headers, "Host"), kHost);
  EXPECT_EQ(FindHeader(req.headers, "Content-Type"), "application/json");
  EXPECT_EQ(FindHeader(req.headers, "X-TC-Action"), "DeleteJob");
  EXPECT_EQ(FindHeader(req.headers, "X-TC-Version"), "2017-03-12");
  EXPECT_EQ(FindHeader(req.headers, "X-TC-Timestamp"), "1735689599");
  EXPECT_EQ(FindHeader(req.headers, "X-TC-Region"), "ap-guangzhou");
  EXPECT_EQ(FindHeader(req.headers, "X-TC-Token"), std::nullopt);
}

TEST(EncodeV3, Api3GetIsVectorD) {
  HttpRequest req = Encode(DeleteJobCall(), Creds(), V3Options(Style::kApi3Get));
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target, "/?JobId=job-f5da1edl");
  EXPECT_EQ(req.body, "");
  EXPECT_EQ(FindHeader(req.headers, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(FindHeader(req.headers, "Authorization"),
            "TC3-HMAC-SHA256 Credential=AKIDHarnessFakeSecretId000000000000001/2024-12-31/batch/"
            "tc3_request, SignedHeaders=content-type;host, "
            "Signature=da0978103df39e8d7ce0081c5aab555f3b6eb6bc5e7f4487d2fe4d6d1a0e7826");
}

TEST(EncodeV3, CharsetContentTypeIsVectorB) {
  EncodeOptions o = V3Options(Style::kApi3Post);
  o.content_type = "application/json; charset=utf-8";
  HttpRequest req = Encode(DeleteJobCall(), Creds(), o);
  EXPECT_EQ(FindHeader(req.headers, "Content-Type"), "application/json; charset=utf-8");
  auto auth = ParseAuthorization(*FindHeader(req.headers, "Authorization"));
  ASSERT_TRUE(auth.ok()) << auth.error();
  EXPECT_EQ(auth->signature, "8a9b651e0383518c68df616735ccadeb3e33776f754fca4df518e8b689dd5f56");
}

TEST(EncodeV3, IntlHostIsVectorE) {
  EncodeOptions o = V3Options(Style::kApi3Post);
  o.host = "batch.intl.tencentcloudapi.com";
  HttpRequest req = Encode(DeleteJobCall(), Creds(), o);
  auto auth = ParseAuthorization(*FindHeader(req.headers, "Authorization"));
  ASSERT_TRUE(auth.ok()) << auth.error();
  EXPECT_EQ(auth->service, "batch");
  EXPECT_EQ(auth->signature, "fad23bbba3cc816e485720777ba117b6c9f229d3032097ed456e847b0bfb12c5");
}

TEST(EncodeV3, LocalDateFaultIsVectorNeg) {
  EncodeOptions o = V3Options(Style::kApi3Post);
  o.faults.local_date = true;
  HttpRequest req = Encode(DeleteJobCall(), Creds(), o);
  EXPECT_EQ(FindHeader(req.headers, "X-TC-Timestamp"), "1735689599");
  auto auth = ParseAuthorization(*FindHeader(req.headers, "Authorization"));
  ASSERT_TRUE(auth.ok()) << auth.error();
  EXPECT_EQ(auth->date, "2025-01-01");
  EXPECT_EQ(auth->signature, "e2f5f001d10b7fa79003015d12fe14ec0b483e9e410efafbdfe6c299107216e6");
}

// ----- UtcDate -----

TEST(UtcDate, UsesTheUtcCalendarDay) {
  EXPECT_EQ(UtcDate(0), "1970-01-01");
  EXPECT_EQ(UtcDate(-1), "1969-12-31");
  EXPECT_EQ(UtcDate(951782400), "2000-02-29");
  EXPECT_EQ(UtcDate(4102444800), "2100-01-01");
}

TEST(UtcDate, LastSecondOfTheYearIsNotTheUtcPlus8Date) {
  EXPECT_EQ(UtcDate(1735689599), "2024-12-31");  // 2025-01-01 07:59:59 in UTC+8
  EXPECT_EQ(UtcDate(1735689600), "2025-01-01");
}

// ----- ParseAuthorization -----

constexpr std::string_view kCredentialA =
    "Credential=AKIDHarnessFakeSecretId000000000000001/2024-12-31/batch/tc3_request";
constexpr std::string_view kSignedA = "SignedHeaders=content-type;host";
constexpr std::string_view kSigItemA =
    "Signature=35f1050a558d3abcfd3ecf1b4af0a0711c514a3f44ce91877983c53ca0fb9b92";

std::string Header(std::string_view a, std::string_view b, std::string_view c) {
  return "TC3-HMAC-SHA256 " + std::string(a) + ", " + std::string(b) + ", " + std::string(c);
}

std::string ParseError(std::string_view header) {
  auto r = ParseAuthorization(header);
  return r.ok() ? std::string("(accepted)") : r.error();
}

TEST(ParseAuthorization, AcceptsVectorA) {
  auto auth = ParseAuthorization(kAuthorizationA);
  ASSERT_TRUE(auth.ok()) << auth.error();
  EXPECT_EQ(auth->secret_id, kSecretId);
  EXPECT_EQ(auth->date, "2024-12-31");
  EXPECT_EQ(auth->service, "batch");
  EXPECT_EQ(auth->signed_headers, (std::vector<std::string>{"content-type", "host"}));
  EXPECT_EQ(auth->signature, kSignatureA);
}

TEST(ParseAuthorization, AcceptsNoSpaceAfterCommas) {
  std::string header = "TC3-HMAC-SHA256 " + std::string(kCredentialA) + "," +
                       std::string(kSignedA) + "," + std::string(kSigItemA);
  auto auth = ParseAuthorization(header);
  ASSERT_TRUE(auth.ok()) << auth.error();
  EXPECT_EQ(auth->secret_id, kSecretId);
  EXPECT_EQ(auth->signature, kSignatureA);
}

TEST(ParseAuthorization, AcceptsItemsInAnyOrderAndExtraSignedHeaders) {
  auto auth = ParseAuthorization(
      Header(kSigItemA, "SignedHeaders=host;x-tc-action;content-type", kCredentialA));
  ASSERT_TRUE(auth.ok()) << auth.error();
  EXPECT_EQ(auth->signed_headers,
            (std::vector<std::string>{"host", "x-tc-action", "content-type"}));
}

TEST(ParseAuthorization, RejectsOtherAlgorithms) {
  constexpr std::string_view kWant =
      "the Authorization header does not start with `TC3-HMAC-SHA256 `";
  std::string rest =
      std::string(kCredentialA) + ", " + std::string(kSignedA) + ", " + std::string(kSigItemA);
  EXPECT_EQ(ParseError("TC3-HMAC-SHA1 " + rest), kWant);
  EXPECT_EQ(ParseError("AWS4-HMAC-SHA256 " + rest), kWant);
  EXPECT_EQ(ParseError("tc3-hmac-sha256 " + rest), kWant);
  EXPECT_EQ(ParseError("TC3-HMAC-SHA256," + rest), kWant);
  EXPECT_EQ(ParseError("TC3-HMAC-SHA256"), kWant);
  EXPECT_EQ(ParseError(""), kWant);
}

TEST(ParseAuthorization, RejectsMissingItems) {
  constexpr std::string_view kWant =
      "the Authorization header needs Credential, SignedHeaders and Signature";
  auto two = [](std::string_view a, std::string_view b) {
    return "TC3-HMAC-SHA256 " + std::string(a) + ", " + std::string(b);
  };
  EXPECT_EQ(ParseError(two(kSignedA, kSigItemA)), kWant);
  EXPECT_EQ(ParseError(two(kCredentialA, kSigItemA)), kWant);
  EXPECT_EQ(ParseError(two(kCredentialA, kSignedA)), kWant);
}

TEST(ParseAuthorization, RejectsRepeatedAndUnknownItems) {
  EXPECT_EQ(ParseError(Header(kCredentialA, kSignedA, kSigItemA) + ", " + std::string(kSigItemA)),
            "unexpected or repeated Authorization item `Signature`");
  EXPECT_EQ(ParseError(Header(kCredentialA, kCredentialA, kSigItemA)),
            "unexpected or repeated Authorization item `Credential`");
  EXPECT_EQ(ParseError(Header(kCredentialA, kSignedA, kSigItemA) + ", Foo=bar"),
            "unexpected or repeated Authorization item `Foo`");
  EXPECT_EQ(ParseError(Header(kCredentialA, kSignedA, kSigItemA) + ", junk"),
            "the Authorization item `junk` has no `=`");
}

TEST(ParseAuthorization, RejectsMalformedCredential) {
  constexpr std::string_view kWant = "Credential must be SecretId/YYYY-MM-DD/service/tc3_request";
  for (std::string_view credential : {
           "Credential=AKIDx/2024-12-31/batch",                    // 3 parts
           "Credential=AKIDx/2024-12-31/batch/extra/tc3_request",  // 5 parts
           "Credential=AKIDx/20241231/batch/tc3_request",          // bad date
           "Credential=AKIDx/2024-1-31/batch/tc3_request",
           "Credential=AKIDx/2024/12/31/batch/tc3_request",
           "Credential=AKIDx/2024-12-3a/batch/tc3_request",
           "Credential=AKIDx/2024-12-31/batch/tc3_requests",  // wrong terminator
           "Credential=AKIDx/2024-12-31/batch/TC3_REQUEST",
           "Credential=/2024-12-31/batch/tc3_request",  // empty SecretId
           "Credential=AKIDx/2024-12-31//tc3_request",  // empty service
       }) {
    EXPECT_EQ(ParseError(Header(credential, kSignedA, kSigItemA)), kWant) << credential;
  }
}

TEST(ParseAuthorization, RejectsSignatureThatIsNot64LowerCaseHex) {
  constexpr std::string_view kWant = "Signature must be 64 lower-case hex digits";
  std::string sig(kSignatureA);
  std::string upper = sig;
  upper[0] = 'A';
  upper[63] = 'F';
  std::string non_hex = sig;
  non_hex[10] = 'g';
  for (const std::string& bad : {sig.substr(0, 63), sig + "0", upper, non_hex, std::string()}) {
    EXPECT_EQ(ParseError(Header(kCredentialA, kSignedA, "Signature=" + bad)), kWant) << bad;
  }
}

TEST(ParseAuthorization, RejectsSignedHeadersWithoutContentTypeOrHost) {
  constexpr std::string_view kWant = "SignedHeaders must include content-type and host";
  EXPECT_EQ(ParseError(Header(kCredentialA, "SignedHeaders=host", kSigItemA)), kWant);
  EXPECT_EQ(ParseError(Header(kCredentialA, "SignedHeaders=content-type", kSigItemA)), kWant);
  EXPECT_EQ(ParseError(Header(kCredentialA, "SignedHeaders=content-type;x-tc-action", kSigItemA)),
            kWant);
  EXPECT_EQ(ParseError(Header(kCredentialA, "SignedHeaders=", kSigItemA)), kWant);
  EXPECT_EQ(ParseError(Header(kCredentialA, "SignedHeaders=content-type;;host", kSigItemA)),
            "SignedHeaders has an empty name");
}

RC_GTEST_PROP(ParseAuthorizationProp, ReadsBackWhatFormatAuthorizationWrites, ()) {
  V3Input in = InputA();
  in.date = UtcDate(*rc::gen::inRange<std::int64_t>(0, 4102444800));
  in.service = *rc::gen::element<std::string>("batch", "127", "localhost:8080", "cvm");
  std::string signature = SignV3(kSecretKey, in);
  auto auth = ParseAuthorization(FormatAuthorization(kSecretId, in, signature));
  RC_ASSERT(auth.ok());
  RC_ASSERT(auth->secret_id == kSecretId);
  RC_ASSERT(auth->date == in.date);
  RC_ASSERT(auth->service == in.service);
  RC_ASSERT(auth->signature == signature);
}

}  // namespace
}  // namespace dj::protocol
