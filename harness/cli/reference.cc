// Markdown written from the tables; see reference.h. Nothing here states a fact of its own
// beyond the headings and the short explanations of the columns.
#include "harness/cli/reference.h"

#include <algorithm>

#include "harness/cli/flags.h"
#include "harness/mock/faults.h"
#include "harness/runner/runner.h"
#include "models/clauses.h"

namespace dj::cli {
namespace {

constexpr std::string_view kRegenerate =
    "Do not edit: change the tables and regenerate with `cmake --build build/dev --target docs`.";

std::string Code(std::string_view text) { return "`" + std::string(text) + "`"; }

// A table cell: no line breaks, and a `|` that does not end the cell.
std::string Cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else {
      out += c == '\n' ? ' ' : c;
    }
  }
  return out;
}

std::string Outcomes(const std::vector<model::Outcome>& outcomes) {
  std::string out;
  for (const model::Outcome& o : outcomes) {
    if (!out.empty()) out += " or ";
    out += o.kind == model::OutcomeKind::kAsIfValid ? "the answer the request would get without "
                                                      "the fault"
                                                    : Code(model::ToString(o));
  }
  return out;
}

std::string NeedsText(model::Needs needs) {
  switch (needs) {
    case model::Needs::kAny:
      return "any target";
    case model::Needs::kOwnJobs:
      return "the control extension, or jobs the run submits itself (the owned-jobs property, "
             "with --job-definition and --slow-job-definition)";
    case model::Needs::kControl:
      return "the control extension (a job held in this state on purpose)";
  }
  return "";
}

std::vector<std::string> AimedBy(std::string_view id) {
  std::vector<std::string> out;
  for (run::PropertyKind kind : run::kAllProperties) {
    if (run::PropertyAimsAt(kind, id)) out.emplace_back(run::PropertyName(kind));
  }
  return out;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// The first row's text: the index's one-line description of an id.
std::string_view FirstText(std::string_view id) {
  return model::Info(model::ClausesWithId(id).front()).text;
}

}  // namespace

std::string ClauseEntry(std::string_view id) {
  std::vector<model::Clause> rows = model::ClausesWithId(id);
  if (rows.empty()) return "";
  const model::ClauseInfo& first = model::Info(rows.front());
  std::string out = "### " + std::string(id) + "\n\n";
  for (model::Clause c : rows) {
    const model::ClauseInfo& info = model::Info(c);
    out += (rows.size() > 1 ? "- " : "") + std::string(info.text) + "\n";
    std::string indent = rows.size() > 1 ? "  " : "";
    if (rows.size() == 1) out += "\n";
    if (!info.judged) continue;
    out += indent + "- strict: " +
           (info.strict.empty() ? std::string("the rule as written (no particular answer code)")
                                : Outcomes(info.strict)) +
           "\n";
    out += indent + "- lenient: " +
           (!info.lenient_text.empty() ? std::string(info.lenient_text)
            : info.lenient.empty()     ? std::string("as strict")
                                       : "also " + Outcomes(info.lenient)) +
           "\n";
    if (rows.size() == 1) out += "\n";
  }
  if (rows.size() > 1) out += "\n";
  if (!first.judged) {
    out += "A driver action the harness uses to set up and observe histories: " +
           std::string(
               "its answers are judged only for the envelope (ENV-*), and the reference "
               "mock answers ") +
           Outcomes({first.strict.front()}) + ".\n\n";
  }
  out += "- needs: " + NeedsText(first.needs) + "\n";
  std::vector<std::string> aimed = AimedBy(id);
  out += "- aimed at by: " + (aimed.empty() ? std::string("no property") : Joined(aimed)) + "\n";
  std::vector<std::string> faults;
  for (mock::Fault f : mock::kAllFaults) {
    if (model::ClauseId(mock::BrokenClause(f)) == id) {
      faults.push_back(Code(mock::FaultName(f)) + " (" + std::string(mock::FaultDescription(f)) +
                       ")");
    }
  }
  out += "- planted faults that break it:" + std::string(faults.empty() ? " none" : "") + "\n";
  for (const std::string& f : faults) out += "  - " + f + "\n";
  return out;
}

std::string ClausesPage() {
  std::string out =
      "<!-- Generated from models/clauses.def, harness/mock/faults.def and "
      "harness/runner/properties.def. " +
      std::string(kRegenerate) + " -->\n\n";
  out +=
      "# Clauses\n\n"
      "A clause is one rule of DeleteJob (and of the requests around it) that `djharness run` "
      "judges. Each entry gives the outcomes the strict profile allows (the first is what the "
      "reference mock answers) and what the lenient profile allows on top; what a target must "
      "offer for the clause to be judged; the properties whose histories are built to reach "
      "it (every property judges each answer it gets against every clause that answer falls "
      "under); and the planted faults of `djharness mock --fault` that break it. "
      "`djharness explain ID` prints one entry.\n\n";
  out +=
      "An outcome written `HTTP N` is a front end's bare refusal: a non-200 answer with that "
      "status, whatever its body and Content-Type, to a request whose clause lists it. It is "
      "judged under that clause (a failure in the strict profile when only the lenient one "
      "allows it) and never under ENV-1, ENV-2 or ENV-4.\n\n"
      "A request without an answer is ROB-1's when the call's deadline passed or the target "
      "closed the connection after the whole request was sent, and ENV-1's when what came back "
      "is not a readable HTTP answer (malformed, or over the client's size cap). Any other lost "
      "answer (a connection refused, or closed while the request was still being sent, as a "
      "front end refusing an oversize body may do) is followed by the canary DescribeJob: only "
      "a canary without an answer too is ROB-1's; otherwise the request's clause is not judged "
      "and its trace says why.\n\n"
      "`RequestLimitExceeded` to any call but a DeleteJob is transient (target-contract §3): "
      "the call is sent again after a pause that doubles from 100 ms up to 2 s, within 10 "
      "sends and 15 s of pauses, which count as pacing; nothing is judged from it, and a limit "
      "that outlasts that budget ends the run with exit code 3.\n\n";
  out += "## Index\n\n| id | rule | needs |\n|---|---|---|\n";
  for (std::string_view id : model::AllClauseIds()) {
    std::string anchor(id);
    std::transform(anchor.begin(), anchor.end(), anchor.begin(),
                   [](char c) { return static_cast<char>(std::tolower(c)); });
    model::Needs needs = model::Info(model::ClausesWithId(id).front()).needs;
    out += "| [" + std::string(id) + "](#" + anchor + ") | " + Cell(FirstText(id)) + " | " +
           (needs == model::Needs::kAny       ? "any target"
            : needs == model::Needs::kControl ? "control"
                                              : "control or own jobs") +
           " |\n";
  }
  out +=
      "\n## Properties\n\n`djharness run --properties LIST` chooses among them.\n\n"
      "| property | aims at | what its histories do |\n|---|---|---|\n";
  for (run::PropertyKind kind : run::kAllProperties) {
    out += "| " + std::string(run::PropertyName(kind)) + " | " + Cell(run::PropertyAims(kind)) +
           " | " + Cell(run::PropertySummary(kind)) + " |\n";
  }
  out += "\n## Entries\n\n";
  for (std::string_view id : model::AllClauseIds()) out += ClauseEntry(id) + "\n";
  out.pop_back();  // one newline at the end
  return out;
}

std::string CliPage() {
  std::string out = "<!-- Generated from harness/cli/commands.def and harness/cli/flags.def. " +
                    std::string(kRegenerate) + " -->\n\n";
  out +=
      "# Command line\n\n"
      "`djharness COMMAND [FLAGS]`; `djharness COMMAND --help` lists the same flags. A flag "
      "is `--name VALUE` or `--name=VALUE`; a value outside what the flag accepts, or an "
      "unknown flag, is refused with one line naming the flag and exit code " +
      std::to_string(kExitUsage) + ".\n\n";
  out += "Exit codes: " + std::to_string(kExitOk) + " conformant (or nothing found), " +
         std::to_string(kExitViolations) + " violations (or differences) found, " +
         std::to_string(kExitUsage) + " bad usage or configuration, " +
         std::to_string(kExitTransport) +
         " target unreachable, its control extension failing, or its clock not measurable; `run` "
         "stopped by SIGINT or SIGTERM: " +
         std::to_string(kExitInterrupted) + " or " + std::to_string(kExitTerminated) +
         ", after writing its partial results.\n\n";
  out += "| command | what it does |\n|---|---|\n";
  for (const CommandInfo& c : Commands()) {
    out += "| [" + std::string(c.name) + "](#djharness-" + std::string(c.name) + ") | " +
           Cell(c.summary) + " |\n";
  }
  for (const CommandInfo& c : Commands()) {
    std::vector<FlagInfo> flags = FlagsOf(c.name);
    out += "\n## djharness " + std::string(c.name) + "\n\n`djharness " + std::string(c.name) +
           (c.arguments.empty() ? "" : " " + std::string(c.arguments)) +
           (flags.empty() ? "" : " [FLAGS]") + "`\n\n" + std::string(c.summary) + "\n";
    if (flags.empty()) {
      out += "\nNo flags.\n";
      continue;
    }
    out += "\n| flag | default | accepts | what it does |\n|---|---|---|---|\n";
    for (const FlagInfo& f : flags) {
      std::string accepts = DescribeAccepts(f.accepts);
      if (accepts.empty()) accepts = f.value.empty() ? "a switch, no value" : std::string(f.value);
      if (f.repeatable) accepts += "; repeatable";
      out += "| `--" + std::string(f.name) + "` | " +
             (f.fallback.empty() ? std::string("none") : Cell(f.fallback)) + " | " + Cell(accepts) +
             " | " + Cell(f.help) + " |\n";
    }
  }
  return out;
}

}  // namespace dj::cli
