// The mock's edges: the control extension exactly as target-contract §2 writes it, paths,
// methods and malformed bytes over real HTTP, cpp-httplib's own refusals, keep-alive, and
// that the mock still answers correctly afterwards (ROB-1).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness/protocol/envelope.h"
#include "models/job_id.h"
#include "tests/harness/mock_fixture.h"

namespace dj::testing {
namespace {

using nlohmann::json;

protocol::HttpResponse Control(MockFixture& f, std::string_view what, std::string body,
                               std::string method = "POST", std::string token = {}) {
  protocol::HttpRequest r;
  r.method = std::move(method);
  r.target = "/_conformance/" + std::string(what);
  r.headers = {{"Host", f.target().HostHeader()}, {"Content-Type", "application/json"}};
  if (!token.empty()) r.headers.emplace_back("X-Conformance-Token", token);
  r.body = std::move(body);
  auto sent = f.target().Send(r);
  EXPECT_TRUE(sent.ok());
  return sent.ok() ? *sent : protocol::HttpResponse{};
}

class EdgeTest : public ::testing::TestWithParam<Via> {};

TEST_P(EdgeTest, ControlJobsCreatesAndReplaces) {
  MockFixture f(GetParam());
  auto r = Control(f, "jobs", R"({"JobId":"job-ab12cd34","JobState":"RUNNING","Tasks":[]})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body), json({{"JobId", "job-ab12cd34"}}));
  r = Control(
      f, "jobs",
      R"({"JobId":"job-ab12cd34","JobState":"SUCCEED","Tasks":[{"TaskName":"t","InstanceStates":["FAILED"]}]})");
  EXPECT_EQ(r.status, 200);
  model::Store store = f.service().SnapshotStore();
  ASSERT_EQ(store.size(), 1U);
  EXPECT_EQ(store.Find("job-ab12cd34")->state, model::State::kSucceed);
  // A fresh, well-formed id when JobId is absent.
  r = Control(f, "jobs", R"({"JobState":"PENDING","Tasks":[]})");
  std::string fresh = json::parse(r.body)["JobId"];
  EXPECT_TRUE(model::IsWellFormedJobId(fresh)) << fresh;
  EXPECT_NE(fresh, "job-ab12cd34");
}

TEST_P(EdgeTest, ControlRefusesBadBodies) {
  MockFixture f(GetParam());
  for (const char* body :
       {"", "[]", "{", R"({"JobState":"DONE","Tasks":[]})", R"({"JobState":"RUNNING"})",
        R"({"JobState":"RUNNING","Tasks":[{"TaskName":"t","InstanceStates":["running"]}]})"}) {
    EXPECT_EQ(Control(f, "jobs", body).status, 400) << body;
  }
  for (const char* body : {"{}", R"({"AdvanceMs":-1})", R"({"AdvanceMs":1.5})",
                           R"({"AdvanceMs":"5"})", R"({"AdvanceMs":5,"X":1})"}) {
    EXPECT_EQ(Control(f, "clock", body).status, 400) << body;
  }
  EXPECT_EQ(Control(f, "jobs", "{}", "GET").status, 405);
  EXPECT_EQ(Control(f, "nothing", "{}").status, 404);
  EXPECT_EQ(f.service().SnapshotStore().size(), 0U);
}

TEST_P(EdgeTest, ControlClockAndReset) {
  MockFixture f(GetParam());
  EXPECT_EQ(json::parse(Control(f, "clock", R"({"AdvanceMs":250})").body), json({{"NowMs", 250}}));
  EXPECT_EQ(json::parse(Control(f, "clock", R"({"AdvanceMs":0})").body), json({{"NowMs", 250}}));
  f.Create("SUCCEED", {});
  f.Send(model::DeleteJobRequest("job-00000001"));
  f.Send(model::DeleteJobRequest("job-00000002"));
  ASSERT_EQ(OutcomeText(f.Send(model::DeleteJobRequest("job-00000003"))), "RequestLimitExceeded");
  auto r = Control(f, "reset", "{}");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body), json::object());
  EXPECT_EQ(f.service().SnapshotStore().size(), 0U);
  // Every rate-limit window is empty again, and the clock is back to 0.
  EXPECT_EQ(OutcomeText(f.Send(model::DeleteJobRequest("job-00000003"))), "ResourceNotFound.Job");
  EXPECT_EQ(json::parse(Control(f, "clock", R"({"AdvanceMs":1})").body), json({{"NowMs", 1}}));
}

TEST_P(EdgeTest, ControlTokenIsRequiredWhenSet) {
  mock::MockConfig config = ControlConfig();
  config.control_token = "s3cret-token";
  MockFixture f(GetParam(), config);
  EXPECT_EQ(Control(f, "reset", "{}").status, 403);
  EXPECT_EQ(Control(f, "reset", "{}", "POST", "wrong").status, 403);
  EXPECT_EQ(Control(f, "reset", "{}", "POST", "s3cret-token").status, 200);
}

TEST_P(EdgeTest, WithoutControlTheExtensionDoesNotExist) {
  mock::MockConfig config = ControlConfig();
  config.control = false;
  MockFixture f(GetParam(), config);
  auto r = Control(f, "jobs", R"({"JobState":"SUCCEED","Tasks":[]})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(f.service().SnapshotStore().size(), 0U);
}

TEST_P(EdgeTest, OtherPathsAreNotTheApi) {
  MockFixture f(GetParam());
  protocol::EncodeOptions o = f.api().Options();
  protocol::HttpRequest r = protocol::Encode(
      protocol::Call::Of(model::DescribeJobRequest("job-00000000"), "ap-guangzhou"),
      DefaultCredentials(), o);
  r.target = "/v2/";
  auto sent = f.target().Send(r);
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->status, 404);
  protocol::Answer a = protocol::ParseAnswer(*sent);
  EXPECT_TRUE(a.json_envelope);
  EXPECT_EQ(a.code, model::ErrorCode::kResourceNotFound);
}

INSTANTIATE_TEST_SUITE_P(Targets, EdgeTest, ::testing::Values(Via::kHttp, Via::kInProcess),
                         ViaName);

// Over real HTTP only: what cpp-httplib sees before the mock does.
class HttpEdgeTest : public ::testing::Test {
 protected:
  MockFixture f{Via::kHttp};
  httplib::Client raw{f.target().Name().substr(0, f.target().Name().size() - 1)};

  void SetUp() override {
    raw.set_url_encode(false);
    raw.set_read_timeout(std::chrono::seconds(10));
  }

  // A canary: the mock still answers a valid request correctly (ROB-1).
  void ExpectAlive() {
    EXPECT_EQ(OutcomeText(f.Send(model::DescribeJobRequest(canary_))), "success");
  }
  std::string canary_ = f.Create("SUCCEED", {"SUCCEED"});
};

protocol::Answer AnswerOf(const httplib::Result& res) {
  EXPECT_TRUE(res) << httplib::to_string(res.error());
  if (!res) return {};
  protocol::HttpResponse r;
  r.status = res->status;
  for (const auto& [k, v] : res->headers) r.headers.emplace_back(k, v);
  r.body = res->body;
  return protocol::ParseAnswer(r);
}

TEST_F(HttpEdgeTest, MethodsOtherThanGetAndPostAreUnsupportedProtocol) {
  for (const char* method : {"PUT", "DELETE", "PATCH", "OPTIONS"}) {
    httplib::Request req;
    req.method = method;
    req.path = "/";
    req.body = "{}";
    req.headers.emplace("Content-Type", "application/json");
    protocol::Answer a = AnswerOf(raw.send(req));
    EXPECT_EQ(a.http_status, 200) << method;
    EXPECT_EQ(a.code, model::ErrorCode::kUnsupportedProtocol) << method;
    EXPECT_TRUE(a.request_id.has_value()) << method;
  }
  ExpectAlive();
}

TEST_F(HttpEdgeTest, ARequestLineOverHttplibsLimitGetsTheSizeError) {
  // cpp-httplib refuses request lines over 8 KiB itself (414); the mock's error handler turns
  // that into the documented envelope. (The API allows GET up to 32 KB: a known limit of the
  // HTTP adapter; in-process the 32 KB rule applies.)
  protocol::Answer a =
      AnswerOf(raw.Get(("/?Action=DeleteJob&JobId=" + std::string(40000, 'a')).c_str()));
  EXPECT_EQ(a.http_status, 200);
  EXPECT_EQ(a.code, model::ErrorCode::kRequestSizeLimitExceeded);
  ExpectAlive();
}

TEST_F(HttpEdgeTest, GarbageBodiesAndHeadersGetEnvelopes) {
  for (const std::string& body :
       {std::string("\xff\xfe\x00\x01", 4), std::string("{\"JobId\":"), std::string(100000, '{')}) {
    httplib::Headers headers = {{"Content-Type", "application/json"},
                                {"Authorization", "TC3-HMAC-SHA256 nonsense"}};
    protocol::Answer a = AnswerOf(raw.Post("/", headers, body, "application/json"));
    EXPECT_EQ(a.http_status, 200);
    EXPECT_TRUE(a.json_envelope);
    EXPECT_TRUE(a.has_error);
  }
  protocol::Answer form =
      AnswerOf(raw.Post("/", "Action=DeleteJob&=&&%", "application/x-www-form-urlencoded"));
  EXPECT_EQ(form.code, model::ErrorCode::kInvalidParameter);
  ExpectAlive();
}

// cpp-httplib leaves a GET's body unread when it arrives after the headers; the next request
// on the connection would then be parsed from those bytes. The mock tells the client to close
// such a connection. (Deterministic: the body is never sent, the answer is read first.)
TEST_F(HttpEdgeTest, GetWithADeclaredBodyClosesTheConnection) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(f.target().HostHeader().substr(10))));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::string head = "GET /_conformance/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n";
  ASSERT_EQ(::send(fd, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  std::string answer;
  char buf[4096];
  while (answer.find("}") == std::string::npos) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    answer.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  EXPECT_NE(answer.find("HTTP/1.1 405"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos) << answer;
  ExpectAlive();
}

TEST_F(HttpEdgeTest, KeepAliveServesManyRequestsOnOneConnection) {
  // cpp-httplib's default closes a connection after 5 requests; the mock raises that.
  for (int i = 0; i < 20; ++i) ExpectAlive();
}

TEST_F(HttpEdgeTest, V1PostOverOneMegabyteIsRefused) {
  protocol::EncodeOptions o = f.api().Options();
  o.style = protocol::Style::kFormPost;
  protocol::Call call =
      protocol::Call::Of(model::DescribeJobRequest("job-00000000"), "ap-guangzhou");
  call.params["Padding"] = std::string(protocol::kV1PostLimitBytes, 'x');
  EXPECT_EQ(OutcomeText(f.Send(call, o)), "RequestSizeLimitExceeded");
  ExpectAlive();
}

}  // namespace
}  // namespace dj::testing

namespace dj::testing {
namespace {

// MockService parses and verifies a request before its lock (PreReadRequest); Respond must
// answer exactly as when it reads the request itself, whatever the request.
TEST(PreRead, RespondAnswersTheSameWithAndWithoutIt) {
  constexpr std::int64_t kNow = 1735689599;
  mock::MockConfig config;
  config.control = true;
  protocol::Credentials creds{std::string(mock::kDefaultSecretId),
                              std::string(mock::kDefaultSecretKey), ""};
  std::vector<protocol::HttpRequest> requests;
  for (protocol::Style style : {protocol::Style::kApi3Post, protocol::Style::kApi3Get,
                                protocol::Style::kQueryGet, protocol::Style::kFormPost}) {
    for (int variant = 0; variant < 6; ++variant) {
      protocol::EncodeOptions o;
      o.style = style;
      o.timestamp = kNow;
      if (variant == 1) o.faults.wrong_key = true;
      if (variant == 2) o.faults.timestamp_text = std::to_string(kNow - 400);
      if (variant == 3) o.faults.method = "PUT";
      if (variant == 4) o.faults.raw_body = "[1, 2";
      model::ApiRequest api =
          variant == 5 ? model::DeleteJobRequest("JOB-1") : model::DeleteJobRequest("job-aaaaaaaa");
      requests.push_back(protocol::Encode(protocol::Call::Of(api, "ap-guangzhou"), creds, o));
    }
  }
  mock::MockState with;
  mock::MockState without;
  with.rng.seed(3);
  without.rng.seed(3);
  mock::Clocks clocks{kNow, 0};
  protocol::HttpRequest job;
  job.method = "POST";
  job.target = "/_conformance/jobs";
  job.body = R"({"JobId":"job-aaaaaaaa","JobState":"SUCCEED","Tasks":[]})";
  ASSERT_EQ(mock::Respond(with, config, job, clocks), mock::Respond(without, config, job, clocks));
  for (const protocol::HttpRequest& r : requests) {
    mock::PreRead pre = mock::PreReadRequest(config, r, clocks.wall_seconds);
    protocol::HttpResponse read_before =
        mock::Respond(with, config, r, clocks, nullptr, nullptr, &pre);
    EXPECT_EQ(read_before, mock::Respond(without, config, r, clocks))
        << r.method << " " << r.target << " " << r.body.substr(0, 80);
  }
  EXPECT_EQ(with.store, without.store);
}

}  // namespace
}  // namespace dj::testing
