// Table-driven flag parsing and help.
#include "harness/cli/flags.h"

#include <algorithm>

namespace dj::cli {
namespace {

struct CommandRow {
  std::string_view name;
  std::string_view arguments;
  std::string_view summary;
};
constexpr CommandRow kCommands[] = {
#define DJ_COMMAND(name, arguments, summary) {name, arguments, summary},
#include "harness/cli/commands.def"
#undef DJ_COMMAND
};

struct FlagRow {
  std::string_view command;
  std::string_view name;
  std::string_view value;  // "" for a switch
  bool repeatable;
  std::string_view fallback;
  std::string_view help;
};
constexpr FlagRow kFlags[] = {
#define DJ_FLAG(command, name, value, repeatable, fallback, help) \
  {command, name, value, repeatable, fallback, help},
#include "harness/cli/flags.def"
#undef DJ_FLAG
};

const FlagRow* FindFlag(std::string_view command, std::string_view name) {
  for (const FlagRow& f : kFlags) {
    if (f.command == command && f.name == name) return &f;
  }
  return nullptr;
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
                     [&](const CommandRow& c) { return c.name == command; });
}

Result<ParsedFlags> ParseFlags(std::string_view command, const std::vector<std::string>& args) {
  ParsedFlags out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out.help = true;
      continue;
    }
    if (!arg.starts_with("--")) {
      const CommandRow* row = nullptr;
      for (const CommandRow& c : kCommands) {
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
    const FlagRow* flag = FindFlag(command, name);
    if (flag == nullptr) {
      return Failure{"unknown flag --" + name + " for `djharness " + std::string(command) +
                     "` (see --help)"};
    }
    std::string value;
    if (flag->value.empty()) {
      if (eq != std::string_view::npos) return Failure{"--" + name + " takes no value"};
    } else if (eq != std::string_view::npos) {
      value = body.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return Failure{"--" + name + " needs a value " + std::string(flag->value)};
    }
    auto& slot = out.values[name];
    if (!flag->repeatable && !slot.empty()) return Failure{"--" + name + " given twice"};
    slot.push_back(std::move(value));
  }
  return out;
}

std::string CommandHelp(std::string_view command) {
  std::string out;
  for (const CommandRow& c : kCommands) {
    if (c.name == command) {
      out += "usage: djharness " + std::string(c.name) +
             (c.arguments.empty() ? "" : " " + std::string(c.arguments)) + " [FLAGS]\n" +
             std::string(c.summary) + "\n\n";
    }
  }
  for (const FlagRow& f : kFlags) {
    if (f.command != command) continue;
    std::string left =
        "  --" + std::string(f.name) + (f.value.empty() ? "" : " " + std::string(f.value));
    if (left.size() < 28) left.resize(28, ' ');
    out += left + " " + std::string(f.help);
    if (!f.fallback.empty()) out += " [default: " + std::string(f.fallback) + "]";
    out += "\n";
  }
  return out;
}

std::string GeneralHelp() {
  std::string out = "usage: djharness COMMAND [FLAGS]\n\ncommands:\n";
  for (const CommandRow& c : kCommands) {
    std::string left = "  " + std::string(c.name);
    left.resize(14, ' ');
    out += left + std::string(c.summary) + "\n";
  }
  out += "\n`djharness COMMAND --help` lists a command's flags.\n";
  return out;
}

}  // namespace dj::cli
