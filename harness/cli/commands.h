// The djharness commands. Each takes parsed flags and returns an exit code (flags.h).
#pragma once

#include <iosfwd>

#include "harness/cli/account.h"
#include "harness/cli/flags.h"
#include "harness/client/api_client.h"
#include "harness/mock/mock_service.h"

namespace dj::cli {

int RunRun(const ParsedFlags& flags);
int RunReplay(const ParsedFlags& flags);
int RunDiff(const ParsedFlags& flags);
int RunMock(const ParsedFlags& flags);
int RunLifecycle(const ParsedFlags& flags);
int RunFuzz(const ParsedFlags& flags);
int RunFaults();
int RunCleanup(const ParsedFlags& flags);
int RunReport(const ParsedFlags& flags);
// Prints the clause's entry (reference.h) to `out`; exit code 2 and the list of ids on `err`
// for a missing or unknown id. Ids are matched without regard to case.
int RunExplain(const ParsedFlags& flags, std::ostream& out, std::ostream& err);

// The mock's configuration from `djharness mock` flags; fails naming the bad flag. The control
// token is --control-token, else DJHARNESS_CONTROL_TOKEN from `env` when --control is given.
Result<mock::MockConfig> MockConfigFromFlags(const ParsedFlags& flags,
                                             const Environment& env = ProcessEnvironment);

// The life cycle of issue 2 against a target with the control extension: a completed job is
// described, deleted and gone; a RUNNING job and a malformed id are refused. Every request and
// answer is printed to `out` (credentials hidden). Returns kExitOk when every answer is what
// the reference model allows under the strict profile, kExitViolations otherwise, and
// kExitTransport when the target cannot be reached.
int WalkLifecycle(client::Target& target, const protocol::Credentials& credentials,
                  const client::ClientConfig& config, const std::string& control_token,
                  std::ostream& out);

}  // namespace dj::cli
