// The reference mock: the model behind the codec. Respond() is a pure function of the mock's
// state, its configuration, the request and the two clock readings; MockService adds a lock,
// real clocks and nothing else. cpp-httplib is only an adapter around it (http_server.h).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <iosfwd>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "harness/mock/audit.h"
#include "harness/mock/faults.h"
#include "harness/mock/progress.h"
#include "harness/protocol/codec.h"
#include "harness/protocol/http_message.h"
#include "models/rate_limit.h"
#include "models/store.h"

namespace dj::mock {

// Credentials for local use, printed in the README. Not secret: they only open the mock.
inline constexpr std::string_view kDefaultSecretId = "AKIDdjharnessLocalMock0000000000000001";
inline constexpr std::string_view kDefaultSecretKey = "djharnessLocalMockSecretKey000001";
// A second local pair: one credential's traffic must not spend another's limit (RL-4).
inline constexpr std::string_view kSecondSecretId = "AKIDdjharnessLocalMock0000000000000002";
inline constexpr std::string_view kSecondSecretKey = "djharnessLocalMockSecretKey000002";

// The status Respond gives when the mock answers nothing (the planted fault "hangs"): the HTTP
// adapter then holds the connection for MockConfig::hang_ms, and the in-process target reports
// no answer at once (it has no timeout to wait for).
inline constexpr int kNoAnswerStatus = 0;

// How many audit entries MockService keeps in memory by default: the most recent ones.
inline constexpr std::size_t kAuditMemoryEntries = 10000;

struct MockConfig {
  bool control = false;       // serve /_conformance/* (target-contract §2)
  std::string control_token;  // when set, control requests need X-Conformance-Token
  FaultSet faults;            // planted defects, none by default
  std::vector<protocol::Credentials> credentials = {
      {std::string(kDefaultSecretId), std::string(kDefaultSecretKey), ""},
      {std::string(kSecondSecretId), std::string(kSecondSecretKey), ""}};
  model::Limits limits;                 // requests per second; absent = actions.def default
  std::int64_t max_skew_seconds = 300;  // AUTH-2
  // The mock's wall clock runs this far ahead of the one it is given (behind when negative):
  // signature freshness, CreateTime and the Date header of every answer read it (a target
  // whose clock is off, which the harness must measure: client/target_clock.h).
  std::int64_t clock_offset_s = 0;
  std::string zone = "ap-guangzhou-2";  // zone of jobs made through the control extension
  std::uint64_t seed = 0;               // RequestIds and fresh JobIds; 0 = from std::random_device
  std::int64_t race_window_ms = 3;      // non-atomic-delete: the time between check and erase
  std::int64_t hang_ms = 60000;         // hangs: how long the HTTP adapter holds a connection
  // Jobs of "someone else" that MockService starts with (foreign_jobs.h); 0 to 1000000.
  int foreign_jobs = 0;
  // When > 0, a job SubmitJob makes moves one state per this many ms of the steady clock and
  // then runs its tasks (progress.h); 0 keeps it SUBMITTED. Control-made jobs never move.
  std::int64_t autoprogress_ms = 0;
  // SubmitJob's jobs are SUCCEED at once, every instance too, whatever their tasks' commands
  // say: a target that does not run job definitions, which a run's slow job cannot rely on.
  bool instant_jobs = false;
  // How many audit entries MockService keeps for Audit(), the most recent ones; 0 keeps none
  // (the audit log, when set, still gets every entry). The in-process fuzz target keeps none,
  // so that an input allocates nothing that outlives it and libFuzzer's leak check stays quiet.
  std::size_t audit_memory_entries = kAuditMemoryEntries;

  int LimitOf(model::Action a) const;
  bool Has(Fault f) const { return faults.contains(f); }
};

// Everything the mock remembers between requests.
struct MockState {
  model::Store store;
  model::RateLimiter limiter;
  std::int64_t virtual_now_ms = 0;             // the control clock (target-contract §2)
  model::Store::JobMap ghosts;                 // deleted jobs, kept only for the *-still-* faults
  std::mt19937_64 rng;                         // RequestIds and fresh JobIds
  ProgressMap progress;                        // SubmitJob's jobs that still move (autoprogress)
  std::set<std::string, std::less<>> foreign;  // ids of the foreign jobs, deleted ones included
  std::uint64_t answers = 0;                   // request-id-not-uuid: its RequestIds' counter
};

struct Clocks {
  std::int64_t wall_seconds = 0;  // signature freshness and CreateTime
  std::int64_t steady_ms = 0;     // the rate limiter's clock when not in control mode
};

// A deletion the non-atomic-delete fault has answered but not yet made.
struct DeferredErase {
  std::string job_id;
};

// What the mock reads off an API request before its limiter and its model see it.
struct ReadRequest {
  std::string secret_id;  // authenticated
  model::Action action;
  std::string region;
  protocol::Style style;
  // The API parameters, or the refusal (COM-7) the mock gives when the limiter admits the
  // request (target-contract §3: the limiter comes first).
  Result<nlohmann::json, model::Refusal> params;
};
// The request's style, common parameters (COM-1..3) and authentication (AUTH-*), in the
// order the mock checks them, at the given wall clock; the first refusal otherwise. Pure:
// the request parser of the mock, and what the request_parser fuzz target drives.
Result<ReadRequest, model::Refusal> ReadApiRequest(const MockConfig& config,
                                                   const protocol::HttpRequest& request,
                                                   std::int64_t wall_seconds);

// The part of the mock's answer that reads none of its state: the request parsed (COM-5,
// COM-6, style) and, when that succeeds, its common parameters and authentication
// (ReadApiRequest). MockService computes it before taking its lock, so that requests are
// verified in parallel. Refers to `request`, which must outlive it.
struct PreRead {
  Result<protocol::WireRequest, model::Refusal> wire;
  std::optional<Result<ReadRequest, model::Refusal>> read;  // when `wire` succeeded
};
PreRead PreReadRequest(const MockConfig& config, const protocol::HttpRequest& request,
                       std::int64_t wall_seconds);

// The mock's whole behaviour. Deterministic given the state (including its RNG). Moving jobs
// are first brought to clocks.steady_ms (autoprogress). With the non-atomic-delete fault, a
// successful DeleteJob's erase is left in *deferred (when given) for the caller to make later.
// When `audit` is given it receives the request's audit entry (its seq left 0), or
// std::nullopt when the request is not audited: a control request, another path than "/", or
// an Action that cannot be read or does not mutate (StartAudit).
// `pre`, when given, must be PreReadRequest of the same request at clocks.wall_seconds (its
// parameters are moved out): the answer is the same as without it.
protocol::HttpResponse Respond(MockState& state, const MockConfig& config,
                               const protocol::HttpRequest& request, const Clocks& clocks,
                               std::optional<DeferredErase>* deferred = nullptr,
                               std::optional<AuditEntry>* audit = nullptr, PreRead* pre = nullptr);

// A lowercase RFC 4122 version-4 UUID from the generator.
std::string NewRequestId(std::mt19937_64& rng);
// A well-formed JobId not in the store and never deleted from it.
std::string NewJobId(std::mt19937_64& rng, const model::Store& store);

// A thread-safe mock with real (or injected) clocks. It starts with config.foreign_jobs
// foreign jobs and records an audit entry for every audited request. Every answer of Handle()
// carries a Date header (IMF-fixdate) of its wall clock, as real front ends send.
class MockService {
 public:
  using SecondsClock = std::function<std::int64_t()>;
  using MillisClock = std::function<std::int64_t()>;

  explicit MockService(MockConfig config, SecondsClock wall = nullptr,
                       MillisClock steady = nullptr);

  protocol::HttpResponse Handle(const protocol::HttpRequest& request);
  const MockConfig& config() const { return config_; }
  // A copy of the store as the steady clock now shows it, for tests.
  model::Store SnapshotStore() const;
  // The ids of the foreign jobs since the start or the last control reset, sorted; deleted
  // ones included.
  std::vector<std::string> ForeignJobIds() const;
  // How many foreign jobs are still there and deletable (model::IsDeletable).
  std::size_t DeletableForeignJobs() const;
  // The audit entries so far, oldest first (at most the last config.audit_memory_entries).
  std::vector<AuditEntry> Audit() const;
  // Also write every later audit entry to `out` as one line (AuditJsonLine), flushed at once;
  // nullptr stops. `out` must stay valid until replaced or the service is destroyed.
  void SetAuditLog(std::ostream* out);

 private:
  void Record(AuditEntry entry);  // with mu_ held

  MockConfig config_;
  SecondsClock wall_;
  MillisClock steady_;
  mutable std::mutex mu_;
  MockState state_;
  std::uint64_t audit_seq_ = 0;
  std::deque<AuditEntry> audit_;
  std::ostream* audit_out_ = nullptr;
};

}  // namespace dj::mock
