// djharness: the command-line entry point. Thin: parse, dispatch, return the exit code.
#include <iostream>
#include <string>
#include <vector>

#include "harness/cli/commands.h"
#include "harness/protocol/process.h"

int main(int argc, char** argv) {
  dj::protocol::ProcessHygiene();
  using namespace dj::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << GeneralHelp();
    return args.empty() ? kExitUsage : kExitOk;
  }
  std::string command = args[0];
  if (!IsCommand(command)) {
    std::string names;
    for (const std::string& name : CommandNames()) names += (names.empty() ? "" : ", ") + name;
    std::cerr << "djharness: unknown command `" << command << "`; the commands are " << names
              << " (see djharness --help)\n";
    return kExitUsage;
  }
  auto flags = ParseFlags(command, {args.begin() + 1, args.end()});
  if (!flags) {
    std::cerr << "djharness " << command << ": " << flags.error() << "\n";
    return kExitUsage;
  }
  if (flags->help) {
    std::cout << CommandHelp(command);
    return kExitOk;
  }
  if (command == "run") return RunRun(*flags);
  if (command == "replay") return RunReplay(*flags);
  if (command == "diff") return RunDiff(*flags);
  if (command == "mock") return RunMock(*flags);
  if (command == "lifecycle") return RunLifecycle(*flags);
  if (command == "fuzz") return RunFuzz(*flags);
  if (command == "cleanup") return RunCleanup(*flags);
  if (command == "report") return RunReport(*flags);
  if (command == "explain") return RunExplain(*flags, std::cout, std::cerr);
  return RunFaults();
}
