// `djharness report`: the reports of a results file rendered again, or two runs compared
// (--diff BASE.json NEW.json), for CI gates on "no new failures".
#include <filesystem>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/cli/report_files.h"
#include "harness/cli/setup.h"
#include "reports/compare.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "reports/markdown.h"
#include "reports/sarif.h"

namespace dj::cli {

int RunReport(const ParsedFlags& flags) {
  auto fail = [](const run::RunError& e) {
    std::cerr << "djharness report: " << e.message << "\n";
    return e.exit_code;
  };
  const bool diff = flags.Has("diff");
  if (flags.positional.size() != 1) {
    return fail({kExitUsage, diff ? "give both files: djharness report --diff BASE.json NEW.json"
                                  : "give the results file: djharness report RESULTS.json"});
  }
  if (flags.Has("json") && !diff) return fail({kExitUsage, "--json needs --diff BASE.json"});
  const std::string path = flags.positional[0];
  auto results = LoadResults(path, diff ? "NEW.json" : "RESULTS.json");
  if (!results) return fail(results.error());

  std::optional<report::Comparison> comparison;
  if (diff) {
    auto base = LoadResults(flags.Get("diff"), "--diff");
    if (!base) return fail(base.error());
    comparison = report::Compare(*base, *results, flags.Get("diff"), path);
  }

  // Every output renders the results file (with --diff: NEW, and its Markdown has the
  // comparison). The file's folder is where its run put the repro scripts.
  const std::string dir = std::filesystem::path(path).parent_path().string();
  report::MarkdownOptions markdown;
  markdown.results_path = path;
  markdown.report_dir = dir.empty() ? "." : dir;
  markdown.comparison = comparison ? &*comparison : nullptr;
  report::SarifOptions sarif;
  sarif.results_uri = path;
  sarif.report_dir = markdown.report_dir;

  std::vector<std::pair<std::string, std::string>> outputs;  // file, text
  if (flags.Has("markdown")) {
    outputs.emplace_back(flags.Get("markdown"), report::MarkdownSummary(*results, markdown));
  }
  if (flags.Has("sarif"))
    outputs.emplace_back(flags.Get("sarif"), report::SarifText(*results, sarif));
  if (flags.Has("junit")) {
    outputs.emplace_back(flags.Get("junit"), report::JunitXml(*results, Hostname()));
  }
  if (flags.Has("html"))
    outputs.emplace_back(flags.Get("html"), report::HtmlReport(*results, path));
  if (comparison && flags.Has("json")) {
    outputs.emplace_back(
        flags.Get("json"),
        nlohmann::json(*comparison).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
            "\n");
  }
  for (const auto& [file, text] : outputs) {
    if (auto written = WriteAtomically(file, text); !written) {
      return fail({kExitUsage, written.error()});
    }
  }

  if (comparison) {
    std::cout << report::ComparisonText(*comparison);
  } else if (outputs.empty()) {
    std::cout << report::MarkdownSummary(*results, markdown);
  }
  for (const auto& [file, text] : outputs) std::cerr << "wrote " << file << "\n";
  return comparison ? comparison->ExitCode() : kExitOk;
}

}  // namespace dj::cli
