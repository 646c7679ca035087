// `djharness run` and `djharness replay`: the conformance run and the re-run of its failures.
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "harness/cli/commands.h"
#include "harness/cli/interrupt.h"
#include "harness/cli/report_files.h"
#include "harness/cli/setup.h"
#include "harness/runner/diff.h"
#include "reports/compare.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "reports/markdown.h"
#include "reports/sarif.h"

namespace dj::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kVersion = "0.1.0";
// Histories per property without control, when --runs is not given.
constexpr int kRealTimeRuns = 25;

void PrintResults(const report::Results& r, const fs::path& results_path, std::ostream& out) {
  out << "\n";
  for (const report::ClauseResult& c : r.clauses) {
    std::string id = c.id;
    id.resize(9, ' ');
    std::string status(report::StatusName(c.status));
    if (c.status == report::Status::kFailed) status = "FAILED";
    if (c.status == report::Status::kFlaky) status = "FLAKY";
    status.resize(8, ' ');
    out << id << status << " " << c.checks << (c.reason.empty() ? "" : "  (" + c.reason + ")")
        << "\n";
  }
  for (const report::ClauseResult& c : r.clauses) {
    if (!c.failure) continue;
    const report::FailureReport& f = *c.failure;
    out << "\n"
        << (c.status == report::Status::kFlaky ? "FLAKY " : "FAILED ") << c.id << ": " << f.message
        << "  (djharness explain " << c.id << ")\n  " << c.text << "\n  shrunk history ("
        << f.requests << " requests, property " << f.property << ", seed " << f.seed << "):\n";
    int n = 0;
    for (const report::Exchange& e : f.history) {
      out << "    " << ++n << ". " << e.step << "  -> " << e.outcome;
      if (e.thread >= 0) {
        char when[64];
        std::snprintf(when, sizeof when, "  (%.2f-%.2f ms)", e.started_ms, e.ended_ms);
        out << when;
      }
      out << "\n";
      for (const std::string& finding : e.findings) out << "         ! " << finding << "\n";
    }
    if (!f.timeline.empty()) out << "  the calls that cannot be explained:\n" << f.timeline;
    out << "  found after " << f.requests_to_find << " requests ("
        << static_cast<int>(f.seconds_to_find * 1000) << " ms";
    out << "; " << static_cast<std::int64_t>(std::llround(f.virtual_seconds_to_find * 1000))
        << " ms on the target's clock";
    out << ")";
    if (f.replays > 0) {
      out << "; replayed " << f.replays << " times, failed again " << f.reproduced << " times"
          << (c.status == report::Status::kFlaky ? " (FLAKY)" : "");
    }
    out << "\n";
    out << "  replay: djharness replay " << results_path.string() << "\n";
    out << "  with curl: " << (results_path.parent_path() / ("repro-" + c.id + ".sh")).string()
        << "  (needs TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY; DJ_TARGET=URL to aim "
           "it)\n";
  }
  for (const std::string& premise : r.premises_failed) {
    out << "\npremise failed (not a finding): " << premise << "\n";
  }
  if (!r.partial.empty()) {
    out << "\npartial: " << r.partial
        << "; the clauses the run did not get to are skipped, and the results are not a verdict\n";
  }
  out << "\nsummary: " << r.Count(report::Status::kPassed) << " passed, "
      << r.Count(report::Status::kFailed) << " failed, ";
  if (r.Count(report::Status::kFlaky) > 0) out << r.Count(report::Status::kFlaky) << " flaky, ";
  out << r.Count(report::Status::kSkipped) << " skipped; " << r.histories << " histories, "
      << r.requests << " requests in " << std::fixed;
  out.precision(1);
  out << r.duration_seconds << " s, " << r.pacing_seconds
      << " s of it waiting to stay under rate limits (seed " << r.seed << ")\n";
  int judged = r.Count(report::Status::kPassed) + r.Count(report::Status::kFailed) +
               r.Count(report::Status::kFlaky);
  out << "coverage: " << judged << " clauses judged with " << r.requests << " requests";
  if (judged > 0) out << " (" << (static_cast<double>(r.requests) / judged) << " per clause)";
  if (r.budget > 0) {
    out << "; budget " << r.budget << (r.budget_spent ? ", spent" : ", not reached");
  }
  out << "\nverdict: " << r.Verdict() << "\n";
  if (r.jobs_submitted > 0) {
    out << "jobs of the run's own: " << r.jobs_submitted << " submitted, "
        << (r.jobs_left.empty() ? std::string("none left behind")
                                : std::to_string(r.jobs_left.size()) + " left behind")
        << "\n";
    for (const std::string& left : r.jobs_left) out << "  left: " << left << "\n";
    if (!r.jobs_left.empty()) out << "  finish them with: djharness cleanup " << r.ledger << "\n";
  }
}

// What the driver judges the target's limiter by, in a line: each action's limit (DeleteJob's
// judged, the others' only paced under), the slack and the margins.
std::string JudgingLine(const run::DriverConfig& driver) {
  std::string limits;
  for (model::Action a : model::kAllActions) {
    if (int n = driver.LimitOf(a); n > 0) {
      limits += " " + std::string(model::ActionName(a)) + " " + std::to_string(n) + "/s" +
                (driver.JudgedLimitOf(a) > 0 ? " (RL-*)" : " (paced)");
    }
  }
  return "judging: limits" + (limits.empty() ? std::string(" none") : limits) + ", rate slack " +
         std::to_string(driver.rate_slack) + ", rate margin " +
         std::to_string(driver.rate_margin_ms) + " ms, skew margin " +
         std::to_string(driver.skew_margin_s) + " s";
}

// --dry-run: the histories the run would send, generated exactly as the run generates them,
// and what in them changes anything; nothing is sent (not even the control probe, a reset).
int DryRun(const run::RunConfig& config, const Setup& setup, std::ostream& out) {
  bool control = setup.control != nullptr;
  out << "djharness run --dry-run: nothing is sent to " << setup.target_name << "\n"
      << "control: " << (control ? "in-process" : "none assumed (a dry run does not probe)")
      << ", seed " << config.seed << "\n";
  run::DiffConfig gen;
  gen.seed = config.seed;
  gen.styles = config.styles;
  std::map<std::string, int> mutating;
  for (run::PropertyKind kind : config.properties) {
    int runs = config.runs;
    gen.max_steps = config.max_steps;
    if (kind == run::PropertyKind::kConcurrency && !control) continue;
    if (kind == run::PropertyKind::kOwnedJobs) {
      if (control || !config.driver.job_definition.is_object()) continue;
      runs = std::min(runs, config.owned_runs);
      gen.max_steps = std::min(gen.max_steps, config.owned_steps);
    }
    if (kind == run::PropertyKind::kRateLimit && !control) {
      runs = std::min(runs, config.realtime_rate_runs);
      gen.max_steps = std::min(gen.max_steps, config.realtime_rate_steps);
    }
    std::int64_t steps = 0;
    std::vector<run::Step> first;
    auto count = [&](const std::vector<run::Step>& history) {
      steps += static_cast<std::int64_t>(history.size());
      for (const run::Step& step : history) {
        if (const auto* call = std::get_if<run::ApiCall>(&step)) {
          if (call->request.action != model::Action::kDeleteJob &&
              call->request.action != model::Action::kTerminateJob)
            continue;
          std::string kind_of = std::string(model::ActionName(call->request.action)) +
                                (call->fault == run::WireFault::kNone ? "" : " (planted fault)");
          ++mutating[kind_of];
        } else if (std::holds_alternative<run::Submit>(step)) {
          ++mutating["SubmitJob"];
        }
      }
    };
    std::vector<std::vector<run::Step>> plans = run::FixedHistories(config, kind, control);
    bool owned = kind == run::PropertyKind::kOwnedJobs;
    for (const auto& p : plans) count(p);
    if (!plans.empty()) first = plans.front();
    for (int i = 0; i < runs; ++i) {
      auto history = run::DiffHistory(gen, kind, i, control);
      if (!history) {
        out << "cannot generate: " << history.error().message << "\n";
        return history.error().exit_code;
      }
      if (first.empty()) first = *history;
      count(*history);
    }
    std::string before = owned ? "its plan, then "
                         : !plans.empty()
                             ? std::to_string(plans.size()) +
                                   (plans.size() == 1 ? " example" : " examples") + ", then "
                             : "";
    out << "\nproperty " << run::PropertyName(kind) << ": " << before << runs << " histories, "
        << steps << " steps; "
        << (owned            ? "the plan"
            : !plans.empty() ? "the first example"
                             : "the first")
        << ":\n";
    for (std::size_t i = 0; i < first.size(); ++i)
      out << "  " << i + 1 << ". " << run::Describe(first[i]) << "\n";
  }
  out << "\nsteps that may change the target (before shrinking):\n";
  for (const auto& [what, n] : mutating) out << "  " << n << " x " << what << "\n";
  if (!control) {
    out << "without control every DeleteJob of an id the run did not submit is sent only after "
           "DescribeJob answered ResourceNotFound.Job for it; TerminateJob and DeleteJob of a real "
           "job only name jobs the run submitted";
    if (config.driver.ledger)
      out << " (recorded in " << config.driver.ledger->path().string() << ")";
    out << "\n";
  }
  return kExitOk;
}

}  // namespace

int RunRun(const ParsedFlags& flags) {
  auto fail = [](const run::RunError& e) {
    std::cerr << "djharness run: " << e.message << "\n";
    return e.exit_code;
  };
  run::RunConfig config;
  config.version = std::string(kVersion);
  auto styles = StylesFrom(flags.Get("style", "both"));
  if (!styles) return fail(styles.error());
  config.styles = *styles;
  config.styles_name = flags.Get("style", "both");
  if (auto judging = JudgingFromFlags(flags, config.driver); !judging) return fail(judging.error());
  auto runs = Number(flags, "runs", 200);
  auto steps = Number(flags, "max-steps", 40);
  auto seed = Number(flags, "seed", 0);
  for (const auto* n : {&runs, &steps, &seed}) {
    if (!*n) return fail(n->error());
  }
  config.runs = static_cast<int>(*runs);
  config.max_steps = static_cast<int>(*steps);
  config.examples = !flags.Has("no-examples");
  config.seed = flags.Has("seed") ? static_cast<std::uint64_t>(*seed)
                                  : std::random_device{}() % 1000000000ULL;
  config.driver.seed = config.seed;
  config.only = flags.Get("only");
  auto threads = Number(flags, "threads", 8);
  auto rate_runs = Number(flags, "rate-runs", 12);
  auto owned_runs = Number(flags, "owned-runs", 3);
  auto budget = Number(flags, "budget", 0);
  auto replays = Number(flags, "replays", 3);
  for (const auto* n : {&threads, &rate_runs, &owned_runs, &budget, &replays}) {
    if (!*n) return fail(n->error());
  }
  config.threads = static_cast<int>(*threads);
  config.realtime_rate_runs = static_cast<int>(*rate_runs);
  config.owned_runs = static_cast<int>(*owned_runs);
  config.replays = static_cast<int>(*replays);
  if (*budget > 0) {
    config.budget = *budget;
    config.driver.budget = std::make_shared<std::atomic<std::int64_t>>(*budget);
  }
  auto properties = PropertiesFrom(flags.Get("properties", "all"), run::kAllProperties);
  if (!properties) return fail(properties.error());
  config.properties = *properties;

  // The baseline is read before anything is sent, so that a wrong path costs nothing.
  std::optional<report::Results> baseline;
  if (flags.Has("baseline")) {
    auto base = LoadResults(flags.Get("baseline"), "--baseline");
    if (!base) return fail(base.error());
    baseline = std::move(*base);
  }

  bool dry_run = flags.Has("dry-run");
  // From here on the first SIGINT or SIGTERM stops the run (with the calls in flight, when the
  // transport can cut them off) and leaves partial results; a second one ends the process.
  CatchInterrupts();
  auto setup = MakeSetup(flags, "run", "", ProcessEnvironment, /*probe_control=*/!dry_run);
  if (InterruptExitCode() != 0) return fail({InterruptExitCode(), InterruptReason()});
  if (!setup) return fail(setup.error());
  if (!dry_run) {
    auto measured = MeasureTargetClock(*setup);
    if (!measured) return fail(measured.error());
    config.driver.wall_seconds = setup->WallSeconds();
  }
  // The in-process mock reads our clock: AUTH-2 can be probed at its exact edge.
  config.driver.exact_clock = setup->embedded != nullptr;
  config.driver.region = setup->region;
  config.target_name = setup->target_name;
  config.control_name = setup->control_name;
  config.driver.control_token = setup->control_token;
  config.driver.more_credentials = setup->more_credentials;
  auto strip = [](std::string url) {
    if (!url.empty() && url.back() == '/') url.pop_back();
    return url;
  };
  // For the in-process mock, the scripts go to `djharness mock --control --port 8080`.
  config.repro.url =
      setup->embedded ? std::string("http://127.0.0.1:8080") : strip(setup->target_name);
  config.repro.control_url = setup->control == nullptr            ? std::string("none")
                             : setup->separate_control != nullptr ? strip(setup->control_name)
                                                                  : std::string();
  config.repro.control_token = !setup->control_token.empty();
  config.repro.region = config.driver.region;
  config.repro.limits = config.driver.limits;

  fs::path dir = flags.Get("report-dir", "djharness-report");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail({2, "--report-dir: cannot create " + dir.string() + ": " + ec.message()});
  std::string owned_note;
  if (setup->control == nullptr && !flags.Has("runs")) {
    // Real time: DeleteJob at 90 % of 2/s makes 200 histories per property about an hour.
    config.runs = kRealTimeRuns;
  }
  if (setup->control == nullptr) {
    auto owned = SetUpOwnedJobs(flags, *setup, dir, config.driver, owned_note, !dry_run);
    if (!owned) return fail(owned.error());
  }
  if (dry_run) return DryRun(config, *setup, std::cout);

  std::cout << "djharness run: target " << config.target_name << ", control " << config.control_name
            << ", seed " << config.seed << ", profile " << model::ProfileName(config.driver.profile)
            << ", style " << config.styles_name << ", " << config.runs
            << " histories per property\n";
  if (!setup->credential_source.empty()) {
    std::cout << "credentials: " << setup->credential_source << ", region " << config.driver.region
              << "\n";
  }
  if (setup->clock) std::cout << ClockLine(*setup) << "\n";
  if (!setup->control_note.empty()) std::cout << setup->control_note << "\n";
  if (flags.Has("limit")) std::cout << JudgingLine(config.driver) << "\n";
  if (!owned_note.empty()) std::cout << owned_note << "\n";
  if (config.driver.ledger) {
    std::cout << "jobs of the run's own are recorded in " << config.driver.ledger->path().string()
              << "\n";
  }
  config.driver.interrupted = InterruptFlag();
  if (isatty(STDERR_FILENO)) {
    config.progress = [](const run::Progress& p) {
      std::fprintf(stderr, "\r  histories %lld  requests %lld  failures %d  %.1f s ",
                   static_cast<long long>(p.histories), static_cast<long long>(p.requests),
                   p.failures, p.elapsed_seconds);
    };
  }
  auto results = run::RunConformance(config, *setup->target, setup->control, setup->credentials);
  if (config.progress) std::fprintf(stderr, "\n");
  if (!results) return fail({results.error().exit_code, setup->Hide(results.error().message)});
  if (!results->partial.empty() && InterruptExitCode() != 0) results->partial = InterruptReason();
  if (setup->clock) {
    results->target_clock = report::Results::TargetClock{
        setup->clock->offset_s, std::string(client::ClockSourceName(setup->clock->source)),
        setup->clock->uncertainty_s, setup->clock->requests};
  }
  results->judging = JudgingRecord(flags, config, *setup);
  // The target's answers are in the results, and an answer may echo a credential: everything
  // written or printed from here on comes from a copy that holds placeholders instead.
  auto hidden = report::ResultsFromText(
      setup->HideJson(json(*results)).dump(-1, ' ', false, json::error_handler_t::replace));
  if (!hidden) return fail({kExitTransport, "the results do not read back: " + hidden.error()});
  results = std::move(*hidden);

  fs::path results_path = dir / "results.json";
  std::optional<report::Comparison> comparison;
  if (baseline) {
    comparison = report::Compare(*baseline, *results, flags.Get("baseline"), results_path.string());
  }
  report::MarkdownOptions markdown;
  markdown.results_path = results_path.string();
  markdown.report_dir = dir.string();
  markdown.comparison = comparison ? &*comparison : nullptr;
  std::string text = json(*results).dump(2, ' ', false, json::error_handler_t::replace);
  std::string junit = report::JunitXml(*results, Hostname());
  std::vector<std::pair<fs::path, std::string>> outputs = {
      {results_path, text},
      {dir / "junit.xml", junit},
      {dir / "summary.md", report::MarkdownSummary(*results, markdown)},
      {dir / "report.html", report::HtmlReport(*results, results_path.string())}};
  if (comparison)
    outputs.emplace_back(
        dir / "baseline-diff.json",
        json(*comparison).dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  if (flags.Has("sarif")) {
    report::SarifOptions sarif;
    sarif.results_uri = results_path.string();
    sarif.report_dir = dir.string();
    outputs.emplace_back(flags.Get("sarif"), report::SarifText(*results, sarif));
  }
  for (const auto& [path, body] : outputs) {
    if (auto written = WriteAtomically(path, body); !written) return fail({2, written.error()});
  }
  for (const report::ClauseResult& c : results->clauses) {
    if (!c.failure) continue;
    fs::path script = dir / ("repro-" + c.id + ".sh");
    if (auto written = WriteAtomically(script, c.failure->repro); !written)
      return fail({2, written.error()});
    fs::permissions(script, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec);
  }
  if (flags.Has("junit")) {
    if (auto written = WriteAtomically(flags.Get("junit"), junit); !written)
      return fail({2, written.error()});
  }
  PrintResults(*results, results_path, std::cout);
  if (comparison) std::cout << "\n" << report::ComparisonText(*comparison);
  std::cout << "results: " << results_path.string() << "  junit: " << (dir / "junit.xml").string()
            << "  summary: " << (dir / "summary.md").string()
            << "  html: " << (dir / "report.html").string();
  if (comparison) std::cout << "  comparison: " << (dir / "baseline-diff.json").string();
  if (flags.Has("sarif")) std::cout << "  sarif: " << flags.Get("sarif");
  std::cout << "\n";
  if (!results->partial.empty()) {
    if (config.driver.ledger) {
      std::cerr << "djharness run: " << results->partial
                << "; jobs the run made may be left on the target: djharness cleanup "
                << config.driver.ledger->path().string() << "\n";
    }
    return InterruptExitCode() != 0 ? InterruptExitCode() : kExitInterrupted;
  }
  // With a baseline the gate is "no new failures": known failures do not fail the run.
  return comparison ? comparison->ExitCode() : results->ExitCode();
}

int RunReplay(const ParsedFlags& flags) {
  auto fail = [](const run::RunError& e) {
    std::cerr << "djharness replay: " << e.message << "\n";
    return e.exit_code;
  };
  if (flags.positional.size() != 1)
    return fail({2, "give the results file: djharness replay RESULTS.json"});
  auto text = ReadFile(flags.positional[0]);
  if (!text) return fail({2, "cannot read " + flags.positional[0]});
  auto results = report::ResultsFromText(*text);
  if (!results) return fail({2, flags.positional[0] + ": " + results.error()});

  // The run's judging settings, unless given again (WithRecordedJudging).
  const ParsedFlags judged_as = WithRecordedJudging(flags, *results);
  run::DriverConfig config;
  if (auto judging = JudgingFromFlags(judged_as, config); !judging) return fail(judging.error());
  if (auto styles = StylesFrom(results->styles)) config.probe_style = styles->front();
  auto setup = MakeSetup(judged_as, "replay", results->target);
  if (!setup) return fail(setup.error());
  auto measured = MeasureTargetClock(*setup);
  if (!measured) return fail(measured.error());
  if (setup->clock) std::cout << ClockLine(*setup) << "\n";
  config.wall_seconds = setup->WallSeconds();
  config.exact_clock = setup->embedded != nullptr;
  config.region = setup->region;
  std::cout << "replaying as the run judged: profile " << model::ProfileName(config.profile)
            << ", region " << config.region << "; " << JudgingLine(config) << "\n";
  config.control_token = setup->control_token;
  config.more_credentials = setup->more_credentials;

  int still_failing = 0;  // the same clause first, as recorded
  int failing = 0;        // any clause
  int replayed = 0;
  for (const report::ClauseResult& c : results->clauses) {
    if (!c.failure) continue;
    ++replayed;
    auto found = run::ReplayHistory(c.failure->steps, config, *setup->target, setup->control,
                                    setup->credentials, c.id, judged_as.Get("only"));
    if (!found) return fail({found.error().exit_code, setup->Hide(found.error().message)});
    std::string now = *found ? std::string(model::ClauseId((*found)->clause)) : std::string();
    bool fails = now == c.id;
    still_failing += fails ? 1 : 0;
    failing += *found ? 1 : 0;
    std::cout << c.id << ": "
              << (fails         ? "still fails"
                  : now.empty() ? "no longer fails"
                                : "now fails under " + now + " first")
              << " (" << c.failure->steps.size() << " steps against " << setup->target_name
              << ")\n";
    if (*found) std::cout << "  ! " << now << ": " << setup->Hide((*found)->message) << "\n";
  }
  std::cout << "replayed " << replayed << " failing histories: " << still_failing << " still fail, "
            << failing - still_failing << " fail under another clause\n";
  return failing > 0 ? kExitViolations : kExitOk;
}

}  // namespace dj::cli
