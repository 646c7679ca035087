// Reproduction scripts: a shrunk history (Steps) as a self-contained bash script that a server
// implementer runs with nothing but bash, openssl and curl. The script signs and sends every
// request as the Driver does (same style, parameters, encoding and planted wire fault; fresh
// timestamps and nonces), with the Driver's control requests and probes, and prints each answer.
#pragma once

#include <string>
#include <vector>

#include "harness/runner/steps.h"
#include "models/actions.h"

namespace dj::run {

struct ReproTarget {
  std::string url;             // e.g. http://127.0.0.1:8080; the script's default for $DJ_TARGET
  std::string control_url;     // "" = same as url; "none" = the target has no control extension
  bool control_token = false;  // send X-Conformance-Token: $DJ_CONTROL_TOKEN on control requests
  std::string region = "ap-guangzhou";
  model::Limits limits = {};  // the script paces each action under its limit, as the Driver does
};

// The script. Pure: the same steps and target give the same text. It never holds a credential:
// it reads TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY (and TENCENTCLOUD_SESSION_TOKEN)
// when it runs, and exits non-zero only on a usage problem (missing credentials or tools).
std::string ReproScript(const std::vector<Step>& steps, const ReproTarget& target);

}  // namespace dj::run
