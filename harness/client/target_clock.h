// How far the target's clock is from ours, so that every timestamp the harness signs is
// fresh on the target's clock (facts §3c: 5 minutes, or AuthFailure.SignatureExpire)
// and AUTH-2's planted timestamps sit where the clause means them. From the Date header of a
// few answers when the target sends one; otherwise by narrowing down, with signed probes,
// where the target stops answering AuthFailure.SignatureExpire.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "harness/client/api_client.h"
#include "models/api_model.h"

namespace dj::client {

// Where an estimate came from.
enum class ClockSource {
  kDateHeader,       // the Date header of the quickest of a few answers (±1 s)
  kSignatureWindow,  // the edges of the timestamps the target accepts (±1 s)
  kNoWindow,         // no Date header, and every timestamp tried was accepted: 0 assumed
  kUnmeasured,       // a probe got no usable HTTP answer (a broken target): 0 assumed, and
                     // the run itself judges such answers
};
// "date-header", "signature-window", "none" (results.json's target_clock.source).
std::string_view ClockSourceName(ClockSource source);

struct ClockEstimate {
  std::int64_t offset_s = 0;  // the target's clock minus ours, in whole seconds
  ClockSource source = ClockSource::kDateHeader;
  std::int64_t uncertainty_s = 1;
  int requests = 0;  // sent to make the estimate (and to check it)
  std::string why_unmeasured;  // for kUnmeasured: what the probe got

  // One line for people: "target clock: 40 s ahead of ours (Date header, ±1 s)".
  std::string Describe() const;
};

struct ClockProbeConfig {
  // A call the target answers without changing anything (the canary DescribeJob).
  model::ApiRequest probe;
  std::string region = "ap-guangzhou";
  protocol::Style style = protocol::Style::kApi3Post;
  int date_samples = 3;  // answers whose Date header is read; the quickest one counts
  // The signature window the target is expected to keep (facts §3c), and how far from our
  // clock the probing looks for it. When the probing finds only one edge of the window (a
  // target that refuses only old timestamps: facts §10 leaves the direction open), the
  // target's clock is taken to be window_s from that edge.
  std::int64_t window_s = 300;
  std::int64_t max_offset_s = 3 * 3600;
  std::function<std::int64_t()> wall_ms;  // our wall clock in ms; default: the system's
  std::function<void()> pace;             // before each request (rate limits); may be empty
};

// The most requests EstimateTargetClock sends for `config`: date_samples and one check when
// the target sends a Date header (4 with the defaults); without one, about max_offset_s /
// window_s to find an accepted timestamp and 2 * log2(max_offset_s) for the window's edges
// (79 at most with the defaults; 24 for a target within window_s of our clock).
int MaxClockProbeRequests(const ClockProbeConfig& config);

// Estimate the target's clock, then check that a request signed at the estimate is not
// refused as expired. A probe that gets no usable answer (a timeout, a closed connection, an
// answer that is not HTTP or is over the cap) ends the estimate as kUnmeasured: that is the
// run's to judge, not a reason to stop before it. Fails, with one line for people, when the
// target cannot be connected to, when the check is refused with AuthFailure.SignatureExpire (the Date header does not tell
// the clock the target signs by), and when no timestamp within max_offset_s is accepted.
Result<ClockEstimate> EstimateTargetClock(Target& target, const protocol::Credentials& credentials,
                                          const ClockProbeConfig& config);

}  // namespace dj::client
