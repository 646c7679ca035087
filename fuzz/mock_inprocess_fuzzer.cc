// The whole reference mock in-process, judged by the reference model: the input decodes to a
// history in the runner's action vocabulary (fuzz/step_decoder.h), the conformance Driver
// sends it to an in-process mock with the control extension and judges every answer. A crash,
// a control failure or any finding is a fuzz finding; it prints the history as replayable
// steps (the `steps` of a results file's failure) before aborting.
//
// DJ_FUZZ_FAULTS=name[,name...] plants mock faults (djharness faults), so that the campaign's
// power is measurable: how long libFuzzer takes to find each planted defect.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "fuzz/fuzz_check.h"
#include "fuzz/step_decoder.h"
#include "harness/client/inprocess_target.h"
#include "harness/mock/mock_service.h"
#include "harness/runner/driver.h"

namespace {

using namespace dj;

constexpr std::int64_t kNow = 1700000000;

mock::FaultSet FaultsFromEnvironment() {
  mock::FaultSet faults;
  const char* names = std::getenv("DJ_FUZZ_FAULTS");
  std::string_view rest = names != nullptr ? names : "";
  while (!rest.empty()) {
    std::string_view name = rest.substr(0, rest.find(','));
    rest.remove_prefix(std::min(rest.size(), name.size() + 1));
    if (name.empty()) continue;
    auto fault = mock::FaultFromName(name);
    if (!fault) {
      std::cerr << "DJ_FUZZ_FAULTS: unknown fault " << name << " (see djharness faults)\n";
      std::exit(2);
    }
    faults.insert(*fault);
  }
  return faults;
}

[[noreturn]] void Report(const std::vector<run::Step>& steps, std::size_t upto,
                         const std::string& what) {
  std::cerr << "mock_inprocess: " << what << "\nhistory:\n";
  nlohmann::json replay = nlohmann::json::array();
  for (std::size_t i = 0; i <= upto && i < steps.size(); ++i) {
    std::cerr << "  " << i + 1 << ". " << run::Describe(steps[i]) << "\n";
    replay.push_back(steps[i]);
  }
  std::cerr << "steps: " << replay.dump() << "\n";
  std::abort();
}

}  // namespace

// One mock and one Driver for the whole campaign: Begin() resets both through the control
// extension before every input (store, limiter, virtual clock; the model and the judge), so an
// input's verdict does not depend on the ones before it. Building them anew for every input
// cost about half of each execution.
struct Campaign {
  Campaign()
      : config(MakeConfig()),
        service(
            config, [] { return kNow; }, [] { return std::int64_t{0}; }),
        target(service),
        driver(target, &target, config.credentials.front(), MakeDriverConfig(config)) {}

  static mock::MockConfig MakeConfig() {
    mock::MockConfig c;
    c.control = true;
    c.faults = FaultsFromEnvironment();
    c.seed = 1;
    c.audit_memory_entries = 0;  // nothing an input allocates may outlive it (leak check)
    return c;
  }
  static run::DriverConfig MakeDriverConfig(const mock::MockConfig& c) {
    run::DriverConfig d;
    d.more_credentials = {c.credentials[1]};
    d.wall_seconds = [] { return kNow; };
    d.steady_ms = [] { return std::int64_t{0}; };
    d.sleep_ms = [](std::int64_t) {};
    return d;
  }

  mock::MockConfig config;
  mock::MockService service;
  client::InProcessTarget target;
  run::Driver driver;
};

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Campaign* campaign = new Campaign();  // never destroyed: no exit-time order issues
  FuzzedDataProvider in(data, size);
  std::vector<run::Step> steps = dj::fuzz::DecodeSteps(in);

  run::Driver& driver = campaign->driver;
  auto begun = driver.Begin();
  DJ_FUZZ_CHECK(begun.ok(), "the control extension refused a reset");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    std::vector<run::Finding> findings = driver.Execute(steps[i]);
    if (driver.fatal()) Report(steps, i, "control failure: " + *driver.fatal());
    if (!findings.empty()) {
      Report(
          steps, i,
          std::string(model::ClauseId(findings.front().clause)) + ": " + findings.front().message);
    }
  }
  return 0;
}
