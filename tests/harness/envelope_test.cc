// Tests of harness/protocol/envelope: builders, ParseAnswer, AsOutcome, CheckEnvelope (ENV-*).
#include "harness/protocol/envelope.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <ostream>
#include <string>

namespace dj::protocol {
namespace {

using model::Action;
using model::Clause;
using model::ErrorCode;
using model::Profile;
using nlohmann::json;

constexpr std::string_view kRequestId = "0ffc9347-a47a-43a6-a64a-aa77fda7ea13";

HttpResponse Response(int status, std::string content_type, std::string body) {
  HttpResponse r;
  r.status = status;
  if (!content_type.empty()) r.headers.emplace_back("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

HttpResponse JsonBody(const json& body) { return Response(200, "application/json", body.dump()); }

std::vector<Clause> Clauses(const std::vector<EnvelopeViolation>& violations) {
  std::vector<Clause> out;
  for (const auto& v : violations) out.push_back(v.clause);
  return out;
}

std::vector<Clause> Check(const HttpResponse& http, Action action = Action::kDeleteJob,
                          Profile profile = Profile::kStrict) {
  return Clauses(CheckEnvelope(ParseAnswer(http), action, profile));
}

// ----- builders -----

TEST(SuccessResponse, DeleteJobShape) {
  HttpResponse r = SuccessResponse(kRequestId, json::object());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers, (Headers{{"Content-Type", "application/json"}}));
  EXPECT_EQ(r.body, R"({"Response":{"RequestId":"0ffc9347-a47a-43a6-a64a-aa77fda7ea13"}})");
}

TEST(SuccessResponse, FieldsBesideRequestId) {
  HttpResponse r = SuccessResponse(kRequestId, {{"TotalCount", 1}, {"JobSet", json::array()}});
  EXPECT_EQ(r.body,
            R"({"Response":{"JobSet":[],"RequestId":"0ffc9347-a47a-43a6-a64a-aa77fda7ea13",)"
            R"("TotalCount":1}})");
}

TEST(SuccessResponse, RequestIdWinsAndNonObjectFieldsAreDropped) {
  EXPECT_EQ(SuccessResponse(kRequestId, {{"RequestId", "other"}}).body,
            R"({"Response":{"RequestId":"0ffc9347-a47a-43a6-a64a-aa77fda7ea13"}})");
  EXPECT_EQ(SuccessResponse(kRequestId, json::array({1, 2})).body,
            R"({"Response":{"RequestId":"0ffc9347-a47a-43a6-a64a-aa77fda7ea13"}})");
}

TEST(ErrorResponse, Shape) {
  HttpResponse r =
      ErrorResponse(kRequestId, ErrorCode::kResourceNotFoundJob, "The job does not exist.");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers, (Headers{{"Content-Type", "application/json"}}));
  EXPECT_EQ(
      r.body,
      R"({"Response":{"Error":{"Code":"ResourceNotFound.Job","Message":"The job does not exist."},)"
      R"("RequestId":"0ffc9347-a47a-43a6-a64a-aa77fda7ea13"}})");
}

TEST(ErrorResponse, InvalidUtf8InTheMessageIsReplacedNotThrown) {
  HttpResponse r = ErrorResponse(kRequestId, ErrorCode::kInvalidParameter, "bad \xff byte");
  EXPECT_NE(r.body.find("bad \xef\xbf\xbd byte"), std::string::npos) << r.body;
  EXPECT_TRUE(json::accept(r.body));
}

TEST(RefusalResponse, UsesTheClauseCodeAndTheDetail) {
  HttpResponse r =
      RefusalResponse(kRequestId, {Clause::kIdMalformed, "The JobId `x` is not well formed."});
  EXPECT_EQ(r.body, R"({"Response":{"Error":{"Code":"InvalidParameter.JobIdMalformed",)"
                    R"("Message":"The JobId `x` is not well formed."},)"
                    R"("RequestId":"0ffc9347-a47a-43a6-a64a-aa77fda7ea13"}})");
}

TEST(RefusalResponse, EmptyDetailGivesTheDefaultMessage) {
  HttpResponse r = RefusalResponse(kRequestId, {Clause::kAuthBadSignature, ""});
  Answer a = ParseAnswer(r);
  EXPECT_EQ(a.code, ErrorCode::kAuthSignatureFailure);
  EXPECT_EQ(a.message, model::DefaultMessage(ErrorCode::kAuthSignatureFailure));
  EXPECT_EQ(ParseAnswer(RefusalResponse(kRequestId, {Clause::kTooLarge, ""})).code_text,
            "RequestSizeLimitExceeded");
  EXPECT_EQ(ParseAnswer(RefusalResponse(kRequestId, {Clause::kUnsupportedMethod, ""})).code_text,
            "UnsupportedProtocol");
}

// ----- ParseAnswer -----

TEST(ParseAnswer, ReadsASuccess) {
  Answer a = ParseAnswer(SuccessResponse(kRequestId, json::object()));
  EXPECT_EQ(a.http_status, 200);
  EXPECT_EQ(a.content_type, "application/json");
  EXPECT_TRUE(a.json_envelope);
  EXPECT_EQ(a.response, json({{"RequestId", kRequestId}}));
  EXPECT_EQ(a.request_id, kRequestId);
  EXPECT_FALSE(a.has_error);
  EXPECT_EQ(a.code_text, std::nullopt);
  EXPECT_EQ(a.code, std::nullopt);
  EXPECT_EQ(a.message, std::nullopt);
  EXPECT_EQ(a.parse_problem, "");
  EXPECT_TRUE(a.IsSuccess());
}

TEST(ParseAnswer, ReadsAnError) {
  Answer a = ParseAnswer(ErrorResponse(kRequestId, ErrorCode::kResourceInUseJob, "busy"));
  EXPECT_TRUE(a.json_envelope);
  EXPECT_TRUE(a.has_error);
  EXPECT_EQ(a.code_text, "ResourceInUse.Job");
  EXPECT_EQ(a.code, ErrorCode::kResourceInUseJob);
  EXPECT_EQ(a.message, "busy");
  EXPECT_EQ(a.request_id, kRequestId);
  EXPECT_FALSE(a.IsSuccess());
}

TEST(ParseAnswer, EmptyBody) {
  Answer a = ParseAnswer(Response(200, "application/json", ""));
  EXPECT_EQ(a.http_status, 200);
  EXPECT_FALSE(a.json_envelope);
  EXPECT_TRUE(a.response.is_null());
  EXPECT_EQ(a.parse_problem, "the body is not JSON");
  EXPECT_FALSE(a.IsSuccess());
}

TEST(ParseAnswer, NotJson) {
  for (std::string body : {"<html>502 Bad Gateway</html>", "{\"Response\":", "{'Response':{}}",
                           "{\"Response\":{\"RequestId\":\"\xff\"}}"}) {
    SCOPED_TRACE(body);
    Answer a = ParseAnswer(Response(502, "text/html", body));
    EXPECT_EQ(a.http_status, 502);
    EXPECT_EQ(a.content_type, "text/html");
    EXPECT_FALSE(a.json_envelope);
    EXPECT_EQ(a.parse_problem, "the body is not JSON");
  }
}

TEST(ParseAnswer, JsonThatIsNotAnObject) {
  for (std::string body : {"[1,2]", "null", "\"Response\"", "42"}) {
    SCOPED_TRACE(body);
    Answer a = ParseAnswer(Response(200, "application/json", body));
    EXPECT_FALSE(a.json_envelope);
    EXPECT_EQ(a.parse_problem, "the body is not a JSON object");
  }
}

TEST(ParseAnswer, ResponseMissingOrNotAnObject) {
  for (std::string body : {R"({})", R"({"response":{}})", R"({"Response":[1]})",
                           R"({"Response":"ok"})", R"({"Response":null})"}) {
    SCOPED_TRACE(body);
    Answer a = ParseAnswer(Response(200, "application/json", body));
    EXPECT_FALSE(a.json_envelope);
    EXPECT_EQ(a.parse_problem, "the body has no object \"Response\"");
  }
}

TEST(ParseAnswer, ErrorNotAnObject) {
  Answer a = ParseAnswer(JsonBody({{"Response", {{"Error", "boom"}, {"RequestId", kRequestId}}}}));
  EXPECT_TRUE(a.json_envelope);
  EXPECT_TRUE(a.has_error);
  EXPECT_EQ(a.code_text, std::nullopt);
  EXPECT_EQ(a.code, std::nullopt);
  EXPECT_EQ(a.message, std::nullopt);
  EXPECT_EQ(a.request_id, kRequestId);
  EXPECT_FALSE(a.IsSuccess());
}

TEST(ParseAnswer, CodeANumberAndRequestIdNotAString) {
  Answer a = ParseAnswer(
      JsonBody({{"Response", {{"Error", {{"Code", 42}, {"Message", "m"}}}, {"RequestId", 7}}}}));
  EXPECT_TRUE(a.has_error);
  EXPECT_EQ(a.code_text, std::nullopt);
  EXPECT_EQ(a.code, std::nullopt);
  EXPECT_EQ(a.message, "m");
  EXPECT_EQ(a.request_id, std::nullopt);
}

TEST(ParseAnswer, UnknownCodeKeepsItsText) {
  Answer a =
      ParseAnswer(JsonBody({{"Response", {{"Error", {{"Code", "Foo.Bar"}, {"Message", "m"}}}}}}));
  EXPECT_EQ(a.code_text, "Foo.Bar");
  EXPECT_EQ(a.code, std::nullopt);
}

TEST(ParseAnswer, NoContentTypeHeader) {
  Answer a = ParseAnswer(Response(200, "", SuccessResponse(kRequestId, json::object()).body));
  EXPECT_EQ(a.content_type, "");
  EXPECT_TRUE(a.json_envelope);
}

TEST(ParseAnswer, HugeBodies) {
  std::string big(4 * 1024 * 1024, 'x');
  Answer garbage = ParseAnswer(Response(200, "application/json", big));
  EXPECT_FALSE(garbage.json_envelope);
  EXPECT_EQ(garbage.parse_problem, "the body is not JSON");

  Answer long_message = ParseAnswer(ErrorResponse(kRequestId, ErrorCode::kInternalError, big));
  EXPECT_TRUE(long_message.json_envelope);
  EXPECT_EQ(long_message.message->size(), big.size());

  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  Answer nested = ParseAnswer(Response(200, "application/json", deep));
  EXPECT_EQ(nested.parse_problem, "the body is not a JSON object");
  Answer unbalanced = ParseAnswer(Response(200, "application/json", std::string(100000, '[')));
  EXPECT_EQ(unbalanced.parse_problem, "the body is not JSON");
}

RC_GTEST_PROP(ParseAnswerProp, NeverThrowsOnArbitraryBytes, ()) {
  std::string body = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
  int status = *rc::gen::inRange(100, 600);
  Answer a = ParseAnswer(Response(status, "application/json", body));
  RC_ASSERT(a.http_status == status);
  RC_ASSERT(a.json_envelope == a.parse_problem.empty());
}

RC_GTEST_PROP(ParseAnswerProp, ReadsBackWhatErrorResponseWrites, ()) {
  ErrorCode code = *rc::gen::elementOf(model::kAllErrorCodes);
  std::string message = *rc::gen::arbitrary<std::string>();
  Answer a = ParseAnswer(ErrorResponse(kRequestId, code, message));
  RC_ASSERT(a.json_envelope);
  RC_ASSERT(a.code == std::optional<ErrorCode>(code));
  RC_ASSERT(a.request_id == std::optional<std::string>(kRequestId));
  RC_ASSERT(a.message.has_value());
}

// ----- AsOutcome -----

TEST(AsOutcome, WhatAnAnswerShows) {
  EXPECT_EQ(ParseAnswer(SuccessResponse(kRequestId, json::object())).AsOutcome(), model::Ok());
  EXPECT_EQ(
      ParseAnswer(ErrorResponse(kRequestId, ErrorCode::kResourceNotFoundJob, "m")).AsOutcome(),
      model::Err(ErrorCode::kResourceNotFoundJob));
  EXPECT_EQ(ParseAnswer(Response(413, "text/plain", "too big")).AsOutcome(), model::Http(413));
  EXPECT_EQ(ParseAnswer(Response(405, "application/json", "{}")).AsOutcome(), model::Http(405));
  // Neither an unknown code nor a body that is not an envelope shows an outcome.
  EXPECT_EQ(ParseAnswer(JsonBody({{"Response", {{"Error", {{"Code", "Foo.Bar"}}}}}})).AsOutcome(),
            std::nullopt);
  EXPECT_EQ(ParseAnswer(JsonBody({{"Response", {{"Error", "boom"}}}})).AsOutcome(), std::nullopt);
  EXPECT_EQ(ParseAnswer(Response(200, "application/json", "[]")).AsOutcome(), std::nullopt);
}

// ----- CheckEnvelope -----

TEST(CheckEnvelope, GoodAnswersPass) {
  EXPECT_EQ(Check(SuccessResponse(kRequestId, json::object())), std::vector<Clause>{});
  EXPECT_EQ(Check(ErrorResponse(kRequestId, ErrorCode::kResourceNotFoundJob, "gone")),
            std::vector<Clause>{});
  EXPECT_EQ(Check(ErrorResponse(kRequestId, ErrorCode::kAuthSignatureFailure, "bad")),
            std::vector<Clause>{});
  EXPECT_EQ(Check(SuccessResponse(kRequestId, {{"TotalCount", 0}}), Action::kDescribeJobs),
            std::vector<Clause>{});
}

TEST(CheckEnvelope, Env1Status) {
  HttpResponse r = SuccessResponse(kRequestId, json::object());
  r.status = 500;
  auto v = CheckEnvelope(ParseAnswer(r), Action::kDeleteJob, Profile::kStrict);
  ASSERT_EQ(v.size(), 1U);
  EXPECT_EQ(v[0].clause, Clause::kEnvShape);
  EXPECT_EQ(v[0].detail, "HTTP status 500, not 200");
}

TEST(CheckEnvelope, Env1ContentType) {
  std::string body = SuccessResponse(kRequestId, json::object()).body;
  auto v = CheckEnvelope(ParseAnswer(Response(200, "text/plain", body)), Action::kDeleteJob,
                         Profile::kStrict);
  ASSERT_EQ(v.size(), 1U);
  EXPECT_EQ(v[0].clause, Clause::kEnvShape);
  EXPECT_EQ(v[0].detail, "Content-Type is `text/plain`, not application/json");
  EXPECT_EQ(Check(Response(200, "", body)), std::vector<Clause>{Clause::kEnvShape});
  EXPECT_EQ(Check(Response(200, "application/json; charset=utf-8", body)), std::vector<Clause>{});
}

// ENV-1 compares Content-Type as a media type: type and subtype in any case, blanks and
// parameters ignored; another subtype or type is not JSON.
TEST(IsJsonMediaType, TypeAndSubtypeInAnyCaseParametersIgnored) {
  for (std::string_view json_type :
       {"application/json", "Application/JSON; Charset=UTF-8", "application/json ;charset=utf-8",
        " application/json", "APPLICATION/JSON;", "application/json\t; q=1; charset=\"utf-8\""}) {
    EXPECT_TRUE(IsJsonMediaType(json_type)) << json_type;
  }
  for (std::string_view other : {"", "application/jsonx", "text/json", "application/json-seq",
                                 "application/x-json", "application /json", "json",
                                 "application/problem+json", "text/html; application/json"}) {
    EXPECT_FALSE(IsJsonMediaType(other)) << other;
  }
}

TEST(CheckEnvelope, Env1ContentTypeIsAMediaType) {
  std::string body = SuccessResponse(kRequestId, json::object()).body;
  EXPECT_EQ(Check(Response(200, "Application/JSON; Charset=UTF-8", body)), std::vector<Clause>{});
  EXPECT_EQ(Check(Response(200, "application/json ;charset=utf-8", body)), std::vector<Clause>{});
  EXPECT_EQ(Check(Response(200, "application/jsonx", body)), std::vector<Clause>{Clause::kEnvShape});
  EXPECT_EQ(Check(Response(200, "text/json", body)), std::vector<Clause>{Clause::kEnvShape});
}

// docs/clauses.md: a non-200 answer is an HTTP-layer refusal when the clause's row allows its
// status (COM-5 405, 501; COM-6 413, 414, 431, 400), whatever its body and Content-Type.
TEST(HttpRefusal, AStatusTheClauseAllowsWhateverTheBody) {
  HttpResponse html = Response(413, "text/html", "<html><body>413 Request Entity Too Large</body>");
  EXPECT_EQ(HttpRefusal(ParseAnswer(html), Clause::kTooLarge), model::Http(413));
  for (int status : {400, 414, 431}) {
    EXPECT_EQ(HttpRefusal(ParseAnswer(Response(status, "", "")), Clause::kTooLarge),
              model::Http(status));
  }
  HttpResponse envelope = ErrorResponse(kRequestId, ErrorCode::kRequestSizeLimitExceeded, "big");
  envelope.status = 413;
  EXPECT_EQ(HttpRefusal(ParseAnswer(envelope), Clause::kTooLarge), model::Http(413));
  EXPECT_EQ(HttpRefusal(ParseAnswer(Response(405, "text/plain", "no")), Clause::kUnsupportedMethod),
            model::Http(405));
  EXPECT_EQ(HttpRefusal(ParseAnswer(Response(501, "text/html", "")), Clause::kUnsupportedMethod),
            model::Http(501));
}

TEST(HttpRefusal, NotForAStatusTheClauseDoesNotAllowNorFor200) {
  EXPECT_EQ(HttpRefusal(ParseAnswer(Response(405, "text/html", "")), Clause::kTooLarge),
            std::nullopt);
  EXPECT_EQ(HttpRefusal(ParseAnswer(Response(413, "text/html", "")), Clause::kUnsupportedMethod),
            std::nullopt);
  EXPECT_EQ(HttpRefusal(ParseAnswer(Response(413, "text/html", "")), Clause::kIdUnknown),
            std::nullopt);
  EXPECT_EQ(HttpRefusal(ParseAnswer(Response(500, "text/html", "")), Clause::kTooLarge),
            std::nullopt);
  EXPECT_EQ(HttpRefusal(ParseAnswer(Response(200, "text/html", "")), Clause::kTooLarge),
            std::nullopt);
}

TEST(CheckEnvelope, Env1NotAnEnvelopeStopsThere) {
  auto v = CheckEnvelope(ParseAnswer(Response(502, "text/html", "<html/>")), Action::kDeleteJob,
                         Profile::kStrict);
  ASSERT_EQ(v.size(), 3U);
  for (const auto& violation : v) EXPECT_EQ(violation.clause, Clause::kEnvShape);
  EXPECT_EQ(v[2].detail, "the body is not JSON");
  EXPECT_EQ(Check(Response(200, "application/json", R"({"Response":[]})")),
            std::vector<Clause>{Clause::kEnvShape});
}

TEST(CheckEnvelope, Env2MissingRequestId) {
  for (Profile profile : {Profile::kStrict, Profile::kLenient}) {
    EXPECT_EQ(Check(JsonBody({{"Response", json::object()}}), Action::kDeleteJob, profile),
              std::vector<Clause>{Clause::kEnvRequestId});
    EXPECT_EQ(Check(JsonBody({{"Response", {{"RequestId", 5}}}}), Action::kDescribeJob, profile),
              std::vector<Clause>{Clause::kEnvRequestId});
  }
}

TEST(CheckEnvelope, Env2NonUuidIsStrictOnly) {
  for (std::string id :
       {"not-a-uuid", "0FFC9347-A47A-43A6-A64A-AA77FDA7EA13", "0ffc9347a47a43a6a64aaa77fda7ea13"}) {
    SCOPED_TRACE(id);
    HttpResponse r = SuccessResponse(id, json::object());
    auto strict = CheckEnvelope(ParseAnswer(r), Action::kDeleteJob, Profile::kStrict);
    ASSERT_EQ(strict.size(), 1U);
    EXPECT_EQ(strict[0].clause, Clause::kEnvRequestId);
    EXPECT_EQ(strict[0].detail, "Response.RequestId `" + id + "` is not a lowercase UUID");
    EXPECT_EQ(Check(r, Action::kDeleteJob, Profile::kLenient), std::vector<Clause>{});
  }
}

TEST(CheckEnvelope, Env2EmptyRequestIdFailsEvenLenient) {
  HttpResponse r = SuccessResponse("", json::object());
  EXPECT_EQ(Check(r, Action::kDeleteJob, Profile::kStrict),
            std::vector<Clause>{Clause::kEnvRequestId});
  EXPECT_EQ(Check(r, Action::kDeleteJob, Profile::kLenient),
            std::vector<Clause>{Clause::kEnvRequestId});
}

TEST(CheckEnvelope, Env4UnknownCode) {
  auto v = CheckEnvelope(ParseAnswer(JsonBody({{"Response",
                                                {{"Error", {{"Code", "Foo.Bar"}, {"Message", "m"}}},
                                                 {"RequestId", kRequestId}}}})),
                         Action::kDeleteJob, Profile::kStrict);
  ASSERT_EQ(v.size(), 1U);
  EXPECT_EQ(v[0].clause, Clause::kEnvErrorShape);
  EXPECT_EQ(v[0].detail, "Response.Error.Code `Foo.Bar` is not documented for DeleteJob");
}

TEST(CheckEnvelope, Env4CodeOfAnotherAction) {
  // InvalidFilter is DescribeJobs' own code, not DeleteJob's.
  HttpResponse r = ErrorResponse(kRequestId, ErrorCode::kInvalidFilter, "m");
  EXPECT_EQ(Check(r, Action::kDeleteJob), std::vector<Clause>{Clause::kEnvErrorShape});
  EXPECT_EQ(Check(r, Action::kDeleteJob, Profile::kLenient),
            std::vector<Clause>{Clause::kEnvErrorShape});
  EXPECT_EQ(Check(r, Action::kDescribeJobs), std::vector<Clause>{});
  // ResourceInUse.Job is DeleteJob's (and TerminateJob's), not DescribeJob's.
  HttpResponse in_use = ErrorResponse(kRequestId, ErrorCode::kResourceInUseJob, "m");
  EXPECT_EQ(Check(in_use, Action::kDeleteJob), std::vector<Clause>{});
  EXPECT_EQ(Check(in_use, Action::kDescribeJob), std::vector<Clause>{Clause::kEnvErrorShape});
}

TEST(CheckEnvelope, Env4MessageEmptyOrMissing) {
  auto v =
      CheckEnvelope(ParseAnswer(ErrorResponse(kRequestId, ErrorCode::kResourceNotFoundJob, "")),
                    Action::kDeleteJob, Profile::kStrict);
  ASSERT_EQ(v.size(), 1U);
  EXPECT_EQ(v[0].clause, Clause::kEnvErrorShape);
  EXPECT_EQ(v[0].detail, "Response.Error.Message is missing or empty");
  EXPECT_EQ(
      Check(JsonBody(
          {{"Response", {{"Error", {{"Code", "InternalError"}}}, {"RequestId", kRequestId}}}})),
      std::vector<Clause>{Clause::kEnvErrorShape});
}

TEST(CheckEnvelope, Env4CodeMissingAndMessageMissing) {
  auto v = CheckEnvelope(
      ParseAnswer(JsonBody({{"Response", {{"Error", "boom"}, {"RequestId", kRequestId}}}})),
      Action::kDeleteJob, Profile::kStrict);
  ASSERT_EQ(v.size(), 2U);
  EXPECT_EQ(v[0].clause, Clause::kEnvErrorShape);
  EXPECT_EQ(v[0].detail, "Response.Error.Code is missing or not a string");
  EXPECT_EQ(v[1].clause, Clause::kEnvErrorShape);
}

TEST(CheckEnvelope, Env5ExtraFieldInADeleteJobSuccessIsStrictOnly) {
  HttpResponse r = SuccessResponse(kRequestId, {{"JobId", "job-f5da1edl"}});
  auto strict = CheckEnvelope(ParseAnswer(r), Action::kDeleteJob, Profile::kStrict);
  ASSERT_EQ(strict.size(), 1U);
  EXPECT_EQ(strict[0].clause, Clause::kEnvDeleteSuccessShape);
  EXPECT_EQ(strict[0].detail, "a successful DeleteJob answer holds more than RequestId");
  EXPECT_EQ(Check(r, Action::kDeleteJob, Profile::kLenient), std::vector<Clause>{});
  // Other actions answer fields beside RequestId.
  EXPECT_EQ(Check(r, Action::kDescribeJob, Profile::kStrict), std::vector<Clause>{});
  EXPECT_EQ(Check(r, Action::kTerminateJob, Profile::kStrict), std::vector<Clause>{});
}

TEST(CheckEnvelope, SeveralViolationsAtOnce) {
  HttpResponse r =
      Response(500, "text/plain", R"({"Response":{"Error":{"Code":"Nope","Message":""}}})");
  EXPECT_EQ(Check(r),
            (std::vector<Clause>{Clause::kEnvShape, Clause::kEnvShape, Clause::kEnvRequestId,
                                 Clause::kEnvErrorShape, Clause::kEnvErrorShape}));
}

// ----- IsLowercaseUuid -----

TEST(IsLowercaseUuid, Shapes) {
  EXPECT_TRUE(IsLowercaseUuid("0ffc9347-a47a-43a6-a64a-aa77fda7ea13"));
  EXPECT_TRUE(IsLowercaseUuid("00000000-0000-0000-0000-000000000000"));
  EXPECT_FALSE(IsLowercaseUuid("0FFC9347-A47A-43A6-A64A-AA77FDA7EA13"));
  EXPECT_FALSE(IsLowercaseUuid("0ffc9347-a47a-43a6-a64a-aa77fda7ea1"));    // 35 characters
  EXPECT_FALSE(IsLowercaseUuid("0ffc9347-a47a-43a6-a64a-aa77fda7ea133"));  // 37 characters
  EXPECT_FALSE(IsLowercaseUuid("0ffc9347a-47a-43a6-a64a-aa77fda7ea13"));   // dash moved
  EXPECT_FALSE(IsLowercaseUuid("0ffc9347-a47a-43a6-a64a-aa77fda7ea1g"));
  EXPECT_FALSE(IsLowercaseUuid("0ffc9347_a47a_43a6_a64a_aa77fda7ea13"));
  EXPECT_FALSE(IsLowercaseUuid("{ffc9347-a47a-43a6-a64a-aa77fda7ea1}"));
  EXPECT_FALSE(IsLowercaseUuid(""));
}

}  // namespace
}  // namespace dj::protocol
