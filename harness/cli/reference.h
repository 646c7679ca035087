// The reference pages generated from the tables the code uses: docs/clauses.md (clauses.def,
// faults.def, properties.def) and docs/cli.md (commands.def, flags.def), and the clause entry
// `djharness explain` prints, which is the same text as the clause's section of clauses.md.
#pragma once

#include <string>
#include <string_view>

namespace dj::cli {

// The Markdown section of one clause id (e.g. "DEL-2"): its cases with their text and the
// outcomes each profile allows, what it needs, the properties aimed at it and the planted
// faults that break it. Empty for an id clauses.def does not have.
std::string ClauseEntry(std::string_view id);

// docs/clauses.md: an index of every clause, the properties, then every ClauseEntry.
std::string ClausesPage();

// docs/cli.md: the exit codes, then every command with its flags, defaults and accepted values.
std::string CliPage();

}  // namespace dj::cli
