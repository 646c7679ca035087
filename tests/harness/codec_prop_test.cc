// Properties of harness/protocol/codec: encode-parse-authenticate round trips; flipped bytes.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <ostream>
#include <string>

#include "harness/protocol/codec.h"
#include "models/job_id_gen.h"
#include "tests/harness/spec_vectors.h"

namespace dj::protocol {
namespace {

using namespace vectors;  // NOLINT: the spec vectors read best unqualified

using model::Clause;
using nlohmann::json;

rc::Gen<Style> GenStyle() {
  return rc::gen::element(Style::kApi3Post, Style::kApi3Get, Style::kQueryGet, Style::kFormPost);
}

rc::Gen<std::string> GenJobId() {
  return rc::gen::oneOf(
      model::GenWellFormedJobId(),
      rc::gen::map(model::GenNearMissJobId(), [](model::NearMissId n) { return n.id; }),
      rc::gen::arbitrary<std::string>(),
      rc::gen::container<std::string>(rc::gen::arbitrary<char>()));  // NUL too
}

// Every encoding choice a client has, with a random timestamp within the allowed skew.
rc::Gen<EncodeOptions> GenOptions() {
  return rc::gen::exec([] {
    EncodeOptions o;
    o.style = *GenStyle();
    o.timestamp = kNow + *rc::gen::inRange<std::int64_t>(-300, 301);
    o.nonce = *rc::gen::arbitrary<std::uint64_t>();
    o.encoding.space_as_plus = *rc::gen::arbitrary<bool>();
    o.encoding.encode_unreserved = *rc::gen::arbitrary<bool>();
    o.reverse_param_order = *rc::gen::arbitrary<bool>();
    o.signature_method =
        *rc::gen::element(SignatureMethod::kHmacSha1, SignatureMethod::kHmacSha256);
    o.send_signature_method = *rc::gen::arbitrary<bool>();
    return o;
  });
}

// The parameters the server reads back: the JSON body of an api3-post request carries the
// text Encode wrote (invalid UTF-8 replaced); the query styles carry every leaf as a string.
json Expected(const json& params, Style style) {
  if (style != Style::kApi3Post) return params;
  return json::parse(params.dump(-1, ' ', false, json::error_handler_t::replace));
}

// The limit of COM-6 a request of this style and size breaks, if any.
bool OverLimit(const HttpRequest& req, Style style) {
  switch (style) {
    case Style::kApi3Get:
    case Style::kQueryGet:
      return req.target.size() > kGetLimitBytes;
    case Style::kFormPost:
      return req.body.size() > kV1PostLimitBytes;
    case Style::kApi3Post:
      return req.body.size() > kV3PostLimitBytes;
  }
  return false;
}

RC_GTEST_PROP(CodecProp, EncodedCallAuthenticatesAndKeepsItsParameters, ()) {
  std::string job_id = *GenJobId();
  EncodeOptions options = *GenOptions();
  Call call = DeleteJobCall(job_id);
  HttpRequest req = Encode(call, Creds(), options);
  RC_TAG(StyleName(options.style));

  auto wire = ParseWire(req);
  if (OverLimit(req, options.style)) {
    RC_ASSERT(!wire.ok());
    RC_ASSERT(wire.error().clause == Clause::kTooLarge);
    return;
  }
  RC_ASSERT(wire.ok());
  RC_ASSERT(wire->style == options.style);
  RC_ASSERT(wire->common.action == std::optional<std::string>("DeleteJob"));
  RC_ASSERT(wire->timestamp_text == std::optional<std::string>(std::to_string(options.timestamp)));

  auto id = Authenticate(*wire, Policy());
  if (!id.ok()) RC_FAIL(id.error().detail);
  RC_ASSERT(*id == kSecretId);

  auto params = ApiParams(*wire);
  if (!params.ok()) RC_FAIL(params.error().detail);
  RC_ASSERT(*params == Expected(call.params, options.style));
}

// A different character of the same alphabet at `pos`, so that the text keeps its shape.
std::string FlipWithin(std::string text, std::size_t pos, std::string_view alphabet,
                       std::size_t step) {
  std::size_t at = alphabet.find(text[pos]);
  text[pos] = alphabet[(at + 1 + step % (alphabet.size() - 1)) % alphabet.size()];
  return text;
}

// The request with one byte of its signature changed: a different lower-case hex digit in the
// Authorization header (v3), any different byte in the Signature parameter (v1).
HttpRequest FlipSignatureByte(HttpRequest req, Style style, const PercentEncoding& how) {
  if (IsV3(style)) {
    for (auto& [name, value] : req.headers) {
      if (!EqualsIgnoreCase(name, "Authorization")) continue;
      std::size_t start = value.size() - 64;  // the signature ends the header
      std::size_t pos = start + *rc::gen::inRange<std::size_t>(0, 64);
      value = FlipWithin(value, pos, "0123456789abcdef", *rc::gen::inRange<std::size_t>(0, 15));
    }
    return req;
  }
  std::string& text = style == Style::kQueryGet ? req.target : req.body;
  std::string_view form =
      style == Style::kQueryGet ? std::string_view(text).substr(2) : std::string_view(text);
  Pairs pairs = ParseForm(form).value();
  for (auto& [name, value] : pairs) {
    if (name != "Signature") continue;
    std::size_t pos = *rc::gen::inRange<std::size_t>(0, value.size());
    char flipped = *rc::gen::distinctFrom(value[pos]);
    value[pos] = flipped;
  }
  text = (style == Style::kQueryGet ? "/?" : "") + FormatForm(pairs, how);
  return req;
}

RC_GTEST_PROP(CodecProp, FlippedSignatureByteIsABadSignature, ()) {
  std::string job_id =
      *rc::gen::oneOf(model::GenWellFormedJobId(), rc::gen::arbitrary<std::string>());
  EncodeOptions options = *GenOptions();
  RC_TAG(StyleName(options.style));
  HttpRequest good = Encode(DeleteJobCall(job_id), Creds(), options);
  HttpRequest bad = FlipSignatureByte(good, options.style, options.encoding);
  RC_ASSERT(bad.target != good.target || bad.body != good.body || bad.headers != good.headers);

  auto wire = ParseWire(bad);
  RC_ASSERT(wire.ok());
  auto id = Authenticate(*wire, Policy());
  RC_ASSERT(!id.ok());
  RC_ASSERT(id.error().clause == Clause::kAuthBadSignature);
  RC_ASSERT(model::Canonical(id.error().clause) ==
            model::Err(model::ErrorCode::kAuthSignatureFailure));
}

RC_GTEST_PROP(CodecProp, FlippedV3BodyOrQueryByteIsABadSignature, ()) {
  std::string job_id =
      *rc::gen::oneOf(model::GenWellFormedJobId(), rc::gen::arbitrary<std::string>());
  EncodeOptions options = *GenOptions();
  options.style = *rc::gen::element(Style::kApi3Post, Style::kApi3Get);
  RC_TAG(StyleName(options.style));
  HttpRequest req = Encode(DeleteJobCall(job_id), Creds(), options);
  // api3-post: any byte of the body; api3-get: any byte of the query, after "/?".
  std::string& text = options.style == Style::kApi3Post ? req.body : req.target;
  std::size_t first = options.style == Style::kApi3Post ? 0 : 2;
  std::size_t pos = *rc::gen::inRange<std::size_t>(first, text.size());
  char flipped = *rc::gen::distinctFrom(text[pos]);
  text[pos] = flipped;

  auto wire = ParseWire(req);
  RC_ASSERT(wire.ok());
  RC_ASSERT(wire->style == options.style);
  auto id = Authenticate(*wire, Policy());
  RC_ASSERT(!id.ok());
  RC_ASSERT(id.error().clause == Clause::kAuthBadSignature);
}

}  // namespace
}  // namespace dj::protocol
