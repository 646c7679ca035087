// Escaping of text for XML and HTML (JUnit and the HTML report): everything that came from a
// target or a fuzzer passes through here before it becomes markup.
#pragma once

#include <string>
#include <string_view>

namespace dj::report {

// Appends `text` as XML/HTML character data. In attributes, tab, newline and carriage return
// become character references so that attribute-value normalisation keeps them; in element
// content only carriage return does (a parser would turn a literal CR LF into LF). Whatever
// XML 1.0 cannot carry at all (control bytes, bytes that are not UTF-8, U+FFFE/U+FFFF)
// becomes the visible text "\xNN", byte by byte.
void AppendEscaped(std::string& out, std::string_view text, bool attribute);

}  // namespace dj::report
