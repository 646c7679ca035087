// Markdown summary writer. Everything that came from a target passes through Inline() or
// Code(), which keep it on one line, valid, short and inert.
#include "reports/markdown.h"

#include <algorithm>
#include <cstdio>

#include "reports/text.h"

namespace dj::report {
namespace {

// The longest text from a target that one table cell carries.
constexpr std::size_t kCellBytes = 240;

// One line: control characters (newlines included) become spaces, runs of spaces one.
std::string OneLine(std::string_view text) {
  std::string out;
  for (char ch : ValidUtf8(text)) {
    const bool blank = static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F || ch == ' ';
    if (blank) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += ch;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Text for a table cell or a sentence: one line, at most kCellBytes, with Markdown punctuation
// backslash-escaped and HTML's special characters as entities, so that nothing in it becomes
// markup, a link or a column break.
std::string Inline(std::string_view text) {
  std::string out;
  for (char ch : CutUtf8(OneLine(text), kCellBytes)) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '|':
      case '~':
        out += '\\';
        out += ch;
        break;
      default:
        out += ch;
    }
  }
  return out;
}

// A code span of one line (a path, a URL, a command); the fence is one backtick longer than any
// run inside. In a table cell GitHub splits even a code span at a bare '|': CodeCell() escapes it.
std::string Code(std::string_view text) {
  std::string body = OneLine(text);
  std::size_t longest = 0;
  std::size_t run = 0;
  for (char ch : body) {
    run = ch == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

std::string CodeCell(std::string_view text) {
  std::string body = Code(text);
  std::string out;
  for (char ch : body) {
    if (ch == '|') out += '\\';
    out += ch;
  }
  return out;
}

std::string Fixed1(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string Plural(long long n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string StatusCell(const ClauseResult& c) {
  if (c.status == Status::kFlaky && c.failure && c.failure->replays > 0) {
    return "flaky (failed " + std::to_string(c.failure->reproduced) + " of " +
           std::to_string(c.failure->replays) + " replays)";
  }
  return std::string(StatusName(c.status));
}

void AppendVerdict(std::string& out, const Results& r) {
  const int failed = r.Count(Status::kFailed);
  const int flaky = r.Count(Status::kFlaky);
  out += "## " + r.Verdict() + ": ";
  if (failed + flaky == 0) {
    out += r.Count(Status::kPassed) > 0 ? "no clause failed" : "every clause was skipped";
  } else {
    out += std::to_string(failed) + " failed";
    if (flaky > 0) out += ", " + std::to_string(flaky) + " flaky";
  }
  out += " (target " + Code(r.target) + ", seed " + std::to_string(r.seed) + ")\n\n";

  out += "| passed | failed | flaky | skipped |\n|---:|---:|---:|---:|\n|";
  for (Status s : kAllStatuses) out += " " + std::to_string(r.Count(s)) + " |";
  out += "\n\n";

  out += Inline(r.tool) + " " + Inline(r.version) + ", DeleteJob API " + Inline(r.api_version) +
         ", profile " + Inline(r.profile) + ", styles " + Inline(r.styles) + ", control " +
         Inline(r.control) + "; " + Plural(r.histories, "history", "histories") + ", " +
         Plural(r.requests, "request", "requests") + " in " + Fixed1(r.duration_seconds) + " s (" +
         Fixed1(r.pacing_seconds) + " s pacing), started " + Inline(r.started) + ".\n";
  if (!r.partial.empty()) {
    out += "\n**Partial results** (" + Inline(r.partial) +
           "): the run stopped before it was done; clauses it did not get to are skipped.\n";
  }
  for (const std::string& premise : r.premises_failed) {
    out += "\n**A premise of the run failed** (not a finding): " + Inline(premise) + "\n";
  }
  if (r.budget > 0) {
    out += "\nRequest budget " + std::to_string(r.budget) +
           (r.budget_spent ? ": spent, the run stopped at it." : ": not reached.") + "\n";
  }
  if (!r.jobs_left.empty()) {
    out += "\n**" + Plural(static_cast<long long>(r.jobs_left.size()), "job", "jobs") +
           " of the run's own left on the target**: finish them with " +
           Code("djharness cleanup " + r.ledger) + ".\n";
  }
}

void AppendFailures(std::string& out, const Results& r, const MarkdownOptions& o) {
  if (r.Count(Status::kFailed) + r.Count(Status::kFlaky) == 0) return;
  const std::string dir = o.report_dir.empty() ? FolderOf(o.results_path) : o.report_dir;
  out += "\n### Failed and flaky clauses\n\n";
  out += "Replay every failing history: " + Code("djharness replay " + o.results_path) +
         "; each clause's curl script needs `TENCENTCLOUD_SECRET_ID` and "
         "`TENCENTCLOUD_SECRET_KEY` (`DJ_TARGET=URL` aims it elsewhere).\n\n";
  out += "| clause | status | what went wrong | requests | curl script |\n";
  out += "|---|---|---|---:|---|\n";
  for (const ClauseResult& c : r.clauses) {
    if (!IsBad(c.status)) continue;
    out += "| " + CodeCell(c.id) + " | " + Inline(StatusCell(c)) + " | ";
    if (c.failure) {
      out += Inline(c.failure->message) + " | " + std::to_string(c.failure->requests) + " | " +
             CodeCell(ReproScriptPath(dir, c.id)) + " |\n";
    } else {
      out += "failed in " + Plural(c.failures, "round", "rounds") +
             "; no shrunk history recorded |  |  |\n";
    }
  }
}

void AppendAllClauses(std::string& out, const Results& r) {
  out += "\n<details><summary>All " +
         Plural(static_cast<long long>(r.clauses.size()), "clause", "clauses") + "</summary>\n\n";
  out += "| clause | status | checks | note |\n|---|---|---:|---|\n";
  for (const ClauseResult& c : r.clauses) {
    std::string status(StatusName(c.status));
    if (IsBad(c.status)) status = "**" + status + "**";
    out += "| " + CodeCell(c.id) + " | " + status + " | " + std::to_string(c.checks) + " | " +
           Inline(c.reason) + " |\n";
  }
  out += "\n</details>\n";
}

}  // namespace

std::string MarkdownSummary(const Results& results, const MarkdownOptions& options) {
  std::string out;
  AppendVerdict(out, results);
  AppendFailures(out, results, options);
  if (options.comparison != nullptr) out += "\n" + ComparisonMarkdown(*options.comparison);
  AppendAllClauses(out, results);
  return out;
}

std::string ComparisonMarkdown(const Comparison& c) {
  std::string out = "### Compared with the baseline\n\n";
  const int regressions = c.Count(Change::kRegression);
  const int known = c.Count(Change::kStillFailing);
  const std::string base = Code(c.base.file) + " (target " + Code(c.base.target) + ", seed " +
                           std::to_string(c.base.seed) + ")";
  if (regressions > 0) {
    out += "**Gate: FAILED**: " + Plural(regressions, "regression", "regressions") + " since " +
           base + ".\n\n";
  } else {
    out += "**Gate: passed**: no regression since " + base +
           (known > 0 ? "; " + Plural(known, "known failure", "known failures") + " still failing"
                      : std::string()) +
           ".\n\n";
  }
  std::string head = "|";
  std::string rule = "|";
  std::string counts = "|";
  for (Change change : kAllChanges) {
    if (change == Change::kUnchanged) continue;
    head += " " + std::string(ChangeTitle(change)) + " |";
    rule += "---:|";
    counts += " " + std::to_string(c.Count(change)) + " |";
  }
  out += head + "\n" + rule + "\n" + counts + "\n";
  for (Change change : kAllChanges) {
    if (change == Change::kUnchanged) continue;
    auto of = c.Of(change);
    if (of.empty()) continue;
    std::string title(ChangeTitle(change));
    title[0] = static_cast<char>(title[0] - 'a' + 'A');
    out += "\n#### " + title + "\n\n| clause | baseline | now | detail |\n|---|---|---|---|\n";
    for (const ClauseChange& x : of) {
      out += "| " + CodeCell(x.id) + " | " + std::string(SideStatusName(x.base)) + " | " +
             std::string(SideStatusName(x.now)) + " | " + Inline(x.detail) + " |\n";
    }
  }
  return out;
}

}  // namespace dj::report
