// The Markdown summary of a run (issue 7): small enough for a CI job summary (GitHub's
// $GITHUB_STEP_SUMMARY), whatever the number of histories: the verdict, counts per status, one
// line per failed or flaky clause with its repro commands, an optional comparison with a
// baseline, and a compact table of every clause.
#pragma once

#include <string>

#include "reports/compare.h"
#include "reports/results.h"

namespace dj::report {

struct MarkdownOptions {
  // The results file as the replay command should name it.
  std::string results_path = "djharness-report/results.json";
  // Where the repro-CLAUSE.sh scripts are; empty: the folder of results_path.
  std::string report_dir;
  // When set, a "Compared with the baseline" section (ComparisonMarkdown) follows the failures.
  const Comparison* comparison = nullptr;
};

// Returns GitHub-flavoured Markdown: a heading with the verdict (CONFORMANT when no clause
// failed or is flaky, else NOT CONFORMANT) naming the target and the seed, a table of counts per
// status, one line of run metadata, a table of the failed and flaky clauses (id, status, what
// went wrong, requests in the shrunk history, curl script) under the replay command, the
// comparison, then every clause in a <details> block. Nothing in it grows with the number of
// histories: history_rows, delete_cells and rate_schedules are not read. Text from the target
// is escaped (Markdown and HTML), made valid UTF-8 and cut to one line of at most 240 bytes.
// Pure; never fails.
std::string MarkdownSummary(const Results& results, const MarkdownOptions& options = {});

// The comparison as a Markdown section headed "### Compared with the baseline": the gate's
// verdict, the counts per category, and a table per non-empty category but "unchanged".
std::string ComparisonMarkdown(const Comparison& comparison);

}  // namespace dj::report
