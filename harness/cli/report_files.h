// What `djharness run` and `djharness report` share to read results documents and write the
// reports rendered from them.
#pragma once

#include <string>

#include "harness/runner/runner.h"
#include "reports/results.h"

namespace dj::cli {

// This machine's host name for the JUnit XML, "localhost" when it cannot be had.
std::string Hostname();

// The results document at `path`; exit code 2 and a one-line message naming the file when it
// cannot be read or is not a results document. `what` names the file's role in the message,
// e.g. "--baseline".
Result<report::Results, run::RunError> LoadResults(const std::string& path, std::string_view what);

}  // namespace dj::cli
