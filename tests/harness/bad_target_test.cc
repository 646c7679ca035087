// A target that misbehaves on the wire (garbage, cut-off JSON, an empty reply, a 10 MiB body,
// silence, a lying Content-Length, a body dripped a byte at a time, an answer over the size cap)
// yields an ENV-1 or ROB-1 finding from RunConformance within the client's timeouts: never a
// crash, a hang or a RunError (issue 3, item 6).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "harness/client/http_target.h"
#include "harness/runner/runner.h"

namespace dj::run {
namespace {

// How the server answers each request it reads.
enum class Mode {
  kGarbage,             // 200, Content-Type application/json, random bytes that are not JSON
  kTruncatedJson,       // 200, application/json, an envelope cut off after its RequestId
  kEmptyReply,          // reads the request, then closes without writing a byte
  kHugeBody,            // 200, application/json, 10 MiB that is not JSON
  kSilent,              // reads the request, never answers, and never closes the connection
  kShortContentLength,  // a whole envelope, but Content-Length stops halfway; then closes
  kDrip,                // 200 with a long body sent one byte every 20 ms: never a read timeout
};

constexpr std::size_t kHugeBodyBytes = std::size_t{10} << 20;

std::string OkHeaders(std::size_t content_length, bool close) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(content_length) + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
}

std::string GarbageBody() {
  std::mt19937 rng(20240531);
  std::string body(512, '\0');
  for (char& c : body) c = static_cast<char>(rng() & 0xffU);
  body.front() = '\xff';  // no JSON text starts with this byte
  return body;
}

constexpr std::string_view kWholeEnvelope =
    R"({"Response":{"Error":{"Code":"ResourceNotFound.Job","Message":"no such job"},)"
    R"("RequestId":"6f1c2a3e-8d4b-4c5a-9e7f-0a1b2c3d4e5f"}})";

// An HTTP/1.1 server on 127.0.0.1 (an ephemeral port) that answers badly in one way. It reads
// every request whole (headers and Content-Length body) before it answers, and serves one
// connection at a time: the harness's client is synchronous.
class BadServer {
 public:
  explicit BadServer(Mode mode) : mode_(mode) {
    if (mode == Mode::kHugeBody) {
      huge_answer_ = OkHeaders(kHugeBodyBytes, false) + std::string(kHugeBodyBytes, 'x');
    }
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_GE(listen_fd_, 0) << "socket: errno " << errno;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0)
        << "bind: errno " << errno;
    EXPECT_EQ(::listen(listen_fd_, 16), 0) << "listen: errno " << errno;
    socklen_t len = sizeof addr;
    EXPECT_EQ(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~BadServer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
      if (conn_fd_ >= 0) ::shutdown(conn_fd_, SHUT_RDWR);
    }
    ::shutdown(listen_fd_, SHUT_RDWR);  // wakes the blocked accept()
    thread_.join();
    ::close(listen_fd_);
  }

  BadServer(const BadServer&) = delete;
  BadServer& operator=(const BadServer&) = delete;

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void Serve() {
    for (;;) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;  // the listening socket was shut down
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) {
          ::close(fd);
          return;
        }
        conn_fd_ = fd;
      }
      Handle(fd);
      {
        std::lock_guard<std::mutex> lock(mu_);
        conn_fd_ = -1;
      }
      ::close(fd);
    }
  }

  // Answers the requests of one connection; returns when the connection should be closed.
  void Handle(int fd) {
    std::string buffer;
    while (ReadRequest(fd, buffer)) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++requests_;
      }
      switch (mode_) {
        case Mode::kGarbage: {
          std::string body = GarbageBody();
          if (!WriteAll(fd, OkHeaders(body.size(), false) + body)) return;
          break;
        }
        case Mode::kTruncatedJson: {
          std::string body = R"({"Response":{"RequestId":"6f1c2a3e-8d4b-4c5a-9e7f-0a1b2c3d4e5f",)";
          if (!WriteAll(fd, OkHeaders(body.size(), false) + body)) return;
          break;
        }
        case Mode::kEmptyReply:
          return;
        case Mode::kHugeBody:
          // Read whole, then refused at its first byte. Built once: making 10 MiB per answer
          // (twice over with ASan) can pass the client's 100 ms read timeout by itself.
          if (!WriteAll(fd, huge_answer_)) return;
          break;
        case Mode::kDrip: {
          // A slow server, emulated: it waits between bytes (this is its behaviour, not a
          // synchronisation). It stops when the client goes or the server is stopped.
          if (!WriteAll(fd, OkHeaders(kWholeEnvelope.size() * 1000, false))) return;
          for (;;) {
            {
              std::lock_guard<std::mutex> lock(mu_);
              if (stopping_) return;
            }
            if (!WriteAll(fd, "{")) return;
            ::poll(nullptr, 0, 20);
          }
        }
        case Mode::kSilent:
          break;  // keep reading: the client gives up and closes, or the server stops
        case Mode::kShortContentLength:
          (void)WriteAll(fd,
                         OkHeaders(kWholeEnvelope.size() / 2, true) + std::string(kWholeEnvelope));
          return;
      }
    }
  }

  // Consumes one whole request (`buffer` keeps any bytes after it); false on end of stream.
  static bool ReadRequest(int fd, std::string& buffer) {
    std::size_t end = 0;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore(fd, buffer)) return false;
    }
    std::size_t total = end + 4 + ContentLength(std::string_view(buffer).substr(0, end));
    while (buffer.size() < total) {
      if (!ReadMore(fd, buffer)) return false;
    }
    buffer.erase(0, total);
    return true;
  }

  static bool ReadMore(int fd, std::string& buffer) {
    char chunk[4096];
    for (;;) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n > 0) {
        buffer.append(chunk, static_cast<std::size_t>(n));
        return true;
      }
      if (n < 0 && errno == EINTR) continue;
      return false;
    }
  }

  static std::size_t ContentLength(std::string_view head) {
    std::string lower(head);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    std::size_t at = lower.find("\r\ncontent-length:");
    if (at == std::string::npos) return 0;
    std::size_t from = lower.find_first_not_of(' ', at + 17);
    std::size_t value = 0;
    if (from != std::string::npos) {
      std::from_chars(lower.data() + from, lower.data() + lower.size(), value);
    }
    return value;
  }

  static bool WriteAll(int fd, std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  const Mode mode_;
  std::string huge_answer_;  // kHugeBody's, headers and body
  int listen_fd_ = -1;
  int port_ = 0;
  mutable std::mutex mu_;
  bool stopping_ = false;  // guarded by mu_
  int conn_fd_ = -1;       // the connection being served, guarded by mu_
  int requests_ = 0;       // guarded by mu_
  std::thread thread_;
};

// RunConformance against the server with short timeouts and no control extension; the results,
// or std::nullopt (with a test failure) when the run could not complete.
std::optional<report::Results> RunAgainst(const BadServer& server, int runs = 3, int max_steps = 5,
                                          std::size_t max_answer_bytes = std::size_t{16} << 20) {
  client::HttpTargetOptions options;
  options.connect_timeout_ms = 100;
  options.read_timeout_ms = 100;
  options.write_timeout_ms = 100;
  options.max_answer_bytes = max_answer_bytes;
  auto target = client::HttpTarget::Create(server.Url(), options);
  if (!target) {
    ADD_FAILURE() << target.error();
    return std::nullopt;
  }
  RunConfig config;
  config.seed = 3;
  config.runs = runs;
  config.max_steps = max_steps;
  config.styles = {protocol::Style::kApi3Post};
  config.styles_name = "api3";
  config.target_name = server.Url();
  config.control_name = "none";
  // Not the size probes: 10 MB bodies against 100 ms write timeouts would be ROB-1 findings of
  // the timeouts, not of the answers these tests are about.
  config.examples = false;
  // Pacing under DeleteJob's rate limit runs on a clock of its own, so no test waits for it.
  auto clock = std::make_shared<std::int64_t>(0);
  config.driver.steady_ms = [clock] { return *clock; };
  config.driver.sleep_ms = [clock](std::int64_t ms) { *clock += ms; };
  protocol::Credentials credentials{"AKIDfakeBadTarget00000000000000000001", "fakeKey0001", ""};
  auto results = RunConformance(config, **target, nullptr, credentials);
  if (!results) {
    ADD_FAILURE() << "RunError " << results.error().exit_code << ": " << results.error().message;
    return std::nullopt;
  }
  return std::move(*results);
}

// The run failed exactly `clause`, with a message holding `says` and a short shrunk history.
void ExpectOnlyFailure(const report::Results& results, std::string_view clause,
                       std::string_view says) {
  std::set<std::string> failed;
  std::string messages;
  for (const report::ClauseResult& c : results.clauses) {
    if (c.status != report::Status::kFailed) continue;
    failed.insert(c.id);
    if (c.failure) messages += c.id + ": " + c.failure->message + "\n";
  }
  EXPECT_EQ(failed, std::set<std::string>{std::string(clause)}) << messages;
  auto it = std::find_if(results.clauses.begin(), results.clauses.end(),
                         [&](const report::ClauseResult& c) { return c.id == clause; });
  ASSERT_NE(it, results.clauses.end());
  ASSERT_EQ(it->status, report::Status::kFailed);
  ASSERT_TRUE(it->failure.has_value());
  const report::FailureReport& f = *it->failure;
  EXPECT_EQ(f.clause, clause);
  EXPECT_NE(f.message.find(says), std::string::npos) << f.message;
  EXPECT_GE(f.requests, 1);
  EXPECT_LE(f.requests, 3) << nlohmann::json(f).dump(2, ' ', false,
                                                     nlohmann::json::error_handler_t::replace);
  EXPECT_LE(f.steps.size(), 2U) << f.steps.dump();
}

TEST(BadTarget, GarbageBodyIsEnvShape) {
  BadServer server(Mode::kGarbage);
  auto results = RunAgainst(server);
  ASSERT_TRUE(results);
  EXPECT_GT(server.requests(), 0);
  ExpectOnlyFailure(*results, "ENV-1", "the body is not JSON");
}

TEST(BadTarget, TruncatedJsonIsEnvShape) {
  BadServer server(Mode::kTruncatedJson);
  auto results = RunAgainst(server);
  ASSERT_TRUE(results);
  EXPECT_GT(server.requests(), 0);
  ExpectOnlyFailure(*results, "ENV-1", "the body is not JSON");
}

TEST(BadTarget, EmptyReplyIsRobAlive) {
  BadServer server(Mode::kEmptyReply);
  auto results = RunAgainst(server);
  ASSERT_TRUE(results);
  EXPECT_GT(server.requests(), 0);
  ExpectOnlyFailure(*results, "ROB-1", "no answer");
}

TEST(BadTarget, TenMebibyteBodyIsEnvShape) {
  BadServer server(Mode::kHugeBody);
  auto results = RunAgainst(server, 1);
  ASSERT_TRUE(results);
  EXPECT_GT(server.requests(), 0);
  ExpectOnlyFailure(*results, "ENV-1", "the body is not JSON");
}

// An answer longer than the client's cap is not read to its end: no answer, not an envelope.
TEST(BadTarget, AnswerOverTheSizeCapIsAnEnvelopeFinding) {
  BadServer server(Mode::kHugeBody);
  auto results = RunAgainst(server, 1, 5, /*max_answer_bytes=*/std::size_t{1} << 20);
  ASSERT_TRUE(results);
  // The target answered, with more than the client reads: ENV-1, not "no answer".
  ExpectOnlyFailure(*results, "ENV-1", "over the cap of 1048576 bytes");
}

// Each read gets a byte well within the read timeout, so only the whole call's deadline ends it.
TEST(BadTarget, DrippedBodyIsCutOffByTheCallDeadline) {
  BadServer server(Mode::kDrip);
  auto results = RunAgainst(server);
  ASSERT_TRUE(results);
  ExpectOnlyFailure(*results, "ROB-1", "no whole answer within 300 ms");
}

TEST(BadTarget, SilenceIsRobAlive) {
  BadServer server(Mode::kSilent);
  auto results = RunAgainst(server);
  ASSERT_TRUE(results);
  EXPECT_GT(server.requests(), 0);
  ExpectOnlyFailure(*results, "ROB-1", "no answer");
}

TEST(BadTarget, ShortContentLengthIsEnvShape) {
  BadServer server(Mode::kShortContentLength);
  auto results = RunAgainst(server);
  ASSERT_TRUE(results);
  EXPECT_GT(server.requests(), 0);
  ExpectOnlyFailure(*results, "ENV-1", "the body is not JSON");
}

// With the default --runs and --steps, a target that never answers still ends the run after a
// few more timeouts once ROB-1 is reported, instead of one timeout per remaining history.
TEST(BadTarget, SilenceEndsTheRunSoonAfterRobAlive) {
  BadServer server(Mode::kSilent);
  auto results = RunAgainst(server, 100, 40);
  ASSERT_TRUE(results);
  ExpectOnlyFailure(*results, "ROB-1", "no answer");
  EXPECT_LE(server.requests(), 30);
  auto auth = std::find_if(results->clauses.begin(), results->clauses.end(),
                           [](const report::ClauseResult& c) { return c.id == "AUTH-1"; });
  ASSERT_NE(auth, results->clauses.end());
  EXPECT_EQ(auth->status, report::Status::kSkipped);
  EXPECT_NE(auth->reason.find("stopped answering"), std::string::npos) << auth->reason;
}

}  // namespace
}  // namespace dj::run
