// Request signing and verification, both signature versions (facts §3). For a request the
// harness encodes from fuzzed credentials, parameters, host and time:
//  - the mock's authentication accepts it, naming the signer (verify(sign(x)));
//  - the v3 Authorization header parses back to what was signed;
//  - any one-byte change of a signed part (v3: body, query, timestamp, credential, signature;
//    v1: any parameter's decoded value, the signature included) makes it fail.
// Also parses the fuzzed bytes as an Authorization header: never a crash.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "harness/protocol/codec.h"
#include "harness/protocol/sign_v3.h"
#include "models/api_model.h"

namespace {

using namespace dj;
using namespace dj::protocol;

std::string FromAlphabet(FuzzedDataProvider& in, std::string_view alphabet, std::size_t max) {
  std::string raw = in.ConsumeRandomLengthString(max);
  std::string out;
  for (char c : raw) out += alphabet[static_cast<unsigned char>(c) % alphabet.size()];
  return out;
}

// Flip bits of one byte (never to the same byte).
void Flip(std::string& s, std::size_t at, std::uint8_t mask) {
  s[at] = static_cast<char>(static_cast<unsigned char>(s[at]) ^ (mask == 0 ? 1 : mask));
}

bool Accepted(const HttpRequest& request, const AuthPolicy& policy) {
  auto wire = ParseWire(request);
  return wire.ok() && Authenticate(*wire, policy).ok();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)ParseAuthorization(std::string_view(reinterpret_cast<const char*>(data), size));

  FuzzedDataProvider in(data, size);
  constexpr std::string_view kAlnum =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  Credentials creds;
  creds.secret_id = "AKID" + FromAlphabet(in, kAlnum, 36);
  creds.secret_key = in.ConsumeRandomLengthString(48);
  if (creds.secret_key.empty()) creds.secret_key = "k";
  EncodeOptions options;
  options.style = static_cast<Style>(in.ConsumeIntegralInRange<int>(0, 3));
  options.host = FromAlphabet(in, "abcdefghijklmnopqrstuvwxyz0123456789.-", 40) + ".example";
  options.timestamp = in.ConsumeIntegralInRange<std::int64_t>(0, 4102444800);
  options.nonce = in.ConsumeIntegral<std::uint32_t>();
  options.signature_method =
      in.ConsumeBool() ? SignatureMethod::kHmacSha1 : SignatureMethod::kHmacSha256;
  options.encoding.space_as_plus = in.ConsumeBool();
  options.encoding.encode_unreserved = in.ConsumeBool();
  Call call = Call::Of(model::DeleteJobRequest(in.ConsumeRandomLengthString(80)), "ap-guangzhou");
  if (in.ConsumeBool()) call.params["Note"] = in.ConsumeRandomLengthString(80);
  std::size_t part = in.ConsumeIntegral<std::size_t>();
  std::size_t at = in.ConsumeIntegral<std::size_t>();
  auto mask = in.ConsumeIntegral<std::uint8_t>();

  HttpRequest signed_request = Encode(call, creds, options);
  AuthPolicy policy;
  policy.lookup_key = [&](std::string_view id) -> std::optional<std::string> {
    if (id == creds.secret_id) return creds.secret_key;
    return std::nullopt;
  };
  policy.now = options.timestamp;
  auto wire = ParseWire(signed_request);
  DJ_FUZZ_CHECK(wire.ok(), "the encoder's request does not parse");
  auto signer = Authenticate(*wire, policy);
  DJ_FUZZ_CHECK(signer.ok() && *signer == creds.secret_id, "a signed request does not verify");

  HttpRequest tampered = signed_request;
  if (IsV3(options.style)) {
    auto header = FindHeader(signed_request.headers, "Authorization");
    DJ_FUZZ_CHECK(header.has_value(), "a v3 request without Authorization");
    auto auth = ParseAuthorization(*header);
    DJ_FUZZ_CHECK(auth.ok() && auth->secret_id == creds.secret_id &&
                      auth->date == UtcDate(options.timestamp) && auth->service == "batch",
                  "the Authorization header does not parse back to what was signed");
    std::string authorization(*header);
    std::string timestamp(*FindHeader(signed_request.headers, "X-TC-Timestamp"));
    std::size_t sig = authorization.rfind("Signature=") + 10;
    std::size_t cred = authorization.find("Credential=") + 11;
    std::size_t cred_end = authorization.find(',', cred);
    switch (part % 4) {
      case 0:  // the payload, or the query of a GET
        if (options.style == Style::kApi3Post) {
          Flip(tampered.body, at % tampered.body.size(), mask);
        } else {
          std::size_t q = tampered.target.find('?');
          if (q == std::string::npos || q + 1 == tampered.target.size()) return 0;
          Flip(tampered.target, q + 1 + at % (tampered.target.size() - q - 1), mask);
        }
        break;
      case 1:
        Flip(timestamp, at % timestamp.size(), mask);
        SetHeader(tampered.headers, "X-TC-Timestamp", timestamp);
        break;
      case 2:
        Flip(authorization, sig + at % (authorization.size() - sig), mask);
        SetHeader(tampered.headers, "Authorization", authorization);
        break;
      default:
        Flip(authorization, cred + at % (cred_end - cred), mask);
        SetHeader(tampered.headers, "Authorization", authorization);
        break;
    }
  } else {
    bool get = options.style == Style::kQueryGet;
    auto pairs = ParseForm(get ? signed_request.Query() : std::string_view(signed_request.body));
    DJ_FUZZ_CHECK(pairs.ok() && !pairs->empty(), "a v1 request without parameters");
    auto& [name, value] = (*pairs)[part % pairs->size()];
    if (value.empty()) {
      value = "x";
    } else {
      Flip(value, at % value.size(), mask);
    }
    std::string form = FormatForm(*pairs);
    if (get) {
      tampered.target = "/?" + form;
    } else {
      tampered.body = form;
    }
  }
  DJ_FUZZ_CHECK(!Accepted(tampered, policy), "a request changed after signing still verifies");
  return 0;
}
