// An HTTP/1.x answer read from bytes as they arrive (RFC 9112 §6): the client feeds it whatever
// the socket yields, before, during or after sending its request, and learns when one whole
// answer is there. Pure: no socket, no clock; the response_parser fuzz target drives it too.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "harness/protocol/http_message.h"

namespace dj::protocol {

class ResponseReader {
 public:
  enum class State {
    kNeedMore,  // not a whole answer yet
    kDone,      // one whole final answer; response() holds it
    kMalformed, // the bytes are not an HTTP/1.x answer; error() says why
    kTooLarge,  // the body passed max_body bytes (or the head passed kMaxHead)
  };
  // The longest status line plus headers read before the answer is malformed.
  static constexpr std::size_t kMaxHead = 64 * 1024;

  explicit ResponseReader(std::size_t max_body) : max_body_(max_body) {}

  // Reads more of the answer. Informational answers (1xx) are read and skipped. Bytes after the
  // end of a whole answer are ignored (the connection is then not reused: see KeepAlive).
  State Feed(std::string_view bytes);
  // The peer closed the connection: a body framed by the close ends here (kDone); anything
  // else not whole is kMalformed, naming how far the answer got.
  State Finish();

  State state() const { return state_; }
  const std::string& error() const { return error_; }
  std::size_t bytes_seen() const { return bytes_seen_; }
  // The answer, once state() is kDone.
  const HttpResponse& response() const { return response_; }
  HttpResponse TakeResponse() { return std::move(response_); }
  // Whether the connection may carry another request after this answer: HTTP/1.1 without
  // "Connection: close", or HTTP/1.0 with "Connection: keep-alive", framed by its length, with
  // nothing after it.
  bool KeepAlive() const;

 private:
  enum class Phase { kHead, kLengthBody, kChunkSize, kChunkData, kChunkDataEnd, kTrailers,
                     kCloseBody, kEnd };
  State ParseHead();
  State StartBody();
  State ParseBody();
  State Fail(State s, std::string why);
  bool Append(std::string_view data);

  std::size_t max_body_;
  std::string buffer_;  // bytes read and not consumed yet
  std::size_t bytes_seen_ = 0;
  Phase phase_ = Phase::kHead;
  State state_ = State::kNeedMore;
  std::string error_;
  HttpResponse response_;
  int minor_version_ = 1;
  std::size_t remaining_ = 0;  // of the Content-Length body or of the current chunk
  bool extra_bytes_ = false;
  bool framed_by_close_ = false;
};

}  // namespace dj::protocol
