// The action vocabulary of the conformance runner: one typed Step for everything a history
// does. RapidCheck generates Steps, the Driver executes them, replay files and reports hold
// them (to_json/from_json), and the report printer describes them.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "harness/protocol/codec.h"
#include "models/api_model.h"

namespace dj::run {

enum class WireFault : unsigned char {
#define DJ_WIRE_FAULT(e, name, styles, text) e,
#include "harness/runner/wire_faults.def"
#undef DJ_WIRE_FAULT
};

inline constexpr std::array kAllWireFaults = {
#define DJ_WIRE_FAULT(e, name, styles, text) WireFault::e,
#include "harness/runner/wire_faults.def"
#undef DJ_WIRE_FAULT
};

std::string_view WireFaultName(WireFault f);
std::optional<WireFault> WireFaultFromName(std::string_view name);
// Whether a request in `style` can carry the fault.
bool FaultFitsStyle(WireFault f, protocol::Style style);
// The clause that refuses a request with the fault, or std::nullopt when the request is
// valid (kNone and the timestamps inside the window).
std::optional<model::Clause> ExpectedClause(WireFault f, protocol::Style style);
// The shift from the sender's clock, in seconds, of an exact-edge timestamp fault (AUTH-2 at
// 299, 300 and 301 s, either side); std::nullopt for any other fault.
std::optional<std::int64_t> EdgeShift(WireFault f);
// COM-6's limits by style: GET 32 KB, v1 POST 1 MB, v3 POST 10 MB, a KB read as 1,000 bytes
// (`decimal`) or as 1,024 (the reference mock's reading, protocol/codec.h).
std::size_t SizeLimitBytes(protocol::Style style, bool decimal);
// How long near-limit (just under the limit read as 1,000 bytes a KB, head included) and
// over-limit (just over it read as 1,024) make the padded filter value.
std::size_t PaddingFor(protocol::Style style, bool over);
// The request's size on the wire: request line, headers and body.
std::size_t WireBytes(const protocol::HttpRequest& request);
// True when the target checks the fault before its rate limiter (target-contract §3): such a
// request does not count against the limit.
bool RefusedBeforeLimiter(WireFault f);

// The values the wire faults plant: the Driver sends them, repro scripts write them.
namespace planted {
inline constexpr std::string_view kUnknownSecretId = "AKIDdjharnessUnknownSecretId00000000001";
// What live fuzzing signs with before a byte-level mutation, then re-signs with the real ones.
inline constexpr std::string_view kStandInSecretId = "AKIDdjharnessStandInSecretId000000000001";
inline constexpr std::string_view kStandInSecretKey = "djharnessStandInSecretKey000001";
inline constexpr std::string_view kStandInToken = "djharnessStandInSessionToken000001";
inline constexpr std::string_view kGarbledAuthorization = "TC3-HMAC-SHA256 Credential=garbled";
inline constexpr std::string_view kUnknownActionSuffix = "Now";
inline constexpr std::string_view kUnknownVersion = "2020-01-01";
inline constexpr std::string_view kUnknownRegion = "xx-nowhere-1";
inline constexpr std::string_view kUnknownParameter = "DjharnessUnknown";
// A well-formed JobId the canary probe asks for after a faulty request; never generated on
// purpose (the generators draw ids at random, so a collision is negligible, and checked).
inline constexpr std::string_view kCanaryId = "job-zzzzzzzz";
}  // namespace planted

// The legal ways to send the same request (STYLE-1): all decode to the same thing.
struct Encoding {
  bool space_as_plus = false;
  bool encode_unreserved = false;
  bool reverse_param_order = false;
  protocol::SignatureMethod signature_method = protocol::SignatureMethod::kHmacSha256;
  bool send_signature_method = true;

  friend bool operator==(const Encoding&, const Encoding&) = default;
};

// Control extension: create the job (or replace the job with the same id).
struct CreateJob {
  model::Job job;
  friend bool operator==(const CreateJob&, const CreateJob&) = default;
};

// Control extension: move the target's rate-limit clock.
struct AdvanceClock {
  std::int64_t ms = 0;
  friend bool operator==(const AdvanceClock&, const AdvanceClock&) = default;
};

// Real time: wait before the next step (the rate-limit schedules of a target without a
// control clock).
struct Pause {
  std::int64_t ms = 0;
  friend bool operator==(const Pause&, const Pause&) = default;
};

// One API request.
struct ApiCall {
  model::ApiRequest request;
  protocol::Style style = protocol::Style::kApi3Post;
  Encoding encoding;
  WireFault fault = WireFault::kNone;
  // Which of the run's credentials signs it: 0 the main one, 1 the second (RL-4).
  int credential = 0;
  // Without a control clock the harness paces rate-limited actions below their limit; the
  // rate-limit schedules set this to false, since their timing is the point.
  bool paced = true;
  friend bool operator==(const ApiCall&, const ApiCall&) = default;
};

// The same read-only request in two styles: both must get the same outcome (STYLE-1).
struct SameInStyles {
  model::ApiRequest request;
  protocol::Style first = protocol::Style::kApi3Post;
  Encoding first_encoding;
  protocol::Style second = protocol::Style::kQueryGet;
  Encoding second_encoding;
  friend bool operator==(const SameInStyles&, const SameInStyles&) = default;
};

// Concurrency (CONC-*): every thread sends its calls one after another on a connection of its
// own, and all threads start together. Needs the control extension: the model must know the
// jobs' states and the rate-limit clock exactly to judge what comes back.
struct Batch {
  std::vector<std::vector<ApiCall>> threads;
  friend bool operator==(const Batch&, const Batch&) = default;
};

// Without control (target-contract §4): submit a job of the run's own, from the run's job
// definition (`slow`: the one that keeps running). The N-th Submit of a history (from 0) is
// named "@owned-N" in later steps' JobId; the Driver puts the id SubmitJob returned in its place.
struct Submit {
  bool slow = false;
  friend bool operator==(const Submit&, const Submit&) = default;
};

// Without control: DescribeJob an owned job until it shows the awaited state, with
// exponentially growing pauses, for at most `max_ms`.
enum class Until : unsigned char {
  kRunning,   // the job is RUNNING (or already finished)
  kFinished,  // the job and every instance are SUCCEED or FAILED
};
struct Await {
  int job = 0;  // "@owned-N"
  Until until = Until::kFinished;
  std::int64_t max_ms = 120000;
  friend bool operator==(const Await&, const Await&) = default;
};

using Step =
    std::variant<CreateJob, AdvanceClock, Pause, ApiCall, SameInStyles, Batch, Submit, Await>;

// "@owned-N": how steps name the history's N-th own job before the target has named it.
std::string OwnedRef(int n);
// N when `text` is "@owned-N", std::nullopt otherwise.
std::optional<int> OwnedIndex(std::string_view text);

// A call as its encoding and wire fault shape it: the parameters and the encoder options, all
// but what the sender adds (host, nonce, the clock). The Driver encodes it; repro scripts
// write it out: one mapping from faults to requests serves both.
struct Planted {
  protocol::Call call;
  protocol::EncodeOptions options;   // style, encoding and faults; host/timestamp/nonce unset
  bool unknown_secret_id = false;    // sign as planted::kUnknownSecretId
  std::int64_t timestamp_shift = 0;  // seconds added to the sender's clock
};
// `margin` is how far inside/outside the 300 s window the timestamp faults go (AUTH-2).
Planted Plant(const ApiCall& call, const std::string& region, std::int64_t margin);

// The request as a target decodes it: in the query styles every parameter travels as text, so
// a number arrives as its digits and a null not at all (what the model must judge).
model::ApiRequest AsReceived(const ApiCall& call);

// One line for people, e.g. `DeleteJob {"JobId":"job-abc"} [query-get, wrong-signature]`.
std::string Describe(const Step& step);
bool NeedsControl(const Step& step);
// The highest credential index the step signs with (0 when only the main one).
int CredentialNeeded(const Step& step);

void to_json(nlohmann::json& j, const Step& step);
// Throws nlohmann::json::exception on a malformed step (replay files are checked at the edge).
void from_json(const nlohmann::json& j, Step& step);

}  // namespace dj::run
