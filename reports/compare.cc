// Run-to-run comparison: classification of every clause, its text rendering and its JSON.
#include "reports/compare.h"

#include <algorithm>
#include <iterator>

#include "reports/text.h"

namespace dj::report {
namespace {

using nlohmann::json;

// Absent counts as skipped.
bool IsSkipped(std::optional<Status> s) { return !s || *s == Status::kSkipped; }

const ClauseResult* Find(const Results& r, std::string_view id) {
  auto it = std::find_if(r.clauses.begin(), r.clauses.end(),
                         [&](const ClauseResult& c) { return c.id == id; });
  return it == r.clauses.end() ? nullptr : &*it;
}

std::string FailureLine(const ClauseResult& c) {
  if (c.failure) return c.failure->message;
  return "failed in " + std::to_string(c.failures) + " round(s)";
}

std::string Detail(const ClauseChange& change, const ClauseResult* base, const ClauseResult* now) {
  if (now != nullptr && IsBad(now->status)) return FailureLine(*now);
  if (base != nullptr && IsBad(base->status)) return "was: " + FailureLine(*base);
  if (change.change == Change::kNewlySkipped) {
    return now == nullptr ? std::string("not in the new results") : now->reason;
  }
  return "";
}

RunLabel Label(const Results& r, std::string_view file) {
  return {std::string(file), r.target, r.seed, r.started, r.version};
}

json StatusJson(std::optional<Status> s) { return s ? json(StatusName(*s)) : json(nullptr); }

}  // namespace

namespace {
// The names of each category, in one table.
struct ChangeNames {
  Change change;
  std::string_view title;
  std::string_view key;
};
constexpr ChangeNames kChangeNames[] = {
    {Change::kRegression, "regressions", "regressions"},
    {Change::kFixed, "fixed", "fixed"},
    {Change::kStillFailing, "still failing", "still_failing"},
    {Change::kNewlyCovered, "newly covered", "newly_covered"},
    {Change::kNewlySkipped, "newly skipped", "newly_skipped"},
    {Change::kUnchanged, "unchanged", "unchanged"},
};
const ChangeNames& NamesOf(Change c) {
  for (const ChangeNames& row : kChangeNames) {
    if (row.change == c) return row;
  }
  return kChangeNames[std::size(kChangeNames) - 1];
}
}  // namespace

std::string_view ChangeTitle(Change c) { return NamesOf(c).title; }
std::string_view ChangeKey(Change c) { return NamesOf(c).key; }

bool IsBad(std::optional<Status> s) { return s == Status::kFailed || s == Status::kFlaky; }

std::string_view SideStatusName(std::optional<Status> s) {
  return s ? StatusName(*s) : std::string_view("absent");
}

Change Classify(std::optional<Status> base, std::optional<Status> now) {
  if (IsBad(now)) return IsBad(base) ? Change::kStillFailing : Change::kRegression;
  if (IsSkipped(now)) return IsSkipped(base) ? Change::kUnchanged : Change::kNewlySkipped;
  // Passed now.
  if (IsBad(base)) return Change::kFixed;
  return IsSkipped(base) ? Change::kNewlyCovered : Change::kUnchanged;
}

std::vector<ClauseChange> Comparison::Of(Change c) const {
  std::vector<ClauseChange> out;
  std::copy_if(clauses.begin(), clauses.end(), std::back_inserter(out),
               [c](const ClauseChange& x) { return x.change == c; });
  return out;
}

int Comparison::Count(Change c) const {
  return static_cast<int>(std::count_if(clauses.begin(), clauses.end(),
                                        [c](const ClauseChange& x) { return x.change == c; }));
}

int Comparison::ExitCode() const { return Count(Change::kRegression) > 0 ? 1 : 0; }

Comparison Compare(const Results& base, const Results& now, std::string_view base_file,
                   std::string_view new_file) {
  Comparison out{Label(base, base_file), Label(now, new_file), {}};
  auto add = [&](std::string_view id) {
    if (std::any_of(out.clauses.begin(), out.clauses.end(),
                    [&](const ClauseChange& c) { return c.id == id; })) {
      return;  // a document that names a clause twice: its first entry counts
    }
    const ClauseResult* b = Find(base, id);
    const ClauseResult* n = Find(now, id);
    ClauseChange change;
    change.id = std::string(id);
    if (b != nullptr) change.base = b->status;
    if (n != nullptr) change.now = n->status;
    change.change = Classify(change.base, change.now);
    change.detail = ValidUtf8(Detail(change, b, n));
    out.clauses.push_back(std::move(change));
  };
  for (const ClauseResult& c : now.clauses) add(c.id);
  for (const ClauseResult& c : base.clauses) add(c.id);
  return out;
}

std::string ComparisonText(const Comparison& c) {
  std::string out = "compared with " + c.base.file + " (seed " + std::to_string(c.base.seed) +
                    ", " + c.base.target + "): ";
  bool first = true;
  for (Change change : kAllChanges) {
    if (change == Change::kUnchanged) continue;
    out += (first ? "" : ", ") + std::string(ChangeTitle(change)) + " " +
           std::to_string(c.Count(change));
    first = false;
  }
  out += "\n";
  for (Change change : kAllChanges) {
    if (change == Change::kUnchanged) continue;
    auto of = c.Of(change);
    if (of.empty()) continue;
    out += std::string(ChangeTitle(change)) + ":\n";
    for (const ClauseChange& x : of) {
      std::string id = x.id;
      id.resize(std::max<std::size_t>(id.size(), 9), ' ');
      std::string line = "  " + id + " " + std::string(SideStatusName(x.base)) + " -> " +
                         std::string(SideStatusName(x.now));
      if (!x.detail.empty()) {
        line.resize(std::max<std::size_t>(line.size(), 32), ' ');
        line += "  " + CutUtf8(x.detail, 200);
      }
      out += line + "\n";
    }
  }
  const int regressions = c.Count(Change::kRegression);
  const int known = c.Count(Change::kStillFailing);
  if (regressions > 0) {
    out += "gate: FAILED, " + std::to_string(regressions) + " regression" +
           (regressions == 1 ? "" : "s") + " since the baseline\n";
  } else {
    out += "gate: passed, no regression since the baseline" +
           (known > 0 ? " (" + std::to_string(known) + " known failure" + (known == 1 ? "" : "s") +
                            " still failing)"
                      : std::string()) +
           "\n";
  }
  return out;
}

void to_json(json& j, const Comparison& c) {
  auto label = [](const RunLabel& l) {
    return json{{"file", l.file},
                {"target", l.target},
                {"seed", l.seed},
                {"started", l.started},
                {"version", l.version}};
  };
  j = json::object();
  j["base"] = label(c.base);
  j["new"] = label(c.now);
  json summary = json::object();
  for (Change change : kAllChanges) summary[std::string(ChangeKey(change))] = c.Count(change);
  j["summary"] = summary;
  for (Change change : kAllChanges) {
    json list = json::array();
    for (const ClauseChange& x : c.Of(change)) {
      list.push_back({{"id", x.id},
                      {"base", StatusJson(x.base)},
                      {"new", StatusJson(x.now)},
                      {"detail", x.detail}});
    }
    j[std::string(ChangeKey(change))] = list;
  }
  j["exit_code"] = c.ExitCode();
}

}  // namespace dj::report
