// `djharness fuzz`: a mutational campaign against a live endpoint (harness/runner/live_fuzz.h),
// and `djharness fuzz --replay FILE.http`, which sends one saved finding again.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>

#include "harness/cli/commands.h"
#include "harness/cli/setup.h"
#include "harness/protocol/clocks.h"
#include "harness/protocol/http_wire.h"
#include "harness/runner/live_fuzz.h"
#include "harness/runner/steps.h"

namespace dj::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

int Replay(const ParsedFlags& flags, Setup& setup) {
  fs::path file = flags.Get("replay");
  auto bytes = ReadFile(file);
  if (!bytes) {
    std::cerr << "djharness fuzz: cannot read " << file.string() << "\n";
    return kExitUsage;
  }
  auto meta = ReadFile(fs::path(file).replace_extension(".json"));
  json info = meta ? json::parse(*meta, nullptr, false) : json::object();
  if (!info.is_object()) info = json::object();
  // Saved findings hold placeholders for the credential (client::HideCredentials).
  auto request = protocol::ParseRequestBytes(*bytes);
  if (!request) {
    std::cerr << "djharness fuzz: " << file.string()
              << " is not an HTTP request: " << request.error() << "\n";
    return kExitUsage;
  }
  request = client::RestoreCredentials(std::move(*request), setup.credentials);
  protocol::SetHeader(request->headers, "Host", setup.target->HostHeader());
  if (info.value("signed", false)) {
    if (auto resigned = run::Resign(*request, setup.credentials, protocol::SystemSeconds(), 1))
      request = std::move(*resigned);
  }
  // The request now holds the real SecretId and token, and the signature made with the key:
  // masked by name (Describe), then whatever is left of the credential by text (Setup::Hide).
  std::cout << setup.Hide(client::Describe(*request)) << "\n";
  auto sent = setup.target->Send(*request);
  if (!sent) {
    std::cout << "no answer: " << setup.Hide(sent.error().message)
              << "\nstill fails: yes (ROB-1)\n";
    return kExitViolations;
  }
  protocol::HttpResponse shown = *sent;
  shown.body = setup.Hide(std::move(shown.body));  // before Describe cuts it
  std::cout << client::Describe(shown) << "\n";
  auto broken = run::CheckLiveAnswer(*sent, std::nullopt, model::Profile::kStrict);
  std::string recorded = info.value("clause", "");
  bool again = false;
  for (const auto& [clause, detail] : broken) {
    std::cout << model::ClauseId(clause) << ": " << setup.Hide(detail) << "\n";
    again = again || model::ClauseId(clause) == recorded;
  }
  std::cout << "still fails: " << (again ? "yes" : "no")
            << (recorded.empty() ? "" : " (" + recorded + ")") << "\n";
  return again ? kExitViolations : kExitOk;
}

}  // namespace

int RunFuzz(const ParsedFlags& flags) {
  auto fail = [](const run::RunError& e) {
    std::cerr << "djharness fuzz: " << e.message << "\n";
    return e.exit_code;
  };
  auto setup = MakeSetup(flags, "fuzz");
  if (!setup) return fail(setup.error());
  auto measured = MeasureTargetClock(*setup);
  if (!measured) return fail(measured.error());
  if (flags.Has("replay")) return Replay(flags, *setup);

  run::LiveFuzzConfig config;
  auto max_requests = Number(flags, "max-requests", 1000);
  auto max_time = Number(flags, "max-time", 60);
  auto seed = Number(flags, "seed", 1);
  for (const auto* n : {&max_requests, &max_time, &seed}) {
    if (!*n) return fail(n->error());
  }
  config.max_requests = *max_requests;
  config.max_seconds = static_cast<double>(*max_time);
  config.seed = static_cast<std::uint64_t>(*seed);
  config.region = setup->region;
  config.limits = setup->limits;
  config.control_token = setup->control_token;
  config.wall_seconds = setup->WallSeconds();
  fs::path corpus = flags.Get("corpus", "corpora/request_parser/seeds");
  if (!fs::is_directory(corpus)) {
    return fail({kExitUsage, "--corpus: no such folder " + corpus.string() +
                                 " (run from the checkout, or give the request_parser seeds)"});
  }
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    if (!entry.is_regular_file()) continue;
    auto bytes = ReadFile(entry.path());
    if (!bytes) continue;
    if (auto r = protocol::ParseRequestBytes(*bytes)) config.corpus.push_back(std::move(*r));
  }

  std::cout << "fuzzing " << setup->target_name << " from " << config.corpus.size()
            << " corpus requests, " << (setup->control ? "with" : "without")
            << " the control extension, seed " << config.seed << "\n";
  if (!setup->credential_source.empty()) {
    std::cout << "credentials: " << setup->credential_source << ", region " << config.region
              << "\n";
  }
  if (setup->clock) std::cout << ClockLine(*setup) << "\n";
  run::LiveFuzzResult r = run::FuzzLive(*setup->target, setup->control, setup->credentials, config);
  if (r.fatal) return fail({kExitTransport, setup->Hide(*r.fatal)});

  fs::path dir = flags.Get("report-dir", "djharness-report");
  fs::path found_dir = dir / "fuzz-findings";
  fs::create_directories(found_dir);
  json findings = json::array();
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const run::LiveFinding& f = r.findings[i];
    std::string stem = (i < 9    ? "00"
                        : i < 99 ? "0"
                                 : "") +
                       std::to_string(i + 1) + "-" + std::string(model::ClauseId(f.clause));
    // The request as sent holds the SecretId and any session token; an answer may echo them.
    auto hide = [&setup](std::string text) { return setup->Hide(std::move(text)); };
    json item = {{"clause", model::ClauseId(f.clause)},
                 {"message", hide(f.message)},
                 {"mutation", hide(f.mutation)},
                 {"signed", f.signed_correctly},
                 {"file", (found_dir / (stem + ".http")).string()},
                 {"answer", hide(f.answer)}};
    for (auto [file, text] :
         {std::pair{stem + ".http", protocol::FormatRequestBytes(
                                        client::HideCredentials(f.request, setup->credentials))},
          {stem + ".json", item.dump(2, ' ', false, json::error_handler_t::replace) + "\n"}}) {
      if (auto written = WriteAtomically(found_dir / file, text); !written) {
        return fail({kExitUsage, written.error()});
      }
    }
    findings.push_back(item);
  }
  json counts = json::object();
  for (const auto& [clause, n] : r.finding_counts) counts[std::string(model::ClauseId(clause))] = n;
  json results = {{"tool", "djharness fuzz"},
                  {"target", setup->target_name},
                  {"control", setup->control != nullptr},
                  {"seed", config.seed},
                  {"requests", r.requests},
                  {"mutated", r.mutated},
                  {"skipped_unsafe", r.skipped_unsafe},
                  {"seconds", r.seconds},
                  {"pacing_seconds", r.pacing_seconds},
                  {"outcomes", r.outcomes},
                  {"mutations", r.mutations},
                  {"finding_counts", counts},
                  {"findings", findings}};
  fs::path results_path = dir / "fuzz-results.json";
  if (auto written = WriteAtomically(
          results_path,
          setup->HideJson(results).dump(2, ' ', false, json::error_handler_t::replace) + "\n");
      !written) {
    return fail({kExitUsage, written.error()});
  }

  std::cout << r.mutated << " mutated requests (" << r.requests << " in all, " << r.skipped_unsafe
            << " mutations not sent: they named a JobId other than the canary) in " << r.seconds
            << " s, " << r.pacing_seconds << " s of it pacing\n";
  std::cout << "answers:";
  for (const auto& [outcome, n] : r.outcomes) std::cout << " " << outcome << " " << n << ";";
  std::cout << "\n";
  if (r.finding_counts.empty()) {
    std::cout << "no findings\n";
  } else {
    for (const auto& [clause, n] : r.finding_counts) {
      std::cout << "FINDING " << model::ClauseId(clause) << ": " << n << " answer(s)\n";
    }
    for (const auto& item : findings) {
      std::cout << "  " << item["clause"].get<std::string>() << " "
                << item["message"].get<std::string>() << " [" << item["mutation"].get<std::string>()
                << "]\n    replay: djharness fuzz --replay " << item["file"].get<std::string>()
                << " --target URL\n";
    }
  }
  std::cout << "results: " << results_path.string() << "\n";
  return r.finding_counts.empty() ? kExitOk : kExitViolations;
}

}  // namespace dj::cli
