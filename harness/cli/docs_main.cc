// djharness_docs: writes the generated reference pages (reference.h) into a docs folder, or
// checks that the folder's copies are what would be written now.
//   djharness_docs write DIR   rewrite DIR/clauses.md and DIR/cli.md
//   djharness_docs check DIR   exit 1, naming each stale page and its first differing line
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/cli/reference.h"
#include "harness/cli/setup.h"
#include "harness/protocol/process.h"

namespace {

namespace fs = std::filesystem;

struct Page {
  const char* name;
  std::string text;
};

// "line N: want `...`, have `...`" for the first line where the two texts part.
std::string FirstDifference(const std::string& want, const std::string& have) {
  std::istringstream w(want);
  std::istringstream h(have);
  std::string wl;
  std::string hl;
  for (int line = 1;; ++line) {
    bool more_w = static_cast<bool>(std::getline(w, wl));
    bool more_h = static_cast<bool>(std::getline(h, hl));
    if (!more_w && !more_h) return "they differ only in line endings";
    if (!more_w || !more_h || wl != hl) {
      return "line " + std::to_string(line) + ": generated `" + (more_w ? wl : "(end)") +
             "`, committed `" + (more_h ? hl : "(end)") + "`";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  dj::protocol::ProcessHygiene();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() != 2 || (args[0] != "write" && args[0] != "check")) {
    std::cerr << "usage: djharness_docs write|check DOCS-DIR\n";
    return dj::cli::kExitUsage;
  }
  fs::path dir = args[1];
  const std::vector<Page> pages = {{"clauses.md", dj::cli::ClausesPage()},
                                   {"cli.md", dj::cli::CliPage()}};
  int stale = 0;
  for (const Page& page : pages) {
    fs::path path = dir / page.name;
    if (args[0] == "write") {
      if (auto written = dj::cli::WriteAtomically(path, page.text); !written) {
        std::cerr << "djharness_docs: " << written.error() << "\n";
        return dj::cli::kExitUsage;
      }
      std::cout << "wrote " << path.string() << "\n";
      continue;
    }
    auto committed = dj::cli::ReadFile(path);
    if (committed && *committed == page.text) continue;
    ++stale;
    std::cerr << path.string() << " is out of date: "
              << (committed ? FirstDifference(page.text, *committed) : std::string("missing"))
              << "\n";
  }
  if (stale > 0) {
    std::cerr << "regenerate with: cmake --build build/dev --target docs\n";
    return dj::cli::kExitViolations;
  }
  if (args[0] == "check") std::cout << "docs up to date: clauses.md, cli.md\n";
  return dj::cli::kExitOk;
}
