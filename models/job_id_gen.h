// RapidCheck generators of JobIds: well-formed ones, and near misses that a sloppy target
// might accept (ID-1). Every near miss is malformed under the strict grammar.
#pragma once

#include <rapidcheck.h>

#include <string>
#include <string_view>

namespace dj::model {

enum class NearMiss : unsigned char {
  kWrongPrefix,     // jbo-, JOB-, job_, task-, no prefix ...
  kTooShort,        // 0..7 characters after job-
  kTooLong,         // 9..72 characters after job- (past the lenient grammar's 64 too)
  kUppercase,       // one character upper case
  kNonAscii,        // one character replaced by a multi-byte UTF-8 character
  kPercentEncoded,  // one character still %XX-encoded
  kNul,             // an embedded NUL byte
  kWhitespace,      // a space, tab, CR or LF before, inside or after
  kBadCharacter,    // punctuation in the suffix
  kEmpty,           // ""
  kHuge,            // job- followed by 1 MiB
};

std::string_view NearMissName(NearMiss kind);

struct NearMissId {
  NearMiss kind;
  std::string id;
};

// "job-" + 8 characters of [0-9a-z].
rc::Gen<std::string> GenWellFormedJobId();
// A near miss of the given kind.
rc::Gen<std::string> GenNearMissJobId(NearMiss kind);
// A near miss of any kind (kHuge rarely: it is 1 MiB).
rc::Gen<NearMissId> GenNearMissJobId();

}  // namespace dj::model
