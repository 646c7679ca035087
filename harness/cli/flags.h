// Command-line parsing from the tables commands.def and flags.def.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "models/result.h"

namespace dj::cli {

// Exit codes (architecture.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitViolations = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitTransport = 3;

struct ParsedFlags {
  std::map<std::string, std::vector<std::string>, std::less<>> values;  // as given
  std::vector<std::string> positional;  // for commands that take arguments (commands.def)
  bool help = false;

  bool Has(std::string_view name) const { return values.contains(name); }
  // The last value given, or `fallback`.
  std::string Get(std::string_view name, std::string_view fallback = "") const;
  std::vector<std::string> All(std::string_view name) const;
};

bool IsCommand(std::string_view command);
// Parse the arguments after the command. Fails with a one-line message naming the flag.
Result<ParsedFlags> ParseFlags(std::string_view command, const std::vector<std::string>& args);
std::string CommandHelp(std::string_view command);
std::string GeneralHelp();

}  // namespace dj::cli
