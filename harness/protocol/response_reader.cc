// ResponseReader: status line, headers, then a body framed by chunked coding, Content-Length or
// the close of the connection (RFC 9112 §6.3), read incrementally.
#include "harness/protocol/response_reader.h"

#include <charconv>

namespace dj::protocol {
namespace {

// The end of the line that starts at `from` (CRLF, or a bare LF, which RFC 9112 §2.2 lets a
// recipient accept), and the length of its terminator.
std::size_t LineEnd(std::string_view s, std::size_t from, std::size_t* terminator) {
  std::size_t lf = s.find('\n', from);
  if (lf == std::string_view::npos) return lf;
  bool cr = lf > from && s[lf - 1] == '\r';
  *terminator = cr ? 2 : 1;
  return cr ? lf - 1 : lf;
}

// True when the comma-separated header value lists the token (case-insensitive).
bool ListsToken(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    if (EqualsIgnoreCase(TrimBlanks(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

bool ParseUnsigned(std::string_view s, int base, std::size_t* out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

ResponseReader::State ResponseReader::Fail(State s, std::string why) {
  state_ = s;
  error_ = std::move(why);
  return s;
}

bool ResponseReader::Append(std::string_view data) {
  if (response_.body.size() + data.size() > max_body_) return false;
  response_.body.append(data);
  return true;
}

ResponseReader::State ResponseReader::Feed(std::string_view bytes) {
  if (state_ != State::kNeedMore) {
    if (state_ == State::kDone && !bytes.empty()) extra_bytes_ = true;
    return state_;
  }
  bytes_seen_ += bytes.size();
  buffer_.append(bytes);
  while (state_ == State::kNeedMore) {
    std::size_t before = buffer_.size();
    Phase phase = phase_;
    State s = phase_ == Phase::kHead ? ParseHead() : ParseBody();
    if (s != State::kNeedMore) return s;
    if (buffer_.size() == before && phase_ == phase) break;  // waits for more bytes
  }
  return state_;
}

ResponseReader::State ResponseReader::ParseHead() {
  std::size_t end = buffer_.find("\r\n\r\n");
  std::size_t head_len = end == std::string::npos ? end : end + 4;
  if (std::size_t lf = buffer_.find("\n\n"); lf != std::string::npos && lf + 2 < head_len) {
    head_len = lf + 2;
  }
  if (head_len == std::string::npos) {
    if (buffer_.size() > kMaxHead) {
      return Fail(State::kTooLarge, "the answer's head is over " + std::to_string(kMaxHead) +
                                        " bytes without an empty line");
    }
    // A peer that is not speaking HTTP is known from its first bytes.
    std::string_view start(buffer_.data(), std::min<std::size_t>(buffer_.size(), 5));
    if (std::string_view("HTTP/").substr(0, start.size()) != start) {
      return Fail(State::kMalformed, "the answer does not start with HTTP/");
    }
    return State::kNeedMore;
  }
  std::string_view head(buffer_.data(), head_len);
  std::size_t term = 0;
  std::size_t line_end = LineEnd(head, 0, &term);
  std::string_view status_line = head.substr(0, line_end);
  // "HTTP/1.x SP 3DIGIT [SP reason]"
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." ||
      status_line[7] < '0' || status_line[7] > '9' || status_line[8] != ' ') {
    return Fail(State::kMalformed,
                "the status line `" + std::string(status_line.substr(0, 80)) + "` is not HTTP/1.x");
  }
  std::size_t code = 0;
  if (!ParseUnsigned(status_line.substr(9, 3), 10, &code) || code < 100 ||
      (status_line.size() > 12 && status_line[12] != ' ')) {
    return Fail(State::kMalformed,
                "the status line `" + std::string(status_line.substr(0, 80)) + "` has no status");
  }
  HttpResponse parsed;
  parsed.status = static_cast<int>(code);
  std::size_t pos = line_end + term;
  while (pos < head.size()) {
    std::size_t e = LineEnd(head, pos, &term);
    std::string_view line = head.substr(pos, e - pos);
    pos = e + term;
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      return Fail(State::kMalformed, "the answer folds a header line (obsolete line folding)");
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || TrimBlanks(line.substr(0, colon)).size() != colon) {
      return Fail(State::kMalformed,
                  "the header line `" + std::string(line.substr(0, 80)) + "` has no name: value");
    }
    parsed.headers.emplace_back(std::string(line.substr(0, colon)),
                                std::string(TrimBlanks(line.substr(colon + 1))));
  }
  int minor_version = status_line[7] - '0';
  buffer_.erase(0, head_len);  // status_line and head point into it: not read from here on
  if (code < 200) return State::kNeedMore;  // 1xx: the final answer follows (RFC 9110 §15.2)
  minor_version_ = minor_version;
  response_ = std::move(parsed);
  return StartBody();
}

ResponseReader::State ResponseReader::StartBody() {
  const Headers& h = response_.headers;
  if (response_.status == 204 || response_.status == 304) {
    phase_ = Phase::kEnd;  // no body: whatever follows is bytes nobody asked for
    return ParseBody();
  }
  bool chunked = false;
  for (const auto& [name, value] : h) {
    if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
      // Chunked must be the last coding; any other final coding is framed by the close.
      std::string_view v = TrimBlanks(value);
      std::size_t comma = v.rfind(',');
      chunked = EqualsIgnoreCase(TrimBlanks(comma == std::string_view::npos ? v : v.substr(comma + 1)),
                                 "chunked");
      if (!chunked) {
        phase_ = Phase::kCloseBody;
        return ParseBody();
      }
    }
  }
  if (chunked) {
    phase_ = Phase::kChunkSize;
    return ParseBody();
  }
  std::optional<std::size_t> length;
  for (const auto& [name, value] : h) {
    if (!EqualsIgnoreCase(name, "Content-Length")) continue;
    // "Content-Length: 5, 5" is one length said twice (RFC 9110 §8.6).
    std::string_view rest = value;
    while (true) {
      std::size_t comma = rest.find(',');
      std::size_t n = 0;
      if (!ParseUnsigned(TrimBlanks(rest.substr(0, comma)), 10, &n)) {
        return Fail(State::kMalformed, "the Content-Length `" + value.substr(0, 40) +
                                           "` is not a number");
      }
      if (length && *length != n) {
        return Fail(State::kMalformed, std::string("two Content-Length values disagree"));
      }
      length = n;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (!length) {
    phase_ = Phase::kCloseBody;
    return ParseBody();
  }
  if (*length > max_body_) {
    return Fail(State::kTooLarge, "the answer's Content-Length " + std::to_string(*length) +
                                      " is over the cap of " + std::to_string(max_body_) +
                                      " bytes");
  }
  remaining_ = *length;
  phase_ = Phase::kLengthBody;
  return ParseBody();
}

ResponseReader::State ResponseReader::ParseBody() {
  auto too_large = [this] {
    return Fail(State::kTooLarge,
                "the answer's body is over the cap of " + std::to_string(max_body_) + " bytes");
  };
  switch (phase_) {
    case Phase::kLengthBody:
    case Phase::kChunkData: {
      std::size_t n = std::min(remaining_, buffer_.size());
      if (!Append(std::string_view(buffer_).substr(0, n))) return too_large();
      buffer_.erase(0, n);
      remaining_ -= n;
      if (remaining_ > 0) return State::kNeedMore;
      phase_ = phase_ == Phase::kLengthBody ? Phase::kEnd : Phase::kChunkDataEnd;
      break;
    }
    case Phase::kChunkSize: {
      std::size_t term = 0;
      std::size_t e = LineEnd(buffer_, 0, &term);
      if (e == std::string::npos) {
        if (buffer_.size() > 1024) return Fail(State::kMalformed, "a chunk size line is too long");
        return State::kNeedMore;
      }
      std::string_view line(buffer_.data(), e);
      std::string_view size = TrimBlanks(line.substr(0, line.find(';')));  // chunk extensions ignored
      std::size_t n = 0;
      if (size.size() > 15 || !ParseUnsigned(size, 16, &n)) {
        return Fail(State::kMalformed,
                    "the chunk size `" + std::string(line.substr(0, 40)) + "` is not hexadecimal");
      }
      buffer_.erase(0, e + term);
      if (response_.body.size() + n > max_body_) return too_large();
      remaining_ = n;
      phase_ = n == 0 ? Phase::kTrailers : Phase::kChunkData;
      break;
    }
    case Phase::kChunkDataEnd: {
      if (buffer_.size() < 2 && buffer_ != "\n") return State::kNeedMore;
      std::size_t term = buffer_.rfind("\r\n", 0) == 0 ? 2 : (buffer_[0] == '\n' ? 1 : 0);
      if (term == 0) return Fail(State::kMalformed, "a chunk is longer than its size says");
      buffer_.erase(0, term);
      phase_ = Phase::kChunkSize;
      break;
    }
    case Phase::kTrailers: {
      std::size_t term = 0;
      std::size_t e = LineEnd(buffer_, 0, &term);
      if (e == std::string::npos) {
        if (buffer_.size() > kMaxHead) return Fail(State::kMalformed, "the trailers are too long");
        return State::kNeedMore;
      }
      bool empty = e == 0;
      buffer_.erase(0, e + term);  // trailer fields are read and dropped
      if (empty) phase_ = Phase::kEnd;
      break;
    }
    case Phase::kCloseBody:
      if (!Append(buffer_)) return too_large();
      buffer_.clear();
      return State::kNeedMore;
    case Phase::kHead:
    case Phase::kEnd:
      break;
  }
  if (phase_ == Phase::kEnd) {
    extra_bytes_ = extra_bytes_ || !buffer_.empty();
    buffer_.clear();
    state_ = State::kDone;
  }
  return state_;
}

ResponseReader::State ResponseReader::Finish() {
  if (state_ != State::kNeedMore) return state_;
  if (phase_ == Phase::kCloseBody) {
    framed_by_close_ = true;
    phase_ = Phase::kEnd;
    state_ = State::kDone;
    return state_;
  }
  if (bytes_seen_ == 0) return Fail(State::kMalformed, "the connection closed before any answer");
  if (phase_ == Phase::kHead) {
    return Fail(State::kMalformed, "the connection closed inside the answer's head, after " +
                                       std::to_string(bytes_seen_) + " bytes");
  }
  return Fail(State::kMalformed, "the connection closed after " +
                                     std::to_string(response_.body.size()) +
                                     " bytes of the answer's body, before its end");
}

bool ResponseReader::KeepAlive() const {
  if (state_ != State::kDone || extra_bytes_ || framed_by_close_) return false;
  for (const auto& [name, value] : response_.headers) {
    if (EqualsIgnoreCase(name, "Connection")) {
      if (ListsToken(value, "close")) return false;
      if (minor_version_ == 0 && ListsToken(value, "keep-alive")) return true;
    }
  }
  return minor_version_ >= 1;
}

}  // namespace dj::protocol
