// HttpTarget against peers on raw sockets (raw_peer.h), which share no code with the client:
// answers that come before the whole request was sent, chunked answers, Connection: close and
// keep-alive limits, the call's deadline, the answer cap, and the kind of every failure.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "harness/client/http_target.h"
#include "tests/harness/raw_peer.h"

namespace dj::testing {
namespace {

using client::HttpTarget;
using client::HttpTargetOptions;
using client::TransportErrorKind;
using End = RawPeer::End;

const std::string kRefusal =
    R"({"Response":{"Error":{"Code":"RequestSizeLimitExceeded","Message":"too large"},)"
    R"("RequestId":"6f1c2b8e-1d3a-4c5b-9e7f-0a1b2c3d4e5f"}})";
const std::string kOk = R"({"Response":{"RequestId":"6f1c2b8e-1d3a-4c5b-9e7f-0a1b2c3d4e5f"}})";

std::unique_ptr<HttpTarget> Client(const RawPeer& peer, HttpTargetOptions options = {}) {
  auto t = HttpTarget::Create(peer.Url(), options);
  EXPECT_TRUE(t.ok());
  return std::move(*t);
}

protocol::HttpRequest Post(std::size_t body_bytes, const std::string& type = "application/json") {
  protocol::HttpRequest r;
  r.method = "POST";
  r.headers = {{"Host", "127.0.0.1"}, {"Content-Type", type}};
  r.body.assign(body_bytes, 'x');
  return r;
}

protocol::HttpRequest Get(std::size_t target_bytes) {
  protocol::HttpRequest r;
  r.target = "/?Action=DescribeJobs&Pad=";
  r.target.resize(std::max(target_bytes, r.target.size()), 'a');
  r.headers = {{"Host", "127.0.0.1"}};
  return r;
}

// Reads one request whole (head and Content-Length body); false when the client closed.
bool ReadRequest(int fd) {
  std::string head = RawPeer::ReadHead(fd);
  if (head.empty()) return false;
  std::size_t n = RawPeer::ContentLength(head);
  return RawPeer::ReadBytes(fd, n) == n;
}

// Serves whole requests with `answer` until the client closes.
End KeepServing(int fd, const std::string& answer) {
  while (ReadRequest(fd)) {
    if (!RawPeer::WriteAll(fd, answer)) break;
  }
  return End::kClose;
}

// Each size limit of the API (GET 32 KB, v1 POST 1 MB, v3 POST 10 MB) one byte over, refused
// by a front end that reads only the start of the request, answers and closes: the answer is
// read, although the request could not be sent whole.
struct Oversize {
  const char* name;
  protocol::HttpRequest request;
};

class EarlyAnswer : public ::testing::TestWithParam<int> {};

TEST_P(EarlyAnswer, IsReadWhenTheFrontEndClosesWithoutReadingTheRest) {
  std::vector<Oversize> cases = {
      {"GET over 32 KB", Get(32 * 1024 + 1)},
      {"v1 POST over 1 MB", Post((1 << 20) + 1, "application/x-www-form-urlencoded")},
      {"v3 POST over 10 MB", Post((10 << 20) + 1)},
  };
  const Oversize& c = cases[static_cast<std::size_t>(GetParam())];
  RawPeer peer([](int fd) {
    char start[1024];
    if (::recv(fd, start, sizeof start, 0) <= 0) return End::kClose;
    RawPeer::WriteAll(fd, RawPeer::Answer(200, kRefusal, "Connection: close\r\n"));
    return End::kClose;  // with unread bytes: the kernel resets the connection
  });
  auto target = Client(peer);
  auto sent = target->Send(c.request);
  ASSERT_TRUE(sent.ok()) << c.name << ": " << sent.error().message;
  EXPECT_EQ(sent->status, 200) << c.name;
  EXPECT_EQ(sent->body, kRefusal) << c.name;
  // The connection is not used again: the next call opens another.
  auto again = target->Send(Get(100));
  EXPECT_EQ(peer.accepted(), 2) << c.name;
  (void)again;
}

INSTANTIATE_TEST_SUITE_P(EveryLimit, EarlyAnswer, ::testing::Values(0, 1, 2));

TEST(HttpTransport, AFrontEndStatusWithAnHtmlBodyIsAnAnswerToo) {
  const std::string html = "<html><body><h1>413 Request Entity Too Large</h1></body></html>";
  RawPeer peer([&](int fd) {
    RawPeer::ReadHead(fd);
    RawPeer::WriteAll(fd, "HTTP/1.1 413 Request Entity Too Large\r\nContent-Type: text/html\r\n"
                          "Content-Length: " + std::to_string(html.size()) +
                              "\r\nConnection: close\r\n\r\n" + html);
    return End::kClose;
  });
  auto sent = Client(peer)->Send(Post((10 << 20) + 1));
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  EXPECT_EQ(sent->status, 413);
  EXPECT_EQ(sent->body, html);
}

TEST(HttpTransport, ACloseAfterTheWholeRequestWithoutAnswerSaysTheRequestWasSent) {
  RawPeer peer([](int fd) {
    ReadRequest(fd);
    return End::kClose;
  });
  auto sent = Client(peer)->Send(Post(100));
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, TransportErrorKind::kClosed) << sent.error().message;
  EXPECT_TRUE(sent.error().whole_request_sent);
}

TEST(HttpTransport, AResetDuringTheUploadWithoutAnswerSaysTheRequestWasNotSentWhole) {
  RawPeer peer([](int fd) {
    RawPeer::ReadHead(fd);
    return End::kReset;
  });
  auto sent = Client(peer)->Send(Post(10 << 20));
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, TransportErrorKind::kClosed) << sent.error().message;
  EXPECT_FALSE(sent.error().whole_request_sent);
}

TEST(HttpTransport, AChunkedAnswerIsReassembledAndTheConnectionKept) {
  RawPeer peer([](int fd) {
    while (ReadRequest(fd)) {
      // Pieces that split sizes, data and the chunk ends, an extension and a trailer.
      for (const char* piece :
           {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r",
            "\n1", "0\r\n{\"Response\":{\"R", "e\r\ne;x=1\r\nquestId\":\"a\"}}\r\n",
            "0\r\nX-Trailer: 1\r\n", "\r\n"}) {
        RawPeer::WriteAll(fd, piece);
      }
    }
    return End::kClose;
  });
  auto target = Client(peer);
  for (int i = 0; i < 3; ++i) {
    auto sent = target->Send(Post(10));
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    EXPECT_EQ(sent->body, R"({"Response":{"RequestId":"a"}})");
  }
  EXPECT_EQ(peer.accepted(), 1);
}

TEST(HttpTransport, GetsAndPostsShareOneKeptConnection) {
  RawPeer peer([](int fd) { return KeepServing(fd, RawPeer::Answer(200, kOk)); });
  auto target = Client(peer);
  for (int i = 0; i < 4; ++i) {
    auto sent = target->Send(i % 2 == 0 ? Post(10) : Get(100));
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    EXPECT_EQ(sent->body, kOk);
  }
  EXPECT_EQ(peer.accepted(), 1);
}

TEST(HttpTransport, ConnectionCloseOnEveryAnswerOpensANewConnectionEachTime) {
  RawPeer peer([](int fd) {
    ReadRequest(fd);
    RawPeer::WriteAll(fd, RawPeer::Answer(200, kOk, "Connection: close\r\n"));
    return End::kClose;
  });
  auto target = Client(peer);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(target->Send(Post(10)).ok());
  EXPECT_EQ(peer.accepted(), 3);
}

TEST(HttpTransport, AKeepAliveLimitIsMetByReconnecting) {
  // The server closes after two answers without saying so, as a keep-alive limit does.
  RawPeer peer([](int fd) {
    for (int i = 0; i < 2 && ReadRequest(fd); ++i) RawPeer::WriteAll(fd, RawPeer::Answer(200, kOk));
    return End::kClose;
  });
  auto target = Client(peer);
  for (int i = 0; i < 6; ++i) {
    auto sent = target->Send(Post(10));
    ASSERT_TRUE(sent.ok()) << i << ": " << sent.error().message;
  }
  EXPECT_EQ(peer.accepted(), 3);
}

TEST(HttpTransport, AnHttp10AnswerWithoutKeepAliveClosesTheConnection) {
  RawPeer peer([](int fd) {
    ReadRequest(fd);
    RawPeer::WriteAll(fd, "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + kOk);
    return End::kClose;  // the body ends with the connection
  });
  auto target = Client(peer);
  for (int i = 0; i < 2; ++i) {
    auto sent = target->Send(Post(10));
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    EXPECT_EQ(sent->body, kOk);
  }
  EXPECT_EQ(peer.accepted(), 2);
}

TEST(HttpTransport, ATrickledAnswerIsATimeoutAtTheCallsDeadline) {
  // One byte every 20 ms: no single read waits long, only the whole call does.
  std::atomic<bool> done{false};
  RawPeer peer([&](int fd) {
    ReadRequest(fd);
    std::string answer = RawPeer::Answer(200, kOk);
    for (char c : answer) {
      if (done || !RawPeer::WriteAll(fd, std::string(1, c))) break;
      ::poll(nullptr, 0, 20);
    }
    return End::kClose;
  });
  HttpTargetOptions o;
  o.call_timeout_ms = 300;
  auto sent = Client(peer, o)->Send(Post(10));
  done = true;
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, TransportErrorKind::kTimeout) << sent.error().message;
  EXPECT_TRUE(sent.error().whole_request_sent);
}

TEST(HttpTransport, AnAnswerOverTheCapIsTooLargeWhateverItsFraming) {
  for (bool with_length : {true, false}) {
    RawPeer peer([&](int fd) {
      ReadRequest(fd);
      std::string body(2 << 20, 'x');
      RawPeer::WriteAll(fd, with_length ? RawPeer::Answer(200, body)
                                        : "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body);
      return End::kClose;
    });
    HttpTargetOptions o;
    o.max_answer_bytes = 1 << 20;
    auto sent = Client(peer, o)->Send(Post(10));
    ASSERT_FALSE(sent.ok()) << with_length;
    EXPECT_EQ(sent.error().kind, TransportErrorKind::kTooLarge) << sent.error().message;
  }
}

TEST(HttpTransport, BytesThatAreNotHttpAreMalformed) {
  RawPeer peer([](int fd) {
    ReadRequest(fd);
    RawPeer::WriteAll(fd, "SSH-2.0-OpenSSH_9.2\r\n");
    return End::kKeep;
  });
  auto sent = Client(peer)->Send(Post(10));
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, TransportErrorKind::kMalformed) << sent.error().message;
}

TEST(HttpTransport, AnAnswerCutShortIsMalformed) {
  RawPeer peer([](int fd) {
    ReadRequest(fd);
    std::string whole = RawPeer::Answer(200, kOk);
    RawPeer::WriteAll(fd, whole.substr(0, whole.size() - 10));
    return End::kClose;
  });
  auto sent = Client(peer)->Send(Post(10));
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, TransportErrorKind::kMalformed) << sent.error().message;
}

TEST(HttpTransport, InformationalAnswersAreSkipped) {
  RawPeer peer([](int fd) {
    ReadRequest(fd);
    RawPeer::WriteAll(fd, "HTTP/1.1 100 Continue\r\n\r\n" + RawPeer::Answer(200, kOk));
    return End::kClose;
  });
  auto sent = Client(peer)->Send(Post(10));
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  EXPECT_EQ(sent->status, 200);
  EXPECT_EQ(sent->body, kOk);
}

TEST(HttpTransport, TheCancelFlagEndsACallInFlight) {
  std::atomic<bool> cancel{false};
  RawPeer peer([&](int fd) {
    ReadRequest(fd);
    cancel = true;  // the client is waiting for an answer that never comes
    ReadRequest(fd);  // until the client closes or the peer stops
    return End::kClose;
  });
  HttpTargetOptions o;
  o.call_timeout_ms = 600'000;
  o.cancel = &cancel;
  auto sent = Client(peer, o)->Send(Post(10));
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, TransportErrorKind::kInterrupted) << sent.error().message;
}

TEST(HttpTransport, ARefusedConnectionIsAConnectFailure) {
  // A bound socket that does not listen: its port refuses connections while it is held.
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  auto target = HttpTarget::Create("http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)));
  ASSERT_TRUE(target.ok());
  auto sent = (*target)->Send(Post(10));
  ::close(fd);
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, TransportErrorKind::kConnect);
  EXPECT_NE(sent.error().message.find("refused"), std::string::npos) << sent.error().message;
}

}  // namespace
}  // namespace dj::testing
