// The response envelope (facts §4): {"Response": {..., "RequestId": "..."}} with an "Error"
// object on failure. Builders for the server; a parser for the client that never throws,
// whatever a hostile target sends.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/protocol/http_message.h"
#include "models/actions.h"
#include "models/clauses.h"
#include "models/error_codes.h"

namespace dj::protocol {

// HTTP 200, Content-Type application/json, {"Response": fields + RequestId}.
HttpResponse SuccessResponse(std::string_view request_id, nlohmann::json fields);
// HTTP 200, {"Response": {"Error": {"Code", "Message"}, "RequestId"}}.
HttpResponse ErrorResponse(std::string_view request_id, model::ErrorCode code,
                           std::string_view message);
// The answer to a refusal: the clause's reference outcome and the refusal's detail (or the
// code's default message).
HttpResponse RefusalResponse(std::string_view request_id, const model::Refusal& refusal);

// What the client makes of an answer.
struct Answer {
  int http_status = 0;
  std::string content_type;
  bool json_envelope = false;             // the body is a JSON object with an object "Response"
  nlohmann::json response;                // that object, or null
  std::optional<std::string> request_id;  // Response.RequestId when it is a string
  bool has_error = false;                 // Response.Error is present
  std::optional<std::string> code_text;   // Response.Error.Code when it is a string
  std::optional<std::string> message;     // Response.Error.Message when it is a string
  std::optional<model::ErrorCode> code;   // code_text when the project knows it
  std::string parse_problem;              // why json_envelope is false, if it is

  // The outcome this answer shows, for comparison with model::Allowed: a known error code (from
  // an error envelope, whatever its HTTP status), else an HTTP status other than 200, else
  // success. std::nullopt for an unknown error code or a 200 answer that is not an envelope.
  std::optional<model::Outcome> AsOutcome() const;
  bool IsSuccess() const { return http_status == 200 && json_envelope && !has_error; }
};

Answer ParseAnswer(const HttpResponse& http);

// A breach of one envelope clause (ENV-1, ENV-2, ENV-4, ENV-5), with a one-line explanation.
struct EnvelopeViolation {
  model::Clause clause;
  std::string detail;
};
// The envelope clauses this single answer breaks, for an answer to `action` under `profile`.
// (ENV-3, uniqueness across answers, needs the whole run and is checked by the runner.)
std::vector<EnvelopeViolation> CheckEnvelope(const Answer& answer, model::Action action,
                                             model::Profile profile);

// True when a Content-Type value names the media type application/json (ENV-1): type and subtype
// compared case-insensitively, blanks around them and every parameter ignored. False for
// application/jsonx, text/json or an empty value.
bool IsJsonMediaType(std::string_view content_type);

// An HTTP-layer refusal (docs/clauses.md, the Http(N) outcomes): a non-200 answer whose status
// the clause's row allows as a bare status, in either column, whatever its body and
// Content-Type. Its outcome, Http(status), is judged under that clause and never under ENV-1,
// ENV-2 or ENV-4. std::nullopt for any other answer.
std::optional<model::Outcome> HttpRefusal(const Answer& answer, model::Clause clause);

// True for a lowercase RFC 4122 UUID: 8-4-4-4-12 lower-case hex (ENV-2 strict).
bool IsLowercaseUuid(std::string_view s);

}  // namespace dj::protocol
