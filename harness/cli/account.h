// Where a remote target's credential and region come from, in the official tools' order: the
// --secret-id/--secret-key flags, the environment, then a tccli profile (~/.tccli). Only the
// sources are ever named in messages, never a value.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "harness/cli/flags.h"
#include "harness/protocol/codec.h"
#include "harness/runner/runner.h"

namespace dj::cli {

inline constexpr std::string_view kDefaultRegion = "ap-guangzhou";

// An environment lookup: a variable's value, std::nullopt when it is unset. ProcessEnvironment
// reads the process's; tests give their own (and their own HOME).
using Environment = std::function<std::optional<std::string>(std::string_view name)>;
std::optional<std::string> ProcessEnvironment(std::string_view name);

// TENCENTCLOUD_SECRET_ID<suffix> and TENCENTCLOUD_SECRET_KEY<suffix>, with the session token
// from TENCENTCLOUD_SESSION_TOKEN<suffix> or else tccli's TENCENTCLOUD_TOKEN<suffix>. An empty
// variable counts as unset. std::nullopt when neither the id nor the key is set; exit code 2
// when only one of them is.
Result<std::optional<protocol::Credentials>, run::RunError> CredentialsFromEnvironment(
    const Environment& env, std::string_view suffix = "");

inline constexpr std::string_view kControlTokenVariable = "DJHARNESS_CONTROL_TOKEN";

// The control token: --control-token when given (even empty), else DJHARNESS_CONTROL_TOKEN,
// else none (""). The environment keeps it out of `ps`, as it does the credential.
std::string ControlTokenFromFlags(const ParsedFlags& flags, const Environment& env);

struct Account {
  protocol::Credentials credentials;
  std::string region;
  std::string source;  // where the credential came from, for people
};

// The credential of `djharness COMMAND --target/--endpoint`, first found of:
//  1. --secret-id and --secret-key (both or neither);
//  2. the environment (CredentialsFromEnvironment), unless --tccli-profile names a profile:
//     then, as tccli does, the environment is not consulted;
//  3. the tccli profile --tccli-profile NAME, else $TCCLI_PROFILE, else `default`: the JSON
//     files $HOME/.tccli/NAME.credential (secretId, secretKey, token) and NAME.configure.
// The region: --region, else TENCENTCLOUD_REGION (unless --tccli-profile is given), else the
// profile's (`_sys_param.region` in NAME.configure, or the older top-level `region`), else
// kDefaultRegion. Errors carry exit code 2; when nothing is found the message names all three
// sources.
Result<Account, run::RunError> AccountFromFlags(const ParsedFlags& flags, std::string_view command,
                                                const Environment& env);

}  // namespace dj::cli
