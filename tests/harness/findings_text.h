// The findings of a step as text, one "CLAUSE-ID: message" line each, for test failure output.
#pragma once

#include <string>
#include <vector>

#include "harness/runner/driver.h"
#include "models/clauses.h"

namespace dj::run {

inline std::string Text(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings)
    out += std::string(model::ClauseId(f.clause)) + ": " + f.message + "\n";
  return out;
}

}  // namespace dj::run
