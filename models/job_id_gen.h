// RapidCheck generators of JobIds: well-formed ones, and near misses that a sloppy target
// might accept (ID-1). A near miss starts from a well-formed id and breaks it once, at any
// position of the id (the prefix, the separator, the suffix, before the first character and
// after the last). Every kind but kAsciiTwin is malformed under the strict grammar; an ASCII
// twin may happen to be well formed (an 'o' of the suffix written as '0'), and must then be
// judged as the well-formed id it is.
#pragma once

#include <rapidcheck.h>

#include <string>
#include <string_view>

namespace dj::model {

enum class NearMiss : unsigned char {
  kWrongPrefix,     // jbo-, JOB-, job_, task-, no prefix ...
  kTooShort,        // 0..7 characters after job-
  kTooLong,         // 9..72 characters after job- (past the lenient grammar's 64 too)
  kOneShort,        // one character of the id left out, any of the 12
  kOneLong,         // one id character more, anywhere
  kUppercase,       // one letter upper case, in the prefix or the suffix
  kNonAscii,        // one character replaced by a Unicode look-alike (Cyrillic o, fullwidth 1)
  kAsciiTwin,       // one character replaced by its ASCII twin (o and 0, l and 1): may be valid
  kPercentEncoded,  // one character still %XX-encoded (upper, lower, twice), or all of them
  kNul,             // an embedded NUL byte
  kWhitespace,      // a space, tab, CR, LF, NBSP, zero-width space, BOM ... anywhere
  kControl,         // a C0 or C1 control character, DEL or a bidi mark, anywhere
  kSeparator,       // the '-' replaced, doubled or left out, or one more separator anywhere
  kBadCharacter,    // punctuation in place of any character
  kEmpty,           // ""
  kLong,            // job- followed by 100..8000 characters
  kHuge,            // job- followed by 1 MiB
};

inline constexpr NearMiss kAllNearMisses[] = {
    NearMiss::kWrongPrefix, NearMiss::kTooShort,       NearMiss::kTooLong,
    NearMiss::kOneShort,    NearMiss::kOneLong,        NearMiss::kUppercase,
    NearMiss::kNonAscii,    NearMiss::kAsciiTwin,      NearMiss::kPercentEncoded,
    NearMiss::kNul,         NearMiss::kWhitespace,     NearMiss::kControl,
    NearMiss::kSeparator,   NearMiss::kBadCharacter,   NearMiss::kEmpty,
    NearMiss::kLong,        NearMiss::kHuge,
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
// A near miss of any kind, kHuge with weight `huge_weight` against 10 for most others (it is
// 1 MiB: the step generators draw it rarely).
rc::Gen<NearMissId> GenNearMissJobId(int huge_weight = 4);

}  // namespace dj::model
