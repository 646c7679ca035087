// The API 3.0 POST body decoder alone, and the model behind it. Properties: a body is either
// the API parameters or refused under COM-7; decoded parameters print and parse back to
// themselves, survive a success envelope unchanged, and every action's model decision on
// them exists (never a crash, whatever the JSON).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "harness/protocol/codec.h"
#include "harness/protocol/envelope.h"
#include "models/api_model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dj;
  using nlohmann::json;
  protocol::HttpRequest request;
  request.method = "POST";
  request.headers = {{"Content-Type", "application/json"}, {"X-TC-Action", "DeleteJob"}};
  request.body.assign(reinterpret_cast<const char*>(data), size);
  auto wire = protocol::ParseWire(request);
  DJ_FUZZ_CHECK(wire.ok() && wire->style == protocol::Style::kApi3Post,
                "a JSON POST is not read as API 3.0");
  auto params = protocol::ApiParams(*wire);
  if (!params) {
    DJ_FUZZ_CHECK(params.error().clause == model::Clause::kBodyNotObject,
                  "a body is refused under another clause than COM-7");
    return 0;
  }
  json again = json::parse(params->dump(), nullptr, /*allow_exceptions=*/false);
  DJ_FUZZ_CHECK(again == *params, "decoded parameters do not print and parse to themselves");

  // (A success reply never holds an Error field: the envelope would read as an error.)
  if (params->is_object() && !params->contains("RequestId") && !params->contains("Error")) {
    protocol::Answer answer =
        protocol::ParseAnswer(protocol::SuccessResponse("request-id", *params));
    DJ_FUZZ_CHECK(answer.IsSuccess(), "a success envelope does not read as a success");
    json fields = answer.response;
    fields.erase("RequestId");
    DJ_FUZZ_CHECK(fields == *params, "a success envelope changes its fields");
  }

  model::Store store;
  model::Job job;
  job.id = "job-00000001";
  job.state = model::State::kSucceed;
  store.Put(job);
  for (model::Action action : model::kAllActions) {
    model::Decision d = model::Decide(store, {action, *params}, {"job-00000002", 1700000000});
    DJ_FUZZ_CHECK(
        !model::Allowed(d.clause, model::Profile::kStrict).empty() || !model::Info(d.clause).judged,
        "a decision under a clause without outcomes");
  }
  return 0;
}
