// SARIF 2.1.0 for code-scanning dashboards (issue 7): every clause of the clause table as a rule,
// every failed or flaky clause of a run as an error result.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reports/results.h"

namespace dj::report {

struct SarifOptions {
  // The artifact every result is located in: the results document, as a path relative to the
  // repository checkout (that is where GitHub code scanning resolves it). A conformance failure
  // has no source line; GitHub rejects a result without a physical location, so each result
  // points at line 1 of this file and names the target in a logical location. An absolute path
  // is written as a file:// URI.
  std::string results_uri = "djharness-report/results.json";
  // Where the repro-CLAUSE.sh scripts are, for the messages; empty: the folder of results_uri.
  std::string report_dir;
};

// Returns one SARIF 2.1.0 log: "$schema", "version": "2.1.0", and one run whose tool.driver is
// djharness (name, version from the results) with one rule per clause id of the clause table
// (model::AllClauseIds, in table order; id, shortDescription and fullDescription = the clause's
// wording, defaultConfiguration.level "error"), followed by a rule for any clause of the
// results the table does not know. One result per failed or flaky clause, in document order:
// ruleId, ruleIndex, level "error", message.text (what went wrong, the shrunk history's size,
// the replay and curl commands; flaky ones say how often the replays failed), one location
// (physicalLocation.artifactLocation.uri = results_uri with region.startLine 1, and a logical
// location of kind "resource" named after the target) and partialFingerprints
// {"djharnessClause/v1": clause id}, so that an alert keeps its identity from run to run.
// Pure; never fails.
nlohmann::json Sarif(const Results& results, const SarifOptions& options = {});

// Sarif() as indented UTF-8 text (bytes that are not UTF-8 become U+FFFD), ending with a newline.
std::string SarifText(const Results& results, const SarifOptions& options = {});

}  // namespace dj::report
