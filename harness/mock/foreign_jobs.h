// Jobs that belong to "someone else" (MockConfig::foreign_jobs, `djharness mock --foreign N`):
// a harness that may change only the jobs it created must leave these alone. At least a third
// are deletable, so that a harness that wrongly deletes one succeeds in doing harm.
#pragma once

#include <cstdint>

#include "harness/mock/mock_service.h"

namespace dj::mock {

// Put config.foreign_jobs foreign jobs into state.store and their ids into state.foreign:
// fresh ids from state.rng, names foreign-0, foreign-1, ..., config.zone, 1-3 tasks of 1-3
// instances, created up to a day before `wall_seconds`. Job i is deletable when i % 3 == 0
// (SUCCEED or FAILED throughout); the others cycle through every unfinished job state and the
// refusals DEL-3 (a finished job with a running instance) and DEL-4 (FAILED_INTERRUPTED).
void AddForeignJobs(MockState& state, const MockConfig& config, std::int64_t wall_seconds);

}  // namespace dj::mock
