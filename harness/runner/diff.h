// Differential mode: the same generated histories against two targets, and every request of
// theirs whose outcome differs, with both answers side by side. No clause is judged: the
// second target (often the reference mock) is the oracle, whatever it answers.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/client/target.h"
#include "harness/runner/driver.h"
#include "harness/runner/generators.h"
#include "harness/runner/runner.h"

namespace dj::run {

// One of the two targets.
struct DiffTarget {
  client::Target* target = nullptr;
  client::Target* control = nullptr;  // its control extension (may equal target), or nullptr
  std::string control_token;          // sent as X-Conformance-Token when not empty
  std::string name;                   // for people: a URL or "in-process reference mock"
  // Its wall clock for signing (our clock plus its offset, cli MeasureTargetClock); empty: the
  // DiffConfig's.
  std::function<std::int64_t()> wall_seconds = {};
};

// The properties diff runs: every one but the concurrency property, whose histories are
// nondeterministic by nature (which concurrent call wins is the scheduler's choice).
inline constexpr PropertyKind kDiffProperties[] = {
    PropertyKind::kHistories, PropertyKind::kAuthCommon, PropertyKind::kRateLimit};

struct DiffConfig {
  std::uint64_t seed = 1;
  int runs = 100;      // histories per property
  int max_steps = 40;  // the longest history
  std::vector<protocol::Style> styles = {protocol::Style::kApi3Post, protocol::Style::kApi3Get,
                                         protocol::Style::kQueryGet, protocol::Style::kFormPost};
  std::string styles_name = "both";
  std::vector<PropertyKind> properties = {std::begin(kDiffProperties), std::end(kDiffProperties)};
  // Region, seed of v1 nonces, clocks and waiting; both targets get the same. Its pacer and rate
  // judge are ignored: each target gets its own (a target's limiter outlives one history).
  DriverConfig driver;
  // After every history (both targets); may be empty.
  std::function<void(std::int64_t histories, std::int64_t differences)> progress;
};

// What one target answered to one request.
struct DiffAnswer {
  std::string outcome;  // "success", an error code, "no answer", "not sent" (the driver's text)
  int status = 0;       // HTTP status; 0 without an answer
  std::string body;     // the answer's body, whitespace trimmed, cut at kDiffBodyLimit bytes

  friend bool operator==(const DiffAnswer&, const DiffAnswer&) = default;
};
inline constexpr std::size_t kDiffBodyLimit = 600;

// One request of a history whose outcome differs between the two targets.
struct Difference {
  std::string property;
  int history = 0;        // 1-based, within its property
  int step = 0;           // 1-based, within its history
  std::string step_text;  // Describe() of the step
  // Which request of the step: its place among the step's own API requests (0-based; within
  // its thread for a concurrent batch, whose thread is numbered from 0) and the driver's label
  // for it (the step text, "lookup before deleting ...", "thread 2: ...").
  int call = 0;
  int thread = -1;
  std::string label;
  DiffAnswer a;
  DiffAnswer b;
  std::string request;  // as sent to A (to B when A sent none), on one line, credentials hidden

  friend bool operator==(const Difference&, const Difference&) = default;
};

// A history in which some request differs: its steps, to read or run again (`steps` of a
// results document's failure has the same form).
struct DiffedHistory {
  std::string property;
  int history = 0;
  std::vector<Step> steps;
};

struct DiffResults {
  std::string a_name;
  std::string b_name;
  bool control = false;  // both targets reset and drive their control extension per history
  std::uint64_t seed = 0;
  int runs = 0;
  int max_steps = 0;
  std::string styles;
  std::vector<std::string> properties;  // those run
  std::vector<std::string> notes;       // properties left out, and why
  std::int64_t histories = 0;           // run against both targets
  std::int64_t requests = 0;            // pairs of requests compared
  std::vector<Difference> differences;
  std::vector<DiffedHistory> diffed;  // the histories the differences are in, in their order
  // Set when the run ended early because a target stopped answering (exit code 3).
  std::optional<std::string> stopped;
};

void to_json(nlohmann::json& j, const DiffAnswer& a);
void to_json(nlohmann::json& j, const Difference& d);
void to_json(nlohmann::json& j, const DiffedHistory& h);
void to_json(nlohmann::json& j, const DiffResults& r);

// The `index`-th history (0-based) of a property: a function of the seed, the property, the
// index, the styles, `max_steps` and whether it may use the control extension (CreateJob,
// AdvanceClock), never of any answer. Fails (exit code 2) only when RapidCheck cannot generate.
Result<std::vector<Step>, RunError> DiffHistory(const DiffConfig& config, PropertyKind kind,
                                                int index, bool control);

// Every text of the results (and of an error) holds placeholders instead of the credential and
// either target's control token (client::HideCredentials, client::HideSecret), replaced before
// the text is cut to size.
//
// Run every property's histories against A and then B, each with a fresh Driver, and compare
// the outcomes of each step's own API requests pairwise (not the driver's probes, whose
// requests depend on earlier answers). Histories use the control extension only when both
// targets have it; a target with control then still gets a reset before every history and its
// rate-limit clock moved a second before every step (its limiter follows that clock, and the
// other target's follows real time, paced). Without control on both, the rate-limit property
// is left out too (real-time schedules do not replay exactly): a note says so.
// Errors: exit code 2 for the concurrency property or a generation failure, 3 when a control
// extension fails. A target that stops answering ends the run early with `stopped` set.
Result<DiffResults, RunError> RunDiff(const DiffConfig& config, const DiffTarget& a,
                                      const DiffTarget& b,
                                      const protocol::Credentials& credentials);

// One given history (numbered history 1 of `kind`) against A and then B, as RunDiff plays each
// of its histories: the steps may use the control extension only when both targets have it.
// Errors: exit code 3 when a control extension fails (or a step needs one that is absent).
Result<DiffResults, RunError> DiffSteps(const DiffConfig& config, const std::vector<Step>& steps,
                                        PropertyKind kind, const DiffTarget& a, const DiffTarget& b,
                                        const protocol::Credentials& credentials);

}  // namespace dj::run
