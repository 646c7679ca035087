// An environment for code that takes a cli::Environment: variables from a map, nothing else.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "harness/cli/account.h"

namespace dj::testing {

inline cli::Environment FakeEnvironment(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace dj::testing
