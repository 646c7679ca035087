// The JobId grammar as a hand-written scanner (fuzz/ checks it against an independent oracle).
#include "models/job_id.h"

namespace dj::model {
namespace {

bool IsLowerAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

}  // namespace

bool IsWellFormedJobId(std::string_view id, JobIdGrammar grammar) {
  if (id.substr(0, kJobIdPrefix.size()) != kJobIdPrefix) return false;
  std::string_view suffix = id.substr(kJobIdPrefix.size());
  switch (grammar) {
    case JobIdGrammar::kStrict:
      if (suffix.size() != kJobIdSuffixLength) return false;
      for (char c : suffix) {
        if (!IsLowerAlnum(c)) return false;
      }
      return true;
    case JobIdGrammar::kLenient:
      if (suffix.empty() || suffix.size() > 64) return false;
      for (char c : suffix) {
        if (!IsAlnum(c)) return false;
      }
      return true;
  }
  return false;
}

}  // namespace dj::model
