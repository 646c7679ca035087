// What driver.cc and batch.cc (the Driver's concurrency) share.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/client/api_client.h"
#include "harness/runner/steps.h"

namespace dj::run {

// What a request that got no usable answer shows by itself (docs/clauses.md, ROB-1).
enum class NoAnswer {
  kRobAlive,     // the target held the request past the deadline, or dropped a whole request
  kEnvShape,     // the target answered, with something that is not a readable HTTP answer
  kAskCanary,    // nothing yet: a front end may have refused it by closing; the canary decides
  kEnding,       // the run is ending (interrupted, or out of budget): nothing is judged
};
NoAnswer ClassifyNoAnswer(const client::TransportError& error);

// "A or B or C": the outcomes a clause allows, for findings.
std::string AllowedText(const std::vector<model::Outcome>& allowed);

// "success", an error code, "no answer", "unknown code ...", "unreadable answer".
std::string OutcomeText(const client::Exchange& x);

// The request as planted for the call's fault, encoded with the sender's host, nonce and clock.
protocol::HttpRequest EncodeCall(const ApiCall& call, const protocol::EncodeOptions& sender,
                                 const std::string& region, const protocol::Credentials& creds,
                                 std::int64_t margin);

}  // namespace dj::run
