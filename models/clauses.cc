// The clause table built from clauses.def.
#include "models/clauses.h"

#include <algorithm>
#include <cstddef>
#include <ostream>

namespace dj::model {
namespace {

#define DJ_OUT(...) \
  std::vector<Outcome> { __VA_ARGS__ }

const std::vector<ClauseInfo>& Table() {
  using enum ErrorCode;
  using enum Needs;
  static const std::vector<ClauseInfo> kTable = {
#define DJ_CLAUSE(e, id, needs, judged, text, strict, lenient, lenient_text) \
  {Clause::e, id, needs, judged, text, strict, lenient, lenient_text},
#include "models/clauses.def"
#undef DJ_CLAUSE
  };
  return kTable;
}

#undef DJ_OUT

}  // namespace

const ClauseInfo& Info(Clause c) { return Table()[static_cast<std::size_t>(c)]; }
std::string_view ClauseId(Clause c) { return Info(c).id; }

std::vector<Clause> ClausesWithId(std::string_view id) {
  std::vector<Clause> out;
  for (const ClauseInfo& row : Table()) {
    if (row.id == id) out.push_back(row.clause);
  }
  return out;
}

std::vector<std::string_view> AllClauseIds() {
  std::vector<std::string_view> out;
  for (const ClauseInfo& row : Table()) {
    if (std::find(out.begin(), out.end(), row.id) == out.end()) out.push_back(row.id);
  }
  return out;
}

std::string ClauseText(std::string_view id) {
  std::string text;
  for (Clause c : ClausesWithId(id)) {
    std::string_view t = Info(c).text;
    if (text.find(t) == std::string::npos) text += (text.empty() ? "" : " ") + std::string(t);
  }
  return text;
}

std::vector<Outcome> Allowed(Clause c, Profile p) {
  const ClauseInfo& row = Info(c);
  std::vector<Outcome> out = row.strict;
  if (p == Profile::kLenient) out.insert(out.end(), row.lenient.begin(), row.lenient.end());
  return out;
}

Outcome Canonical(Clause c) { return Info(c).strict.at(0); }

bool RefusesRequest(Clause c) {
  const ClauseInfo& row = Info(c);
  return !row.strict.empty() && row.strict.front().kind != OutcomeKind::kSuccess;
}

bool IsRateLimitCode(ErrorCode c) {
  const std::vector<Outcome>& codes = Info(Clause::kRateExceeded).strict;
  return std::find(codes.begin(), codes.end(), Err(c)) != codes.end();
}

std::string ToString(const Outcome& o) {
  switch (o.kind) {
    case OutcomeKind::kSuccess:
      return "success";
    case OutcomeKind::kError:
      return std::string(CodeString(o.code));
    case OutcomeKind::kHttpStatus:
      return "HTTP " + std::to_string(o.http_status);
    case OutcomeKind::kAsIfValid:
      return "answered as if valid";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, Clause c) {
  static constexpr std::string_view kEnumerators[] = {
#define DJ_CLAUSE(e, id, needs, judged, text, strict, lenient, lenient_text) #e,
#include "models/clauses.def"
#undef DJ_CLAUSE
  };
  return os << ClauseId(c) << " " << kEnumerators[static_cast<std::size_t>(c)];
}

std::ostream& operator<<(std::ostream& os, const Outcome& o) { return os << ToString(o); }

std::string_view ProfileName(Profile p) { return p == Profile::kStrict ? "strict" : "lenient"; }

std::optional<Profile> ProfileFromName(std::string_view name) {
  if (name == "strict") return Profile::kStrict;
  if (name == "lenient") return Profile::kLenient;
  return std::nullopt;
}

}  // namespace dj::model
