// Text helpers the report writers share: UTF-8 validity, cutting text to a length without
// splitting a character, and the paths the reports name. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dj::report {

// Length of the well-formed UTF-8 sequence starting at text[i] (2 to 4), or 0 when the bytes
// there are not one (stray continuation byte, overlong form, surrogate, above U+10FFFF,
// truncated). ASCII (below 0x80) is the caller's business: it returns 0 for it too.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i);

// `text` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD.
std::string ValidUtf8(std::string_view text);

// At most `max_bytes` bytes of valid UTF-8 `text`, cut at a character boundary, with "..."
// appended when anything was cut (the result may then be up to 3 bytes longer).
std::string CutUtf8(std::string_view text, std::size_t max_bytes);

// The folder part of a '/'-separated path: "a/b" for "a/b/c.json", "." for "c.json", "/" for
// "/c.json".
std::string FolderOf(std::string_view path);
// Where `djharness run` writes the curl reproduction of a clause: DIR/repro-CLAUSE.sh.
std::string ReproScriptPath(std::string_view dir, std::string_view clause_id);

}  // namespace dj::report
