// `djharness explain CLAUSE-ID`: the clause's entry of docs/clauses.md, from the same tables.
#include <algorithm>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/cli/reference.h"
#include "models/clauses.h"

namespace dj::cli {

int RunExplain(const ParsedFlags& flags, std::ostream& out, std::ostream& err) {
  std::string ids;
  for (std::string_view id : model::AllClauseIds())
    ids += (ids.empty() ? "" : ", ") + std::string(id);
  if (flags.positional.size() != 1) {
    err << "djharness explain: give one clause id; the ids are " << ids << "\n";
    return kExitUsage;
  }
  std::string id = flags.positional[0];
  std::transform(id.begin(), id.end(), id.begin(), [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  std::string entry = ClauseEntry(id);
  if (entry.empty()) {
    err << "djharness explain: unknown clause id `" << flags.positional[0] << "`; the ids are "
        << ids << "\n";
    return kExitUsage;
  }
  out << entry;
  return kExitOk;
}

}  // namespace dj::cli
