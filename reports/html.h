// The self-contained HTML report of a results document: one file with inline CSS, JS and SVG
// that fetches nothing (its Content-Security-Policy forbids every fetch). A pure function of
// its input: the same results give the same bytes.
#pragma once

#include <string>

#include "reports/results.h"

namespace dj::report {

// `results_name` is how the page names the results file in its replay command (e.g.
// "djharness-report/results.json").
std::string HtmlReport(const Results& results, const std::string& results_name);

// The curl command line of one recorded request (Exchange::request), aimed at `base_url`:
// method, path and query, headers and body as sent, with the credential and signature still
// hidden (a repro script signs afresh). Empty for a control step.
std::string CurlLine(const std::string& request_text, const std::string& base_url);

}  // namespace dj::report
