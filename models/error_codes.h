// Every error code the project knows (error_codes.def): API 3.0 common codes (facts §5) and
// the Batch codes of the driven actions (facts §8). Codes are compared as enumerators; their
// strings exist only at the edges (wire, reports).
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "models/actions.h"

namespace dj::model {

enum class ErrorCode : unsigned char {
#define DJ_ERROR(e, code, lists, message) e,
#include "models/error_codes.def"
#undef DJ_ERROR
};

inline constexpr std::array kAllErrorCodes = {
#define DJ_ERROR(e, code, lists, message) ErrorCode::e,
#include "models/error_codes.def"
#undef DJ_ERROR
};

// The wire string, e.g. "InvalidParameter.JobIdMalformed".
std::string_view CodeString(ErrorCode c);
// Exact match of a wire string; std::nullopt for a code the project does not know.
std::optional<ErrorCode> ErrorCodeFromString(std::string_view code);
// The message the reference mock sends with the code.
std::string_view DefaultMessage(ErrorCode c);
// True when the code is common (facts §5) or in the action's own documented list (facts §8):
// the codes ENV-4 allows in an answer to the action.
bool IsDocumentedFor(ErrorCode c, Action a);

}  // namespace dj::model
