// Run-to-run comparison of two results documents (issue 7): what broke since a baseline run,
// what was fixed, what still fails, and which clauses came into or fell out of coverage. A CI
// gate fails on regressions only, so that a list of known failures can be burned down.
// Not to be confused with harness/runner/diff.h, the differential of two live targets.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/results.h"

namespace dj::report {

// What became of one clause from BASE to NEW. "Bad" is failed or flaky; a clause missing from a
// document counts as skipped there.
enum class Change : unsigned char {
  kRegression,    // bad in NEW, not bad in BASE
  kFixed,         // bad in BASE, passed in NEW
  kStillFailing,  // bad in both
  kNewlyCovered,  // skipped in BASE, passed in NEW
  kNewlySkipped,  // passed or bad in BASE, skipped in NEW
  kUnchanged,     // passed in both, or skipped in both
};
// In the order the renderings list them.
inline constexpr Change kAllChanges[] = {Change::kRegression,   Change::kFixed,
                                         Change::kStillFailing, Change::kNewlyCovered,
                                         Change::kNewlySkipped, Change::kUnchanged};
// For people: "regressions", "fixed", "still failing", "newly covered", "newly skipped",
// "unchanged".
std::string_view ChangeTitle(Change c);
// The comparison document's keys: "regressions", "fixed", "still_failing", "newly_covered",
// "newly_skipped", "unchanged".
std::string_view ChangeKey(Change c);
// Failed or flaky: a clause that fails the run ("bad"); false for absent.
bool IsBad(std::optional<Status> s);
// StatusName, or "absent" for a clause a document does not have.
std::string_view SideStatusName(std::optional<Status> s);
// The category of a clause with status `base` in BASE and `now` in NEW (nullopt: absent).
Change Classify(std::optional<Status> base, std::optional<Status> now);

struct ClauseChange {
  std::string id;
  std::optional<Status> base;  // nullopt: the clause is not in BASE
  std::optional<Status> now;   // nullopt: the clause is not in NEW
  Change change = Change::kUnchanged;
  // One line: NEW's failure message when the clause is bad in NEW, BASE's when it was bad there
  // and is not now (fixed, or newly skipped), NEW's skip reason when newly skipped from passed;
  // empty otherwise.
  std::string detail;
};

// Which run a side of the comparison is.
struct RunLabel {
  std::string file;  // as the caller names it, e.g. "baseline.json"
  std::string target;
  std::uint64_t seed = 0;
  std::string started;
  std::string version;
};

struct Comparison {
  RunLabel base;
  RunLabel now;
  // Every clause of either document: NEW's in its order, then those only in BASE in BASE's.
  std::vector<ClauseChange> clauses;

  // The clauses in category `c`, in the order above.
  std::vector<ClauseChange> Of(Change c) const;
  int Count(Change c) const;
  // 1 (violations) when any clause regressed, else 0: the gate of `report --diff` and
  // `run --baseline` (architecture.md exit codes).
  int ExitCode() const;
};

// Compare NEW with BASE. `base_file` and `new_file` only label the sides. Pure; never fails.
Comparison Compare(const Results& base, const Results& now, std::string_view base_file,
                   std::string_view new_file);

// For a terminal: one line of counts, then one line per clause of every category but
// "unchanged", and the verdict of the gate. Ends with a newline.
std::string ComparisonText(const Comparison& c);
// (Its Markdown section for the job summary is ComparisonMarkdown, in reports/markdown.h.)

// {"base": {...}, "new": {...}, "summary": {"regressions": N, ...}, "regressions": [...], ...,
//  "exit_code": 0|1}; each clause {"id", "base", "new" (status name or null), "detail"}.
void to_json(nlohmann::json& j, const Comparison& c);

}  // namespace dj::report
