// Command-line parsing from the tables commands.def and flags.def.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/actions.h"
#include "models/result.h"

namespace dj::cli {

// Exit codes (architecture.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitViolations = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitTransport = 3;
// `djharness run` stopped by a signal: 128 + the signal's number, as a shell reports it.
inline constexpr int kExitInterrupted = 130;  // SIGINT
inline constexpr int kExitTerminated = 143;   // SIGTERM

// What a flag's value may be: flags.def's optional last column. ParseFlags refuses any other
// value (a one-line message naming the flag and what it accepts; main exits 2), and --help and
// docs/cli.md say what it accepts.
enum class ValueKind : unsigned char {
  kAny,          // any text (URLs, files, names the command checks itself)
  kInteger,      // a decimal integer from min to max
  kOneOf,        // one of names()
  kListOf,       // `all_word`, or a comma-separated list of names()
  kClauseGlob,   // a glob of '*' and '?' that matches at least one clause id
  kActionLimit,  // ACTION=N (ParseActionLimit)
};
using NameList = std::vector<std::string> (*)();
struct Accepts {
  ValueKind kind = ValueKind::kAny;
  long long min = 0;
  long long max = 0;
  NameList names = nullptr;
  std::string_view all_word;  // kListOf
  std::string_view see;       // where the names are listed for people, if not in --help
};

struct ParsedFlags {
  std::string command;
  std::map<std::string, std::vector<std::string>, std::less<>> values;  // as given
  std::vector<std::string> positional;  // for commands that take arguments (commands.def)
  bool help = false;

  bool Has(std::string_view name) const { return values.contains(name); }
  // The last value given, or `fallback`.
  std::string Get(std::string_view name, std::string_view fallback = "") const;
  std::vector<std::string> All(std::string_view name) const;
};

bool IsCommand(std::string_view command);
// The names of the commands, in commands.def order.
std::vector<std::string> CommandNames();
// What --NAME of the command accepts; kAny for an unknown flag.
Accepts FlagAccepts(std::string_view command, std::string_view name);
// The value of an integer flag: decimal digits, perhaps after a minus, within [min, max];
// nullopt otherwise.
std::optional<long long> IntegerIn(const std::string& text, const Accepts& range);
// "an integer from 1 to 64", "one of api3, query, both", ...: for help and errors.
std::string DescribeAccepts(const Accepts& accepts, bool for_error = false);

// One value of --limit: ACTION=N, the action's wire name and requests per second from 0
// (unlimited) to kMaxLimitPerSecond, in decimal digits; std::nullopt for anything else.
inline constexpr int kMaxLimitPerSecond = 1000000;
struct ActionLimit {
  model::Action action = model::Action::kDeleteJob;
  int per_second = 0;
};
std::optional<ActionLimit> ParseActionLimit(std::string_view text);
// The limits of every --limit given (the last one of an action wins); an action not named keeps
// its actions.def default (model::LimitOf). Fails naming the flag on a value ParseActionLimit
// refuses.
Result<model::Limits> LimitsFromFlags(const ParsedFlags& flags);

// A row of commands.def or flags.def, for the reference (docs/cli.md).
struct CommandInfo {
  std::string_view name;
  std::string_view arguments;
  std::string_view summary;
};
struct FlagInfo {
  std::string_view command;
  std::string_view name;
  std::string_view value;  // "" for a switch
  bool repeatable;
  std::string_view fallback;
  std::string_view help;
  Accepts accepts;
};
std::vector<CommandInfo> Commands();
std::vector<FlagInfo> FlagsOf(std::string_view command);

// Parse the arguments after the command. Fails with a one-line message naming the flag.
Result<ParsedFlags> ParseFlags(std::string_view command, const std::vector<std::string>& args);
std::string CommandHelp(std::string_view command);
std::string GeneralHelp();

}  // namespace dj::cli
