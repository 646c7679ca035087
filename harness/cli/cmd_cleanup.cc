// `djharness cleanup LEDGER`: finish what a run without control left on its target.
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/cli/setup.h"

namespace dj::cli {

int RunCleanup(const ParsedFlags& flags) {
  auto fail = [](const run::RunError& e) {
    std::cerr << "djharness cleanup: " << e.message << "\n";
    return e.exit_code;
  };
  if (flags.positional.size() != 1)
    return fail({2, "give the ledger: djharness cleanup REPORT-DIR/ledger.jsonl"});
  auto ledger = run::ReadLedger(flags.positional[0]);
  if (!ledger) return fail({2, ledger.error()});
  if (ledger->target == kEmbeddedTargetName)
    return fail({2, "the ledger is of the in-process mock, which is gone with its run"});
  auto max_wait = Number(flags, "max-wait", 120);
  if (!max_wait) return fail(max_wait.error());
  // Never the control probe: it would reset a target that has control.
  auto setup = MakeSetup(flags, "cleanup", ledger->target, ProcessEnvironment,
                         /*probe_control=*/false);
  if (!setup) return fail(setup.error());
  run::DriverConfig config;
  config.region = flags.Get("region", ledger->region);
  auto live = ledger->Live();
  std::cout << "djharness cleanup: " << live.size() << " of " << ledger->jobs.size()
            << " jobs of the ledger may still be on " << setup->target_name << "\n";
  // Deletions are appended to the same ledger, so that a second cleanup starts where this ended.
  auto appended =
      run::Ledger::Open(flags.positional[0], ledger->target, config.region, ledger->tag);
  if (appended) config.ledger = *appended;
  run::CleanupReport report =
      run::CleanUp(*ledger, *setup->target, setup->credentials, config, *max_wait * 1000);
  // A line may quote an answer, which may echo the credential.
  for (const std::string& line : report.lines) std::cout << "  " << setup->Hide(line) << "\n";
  std::cout << "deleted " << report.deleted << ", already gone " << report.already_gone << ", left "
            << report.left.size() << "\n";
  for (const std::string& left : report.left) std::cerr << "left: " << setup->Hide(left) << "\n";
  return report.left.empty() ? kExitOk : kExitViolations;
}

}  // namespace dj::cli
