// Reading results documents for `run --baseline` and `report`.
#include "harness/cli/report_files.h"

#include <unistd.h>

#include "harness/cli/setup.h"

namespace dj::cli {

std::string Hostname() {
  char name[256] = {};
  return gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string("localhost");
}

Result<report::Results, run::RunError> LoadResults(const std::string& path, std::string_view what) {
  auto text = ReadFile(path);
  if (!text) return Failure{run::RunError{2, std::string(what) + ": cannot read " + path}};
  auto results = report::ResultsFromText(*text);
  if (!results)
    return Failure{run::RunError{2, std::string(what) + ": " + path + ": " + results.error()}};
  return std::move(*results);
}

}  // namespace dj::cli
