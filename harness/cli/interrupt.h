// SIGINT and SIGTERM during `djharness run`: the first one raises a flag that the runner, its
// sleeps and the HTTP targets watch (HttpTargetOptions::cancel), so that the run stops within
// a second and writes its partial results; a second one ends the process at once.
#pragma once

#include <atomic>
#include <string>

namespace dj::cli {

// The flag the first SIGINT or SIGTERM sets; false until CatchInterrupts() and a signal.
const std::atomic<bool>* InterruptFlag();
// Install the handlers (idempotent). Before: both signals end the process as by default.
void CatchInterrupts();
// The exit code after the signal that raised the flag: kExitInterrupted after SIGINT,
// kExitTerminated after SIGTERM; 0 when none came.
int InterruptExitCode();
// "interrupted by SIGINT" (or SIGTERM); empty when no signal came.
std::string InterruptReason();

}  // namespace dj::cli
