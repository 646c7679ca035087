// Envelope building and defensive parsing.
#include "harness/protocol/envelope.h"

#include <algorithm>

namespace dj::protocol {
namespace {

using model::Clause;
using nlohmann::json;

HttpResponse JsonResponse(const json& body) {
  HttpResponse r;
  r.status = 200;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

}  // namespace

HttpResponse SuccessResponse(std::string_view request_id, json fields) {
  if (!fields.is_object()) fields = json::object();
  fields["RequestId"] = request_id;
  return JsonResponse({{"Response", std::move(fields)}});
}

HttpResponse ErrorResponse(std::string_view request_id, model::ErrorCode code,
                           std::string_view message) {
  return JsonResponse({{"Response",
                        {{"Error", {{"Code", model::CodeString(code)}, {"Message", message}}},
                         {"RequestId", request_id}}}});
}

HttpResponse RefusalResponse(std::string_view request_id, const model::Refusal& refusal) {
  model::Outcome outcome = model::Canonical(refusal.clause);
  std::string_view message = refusal.detail.empty() ? model::DefaultMessage(outcome.code)
                                                    : std::string_view(refusal.detail);
  return ErrorResponse(request_id, outcome.code, message);
}

std::optional<model::Outcome> Answer::AsOutcome() const {
  // An error envelope shows its code whatever the status (a wrong status is ENV-1's business).
  if (json_envelope && has_error) return code ? std::optional(model::Err(*code)) : std::nullopt;
  if (http_status != 200) return model::Http(http_status);
  if (!json_envelope) return std::nullopt;
  return model::Ok();
}

Answer ParseAnswer(const HttpResponse& http) {
  Answer a;
  a.http_status = http.status;
  a.content_type = std::string(FindHeader(http.headers, "Content-Type").value_or(""));
  json body = json::parse(http.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    a.parse_problem = "the body is not JSON";
    return a;
  }
  if (!body.is_object()) {
    a.parse_problem = "the body is not a JSON object";
    return a;
  }
  auto response = body.find("Response");
  if (response == body.end() || !response->is_object()) {
    a.parse_problem = "the body has no object \"Response\"";
    return a;
  }
  a.json_envelope = true;
  a.response = *response;
  if (auto id = a.response.find("RequestId"); id != a.response.end() && id->is_string()) {
    a.request_id = id->get<std::string>();
  }
  if (auto error = a.response.find("Error"); error != a.response.end()) {
    a.has_error = true;
    if (error->is_object()) {
      if (auto code = error->find("Code"); code != error->end() && code->is_string()) {
        a.code_text = code->get<std::string>();
        a.code = model::ErrorCodeFromString(*a.code_text);
      }
      if (auto msg = error->find("Message"); msg != error->end() && msg->is_string()) {
        a.message = msg->get<std::string>();
      }
    }
  }
  return a;
}

bool IsJsonMediaType(std::string_view content_type) {
  std::string_view media = TrimBlanks(content_type.substr(0, content_type.find(';')));
  return ToLowerAscii(media) == "application/json";
}

std::optional<model::Outcome> HttpRefusal(const Answer& answer, model::Clause clause) {
  if (answer.http_status == 200) return std::nullopt;
  model::Outcome status = model::Http(answer.http_status);
  const model::ClauseInfo& row = model::Info(clause);
  for (const auto* column : {&row.strict, &row.lenient}) {
    if (std::find(column->begin(), column->end(), status) != column->end()) return status;
  }
  return std::nullopt;
}

bool IsLowercaseUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    char c = s[i];
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::vector<EnvelopeViolation> CheckEnvelope(const Answer& a, model::Action action,
                                             model::Profile profile) {
  std::vector<EnvelopeViolation> out;
  if (a.http_status != 200) {
    out.push_back(
        {Clause::kEnvShape, "HTTP status " + std::to_string(a.http_status) + ", not 200"});
  }
  if (!IsJsonMediaType(a.content_type)) {
    out.push_back({Clause::kEnvShape,
                   "Content-Type is `" + a.content_type.substr(0, 64) + "`, not application/json"});
  }
  if (!a.json_envelope) {
    out.push_back({Clause::kEnvShape, a.parse_problem});
    return out;
  }
  if (!a.request_id) {
    out.push_back({Clause::kEnvRequestId, "Response.RequestId is missing or not a string"});
  } else if (profile == model::Profile::kStrict ? !IsLowercaseUuid(*a.request_id)
                                                : a.request_id->empty()) {
    out.push_back({Clause::kEnvRequestId, "Response.RequestId `" + a.request_id->substr(0, 64) +
                                              "` is not a lowercase UUID"});
  }
  if (a.has_error) {
    if (!a.code_text) {
      out.push_back({Clause::kEnvErrorShape, "Response.Error.Code is missing or not a string"});
    } else if (!a.code || !model::IsDocumentedFor(*a.code, action)) {
      out.push_back({Clause::kEnvErrorShape, "Response.Error.Code `" + a.code_text->substr(0, 64) +
                                                 "` is not documented for " +
                                                 std::string(model::ActionName(action))});
    }
    if (!a.message || a.message->empty()) {
      out.push_back({Clause::kEnvErrorShape, "Response.Error.Message is missing or empty"});
    }
  } else if (action == model::Action::kDeleteJob && profile == model::Profile::kStrict &&
             a.response.size() > (a.response.contains("RequestId") ? 1U : 0U)) {
    out.push_back({Clause::kEnvDeleteSuccessShape,
                   "a successful DeleteJob answer holds more than RequestId"});
  }
  return out;
}

}  // namespace dj::protocol
