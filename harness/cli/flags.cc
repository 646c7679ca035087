// Table-driven flag parsing and help: commands.def and flags.def, with what each flag accepts.
#include "harness/cli/flags.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <limits>
#include <optional>
#include <span>

#include "harness/cli/setup.h"
#include "harness/runner/diff.h"
#include "harness/runner/runner.h"

namespace dj::cli {
namespace {

// The name lists flags.def refers to, each read from the table that defines the names.
std::vector<std::string> Faults() {
  std::vector<std::string> out;
  for (mock::Fault f : mock::kAllFaults) out.emplace_back(mock::FaultName(f));
  return out;
}

std::vector<std::string> PropertyNames(std::span<const run::PropertyKind> kinds) {
  std::vector<std::string> out;
  for (run::PropertyKind k : kinds) out.emplace_back(run::PropertyName(k));
  return out;
}
std::vector<std::string> RunProperties() { return PropertyNames(run::kAllProperties); }
std::vector<std::string> DiffProperties() { return PropertyNames(run::kDiffProperties); }

std::vector<std::string> Profiles() {
  return {std::string(model::ProfileName(model::Profile::kStrict)),
          std::string(model::ProfileName(model::Profile::kLenient))};
}

std::vector<std::string> RequestStyles() {
  std::vector<std::string> out;
  for (protocol::Style s : {protocol::Style::kApi3Post, protocol::Style::kApi3Get,
                            protocol::Style::kQueryGet, protocol::Style::kFormPost}) {
    out.emplace_back(protocol::StyleName(s));
  }
  return out;
}

constexpr long long kAnyCount = std::numeric_limits<long long>::max();

// The helpers of flags.def's last column.
constexpr Accepts Integer(long long min, long long max) {
  return {ValueKind::kInteger, min, max, nullptr, {}, {}};
}
constexpr Accepts OneOf(NameList names, std::string_view see = {}) {
  return {ValueKind::kOneOf, 0, 0, names, {}, see};
}
constexpr Accepts ListOf(NameList names, std::string_view all_word) {
  return {ValueKind::kListOf, 0, 0, names, all_word, {}};
}
constexpr Accepts ClauseGlob() { return {ValueKind::kClauseGlob, 0, 0, nullptr, {}, {}}; }
std::vector<std::string> ActionNames() {
  std::vector<std::string> out;
  for (model::Action a : model::kAllActions) out.emplace_back(model::ActionName(a));
  return out;
}
constexpr Accepts ActionLimitValue() {
  return {ValueKind::kActionLimit, 0, kMaxLimitPerSecond, ActionNames, {}, {}};
}

constexpr CommandInfo kCommands[] = {
#define DJ_COMMAND(name, arguments, summary) {name, arguments, summary},
#include "harness/cli/commands.def"
#undef DJ_COMMAND
};

// A row without the last column accepts any text (Accepts{}).
constexpr FlagInfo kFlags[] = {
#define DJ_FLAG(command, name, value, repeatable, fallback, help, ...) \
  {command, name, value, repeatable, fallback, help, Accepts{__VA_ARGS__}},
#include "harness/cli/flags.def"
#undef DJ_FLAG
};

const FlagInfo* FindFlag(std::string_view command, std::string_view name) {
  for (const FlagInfo& f : kFlags) {
    if (f.command == command && f.name == name) return &f;
  }
  return nullptr;
}

std::string Joined(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The error for a value the flag does not accept, or nullopt when it is accepted.
std::optional<std::string> CheckValue(const FlagInfo& flag, const std::string& value) {
  const Accepts& a = flag.accepts;
  std::string refused = "--" + std::string(flag.name) + ": `" + value.substr(0, 80) + "` ";
  switch (a.kind) {
    case ValueKind::kAny:
      return std::nullopt;
    case ValueKind::kInteger:
      if (IntegerIn(value, a)) return std::nullopt;
      return refused + "is not " + DescribeAccepts(a, true);
    case ValueKind::kOneOf:
      if (Contains(a.names(), value)) return std::nullopt;
      return refused + "is not " + DescribeAccepts(a, true);
    case ValueKind::kListOf: {
      if (value == a.all_word) return std::nullopt;
      std::vector<std::string> names = a.names();
      std::size_t start = 0;
      while (start <= value.size()) {
        std::size_t comma = std::min(value.find(',', start), value.size());
        std::string item = value.substr(start, comma - start);
        if (!Contains(names, item)) {
          return "--" + std::string(flag.name) + ": `" + item.substr(0, 80) + "` is not " +
                 DescribeAccepts(a, true);
        }
        start = comma + 1;
      }
      return std::nullopt;
    }
    case ValueKind::kClauseGlob:
      for (std::string_view id : model::AllClauseIds()) {
        if (run::ClauseMatches(value, id)) return std::nullopt;
      }
      return refused + "matches no clause id: " + DescribeAccepts(a, true);
    case ValueKind::kActionLimit:
      if (ParseActionLimit(value)) return std::nullopt;
      return refused + "is not " + DescribeAccepts(a, true);
  }
  return std::nullopt;
}

// A one-line refusal of an unknown flag: the closest flag of the command, then all of them.
std::string UnknownFlag(std::string_view command, const std::string& name) {
  std::vector<std::string> names;
  std::string closest;
  std::size_t best = 3;  // suggest only a near miss: at most two edits
  for (const FlagInfo& f : kFlags) {
    if (f.command != command) continue;
    names.push_back("--" + std::string(f.name));
    // Edit distance, small strings: one row at a time.
    std::vector<std::size_t> row(f.name.size() + 1);
    for (std::size_t j = 0; j < row.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= name.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j < row.size(); ++j) {
        std::size_t up = row[j];
        row[j] = std::min(
            {row[j] + 1, row[j - 1] + 1, diagonal + (name[i - 1] == f.name[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    if (row.back() < best) {
      best = row.back();
      closest = "--" + std::string(f.name);
    }
  }
  std::string out = "unknown flag --" + name;
  if (!closest.empty()) out += " (did you mean " + closest + "?)";
  if (names.empty()) return out + "; `djharness " + std::string(command) + "` takes no flags";
  return out + "; `djharness " + std::string(command) + "` takes " + Joined(names);
}

}  // namespace

std::string ParsedFlags::Get(std::string_view name, std::string_view fallback) const {
  auto it = values.find(name);
  return it == values.end() || it->second.empty() ? std::string(fallback) : it->second.back();
}

std::vector<std::string> ParsedFlags::All(std::string_view name) const {
  auto it = values.find(name);
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

bool IsCommand(std::string_view command) {
  return std::any_of(std::begin(kCommands), std::end(kCommands),
                     [&](const CommandInfo& c) { return c.name == command; });
}

std::vector<std::string> CommandNames() {
  std::vector<std::string> out;
  for (const CommandInfo& c : kCommands) out.emplace_back(c.name);
  return out;
}

std::vector<CommandInfo> Commands() { return {std::begin(kCommands), std::end(kCommands)}; }

std::vector<FlagInfo> FlagsOf(std::string_view command) {
  std::vector<FlagInfo> out;
  for (const FlagInfo& f : kFlags) {
    if (f.command == command) out.push_back(f);
  }
  return out;
}

Accepts FlagAccepts(std::string_view command, std::string_view name) {
  const FlagInfo* flag = FindFlag(command, name);
  return flag != nullptr ? flag->accepts : Accepts{};
}

std::optional<long long> IntegerIn(const std::string& text, const Accepts& range) {
  // strtoll alone would take leading spaces and a '+'.
  if (text.empty() || !(text[0] == '-' || (text[0] >= '0' && text[0] <= '9'))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE || v < range.min || v > range.max) return std::nullopt;
  return v;
}

std::string DescribeAccepts(const Accepts& a, bool for_error) {
  switch (a.kind) {
    case ValueKind::kAny:
      return "";
    case ValueKind::kInteger:
      return "an integer from " + std::to_string(a.min) + " to " +
             (a.max == kAnyCount ? std::string("2^63-1") : std::to_string(a.max));
    case ValueKind::kOneOf:
      if (!a.see.empty() && !for_error)
        return "one of the names `" + std::string(a.see) + "` lists";
      return "one of " + Joined(a.names());
    case ValueKind::kListOf:
      if (for_error) return "one of " + Joined(a.names()) + " (or " + std::string(a.all_word) + ")";
      return std::string(a.all_word) + ", or a comma-separated list of " + Joined(a.names());
    case ValueKind::kClauseGlob: {
      std::vector<std::string> ids;
      for (std::string_view id : model::AllClauseIds()) ids.emplace_back(id);
      if (!for_error) return "a clause id, or a glob of them with * and ? (e.g. DEL-*)";
      return "the ids are " + Joined(ids);
    }
    case ValueKind::kActionLimit:
      return "ACTION=N with ACTION one of " + Joined(a.names()) + " and N an integer from " +
             std::to_string(a.min) + " to " + std::to_string(a.max);
  }
  return "";
}

std::optional<ActionLimit> ParseActionLimit(std::string_view text) {
  std::size_t eq = text.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  auto action = model::ActionFromName(text.substr(0, eq));
  std::string_view digits = text.substr(eq + 1);
  if (!action || digits.empty() || digits.size() > 7 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  long n = std::strtol(std::string(digits).c_str(), nullptr, 10);
  if (n > kMaxLimitPerSecond) return std::nullopt;
  return ActionLimit{*action, static_cast<int>(n)};
}

Result<model::Limits> LimitsFromFlags(const ParsedFlags& flags) {
  model::Limits out;
  for (const std::string& value : flags.All("limit")) {
    auto limit = ParseActionLimit(value);
    if (!limit) {
      return Failure{"--limit: `" + value.substr(0, 80) + "` is not " +
                     DescribeAccepts(ActionLimitValue(), true)};
    }
    out[limit->action] = limit->per_second;
  }
  return out;
}

Result<ParsedFlags> ParseFlags(std::string_view command, const std::vector<std::string>& args) {
  ParsedFlags out;
  out.command = std::string(command);
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out.help = true;
      continue;
    }
    if (!arg.starts_with("--")) {
      const CommandInfo* row = nullptr;
      for (const CommandInfo& c : kCommands) {
        if (c.name == command) row = &c;
      }
      if (row == nullptr || row->arguments.empty() || !out.positional.empty()) {
        return Failure{"unexpected argument `" + std::string(arg) + "` (see djharness " +
                       std::string(command) + " --help)"};
      }
      out.positional.emplace_back(arg);
      continue;
    }
    std::string_view body = arg.substr(2);
    std::size_t eq = body.find('=');
    std::string name(body.substr(0, eq));
    const FlagInfo* flag = FindFlag(command, name);
    if (flag == nullptr) return Failure{UnknownFlag(command, name)};
    std::string value;
    if (flag->value.empty()) {
      if (eq != std::string_view::npos) return Failure{"--" + name + " takes no value"};
    } else if (eq != std::string_view::npos) {
      value = body.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      std::string what = DescribeAccepts(flag->accepts);
      return Failure{"--" + name + " needs a value " + std::string(flag->value) +
                     (what.empty() ? "" : ": " + what)};
    }
    if (auto refused = CheckValue(*flag, value)) return Failure{*refused};
    auto& slot = out.values[name];
    if (!flag->repeatable && !slot.empty()) return Failure{"--" + name + " given twice"};
    slot.push_back(std::move(value));
  }
  return out;
}

std::string CommandHelp(std::string_view command) {
  std::string out;
  for (const CommandInfo& c : kCommands) {
    if (c.name == command) {
      out += "usage: djharness " + std::string(c.name) +
             (c.arguments.empty() ? "" : " " + std::string(c.arguments)) + " [FLAGS]\n" +
             std::string(c.summary) + "\n\n";
    }
  }
  for (const FlagInfo& f : kFlags) {
    if (f.command != command) continue;
    std::string left =
        "  --" + std::string(f.name) + (f.value.empty() ? "" : " " + std::string(f.value));
    if (left.size() < 28) left.resize(28, ' ');
    out += left + " " + std::string(f.help);
    if (std::string what = DescribeAccepts(f.accepts); !what.empty()) out += " [" + what + "]";
    if (!f.fallback.empty()) out += " [default: " + std::string(f.fallback) + "]";
    out += "\n";
  }
  return out;
}

std::string GeneralHelp() {
  std::string out = "usage: djharness COMMAND [FLAGS]\n\ncommands:\n";
  for (const CommandInfo& c : kCommands) {
    std::string left = "  " + std::string(c.name);
    left.resize(14, ' ');
    out += left + std::string(c.summary) + "\n";
  }
  out += "\n`djharness COMMAND --help` lists a command's flags.\n";
  return out;
}

}  // namespace dj::cli
