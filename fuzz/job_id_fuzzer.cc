// Differential fuzz target: the JobId scanner (models/job_id.cc) against regular expressions
// written from the grammar's definition, for both grammars. Any disagreement aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <regex>
#include <string>

#include "models/job_id.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string id(reinterpret_cast<const char*>(data), size);
  static const std::regex kStrict("job-[0-9a-z]{8}");
  static const std::regex kLenient("job-[0-9A-Za-z]{1,64}");
  // Well-formed ids are short; the regexes only see inputs that could match.
  bool strict = id.size() <= 12 && std::regex_match(id, kStrict);
  bool lenient = id.size() <= 68 && std::regex_match(id, kLenient);
  if (dj::model::IsWellFormedJobId(id, dj::model::JobIdGrammar::kStrict) != strict) std::abort();
  if (dj::model::IsWellFormedJobId(id, dj::model::JobIdGrammar::kLenient) != lenient) std::abort();
  return 0;
}
