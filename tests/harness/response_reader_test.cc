// ResponseReader: every framing (Content-Length, chunked, the close), fed in any pieces, gives
// back the body; what is not HTTP/1.x is malformed; keep-alive as RFC 9112 §9.3 says.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "harness/protocol/response_reader.h"

namespace dj::protocol {
namespace {

using State = ResponseReader::State;

std::string Chunked(const std::string& body, const std::vector<std::size_t>& cuts) {
  std::string out;
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    std::size_t n = std::min(cut, body.size() - at);
    if (n == 0) continue;
    char size[20];
    std::snprintf(size, sizeof size, "%zx", n);
    out += std::string(size) + "\r\n" + body.substr(at, n) + "\r\n";
    at += n;
  }
  if (at < body.size()) {
    char size[20];
    std::snprintf(size, sizeof size, "%zX", body.size() - at);  // upper-case hex is allowed
    out += std::string(size) + "\r\n" + body.substr(at) + "\r\n";
  }
  return out + "0\r\n\r\n";
}

// Feeds the bytes in pieces cut at the given sizes; then the close, when asked.
State FeedInPieces(ResponseReader& r, const std::string& bytes, const std::vector<std::size_t>& cuts,
                   bool close) {
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    if (at >= bytes.size()) break;
    r.Feed(std::string_view(bytes).substr(at, cut + 1));
    at += cut + 1;
  }
  if (at < bytes.size()) r.Feed(std::string_view(bytes).substr(at));
  return close ? r.Finish() : r.state();
}

RC_GTEST_PROP(ResponseReader, EveryFramingInAnyPiecesGivesTheBody, ()) {
  std::string body = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
  int framing = *rc::gen::inRange(0, 3);
  auto chunks = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(1, 40));
  auto cuts = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 30));
  std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
  std::string bytes;
  if (framing == 0) bytes = head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  if (framing == 1) bytes = head + "Transfer-Encoding: chunked\r\n\r\n" + Chunked(body, chunks);
  if (framing == 2) bytes = head + "\r\n" + body;
  ResponseReader r(1 << 20);
  State s = FeedInPieces(r, bytes, cuts, framing == 2);
  RC_ASSERT(s == State::kDone);
  RC_ASSERT(r.response().body == body);
  RC_ASSERT(r.response().status == 200);
  RC_ASSERT(r.KeepAlive() == (framing != 2));
}

TEST(ResponseReader, ReadsHeadersWithBareLineFeedsAndSkipsInformationalAnswers) {
  ResponseReader r(100);
  EXPECT_EQ(r.Feed("HTTP/1.1 100 Continue\n\nHTTP/1.1 404 Not Found\nX-A:  b \nContent-Length: 2\n\nok"),
            State::kDone);
  EXPECT_EQ(r.response().status, 404);
  ASSERT_EQ(r.response().headers.size(), 2U);
  EXPECT_EQ(r.response().headers[0].second, "b");
  EXPECT_EQ(r.response().body, "ok");
}

TEST(ResponseReader, WhatIsNotAnHttpAnswerIsMalformed) {
  for (std::string bad : {"SSH-2.0-OpenSSH\r\n", "HTTP/2 200\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n",
                          "HTTP/1.1 200 OK\r\n folded: x\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx",
                          "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n"}) {
    ResponseReader r(100);
    EXPECT_EQ(r.Feed(bad), State::kMalformed) << bad;
    EXPECT_FALSE(r.error().empty());
  }
}

TEST(ResponseReader, AnAnswerCutShortIsMalformedAtTheClose) {
  for (std::string cut : {"", "HTTP/1.1 200", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"}) {
    ResponseReader r(100);
    r.Feed(cut);
    EXPECT_EQ(r.Finish(), State::kMalformed) << cut;
  }
}

TEST(ResponseReader, ABodyOverTheCapIsTooLargeBeforeItIsRead) {
  ResponseReader by_length(10);
  EXPECT_EQ(by_length.Feed("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n"), State::kTooLarge);
  ResponseReader by_chunks(10);
  EXPECT_EQ(by_chunks.Feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\n"),
            State::kTooLarge);
  ResponseReader by_close(10);
  EXPECT_EQ(by_close.Feed("HTTP/1.1 200 OK\r\n\r\n01234567890"), State::kTooLarge);
  ResponseReader endless_head(10);
  EXPECT_EQ(endless_head.Feed("HTTP/1.1 200 OK\r\nX: " + std::string(ResponseReader::kMaxHead, 'a')),
            State::kTooLarge);
}

TEST(ResponseReader, KeepAliveFollowsTheVersionAndTheConnectionHeader) {
  auto keep = [](const std::string& head) {
    ResponseReader r(100);
    r.Feed(head + "Content-Length: 0\r\n\r\n");
    return r.KeepAlive();
  };
  EXPECT_TRUE(keep("HTTP/1.1 200 OK\r\n"));
  EXPECT_FALSE(keep("HTTP/1.1 200 OK\r\nConnection: Close\r\n"));
  EXPECT_FALSE(keep("HTTP/1.1 200 OK\r\nConnection: upgrade, close\r\n"));
  EXPECT_FALSE(keep("HTTP/1.0 200 OK\r\n"));
  EXPECT_TRUE(keep("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n"));
  ResponseReader extra(100);
  extra.Feed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n");
  EXPECT_FALSE(extra.KeepAlive());  // bytes nobody asked for: the stream is out of step
}

TEST(ResponseReader, NoContentAndNotModifiedHaveNoBody) {
  ResponseReader r(100);
  EXPECT_EQ(r.Feed("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"), State::kDone);
  EXPECT_TRUE(r.response().body.empty());
  EXPECT_TRUE(r.KeepAlive());
  // Bytes after a 204 are not its body: the stream is out of step, whether they came with the
  // head or after it (corpora/http_answer/regressions/bytes-after-a-204-answer).
  for (bool together : {true, false}) {
    ResponseReader extra(100);
    std::string head = "HTTP/1.1 304 Not Modified\r\n\r\n";
    extra.Feed(together ? head + "junk" : head);
    if (!together) extra.Feed("junk");
    EXPECT_EQ(extra.state(), State::kDone);
    EXPECT_TRUE(extra.response().body.empty());
    EXPECT_FALSE(extra.KeepAlive()) << together;
  }
}

}  // namespace
}  // namespace dj::protocol
