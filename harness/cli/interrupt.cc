// The interrupt flag and its signal handlers.
#include "harness/cli/interrupt.h"

#include <csignal>

#include "harness/cli/flags.h"

namespace dj::cli {
namespace {

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};

extern "C" void OnInterrupt(int sig) {
  if (g_interrupted.load()) {
    // The second signal: the default action, now.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  g_signal.store(sig);  // before the flag, so that whoever sees the flag sees the signal
  g_interrupted.store(true);
}

}  // namespace

const std::atomic<bool>* InterruptFlag() { return &g_interrupted; }

void CatchInterrupts() {
  struct sigaction on {};
  on.sa_handler = OnInterrupt;
  sigemptyset(&on.sa_mask);
  sigaction(SIGINT, &on, nullptr);
  sigaction(SIGTERM, &on, nullptr);
}

int InterruptExitCode() {
  switch (g_signal.load()) {
    case SIGINT:
      return kExitInterrupted;
    case SIGTERM:
      return kExitTerminated;
    default:
      return 0;
  }
}

std::string InterruptReason() {
  switch (g_signal.load()) {
    case SIGINT:
      return "interrupted by SIGINT";
    case SIGTERM:
      return "interrupted by SIGTERM";
    default:
      return "";
  }
}

}  // namespace dj::cli
