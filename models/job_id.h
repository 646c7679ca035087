// The JobId grammar (facts §7; clause ID-1). No rule is published; every example is
// "job-" followed by 8 characters of [0-9a-z].
#pragma once

#include <string_view>

namespace dj::model {

enum class JobIdGrammar : unsigned char {
  // ^job-[0-9a-z]{8}$: the only shape seen in any example. What the reference mock accepts.
  kStrict,
  // ^job-[0-9A-Za-z]{1,64}$: ids a lenient target might treat as well formed (and answer
  // ResourceNotFound.Job rather than InvalidParameter.JobIdMalformed).
  kLenient,
};

inline constexpr std::string_view kJobIdPrefix = "job-";
inline constexpr std::size_t kJobIdSuffixLength = 8;
inline constexpr std::string_view kJobIdAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

// True when `id` is well formed under the grammar. Bytes are compared as bytes: any non-ASCII
// byte, NUL, whitespace or '%' makes an id malformed.
bool IsWellFormedJobId(std::string_view id, JobIdGrammar grammar = JobIdGrammar::kStrict);

}  // namespace dj::model
