// The clause table (clauses.def): every clause a target is judged on, with its allowed
// outcomes per profile. The single source of truth for clause ids, wording and outcomes.
#pragma once

#include <array>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/error_codes.h"

namespace dj::model {

// One row of clauses.def: a clause, or one case of a clause that names several.
enum class Clause : unsigned char {
#define DJ_CLAUSE(e, id, needs, judged, text, strict, lenient, lenient_text) e,
#include "models/clauses.def"
#undef DJ_CLAUSE
};

inline constexpr std::array kAllClauses = {
#define DJ_CLAUSE(e, id, needs, judged, text, strict, lenient, lenient_text) Clause::e,
#include "models/clauses.def"
#undef DJ_CLAUSE
};

enum class Profile : unsigned char { kStrict, kLenient };
// kOwnJobs: the control extension, or (without it) jobs the run submits itself (owned-jobs).
enum class Needs : unsigned char { kAny, kOwnJobs, kControl };

// What an answer may be.
enum class OutcomeKind : unsigned char {
  kSuccess,     // a success envelope
  kError,       // an error envelope with `code`
  kHttpStatus,  // a bare HTTP status (lenient outcomes such as 405 and 413)
  kAsIfValid,   // the answer the request would get without the fault (lenient COM-3, COM-4)
};

struct Outcome {
  OutcomeKind kind = OutcomeKind::kSuccess;
  ErrorCode code = ErrorCode::kInternalError;  // meaningful for kError only
  int http_status = 200;                       // meaningful for kHttpStatus only

  friend bool operator==(const Outcome& a, const Outcome& b) {
    return a.kind == b.kind && (a.kind != OutcomeKind::kError || a.code == b.code) &&
           (a.kind != OutcomeKind::kHttpStatus || a.http_status == b.http_status);
  }
};

constexpr Outcome Ok() { return {OutcomeKind::kSuccess, ErrorCode::kInternalError, 200}; }
constexpr Outcome Err(ErrorCode c) { return {OutcomeKind::kError, c, 200}; }
constexpr Outcome Http(int status) {
  return {OutcomeKind::kHttpStatus, ErrorCode::kInternalError, status};
}
constexpr Outcome AsIfValid() { return {OutcomeKind::kAsIfValid, ErrorCode::kInternalError, 200}; }

struct ClauseInfo {
  Clause clause;
  std::string_view id;  // e.g. "DEL-2"; several rows may share one id
  Needs needs;
  bool judged;                    // false for driver clauses (DRV-*)
  std::string_view text;          // one line
  std::vector<Outcome> strict;    // strict[0] is what the reference mock answers
  std::vector<Outcome> lenient;   // allowed on top of `strict` by the lenient profile
  std::string_view lenient_text;  // for structural clauses: what lenient relaxes
};

// A refused request: the clause that refuses it, and a one-line reason for the message.
// The answer's code is Canonical(clause) for the reference mock.
struct Refusal {
  Clause clause;
  std::string detail;
};

const ClauseInfo& Info(Clause c);
std::string_view ClauseId(Clause c);
// Every row with the given id (e.g. "COM-1" has two); empty for an unknown id.
std::vector<Clause> ClausesWithId(std::string_view id);
// The distinct clause ids in table order.
std::vector<std::string_view> AllClauseIds();
// The wording of a clause id: the texts of its rows, each once, joined by a space (what the
// results document and the reports show); empty for an unknown id.
std::string ClauseText(std::string_view id);

// The outcomes the profile allows for the clause (strict, plus lenient for kLenient).
std::vector<Outcome> Allowed(Clause c, Profile p);
// The reference answer: the first strict outcome. Only for clauses that have outcomes.
Outcome Canonical(Clause c);
// True when the clause's first strict outcome is an error: the answer has no effect.
bool RefusesRequest(Clause c);
// True for RequestLimitExceeded and its documented sub-codes (the outcomes of RL-2).
bool IsRateLimitCode(ErrorCode c);

std::string ToString(const Outcome& o);
// For test output and logs: "DEL-2 kDelJobActive", "UnsupportedOperation".
std::ostream& operator<<(std::ostream& os, Clause c);
std::ostream& operator<<(std::ostream& os, const Outcome& o);
std::string_view ProfileName(Profile p);
std::optional<Profile> ProfileFromName(std::string_view name);

}  // namespace dj::model
