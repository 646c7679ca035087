// `djharness fuzz`: mutational fuzzing of a live endpoint over HTTP. Requests start from a
// corpus of raw HTTP requests (corpora/request_parser/seeds), are mutated in their parameters,
// common parameters, encoding, method, headers, body, query, timestamp or signature, and are
// signed correctly unless the mutation is of the signature. Every answer is checked for ENV-1,
// ENV-2, ENV-4, ENV-5 (as one answer), ENV-3 (RequestIds over the run) and ROB-2 (no
// InternalError); after every batch a canary DescribeJob checks ROB-1, and with the control
// extension fixture jobs check ISO-3 (a batch of refused requests changed nothing).
//
// Safety without the control extension: the target may hold someone's jobs, so no request
// goes out that names any well-formed JobId but the canary (planted::kCanaryId), which must
// not exist; nothing that spells SubmitJob is ever sent. With control the target is reset first.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/client/target.h"
#include "harness/protocol/codec.h"
#include "harness/runner/backoff.h"
#include "models/actions.h"
#include "models/clauses.h"

namespace dj::run {

struct LiveFuzzConfig {
  std::vector<protocol::HttpRequest> corpus;  // raw requests; typed ones become templates
  std::int64_t max_requests = 1000;           // mutated requests (canaries and control aside)
  double max_seconds = 60;
  std::uint64_t seed = 1;
  int batch = 25;  // mutated requests between two canaries
  std::string region = "ap-guangzhou";
  model::Profile profile = model::Profile::kStrict;
  std::string control_token;
  double pacing_fraction = 0.9;  // without control: rate-limited actions paced to this share
  model::Limits limits;          // of each action, paced under; absent = actions.def default
  std::size_t max_saved = 50;    // findings kept with their request (the rest only counted)
  // RequestLimitExceeded to the campaign's canaries and fixture probes is sent again within this
  // budget (target-contract §3); the pauses count as pacing.
  BackoffPolicy limit_backoff;
  std::function<std::int64_t()> wall_seconds;  // default: system clock
  std::function<std::int64_t()> steady_ms;     // default: steady clock
  std::function<void(std::int64_t)> sleep_ms;  // default: sleep
};

struct LiveFinding {
  model::Clause clause = model::Clause::kEnvShape;
  std::string message;
  std::string mutation;           // what was done to the template, for people
  bool signed_correctly = false;  // replay re-signs it with a fresh timestamp when true
  protocol::HttpRequest request;  // as sent
  std::string answer;  // status and body, cut to 2 KB; credential and control token hidden
};

struct LiveFuzzResult {
  std::int64_t requests = 0;  // everything sent: mutated, canaries, fixture probes
  std::int64_t mutated = 0;
  std::int64_t skipped_unsafe = 0;  // mutations not sent because they named a real-looking id
  double seconds = 0;
  double pacing_seconds = 0;
  std::map<std::string, std::int64_t> outcomes;   // answers by outcome text
  std::map<std::string, std::int64_t> mutations;  // mutated requests by mutation kind
  std::vector<LiveFinding> findings;              // at most max_saved, first found first
  std::map<model::Clause, std::int64_t> finding_counts;
  std::optional<std::string> fatal;  // the campaign could not run (e.g. the canary exists)
};

// Run a campaign. `control` may be nullptr (no control extension).
LiveFuzzResult FuzzLive(client::Target& target, client::Target* control,
                        const protocol::Credentials& credentials, const LiveFuzzConfig& config);

// True when every well-formed JobId (lenient grammar) the request could name is the canary:
// in the raw bytes, after percent-decoding, and in the strings of a JSON body, all compared
// case-insensitively. What the campaign checks before each request without control.
bool NamesOnlyTheCanary(const protocol::HttpRequest& request);

// True when the request's bytes (or their percent-decoding) spell SubmitJob in any case: never
// sent without control, whatever action the harness itself reads.
bool MaySubmit(const protocol::HttpRequest& request);

// The request with a fresh timestamp (and nonce) and a correct signature by `credentials`,
// whose SecretId and session token (X-TC-Token, or the v1 Token parameter) replace the
// request's: TC3 when it has an Authorization header or X-TC-* headers, v1 when its query or
// form body has a Signature. std::nullopt when it cannot be re-signed (e.g. an undecodable v1
// query).
std::optional<protocol::HttpRequest> Resign(const protocol::HttpRequest& request,
                                            const protocol::Credentials& credentials,
                                            std::int64_t now, std::uint64_t nonce);

// The clauses whose bare HTTP statuses (docs/clauses.md, Http(N)) may answer the request as
// sent: COM-5 for a method other than GET or POST, COM-6 for a request target over the GET
// limit or a body over the smallest POST limit.
std::vector<model::Clause> RefusableClauses(const protocol::HttpRequest& request);

// The checks one answer gets (ENV-1/2/4/5, ROB-2), for an answer to `action` when known. A
// non-200 answer that one of `refusable` allows as a bare status is that clause's answer
// instead: judged by the profile, with no envelope to check.
std::vector<std::pair<model::Clause, std::string>> CheckLiveAnswer(
    const protocol::HttpResponse& response, std::optional<model::Action> action,
    model::Profile profile, const std::vector<model::Clause>& refusable = {});

}  // namespace dj::run
