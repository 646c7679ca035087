// The target's clock from its Date header, or from the edges of its signature window.
#include "harness/client/target_clock.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include "harness/protocol/http_date.h"

namespace dj::client {
namespace {

std::int64_t SystemMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Floor division, for negative offsets.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

class Prober {
 public:
  Prober(Target& target, const protocol::Credentials& credentials, const ClockProbeConfig& config)
      : config_(config),
        wall_ms_(config.wall_ms ? config.wall_ms : SystemMs),
        api_(target, credentials, [&] {
          ClientConfig c;
          c.region = config.region;
          c.style = config.style;
          c.wall_seconds = [this] { return FloorDiv(wall_ms_(), 1000); };
          return c;
        }()) {}

  // The probe signed `shift_s` from our clock, with when it went and came back (our ms).
  struct Sent {
    Exchange x;
    std::int64_t sent_ms = 0;
    std::int64_t answered_ms = 0;
  };
  Result<Sent> Send(std::int64_t shift_s) {
    if (config_.pace) config_.pace();
    ++requests_;
    Sent s;
    s.sent_ms = wall_ms_();
    protocol::EncodeOptions options = api_.Options();
    options.timestamp = FloorDiv(s.sent_ms, 1000) + shift_s;
    s.x = api_.Send(protocol::Call::Of(config_.probe, config_.region), options);
    s.answered_ms = wall_ms_();
    if (s.x.transport_error) {
      no_answer_ = s.x.transport_error->kind != TransportErrorKind::kConnect;
      return Failure{api_.target().Name() + " gave no answer while its clock was estimated: " +
                     s.x.transport_error->message};
    }
    return s;
  }
  static bool Expired(const Exchange& x) {
    return x.answer.code == model::ErrorCode::kAuthSignatureExpire;
  }
  // Whether the target accepts a timestamp `shift_s` from our clock.
  Result<bool> Accepts(std::int64_t shift_s) {
    auto sent = Send(shift_s);
    if (!sent) return Failure{sent.error()};
    return !Expired(sent->x);
  }
  int requests() const { return requests_; }
  // The last failure was an answer that could not be read, not a connection refused.
  bool no_answer() const { return no_answer_; }

 private:
  const ClockProbeConfig& config_;
  std::function<std::int64_t()> wall_ms_;
  ApiClient api_;
  int requests_ = 0;
  bool no_answer_ = false;
};

std::string Seconds(std::int64_t s) { return std::to_string(s) + " s"; }

// The largest accepted shift from `accepted` towards `direction` (+1 or -1), within `limit`
// of it; std::nullopt when every shift up to the limit is accepted.
Result<std::optional<std::int64_t>> Edge(Prober& prober, std::int64_t accepted, int direction,
                                         std::int64_t first_step, std::int64_t limit) {
  std::int64_t good = 0;  // distances from `accepted`
  std::int64_t bad = first_step;
  for (;;) {
    auto ok = prober.Accepts(accepted + direction * bad);
    if (!ok) return Failure{ok.error()};
    if (!*ok) break;
    good = bad;
    if (bad >= limit) return std::optional<std::int64_t>{};
    bad = std::min(bad * 2, limit);
  }
  while (bad - good > 1) {
    std::int64_t mid = good + (bad - good) / 2;
    auto ok = prober.Accepts(accepted + direction * mid);
    if (!ok) return Failure{ok.error()};
    (*ok ? good : bad) = mid;
  }
  return std::optional<std::int64_t>{accepted + direction * good};
}

Result<ClockEstimate> FromWindow(Prober& prober, const ClockProbeConfig& config) {
  // An accepted shift: the window is 2 * window_s + 1 wide, so steps of 2 * window_s from 0
  // cannot jump over it.
  const std::int64_t step = 2 * config.window_s;
  std::optional<std::int64_t> accepted;
  for (std::int64_t k = 0; !accepted && k <= config.max_offset_s; k += step) {
    for (std::int64_t shift : {k, -k}) {
      if (k == 0 && shift < 0) continue;
      auto ok = prober.Accepts(shift);
      if (!ok) return Failure{ok.error()};
      if (*ok) {
        accepted = shift;
        break;
      }
    }
  }
  if (!accepted) {
    return Failure{"the target sends no Date header and refused every request signed from " +
                   Seconds(config.max_offset_s) + " behind to " + Seconds(config.max_offset_s) +
                   " ahead of our clock with AuthFailure.SignatureExpire: its clock cannot be "
                   "found"};
  }
  const std::int64_t limit = config.max_offset_s + step;
  auto upper = Edge(prober, *accepted, +1, step + 1, limit);
  if (!upper) return Failure{upper.error()};
  auto lower = Edge(prober, *accepted, -1, step + 1, limit);
  if (!lower) return Failure{lower.error()};
  ClockEstimate e;
  e.source = ClockSource::kSignatureWindow;
  if (*upper && *lower) {
    e.offset_s = FloorDiv(**upper + **lower, 2);
  } else if (*upper) {
    e.offset_s = **upper - config.window_s;
  } else if (*lower) {
    e.offset_s = **lower + config.window_s;
  } else {
    e.source = ClockSource::kNoWindow;
    e.offset_s = 0;
    e.uncertainty_s = 0;
  }
  return e;
}

}  // namespace

std::string_view ClockSourceName(ClockSource source) {
  switch (source) {
    case ClockSource::kDateHeader:
      return "date-header";
    case ClockSource::kSignatureWindow:
      return "signature-window";
    case ClockSource::kNoWindow:
      return "none";
    case ClockSource::kUnmeasured:
      return "unmeasured";
  }
  return "none";
}

std::string ClockEstimate::Describe() const {
  std::string how;
  switch (source) {
    case ClockSource::kDateHeader:
      how = "Date header, ±" + Seconds(uncertainty_s);
      break;
    case ClockSource::kSignatureWindow:
      how = "its signature window, ±" + Seconds(uncertainty_s) + ", " + std::to_string(requests) +
            " requests";
      break;
    case ClockSource::kNoWindow:
      return "target clock: unknown (no Date header, and it accepted every timestamp tried); "
             "ours is used";
    case ClockSource::kUnmeasured:
      return "target clock: not measured (" + why_unmeasured + "); ours is used";
  }
  std::string where = offset_s == 0  ? "the same as ours"
                      : offset_s > 0 ? Seconds(offset_s) + " ahead of ours"
                                     : Seconds(-offset_s) + " behind ours";
  return "target clock: " + where + " (" + how + ")";
}

int MaxClockProbeRequests(const ClockProbeConfig& config) {
  const std::int64_t step = 2 * config.window_s;
  const std::int64_t limit = config.max_offset_s + step;
  // Edge(): doublings from step + 1 up to the limit, then halvings of at most the limit.
  std::int64_t doublings = 1;
  for (std::int64_t b = step + 1; b < limit; b = std::min(2 * b, limit)) ++doublings;
  std::int64_t halvings = 0;
  while ((std::int64_t{1} << halvings) < limit) ++halvings;
  std::int64_t first = 1;  // the first Date sample, signed at our clock
  std::int64_t find = 1 + 2 * ((config.max_offset_s + step - 1) / step);
  std::int64_t check = 1;
  std::int64_t without_date = first + find + 2 * (doublings + halvings) + check;
  std::int64_t with_date = config.date_samples + check;
  return static_cast<int>(std::max(with_date, without_date));
}

namespace {

Result<ClockEstimate> Estimate(Prober& prober, const ClockProbeConfig& config) {
  // The Date header: the target read its clock between our send and its answer, and wrote it
  // truncated to the second, so its time at our midpoint was Date + 0.5 s, within half the
  // round trip and half a second. The quickest answer is the closest.
  std::optional<std::int64_t> best_offset_ms;
  std::int64_t best_round_trip = 0;
  for (int i = 0; i < config.date_samples; ++i) {
    auto sent = prober.Send(0);
    if (!sent) return Failure{sent.error()};
    auto header = protocol::FindHeader(sent->x.response.headers, "Date");
    auto date = header ? protocol::ParseHttpDate(*header) : std::nullopt;
    if (!date) break;
    std::int64_t round_trip = sent->answered_ms - sent->sent_ms;
    std::int64_t midpoint = sent->sent_ms + round_trip / 2;
    std::int64_t offset_ms = *date * 1000 + 500 - midpoint;
    if (!best_offset_ms || round_trip < best_round_trip) {
      best_offset_ms = offset_ms;
      best_round_trip = round_trip;
    }
  }
  ClockEstimate e;
  if (best_offset_ms) {
    e.source = ClockSource::kDateHeader;
    e.offset_s =
        static_cast<std::int64_t>(std::llround(static_cast<double>(*best_offset_ms) / 1000.0));
    e.uncertainty_s = 1;
  } else {
    auto window = FromWindow(prober, config);
    if (!window) return Failure{window.error()};
    e = *window;
  }
  if (e.source != ClockSource::kNoWindow) {
    // A request signed at the estimate must be fresh on the target's clock.
    auto check = prober.Send(e.offset_s);
    if (!check) return Failure{check.error()};
    if (Prober::Expired(check->x)) {
      e.requests = prober.requests();
      return Failure{
          "the target refused a request signed at its own estimated time (" + e.Describe() +
          ") with AuthFailure.SignatureExpire: the clock it signs by is not the one its " +
          (e.source == ClockSource::kDateHeader ? "Date header shows" : "window showed")};
    }
  }
  e.requests = prober.requests();
  return e;
}

}  // namespace

Result<ClockEstimate> EstimateTargetClock(Target& target, const protocol::Credentials& credentials,
                                          const ClockProbeConfig& config) {
  Prober prober(target, credentials, config);
  auto measured = Estimate(prober, config);
  if (measured || !prober.no_answer()) return measured;
  ClockEstimate unmeasured;
  unmeasured.source = ClockSource::kUnmeasured;
  unmeasured.uncertainty_s = 0;
  unmeasured.requests = prober.requests();
  unmeasured.why_unmeasured = measured.error();
  return unmeasured;
}

}  // namespace dj::client
