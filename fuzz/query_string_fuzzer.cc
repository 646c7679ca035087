// The query-string / form decoder and the flattening of nested parameters (facts §1), alone.
// Properties: every legal encoding of decoded pairs decodes to the same pairs; percent-encoding
// any text decodes back to it; unflattened parameters flatten and unflatten to themselves.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "harness/protocol/url.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dj::protocol;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Which of the four legal encodings to check: the last byte says (each input checks one,
  // so that the campaign's speed goes to new inputs rather than to the same input four times).
  unsigned variant = size == 0 ? 0u : static_cast<unsigned>(data[size - 1]) & 3u;
  PercentEncoding how{(variant & 1u) != 0, (variant & 2u) != 0};

  auto decoded = PercentDecode(PercentEncode(text, how), how.space_as_plus);
  DJ_FUZZ_CHECK(decoded.ok() && *decoded == text, "percent-encoding does not round-trip");

  auto pairs = ParseForm(text);
  if (!pairs) return 0;
  auto again = ParseForm(FormatForm(*pairs, how));
  DJ_FUZZ_CHECK(again.ok() && *again == *pairs, "a form does not round-trip");

  auto params = UnflattenParams(*pairs);
  if (!params) return 0;
  DJ_FUZZ_CHECK(params->is_object(), "unflattened parameters are not an object");
  auto back = UnflattenParams(FlattenParams(*params));
  DJ_FUZZ_CHECK(back.ok() && *back == *params, "flattening does not round-trip");
  return 0;
}
