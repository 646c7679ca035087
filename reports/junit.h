// JUnit XML for CI servers: one results document written as the Apache Ant JUnit schema
// (../shared/schemas/junit.xsd) describes it, one testcase per clause.
#pragma once

#include <string>
#include <string_view>

#include "reports/results.h"

namespace dj::report {

// Returns `results` as a UTF-8 XML 1.0 document that validates against junit.xsd:
// <testsuites> (the schema gives it no attributes) holding one <testsuite name="djharness"
// package="djharness" id="0">, whose properties carry the run's settings and whose testcases
// are the clauses in document order (classname "djharness.<id prefix>", name "<id>: <text>").
// A failed clause has <failure type="<id>"> with the message, shrunk history and repro script;
// a skipped clause has <skipped message="<reason>"/>.
//
// The timestamp is results.started in UTC without a zone ("2026-11-29T11:45:56"), as the
// schema's pattern demands; a `started` the function cannot read becomes
// "1970-01-01T00:00:00" (the raw value is always in the "started" property). An empty or
// blank `hostname` becomes "localhost", as the schema asks. Bytes XML 1.0 cannot carry
// (control characters, invalid UTF-8, U+FFFE/U+FFFF) are written as the text "\xNN".
// Pure: no clock, no I/O; never fails.
std::string JunitXml(const Results& results, std::string_view hostname);

}  // namespace dj::report
