// Histories from fuzzer bytes: the runner's action vocabulary (harness/runner/steps.h)
// decoded from a FuzzedDataProvider, so that libFuzzer's mutations move through the same
// space of histories as RapidCheck's generators (without the concurrent batches, whose
// thread timing would make an input's outcome irreproducible).
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <vector>

#include "harness/runner/steps.h"

namespace dj::fuzz {

// At most `max_steps` steps; CreateJob, AdvanceClock, ApiCall (every action, style, encoding,
// credential and wire fault but the 10 MB one) and SameInStyles.
std::vector<run::Step> DecodeSteps(FuzzedDataProvider& in, std::size_t max_steps = 24);

}  // namespace dj::fuzz
