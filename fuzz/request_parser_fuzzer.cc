// The mock's request parser on raw HTTP bytes, in every request style. Properties:
//  1. bytes that parse as HTTP/1.1 format back to bytes that parse to the same request;
//  2. the mock reads a request either to a typed one or to exactly one refusal whose clause
//     refuses with a documented code, and its answer is that code in a clean envelope;
//  3. a typed request (read without checking the signature, to reach past it) encoded again
//     by the harness's own encoder, in the same style, reads back to the same typed request
//     with the signature checked.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "harness/mock/mock_service.h"
#include "harness/protocol/envelope.h"
#include "harness/protocol/http_wire.h"
#include "models/api_model.h"

namespace {

using namespace dj;

// The clock of every seed in corpora/request_parser/seeds (fuzz/seed_writer.cc).
constexpr std::int64_t kNow = 1700000000;

void CheckRefusal(const model::Refusal& refusal, const protocol::HttpRequest& request) {
  DJ_FUZZ_CHECK(model::RefusesRequest(refusal.clause), "a refusal under a clause that admits");
  model::Outcome expected = model::Canonical(refusal.clause);
  DJ_FUZZ_CHECK(expected.kind == model::OutcomeKind::kError, "a refusal without an error code");
  // The whole mock answers the same request with that code in a clean envelope.
  mock::MockConfig config;
  mock::MockState state;
  protocol::HttpResponse http = mock::Respond(state, config, request, {kNow, 0});
  protocol::Answer answer = protocol::ParseAnswer(http);
  DJ_FUZZ_CHECK(answer.json_envelope, "the mock's answer is not an envelope");
  DJ_FUZZ_CHECK(answer.code && *answer.code == expected.code,
                "the mock answers another code than its parser's refusal");
  DJ_FUZZ_CHECK(
      protocol::CheckEnvelope(answer, model::Action::kDeleteJob, model::Profile::kStrict).empty(),
      "the mock's error envelope breaks an envelope clause");
}

void CheckReEncoding(const mock::ReadRequest& read, const protocol::HttpRequest& request) {
  if (!read.params || !read.params->is_object()) return;
  protocol::Call call;
  call.action = std::string(model::ActionName(read.action));
  call.region = read.region;
  call.params = *read.params;
  protocol::EncodeOptions options;
  options.style = read.style;
  options.timestamp = kNow;
  if (auto host = protocol::FindHeader(request.headers, "Host")) options.host = std::string(*host);
  protocol::Credentials creds{std::string(mock::kDefaultSecretId),
                              std::string(mock::kDefaultSecretKey), ""};
  protocol::HttpRequest again = protocol::Encode(call, creds, options);
  auto bytes = protocol::ParseRequestBytes(protocol::FormatRequestBytes(again));
  DJ_FUZZ_CHECK(bytes.ok(), "the encoder's request is not valid HTTP/1.1");
  auto reread = mock::ReadApiRequest(mock::MockConfig{}, *bytes, kNow);
  DJ_FUZZ_CHECK(reread.ok(), "the encoder's request is refused by the mock");
  DJ_FUZZ_CHECK(
      reread->action == read.action && reread->region == read.region && reread->style == read.style,
      "the re-encoded request has other common parameters");
  DJ_FUZZ_CHECK(reread->params.ok() && *reread->params == *read.params,
                "the re-encoded request has other API parameters");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto request = protocol::ParseRequestBytes(bytes);
  if (!request) return 0;
  auto again = protocol::ParseRequestBytes(protocol::FormatRequestBytes(*request));
  DJ_FUZZ_CHECK(again.ok() && *again == *request, "HTTP bytes do not round-trip");
  if (request->Path() != "/") return 0;

  auto read = mock::ReadApiRequest(mock::MockConfig{}, *request, kNow);
  if (!read) {
    CheckRefusal(read.error(), *request);
  } else if (!read->params) {
    CheckRefusal(read->params.error(), *request);
  }

  mock::MockConfig unchecked;
  unchecked.faults.insert(mock::Fault::kSignatureUnchecked);
  unchecked.faults.insert(mock::Fault::kExpiredAccepted);
  auto deep = mock::ReadApiRequest(unchecked, *request, kNow);
  if (deep) {
    // Every parameter set, however odd, has a deciding clause and never crashes the model.
    if (deep->params) {
      model::Decide(model::Store{}, {deep->action, *deep->params}, {"job-00000001", kNow});
    }
    CheckReEncoding(*deep, *request);
  }
  return 0;
}
