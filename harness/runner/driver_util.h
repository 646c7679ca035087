// What driver.cc and batch.cc (the Driver's concurrency) share.
#pragma once

#include <cstdint>
#include <string>

#include "harness/client/api_client.h"
#include "harness/runner/steps.h"

namespace dj::run {

// "success", an error code, "no answer", "unknown code ...", "unreadable answer".
std::string OutcomeText(const client::Exchange& x);

// The request as planted for the call's fault, encoded with the sender's host, nonce and clock.
protocol::HttpRequest EncodeCall(const ApiCall& call, const protocol::EncodeOptions& sender,
                                 const std::string& region, const protocol::Credentials& creds,
                                 std::int64_t margin);

}  // namespace dj::run
