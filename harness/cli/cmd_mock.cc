// `djharness mock`: the reference target over HTTP until SIGINT or SIGTERM.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/cli/setup.h"
#include "harness/mock/http_server.h"

namespace dj::cli {
namespace {

// A number flag as an int (flags.def gives each its range, which fits an int).
Result<int> IntFlag(const ParsedFlags& flags, std::string_view name, int fallback) {
  auto n = Number(flags, name, fallback);
  if (!n) return Failure{n.error().message};
  return static_cast<int>(*n);
}

}  // namespace

Result<mock::MockConfig> MockConfigFromFlags(const ParsedFlags& flags, const Environment& env) {
  mock::MockConfig config;
  config.control = flags.Has("control");
  if (flags.Has("control-token") && !flags.Get("control-token").empty() && !config.control) {
    return Failure{std::string("--control-token needs --control")};
  }
  // The environment's token only with --control: a shell that holds it for the harness can
  // still start a mock without the extension.
  if (config.control) config.control_token = ControlTokenFromFlags(flags, env);
  for (const std::string& name : flags.All("fault")) {
    auto fault = mock::FaultFromName(name);
    if (!fault) return Failure{"--fault: unknown fault `" + name + "` (see djharness faults)"};
    config.faults.insert(*fault);
  }
  auto ids = flags.All("secret-id");
  auto keys = flags.All("secret-key");
  if (ids.size() != keys.size()) {
    return Failure{std::string("--secret-id and --secret-key must be given in pairs")};
  }
  if (!ids.empty()) {
    config.credentials.clear();
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (ids[i].empty() || keys[i].empty())
        return Failure{std::string("--secret-id/--secret-key must not be empty")};
      config.credentials.push_back({ids[i], keys[i], ""});
    }
  }
  auto limits = LimitsFromFlags(flags);
  if (!limits) return Failure{limits.error()};
  config.limits = std::move(*limits);
  auto foreign = IntFlag(flags, "foreign", 0);
  if (!foreign) return Failure{foreign.error()};
  config.foreign_jobs = *foreign;
  auto autoprogress = IntFlag(flags, "autoprogress-ms", 0);
  if (!autoprogress) return Failure{autoprogress.error()};
  config.autoprogress_ms = *autoprogress;
  config.instant_jobs = flags.Has("instant-jobs");
  auto offset = Number(flags, "clock-offset-s", 0);
  if (!offset) return Failure{offset.error().message};
  config.clock_offset_s = *offset;
  if (flags.Has("seed")) {
    auto seed = Number(flags, "seed", 0);
    if (!seed) return Failure{seed.error().message};
    config.seed = static_cast<std::uint64_t>(*seed);
  }
  return config;
}

int RunMock(const ParsedFlags& flags) {
  auto config = MockConfigFromFlags(flags);
  if (!config) {
    std::cerr << "djharness mock: " << config.error() << "\n";
    return kExitUsage;
  }
  auto port = IntFlag(flags, "port", 0);
  if (!port) {
    std::cerr << "djharness mock: " << port.error() << "\n";
    return kExitUsage;
  }
  bool log = flags.Has("log");

  // Opened before anything starts, so that a path that cannot be written is a usage error.
  std::ofstream audit_log;
  std::string audit_path = flags.Get("audit-log");
  if (flags.Has("audit-log")) {
    if (audit_path.empty()) {
      std::cerr << "djharness mock: --audit-log needs a file name\n";
      return kExitUsage;
    }
    audit_log.open(audit_path, std::ios::app);
    if (!audit_log) {
      std::cerr << "djharness mock: --audit-log: cannot open " << audit_path
                << " for appending: " << std::strerror(errno) << "\n";
      return kExitUsage;
    }
  }

  // Signals are taken by sigwait on this thread, so block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  mock::MockService service(std::move(*config));
  if (audit_log.is_open()) service.SetAuditLog(&audit_log);
  mock::ServerOptions server_options;
  server_options.log = log ? &std::cerr : nullptr;
  server_options.tls_cert_file = flags.Get("tls-cert");
  server_options.tls_key_file = flags.Get("tls-key");
  if (server_options.tls_cert_file.empty() != server_options.tls_key_file.empty()) {
    std::cerr << "djharness mock: --tls-cert and --tls-key go together\n";
    return kExitUsage;
  }
  mock::MockHttpServer server(service, server_options);
  auto bound = server.Bind(flags.Get("host", "127.0.0.1"), *port);
  if (!bound) {
    std::cerr << "djharness mock: " << bound.error() << "\n";
    return kExitTransport;
  }
  server.Start();
  std::cout << "listening on " << server.Url() << std::endl;
  std::cout << "control extension: "
            << (service.config().control
                    ? (service.config().control_token.empty() ? "on" : "on, token required")
                    : "off")
            << std::endl;
  for (const auto& [action, per_second] : service.config().limits) {
    std::cout << "limit: " << model::ActionName(action) << " "
              << (per_second > 0 ? std::to_string(per_second) + " per second" : "unlimited")
              << std::endl;
  }
  for (mock::Fault f : service.config().faults) {
    std::cout << "planted fault: " << mock::FaultName(f) << " (breaks "
              << model::ClauseId(mock::BrokenClause(f)) << ")" << std::endl;
  }
  if (service.config().foreign_jobs > 0) {
    std::cout << "foreign jobs: " << service.config().foreign_jobs << ", "
              << service.DeletableForeignJobs()
              << " of them deletable (names foreign-0, foreign-1, ...)" << std::endl;
  }
  if (service.config().instant_jobs) {
    std::cout << "instant jobs: a submitted job is SUCCEED at once" << std::endl;
  }
  if (service.config().autoprogress_ms > 0) {
    std::cout << "autoprogress: a submitted job moves one state every "
              << service.config().autoprogress_ms << " ms" << std::endl;
  }
  if (service.config().clock_offset_s != 0) {
    std::cout << "clock offset: " << std::showpos << service.config().clock_offset_s
              << std::noshowpos << " s from the system's (signatures, CreateTime, Date)"
              << std::endl;
  }
  if (audit_log.is_open()) {
    std::cout << "audit log: " << audit_path << " (SubmitJob, TerminateJob, DeleteJob)"
              << std::endl;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  server.Stop();
  std::cout << "stopped" << std::endl;
  return kExitOk;
}

int RunFaults() {
  for (mock::Fault f : mock::kAllFaults) {
    std::string name(mock::FaultName(f));
    name.resize(30, ' ');
    std::string clause(model::ClauseId(mock::BrokenClause(f)));
    clause.resize(8, ' ');
    std::cout << name << clause << mock::FaultDescription(f) << "\n";
  }
  return kExitOk;
}

}  // namespace dj::cli
