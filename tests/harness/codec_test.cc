// Tests of harness/protocol/codec: Encode, ParseWire, Authenticate, ApiParams; every planted fault.
#include "harness/protocol/codec.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cctype>
#include <ostream>
#include <string>

#include "harness/protocol/sign_v3.h"
#include "models/api_model.h"
#include "tests/harness/spec_vectors.h"

namespace dj::protocol {
namespace {

using namespace vectors;  // NOLINT: the spec vectors read best unqualified

using model::Clause;
using nlohmann::json;

constexpr Style kAllStyles[] = {Style::kApi3Post, Style::kApi3Get, Style::kQueryGet,
                                Style::kFormPost};
constexpr Style kV3Styles[] = {Style::kApi3Post, Style::kApi3Get};
constexpr Style kV1Styles[] = {Style::kQueryGet, Style::kFormPost};

EncodeOptions Options(Style style) {
  EncodeOptions o;
  o.style = style;
  o.timestamp = kNow;
  o.nonce = 11886;
  return o;
}

// The refusal of ParseWire and then Authenticate, or std::nullopt when both accept.
std::optional<model::Refusal> RefusalOf(const HttpRequest& req,
                                        const AuthPolicy& policy = Policy()) {
  auto wire = ParseWire(req);
  if (!wire) return wire.error();
  auto id = Authenticate(*wire, policy);
  if (!id) return id.error();
  EXPECT_EQ(*id, kSecretId);
  return std::nullopt;
}

std::optional<Clause> RefusedBy(const HttpRequest& req, const AuthPolicy& policy = Policy()) {
  auto r = RefusalOf(req, policy);
  return r ? std::optional<Clause>(r->clause) : std::nullopt;
}

HttpRequest EncodeWith(Style style, const std::function<void(EncodeOptions&)>& change,
                       const Call& call = DeleteJobCall(), const Credentials& creds = Creds()) {
  EncodeOptions o = Options(style);
  change(o);
  return Encode(call, creds, o);
}

// ----- styles -----

TEST(Style, NamesRoundTrip) {
  for (Style s : kAllStyles) EXPECT_EQ(StyleFromName(StyleName(s)), s);
  EXPECT_EQ(StyleName(Style::kApi3Post), "api3-post");
  EXPECT_EQ(StyleName(Style::kApi3Get), "api3-get");
  EXPECT_EQ(StyleName(Style::kQueryGet), "query-get");
  EXPECT_EQ(StyleName(Style::kFormPost), "form-post");
  EXPECT_EQ(StyleFromName("API3-POST"), std::nullopt);
  EXPECT_EQ(StyleFromName(""), std::nullopt);
  EXPECT_TRUE(IsV3(Style::kApi3Post));
  EXPECT_TRUE(IsV3(Style::kApi3Get));
  EXPECT_FALSE(IsV3(Style::kQueryGet));
  EXPECT_FALSE(IsV3(Style::kFormPost));
}

TEST(Call, OfApiRequest) {
  Call call = Call::Of(model::DeleteJobRequest("job-f5da1edl"), "ap-beijing");
  EXPECT_EQ(call.action, "DeleteJob");
  EXPECT_EQ(call.version, "2017-03-12");
  EXPECT_EQ(call.region, "ap-beijing");
  EXPECT_EQ(call.params, json({{"JobId", "job-f5da1edl"}}));
  EXPECT_EQ(Call::Of(model::DeleteJobRequest("x"), std::nullopt).region, std::nullopt);
}

// ----- a valid request round-trips in every style -----

TEST(CodecRoundTrip, EveryStyleGivesBackTheCall) {
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    HttpRequest req = Encode(DeleteJobCall(), Creds(), Options(style));
    auto wire = ParseWire(req);
    ASSERT_TRUE(wire.ok()) << wire.error().detail;
    EXPECT_EQ(wire->style, style);
    EXPECT_EQ(wire->common.action, "DeleteJob");
    EXPECT_EQ(wire->common.version, "2017-03-12");
    EXPECT_EQ(wire->common.region, "ap-guangzhou");
    EXPECT_EQ(wire->timestamp_text, "1735689599");
    EXPECT_EQ(wire->token, std::nullopt);
    EXPECT_EQ(wire->authorization.has_value(), IsV3(style));
    EXPECT_EQ(wire->v1_params.empty(), IsV3(style));
    auto id = Authenticate(*wire, Policy());
    ASSERT_TRUE(id.ok()) << id.error().detail;
    EXPECT_EQ(*id, kSecretId);
    auto params = ApiParams(*wire);
    ASSERT_TRUE(params.ok()) << params.error().detail;
    EXPECT_EQ(*params, json({{"JobId", "job-f5da1edl"}}));
  }
}

TEST(CodecRoundTrip, NestedParametersAndAwkwardCharacters) {
  Call call = DeleteJobCall();
  call.action = "DescribeJobs";
  call.params = {
      {"JobIds", {"job-aaaaaaaa", "job-bbbbbbbb"}},
      {"Filters", {{{"Name", "job-name"}, {"Values", {"a b&c=d/e+f%g", "\xc3\xa9\xe4\xb8\xad"}}}}}};
  for (Style style : kAllStyles) {
    for (PercentEncoding how : {PercentEncoding{false, false}, PercentEncoding{true, true}}) {
      for (bool reverse : {false, true}) {
        SCOPED_TRACE(std::string(StyleName(style)) + (how.space_as_plus ? " plus" : "") +
                     (reverse ? " reversed" : ""));
        HttpRequest req = EncodeWith(
            style,
            [&](EncodeOptions& o) {
              o.encoding = how;
              o.reverse_param_order = reverse;
            },
            call);
        auto wire = ParseWire(req);
        ASSERT_TRUE(wire.ok()) << wire.error().detail;
        EXPECT_EQ(wire->common.action, "DescribeJobs");
        auto id = Authenticate(*wire, Policy());
        ASSERT_TRUE(id.ok()) << id.error().detail;
        auto params = ApiParams(*wire);
        ASSERT_TRUE(params.ok()) << params.error().detail;
        EXPECT_EQ(*params, call.params);
      }
    }
  }
}

TEST(CodecRoundTrip, QueryStylesTurnEveryLeafIntoAString) {
  Call call = DeleteJobCall();
  call.params = {{"Offset", 0}, {"Limit", 20}, {"Flag", true}};
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    HttpRequest req = Encode(call, Creds(), Options(style));
    auto wire = ParseWire(req);
    ASSERT_TRUE(wire.ok()) << wire.error().detail;
    auto params = ApiParams(*wire);
    ASSERT_TRUE(params.ok()) << params.error().detail;
    if (style == Style::kApi3Post) {
      EXPECT_EQ(*params, call.params);
    } else {
      EXPECT_EQ(*params, json({{"Offset", "0"}, {"Limit", "20"}, {"Flag", "true"}}));
    }
  }
}

TEST(CodecRoundTrip, TokenAndLanguageAreCommonParameters) {
  Credentials creds = Creds();
  creds.token = "temporary-token";
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    HttpRequest req = EncodeWith(
        style, [](EncodeOptions& o) { o.language = "en-US"; }, DeleteJobCall(), creds);
    EXPECT_EQ(FindHeader(req.headers, "X-TC-Token").has_value(), IsV3(style));
    EXPECT_EQ(FindHeader(req.headers, "X-TC-Language").has_value(), IsV3(style));
    auto wire = ParseWire(req);
    ASSERT_TRUE(wire.ok()) << wire.error().detail;
    EXPECT_EQ(wire->token, "temporary-token");
    EXPECT_TRUE(Authenticate(*wire, Policy()).ok());
    auto params = ApiParams(*wire);
    ASSERT_TRUE(params.ok()) << params.error().detail;
    EXPECT_EQ(*params, json({{"JobId", "job-f5da1edl"}}));
  }
}

TEST(CodecRoundTrip, AbsentCommonParametersStayAbsent) {
  Call call = DeleteJobCall();
  call.action.reset();
  call.version.reset();
  call.region.reset();
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    HttpRequest req = Encode(call, Creds(), Options(style));
    auto wire = ParseWire(req);
    ASSERT_TRUE(wire.ok()) << wire.error().detail;
    EXPECT_EQ(wire->common.action, std::nullopt);
    EXPECT_EQ(wire->common.version, std::nullopt);
    EXPECT_EQ(wire->common.region, std::nullopt);
    EXPECT_EQ(RefusedBy(Encode(call, Creds(), Options(style))), std::nullopt);
  }
}

TEST(CodecRoundTrip, HeaderNamesAreCaseInsensitive) {
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    HttpRequest req = Encode(DeleteJobCall(), Creds(), Options(style));
    for (auto& [name, value] : req.headers) {
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }
    EXPECT_EQ(RefusedBy(req), std::nullopt);
  }
}

TEST(CodecRoundTrip, ContentTypeVariantsKeepTheStyle) {
  struct Case {
    Style style;
    std::string content_type;
  };
  for (const Case& c :
       {Case{Style::kApi3Post, "application/json; charset=utf-8"},
        Case{Style::kApi3Get, "application/json"},
        Case{Style::kQueryGet, "application/x-www-form-urlencoded"},
        Case{Style::kFormPost, "Application/X-WWW-Form-Urlencoded; charset=UTF-8"}}) {
    SCOPED_TRACE(c.content_type);
    HttpRequest req =
        EncodeWith(c.style, [&](EncodeOptions& o) { o.content_type = c.content_type; });
    EXPECT_EQ(FindHeader(req.headers, "Content-Type"), c.content_type);
    auto wire = ParseWire(req);
    ASSERT_TRUE(wire.ok()) << wire.error().detail;
    EXPECT_EQ(wire->style, c.style);
    EXPECT_EQ(RefusedBy(req), std::nullopt);
  }
}

TEST(ParseWire, PostWithV1ParametersButJsonTypeIsApi3) {
  HttpRequest req =
      EncodeWith(Style::kFormPost, [](EncodeOptions& o) { o.content_type = "application/json"; });
  auto wire = ParseWire(req);
  ASSERT_TRUE(wire.ok()) << wire.error().detail;
  EXPECT_EQ(wire->style, Style::kApi3Post);
  EXPECT_EQ(RefusedBy(req), Clause::kAuthNoAuthorization);
}

// ----- planted faults -----

TEST(CodecFaults, WrongKeyIsABadSignatureInEveryStyle) {
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    auto refusal =
        RefusalOf(EncodeWith(style, [](EncodeOptions& o) { o.faults.wrong_key = true; }));
    ASSERT_TRUE(refusal.has_value());
    EXPECT_EQ(refusal->clause, Clause::kAuthBadSignature);
    EXPECT_EQ(refusal->detail, model::DefaultMessage(model::ErrorCode::kAuthSignatureFailure));
  }
}

TEST(CodecFaults, LocalDateIsRefusedInV3Styles) {
  for (Style style : kV3Styles) {
    SCOPED_TRACE(StyleName(style));
    auto refusal =
        RefusalOf(EncodeWith(style, [](EncodeOptions& o) { o.faults.local_date = true; }));
    ASSERT_TRUE(refusal.has_value());
    EXPECT_EQ(refusal->clause, Clause::kAuthLocalDate);
    EXPECT_EQ(refusal->detail,
              "The credential date 2025-01-01 is not the UTC date of the Timestamp.");
  }
}

TEST(CodecFaults, LocalDateDoesNotApplyToV1) {
  // v1 has no credential scope, so the fault changes nothing.
  for (Style style : kV1Styles) {
    SCOPED_TRACE(StyleName(style));
    HttpRequest faulty = EncodeWith(style, [](EncodeOptions& o) { o.faults.local_date = true; });
    EXPECT_EQ(faulty.target, Encode(DeleteJobCall(), Creds(), Options(style)).target);
    EXPECT_EQ(RefusedBy(faulty), std::nullopt);
  }
}

TEST(CodecFaults, TamperAfterSigningIsABadSignatureInEveryStyle) {
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    EXPECT_EQ(RefusedBy(EncodeWith(style,
                                   [](EncodeOptions& o) { o.faults.tamper_after_signing = true; })),
              Clause::kAuthBadSignature);
  }
}

TEST(CodecFaults, OmitSignature) {
  for (Style style : kV3Styles) {
    SCOPED_TRACE(StyleName(style));
    HttpRequest req = EncodeWith(style, [](EncodeOptions& o) { o.faults.omit_signature = true; });
    EXPECT_EQ(FindHeader(req.headers, "Authorization"), std::nullopt);
    auto refusal = RefusalOf(req);
    ASSERT_TRUE(refusal.has_value());
    EXPECT_EQ(refusal->clause, Clause::kAuthNoAuthorization);
    EXPECT_EQ(refusal->detail, "The Authorization header is missing.");
  }
  for (Style style : kV1Styles) {
    SCOPED_TRACE(StyleName(style));
    auto refusal =
        RefusalOf(EncodeWith(style, [](EncodeOptions& o) { o.faults.omit_signature = true; }));
    ASSERT_TRUE(refusal.has_value());
    EXPECT_EQ(refusal->clause, Clause::kAuthV1MissingParam);
    EXPECT_EQ(refusal->detail, "The request is missing a required parameter `Signature`.");
  }
}

TEST(CodecFaults, GarbageAuthorizationIsRefused) {
  for (Style style : kV3Styles) {
    SCOPED_TRACE(StyleName(style));
    HttpRequest req =
        EncodeWith(style, [](EncodeOptions& o) { o.faults.authorization = "garbage"; });
    EXPECT_EQ(FindHeader(req.headers, "Authorization"), "garbage");
    auto refusal = RefusalOf(req);
    ASSERT_TRUE(refusal.has_value());
    EXPECT_EQ(refusal->clause, Clause::kAuthNoAuthorization);
    EXPECT_TRUE(refusal->detail.starts_with("The Authorization header is malformed: "))
        << refusal->detail;
  }
}

TEST(CodecFaults, V1OmittedParameter) {
  for (Style style : kV1Styles) {
    for (std::string name : {"Nonce", "SecretId"}) {
      SCOPED_TRACE(std::string(StyleName(style)) + " without " + name);
      auto refusal =
          RefusalOf(EncodeWith(style, [&](EncodeOptions& o) { o.faults.v1_omit_param = name; }));
      ASSERT_TRUE(refusal.has_value());
      EXPECT_EQ(refusal->clause, Clause::kAuthV1MissingParam);
      EXPECT_EQ(refusal->detail, "The request is missing a required parameter `" + name + "`.");
    }
    SCOPED_TRACE(std::string(StyleName(style)) + " without Timestamp");
    EXPECT_EQ(RefusedBy(EncodeWith(style,
                                   [](EncodeOptions& o) { o.faults.v1_omit_param = "Timestamp"; })),
              Clause::kAuthTimestampMissing);
  }
}

TEST(CodecFaults, V1SignatureMethodText) {
  for (Style style : kV1Styles) {
    SCOPED_TRACE(StyleName(style));
    EXPECT_EQ(RefusedBy(EncodeWith(
                  style, [](EncodeOptions& o) { o.faults.signature_method = "HmacMD5"; })),
              Clause::kAuthV1BadMethod);
    EXPECT_EQ(RefusedBy(EncodeWith(
                  style, [](EncodeOptions& o) { o.faults.signature_method = "hmacsha256"; })),
              Clause::kAuthV1BadMethod);
    // The text is signed as given, with HmacSHA1: valid when it says HmacSHA1, not when it
    // claims HmacSHA256.
    EXPECT_EQ(RefusedBy(EncodeWith(
                  style, [](EncodeOptions& o) { o.faults.signature_method = "HmacSHA1"; })),
              std::nullopt);
    EXPECT_EQ(RefusedBy(EncodeWith(
                  style, [](EncodeOptions& o) { o.faults.signature_method = "HmacSHA256"; })),
              Clause::kAuthBadSignature);
  }
}

TEST(CodecFaults, V1BothSignatureMethodsAndTheDefault) {
  for (Style style : kV1Styles) {
    for (SignatureMethod m : {SignatureMethod::kHmacSha1, SignatureMethod::kHmacSha256}) {
      for (bool send : {false, true}) {
        SCOPED_TRACE(std::string(StyleName(style)) + " " + std::string(SignatureMethodName(m)) +
                     (send ? " sent" : " not sent"));
        HttpRequest req = EncodeWith(style, [&](EncodeOptions& o) {
          o.signature_method = m;
          o.send_signature_method = send;
        });
        EXPECT_EQ(RefusedBy(req), std::nullopt);
      }
    }
  }
}

TEST(CodecFaults, OmitTimestamp) {
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    auto refusal =
        RefusalOf(EncodeWith(style, [](EncodeOptions& o) { o.faults.omit_timestamp = true; }));
    ASSERT_TRUE(refusal.has_value());
    EXPECT_EQ(refusal->clause, Clause::kAuthTimestampMissing);
    EXPECT_EQ(refusal->detail, "The request is missing a required parameter `Timestamp`.");
  }
}

TEST(CodecFaults, MalformedTimestampText) {
  for (Style style : kAllStyles) {
    for (std::string text : {"abc", "", "-1", "+1735689599", "1735689599.0", " 1735689599",
                             "1735689599 ", "0x67748580", "99999999999999999999999"}) {
      SCOPED_TRACE(std::string(StyleName(style)) + " `" + text + "`");
      EXPECT_EQ(
          RefusedBy(EncodeWith(style, [&](EncodeOptions& o) { o.faults.timestamp_text = text; })),
          Clause::kAuthTimestampMalformed);
    }
  }
}

TEST(CodecFaults, TimestampTextWithLeadingZerosIsStillUnixSeconds) {
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    EXPECT_EQ(RefusedBy(EncodeWith(
                  style, [](EncodeOptions& o) { o.faults.timestamp_text = "001735689599"; })),
              std::nullopt);
  }
}

TEST(CodecFaults, ClockSkewOf300SecondsEitherWayIsAcceptedAnd301IsNot) {
  for (Style style : kAllStyles) {
    for (std::int64_t skew : {-300, 300, 0, -1, 1}) {
      SCOPED_TRACE(std::string(StyleName(style)) + " skew " + std::to_string(skew));
      EXPECT_EQ(RefusedBy(EncodeWith(style, [&](EncodeOptions& o) { o.timestamp = kNow + skew; })),
                std::nullopt);
    }
    for (std::int64_t skew : {-301, 301, -86400, 86400}) {
      SCOPED_TRACE(std::string(StyleName(style)) + " skew " + std::to_string(skew));
      auto refusal =
          RefusalOf(EncodeWith(style, [&](EncodeOptions& o) { o.timestamp = kNow + skew; }));
      ASSERT_TRUE(refusal.has_value());
      EXPECT_EQ(refusal->clause, Clause::kAuthExpired);
      EXPECT_EQ(refusal->detail, "The Timestamp is " + std::to_string(skew < 0 ? -skew : skew) +
                                     " s away from the server time; at most 300 s is allowed.");
    }
  }
}

TEST(CodecFaults, MaxSkewComesFromThePolicy) {
  AuthPolicy policy = Policy();
  policy.max_skew = 10;
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    EXPECT_EQ(
        RefusedBy(EncodeWith(style, [](EncodeOptions& o) { o.timestamp = kNow - 10; }), policy),
        std::nullopt);
    EXPECT_EQ(
        RefusedBy(EncodeWith(style, [](EncodeOptions& o) { o.timestamp = kNow - 11; }), policy),
        Clause::kAuthExpired);
  }
}

TEST(CodecFaults, UnknownSecretId) {
  Credentials stranger{"AKIDSomebodyElse", std::string(kSecretKey), ""};
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    auto refusal = RefusalOf(Encode(DeleteJobCall(), stranger, Options(style)));
    ASSERT_TRUE(refusal.has_value());
    EXPECT_EQ(refusal->clause, Clause::kAuthUnknownSecretId);
    EXPECT_EQ(refusal->detail, "The SecretId is not found.");
  }
}

TEST(CodecFaults, NoKeyLookupMeansEverySecretIdIsUnknown) {
  AuthPolicy policy = Policy();
  policy.lookup_key = nullptr;
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    EXPECT_EQ(RefusedBy(Encode(DeleteJobCall(), Creds(), Options(style)), policy),
              Clause::kAuthUnknownSecretId);
  }
}

TEST(CodecFaults, MethodOtherThanGetOrPost) {
  for (Style style : kAllStyles) {
    for (std::string method : {"PUT", "DELETE", "PATCH", "get", "post", ""}) {
      SCOPED_TRACE(std::string(StyleName(style)) + " " + method);
      HttpRequest req = EncodeWith(style, [&](EncodeOptions& o) { o.faults.method = method; });
      EXPECT_EQ(req.method, method);
      auto wire = ParseWire(req);
      ASSERT_FALSE(wire.ok());
      EXPECT_EQ(wire.error().clause, Clause::kUnsupportedMethod);
      EXPECT_EQ(wire.error().detail,
                "The HTTP method " + method + " is not supported; use GET or POST.");
    }
  }
}

TEST(CodecFaults, RawBodyThatIsNotJson) {
  for (std::string body : {"[1", "", "{\"JobId\":", "not json", "{\"JobId\":\"x\"} trailing"}) {
    SCOPED_TRACE("`" + body + "`");
    HttpRequest req =
        EncodeWith(Style::kApi3Post, [&](EncodeOptions& o) { o.faults.raw_body = body; });
    EXPECT_EQ(req.body, body);
    auto wire = ParseWire(req);
    ASSERT_TRUE(wire.ok()) << wire.error().detail;
    EXPECT_TRUE(Authenticate(*wire, Policy()).ok());  // the raw body is what was signed
    auto params = ApiParams(*wire);
    ASSERT_FALSE(params.ok());
    EXPECT_EQ(params.error().clause, Clause::kBodyNotObject);
    EXPECT_EQ(params.error().detail, "The request body is not valid JSON.");
  }
}

TEST(CodecFaults, RawBodyThatIsJsonButNotAnObjectIsLeftToTheModel) {
  // ApiParams passes any JSON value on; the model refuses a non-object (COM-7).
  for (std::string body : {"[1]", "null", "\"job-f5da1edl\"", "42"}) {
    SCOPED_TRACE(body);
    HttpRequest req =
        EncodeWith(Style::kApi3Post, [&](EncodeOptions& o) { o.faults.raw_body = body; });
    auto wire = ParseWire(req);
    ASSERT_TRUE(wire.ok()) << wire.error().detail;
    auto params = ApiParams(*wire);
    ASSERT_TRUE(params.ok()) << params.error().detail;
    EXPECT_EQ(*params, json::parse(body));
  }
}

TEST(CodecFaults, ChecksRunInTheDocumentedOrder) {
  // AUTH-4 before AUTH-2.
  EXPECT_EQ(RefusedBy(EncodeWith(Style::kApi3Post,
                                 [](EncodeOptions& o) {
                                   o.faults.authorization = "garbage";
                                   o.faults.omit_timestamp = true;
                                 })),
            Clause::kAuthNoAuthorization);
  EXPECT_EQ(RefusedBy(EncodeWith(Style::kQueryGet,
                                 [](EncodeOptions& o) {
                                   o.faults.v1_omit_param = "Nonce";
                                   o.faults.signature_method = "HmacMD5";
                                   o.faults.omit_timestamp = true;
                                 })),
            Clause::kAuthV1MissingParam);
  EXPECT_EQ(RefusedBy(EncodeWith(Style::kQueryGet,
                                 [](EncodeOptions& o) {
                                   o.faults.signature_method = "HmacMD5";
                                   o.faults.omit_timestamp = true;
                                 })),
            Clause::kAuthV1BadMethod);
  // AUTH-2 before AUTH-3, AUTH-3 before AUTH-5, AUTH-5 before AUTH-1.
  Credentials stranger{"AKIDSomebodyElse", "key", ""};
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    EXPECT_EQ(
        RefusedBy(EncodeWith(
            style, [](EncodeOptions& o) { o.timestamp = kNow + 301; }, DeleteJobCall(), stranger)),
        Clause::kAuthExpired);
    EXPECT_EQ(RefusedBy(EncodeWith(
                  style, [](EncodeOptions& o) { o.faults.local_date = true; }, DeleteJobCall(),
                  stranger)),
              Clause::kAuthUnknownSecretId);
  }
  for (Style style : kV3Styles) {
    SCOPED_TRACE(StyleName(style));
    EXPECT_EQ(RefusedBy(EncodeWith(style,
                                   [](EncodeOptions& o) {
                                     o.faults.local_date = true;
                                     o.faults.wrong_key = true;
                                   })),
              Clause::kAuthLocalDate);
  }
}

// ----- size limits (COM-6) -----

// The request for a JobId of n 'a's (which encode as themselves).
HttpRequest WithJobIdOf(Style style, std::size_t n) {
  Call call = DeleteJobCall();
  call.params = {{"JobId", std::string(n, 'a')}};
  return Encode(call, Creds(), Options(style));
}

// The size the limit applies to: the target of a GET, the body of a POST.
std::size_t LimitedSize(const HttpRequest& req) {
  return req.method == "GET" ? req.target.size() : req.body.size();
}

// A request of the style whose limited size is exactly `size`. The encoded v1 signature's
// length depends on the JobId, so the JobId length is searched for.
std::optional<HttpRequest> OfSize(Style style, std::size_t size) {
  std::size_t n = size - LimitedSize(WithJobIdOf(style, 0));
  std::vector<std::size_t> tried;
  for (int i = 0; i < 64; ++i) {
    HttpRequest req = WithJobIdOf(style, n);
    std::size_t got = LimitedSize(req);
    if (got == size) return req;
    tried.push_back(n);
    std::size_t next = got > size ? n - (got - size) : n + (size - got);
    if (std::find(tried.begin(), tried.end(), next) != tried.end()) next = n - 1;  // break a cycle
    n = next;
  }
  return std::nullopt;
}

TEST(CodecLimits, ExactlyAtTheLimitIsAcceptedOneByteMoreIsTooLarge) {
  struct Case {
    Style style;
    std::size_t limit;
    std::string_view detail;
  };
  for (const Case& c :
       {Case{Style::kQueryGet, kGetLimitBytes, "A GET request may be at most 32 KB."},
        Case{Style::kApi3Get, kGetLimitBytes, "A GET request may be at most 32 KB."},
        Case{Style::kFormPost, kV1PostLimitBytes,
             "A POST request with signature v1 may be at most 1 MB."},
        Case{Style::kApi3Post, kV3PostLimitBytes, "A POST request may be at most 10 MB."}}) {
    SCOPED_TRACE(StyleName(c.style));
    auto at_limit = OfSize(c.style, c.limit);
    ASSERT_TRUE(at_limit.has_value());
    EXPECT_EQ(RefusedBy(*at_limit), std::nullopt);
    auto over = OfSize(c.style, c.limit + 1);
    ASSERT_TRUE(over.has_value());
    auto refusal = RefusalOf(*over);
    ASSERT_TRUE(refusal.has_value());
    EXPECT_EQ(refusal->clause, Clause::kTooLarge);
    EXPECT_EQ(refusal->detail, c.detail);
  }
}

TEST(CodecLimits, V3PostMayBeLargerThanTheV1Limit) {
  EXPECT_EQ(RefusedBy(WithJobIdOf(Style::kApi3Post, 2 * kV1PostLimitBytes)), std::nullopt);
}

// ----- Host with a port, and the credential-scope service -----

TEST(CodecHost, SignedWithThePort) {
  for (Style style : kAllStyles) {
    for (std::string host : {"127.0.0.1:8080", "localhost:8080", "[::1]:8080"}) {
      SCOPED_TRACE(std::string(StyleName(style)) + " " + host);
      HttpRequest req = EncodeWith(style, [&](EncodeOptions& o) { o.host = host; });
      EXPECT_EQ(FindHeader(req.headers, "Host"), host);
      EXPECT_EQ(RefusedBy(req), std::nullopt);
    }
  }
}

TEST(CodecHost, SignedWithoutThePort) {
  struct Case {
    std::string signed_host;
    std::string sent_host;
  };
  for (Style style : kAllStyles) {
    for (const Case& c : {Case{"127.0.0.1", "127.0.0.1:8080"}, Case{"localhost", "localhost:8080"},
                          Case{"[::1]", "[::1]:8080"}}) {
      SCOPED_TRACE(std::string(StyleName(style)) + " " + c.sent_host);
      HttpRequest req = EncodeWith(style, [&](EncodeOptions& o) { o.host = c.signed_host; });
      SetHeader(req.headers, "Host", c.sent_host);
      EXPECT_EQ(RefusedBy(req), std::nullopt);
    }
  }
}

TEST(CodecHost, SignedForAnotherHostOrPort) {
  struct Case {
    std::string signed_host;
    std::string sent_host;
  };
  for (Style style : kAllStyles) {
    for (const Case& c :
         {Case{"localhost:9090", "localhost:8080"}, Case{"otherhost", "localhost:8080"},
          Case{"batch.tencentcloudapi.com", "batch.intl.tencentcloudapi.com"}}) {
      SCOPED_TRACE(std::string(StyleName(style)) + " " + c.signed_host + " sent as " + c.sent_host);
      HttpRequest req = EncodeWith(style, [&](EncodeOptions& o) { o.host = c.signed_host; });
      SetHeader(req.headers, "Host", c.sent_host);
      EXPECT_EQ(RefusedBy(req), Clause::kAuthBadSignature);
    }
  }
}

TEST(CodecService, BatchOrTheFirstLabelOfTheHost) {
  struct Case {
    std::string host;
    std::string service;
  };
  for (Style style : kV3Styles) {
    for (const Case& c :
         {Case{"batch.tencentcloudapi.com", "batch"},
          Case{"batch.intl.tencentcloudapi.com", "batch"}, Case{"127.0.0.1:8080", "batch"},
          Case{"127.0.0.1:8080", "127"}, Case{"localhost:8080", "localhost:8080"},
          Case{"mock.example.test", "mock"}}) {
      SCOPED_TRACE(std::string(StyleName(style)) + " " + c.host + " / " + c.service);
      EXPECT_EQ(RefusedBy(EncodeWith(style,
                                     [&](EncodeOptions& o) {
                                       o.host = c.host;
                                       o.service = c.service;
                                     })),
                std::nullopt);
    }
  }
}

TEST(CodecService, AnyOtherServiceIsABadSignature) {
  struct Case {
    std::string host;
    std::string service;
  };
  for (Style style : kV3Styles) {
    for (const Case& c :
         {Case{"batch.tencentcloudapi.com", "cvm"},
          Case{"batch.tencentcloudapi.com", "tencentcloudapi"},
          Case{"batch.tencentcloudapi.com", "Batch"}, Case{"127.0.0.1:8080", "127.0.0.1:8080"},
          Case{"mock.example.test", "example"}}) {
      SCOPED_TRACE(std::string(StyleName(style)) + " " + c.host + " / " + c.service);
      EXPECT_EQ(RefusedBy(EncodeWith(style,
                                     [&](EncodeOptions& o) {
                                       o.host = c.host;
                                       o.service = c.service;
                                     })),
                Clause::kAuthBadSignature);
    }
  }
}

// ----- undecodable query strings and form bodies (COM-7) -----

TEST(CodecDecode, BadPercentEscapeInAV1QueryOrBody) {
  for (Style style : kV1Styles) {
    for (std::string_view extra : {"&Foo=%zz", "&Foo=%4", "&%=1"}) {
      SCOPED_TRACE(std::string(StyleName(style)) + " " + std::string(extra));
      HttpRequest req = Encode(DeleteJobCall(), Creds(), Options(style));
      (style == Style::kQueryGet ? req.target : req.body) += extra;
      auto wire = ParseWire(req);
      ASSERT_FALSE(wire.ok());
      EXPECT_EQ(wire.error().clause, Clause::kQueryUndecodable);
      EXPECT_NE(wire.error().detail.find("bad percent-escape"), std::string::npos)
          << wire.error().detail;
    }
  }
}

TEST(CodecDecode, V1SegmentWithoutEquals) {
  HttpRequest req = Encode(DeleteJobCall(), Creds(), Options(Style::kQueryGet));
  req.target += "&JobId";
  auto wire = ParseWire(req);
  ASSERT_FALSE(wire.ok());
  EXPECT_EQ(wire.error().clause, Clause::kQueryUndecodable);
  EXPECT_EQ(wire.error().detail, "Url key and value should be split by `=`: `JobId`.");
}

TEST(CodecDecode, BadPercentEscapeInAnApi3GetQuery) {
  HttpRequest req = Encode(DeleteJobCall(), Creds(), Options(Style::kApi3Get));
  req.target += "&Foo=%zz";
  auto wire = ParseWire(req);  // the query is only read for the parameters
  ASSERT_TRUE(wire.ok()) << wire.error().detail;
  auto id = Authenticate(*wire, Policy());  // the query changed after signing
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().clause, Clause::kAuthBadSignature);
  auto params = ApiParams(*wire);
  ASSERT_FALSE(params.ok());
  EXPECT_EQ(params.error().clause, Clause::kQueryUndecodable);
}

TEST(CodecDecode, QueryParametersThatDoNotNest) {
  Call call = DeleteJobCall();
  call.params = {{"a", "1"}, {"a.b", "2"}};  // "a" is a leaf and a parent once flattened
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    HttpRequest req = Encode(call, Creds(), Options(style));
    auto wire = ParseWire(req);
    ASSERT_TRUE(wire.ok()) << wire.error().detail;
    auto params = ApiParams(*wire);
    if (style == Style::kApi3Post) {
      ASSERT_TRUE(params.ok()) << params.error().detail;
      EXPECT_EQ(*params, call.params);
    } else {
      ASSERT_FALSE(params.ok());
      EXPECT_EQ(params.error().clause, Clause::kQueryUndecodable);
      EXPECT_EQ(params.error().detail, "parameter `a.b` conflicts with another.");
    }
  }
}

// ----- the AuthPolicy switches -----

TEST(CodecPolicy, CheckSignatureOff) {
  AuthPolicy policy = Policy();
  policy.check_signature = false;
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    EXPECT_EQ(
        RefusedBy(EncodeWith(style, [](EncodeOptions& o) { o.faults.wrong_key = true; }), policy),
        std::nullopt);
    EXPECT_EQ(
        RefusedBy(EncodeWith(style, [](EncodeOptions& o) { o.faults.tamper_after_signing = true; }),
                  policy),
        std::nullopt);
    // The other checks still apply.
    EXPECT_EQ(RefusedBy(EncodeWith(style,
                                   [](EncodeOptions& o) {
                                     o.faults.wrong_key = true;
                                     o.timestamp = kNow + 301;
                                   }),
                        policy),
              Clause::kAuthExpired);
    EXPECT_EQ(RefusedBy(EncodeWith(style, [](EncodeOptions& o) { o.faults.omit_signature = true; }),
                        policy),
              IsV3(style) ? Clause::kAuthNoAuthorization : Clause::kAuthV1MissingParam);
  }
}

TEST(CodecPolicy, CheckTimestampOff) {
  AuthPolicy policy = Policy();
  policy.check_timestamp = false;
  for (Style style : kAllStyles) {
    SCOPED_TRACE(StyleName(style));
    EXPECT_EQ(
        RefusedBy(EncodeWith(style, [](EncodeOptions& o) { o.timestamp = kNow - 100000; }), policy),
        std::nullopt);
    EXPECT_EQ(
        RefusedBy(EncodeWith(style, [](EncodeOptions& o) { o.timestamp = kNow + 100000; }), policy),
        std::nullopt);
    // A timestamp must still be there and be a number.
    EXPECT_EQ(
        RefusedBy(EncodeWith(style, [](EncodeOptions& o) { o.faults.timestamp_text = "abc"; }),
                  policy),
        Clause::kAuthTimestampMalformed);
    EXPECT_EQ(RefusedBy(EncodeWith(style, [](EncodeOptions& o) { o.faults.omit_timestamp = true; }),
                        policy),
              Clause::kAuthTimestampMissing);
  }
}

TEST(CodecPolicy, CheckScopeDateOff) {
  AuthPolicy policy = Policy();
  policy.check_scope_date = false;
  for (Style style : kV3Styles) {
    SCOPED_TRACE(StyleName(style));
    EXPECT_EQ(
        RefusedBy(EncodeWith(style, [](EncodeOptions& o) { o.faults.local_date = true; }), policy),
        std::nullopt);
    EXPECT_EQ(RefusedBy(EncodeWith(style,
                                   [](EncodeOptions& o) {
                                     o.faults.local_date = true;
                                     o.faults.wrong_key = true;
                                   }),
                        policy),
              Clause::kAuthBadSignature);
  }
}

}  // namespace
}  // namespace dj::protocol

namespace dj::protocol {
namespace {

// AUTH-5 must be testable at any hour: the planted local date always differs from the UTC date,
// and is the UTC+8 date whenever that differs.
TEST(LocalScopeDate, AlwaysDiffersFromTheUtcDate) {
  for (std::int64_t t = 1735603200; t < 1735603200 + 86400; t += 600) {  // 2024-12-31, every 10 min
    EXPECT_NE(LocalScopeDate(t), UtcDate(t)) << t;
  }
  EXPECT_EQ(LocalScopeDate(1735689599), "2025-01-01");              // 23:59:59 UTC: the UTC+8 date
  EXPECT_EQ(LocalScopeDate(1735603200 + 3600), "2024-12-30");       // 01:00 UTC: UTC-12
  EXPECT_EQ(LocalScopeDate(1735603200 + 11 * 3600), "2025-01-01");  // 11:00 UTC: UTC+14
}

}  // namespace
}  // namespace dj::protocol
