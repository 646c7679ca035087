// The client's HTTP/1.x answer reader on hostile bytes (harness/protocol/response_reader.h).
// The input is a cap, a list of piece sizes, then the bytes a target sends. Properties: the
// answer read from the bytes in pieces is the one read from them whole; a whole answer's body
// never passes the cap; the close always ends the reading; only a whole answer keeps the
// connection.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "harness/protocol/response_reader.h"

namespace {

using dj::protocol::ResponseReader;
using State = ResponseReader::State;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  auto cap = in.ConsumeIntegralInRange<std::size_t>(0, 4096);
  std::vector<std::size_t> pieces(in.ConsumeIntegralInRange<std::size_t>(0, 8));
  for (std::size_t& p : pieces) p = in.ConsumeIntegralInRange<std::size_t>(1, 64);
  bool close = in.ConsumeBool();
  std::string bytes = in.ConsumeRemainingBytesAsString();

  ResponseReader whole(cap);
  whole.Feed(bytes);
  ResponseReader cut(cap);
  std::size_t at = 0;
  for (std::size_t p : pieces) {
    if (at >= bytes.size()) break;
    cut.Feed(std::string_view(bytes).substr(at, p));
    at += p;
  }
  if (at < bytes.size()) cut.Feed(std::string_view(bytes).substr(at));
  if (close) {
    DJ_FUZZ_CHECK(whole.Finish() != State::kNeedMore, "the close did not end the reading");
    DJ_FUZZ_CHECK(cut.Finish() != State::kNeedMore, "the close did not end the reading");
  }
  DJ_FUZZ_CHECK(whole.state() == cut.state(), "the pieces changed the outcome");
  if (whole.state() == State::kDone) {
    DJ_FUZZ_CHECK(whole.response() == cut.response(), "the pieces changed the answer");
    DJ_FUZZ_CHECK(whole.response().body.size() <= cap, "a body over the cap was read");
    DJ_FUZZ_CHECK(whole.response().status >= 200 && whole.response().status <= 999,
                  "a final answer without a final status");
  } else {
    DJ_FUZZ_CHECK(!whole.KeepAlive(), "an answer that is not whole keeps the connection");
  }
  DJ_FUZZ_CHECK(whole.KeepAlive() == cut.KeepAlive(), "the pieces changed the keep-alive");
  return 0;
}
