// `djharness diff`: the same generated histories against two targets (URLs, or `mock` for the
// embedded reference mock), and every request whose outcome differs, side by side.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <random>

#include "harness/cli/commands.h"
#include "harness/cli/setup.h"
#include "harness/runner/diff.h"

namespace dj::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool IsEmbedded(std::string_view target) { return target == "mock" || target == "in-process"; }

// One target's setup: MakeSetup over the URL, with this target's --control (none or `self`:
// the target is probed for its own), as if it were the only --target.
Result<Setup, run::RunError> UrlSetup(const ParsedFlags& flags, const std::string& url,
                                      const std::string& control) {
  ParsedFlags one = flags;
  one.values["target"] = {url};
  one.values.erase("control");
  if (!control.empty() && control != "self") one.values["control"] = {control};
  return MakeSetup(one, "diff");
}

// The credentials the embedded mock accepts when both targets are `mock`: --secret-id and
// --secret-key when given, otherwise the README's local pair.
Result<protocol::Credentials, run::RunError> LocalCredentials(const ParsedFlags& flags) {
  if (!flags.Has("secret-id") && !flags.Has("secret-key")) {
    return protocol::Credentials{std::string(mock::kDefaultSecretId),
                                 std::string(mock::kDefaultSecretKey), ""};
  }
  protocol::Credentials c{flags.Get("secret-id"), flags.Get("secret-key"), ""};
  if (c.secret_id.empty() || c.secret_key.empty())
    return Failure{run::RunError{2, "--secret-id and --secret-key go together"}};
  return c;
}

// Text cut into lines of at most `width` characters, at most `max_lines` of them.
std::vector<std::string> Wrapped(const std::string& text, std::size_t width,
                                 std::size_t max_lines) {
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < text.size() && lines.size() < max_lines; at += width) {
    lines.push_back(text.substr(at, width));
  }
  if (lines.empty()) lines.emplace_back();
  if (lines.size() * width < text.size()) {
    std::string& last = lines.back();
    last = last.substr(0, width - std::min<std::size_t>(width, 3)) + "...";
  }
  return lines;
}

constexpr std::size_t kColumn = 52;

// One row of the side-by-side table: a label, then A's text and B's, each wrapped in its column.
void Row(std::ostream& out, std::string label, const std::string& left, const std::string& right,
         std::size_t max_lines) {
  std::vector<std::string> l = Wrapped(left, kColumn, max_lines);
  std::vector<std::string> r = Wrapped(right, kColumn, max_lines);
  label.resize(10, ' ');
  for (std::size_t i = 0; i < std::max(l.size(), r.size()); ++i) {
    std::string a = i < l.size() ? l[i] : "";
    a.resize(kColumn, ' ');
    std::string line =
        "    " + (i == 0 ? label : std::string(10, ' ')) + a + " | " + (i < r.size() ? r[i] : "");
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
}

using Hider = std::function<std::string(std::string)>;

void PrintDifferences(const run::DiffResults& r, const Hider& hide, std::ostream& out) {
  int n = 0;
  for (const run::Difference& d : r.differences) {
    out << "\n"
        << ++n << ". " << d.property << " #" << d.history << ", step " << d.step << ": "
        << hide(d.step_text) << "\n";
    if (d.label != d.step_text || d.call > 0) {
      out << "    request " << d.call + 1 << " of the step";
      if (d.thread >= 0) out << " in thread " << d.thread + 1;
      out << ": " << hide(d.label) << "\n";
    }
    out << "    sent: " << hide(d.request) << "\n";
    Row(out, "", "A " + r.a_name, "B " + r.b_name, 1);
    Row(out, "outcome", hide(d.a.outcome), hide(d.b.outcome), 2);
    Row(out, "HTTP", d.a.status > 0 ? std::to_string(d.a.status) : "-",
        d.b.status > 0 ? std::to_string(d.b.status) : "-", 1);
    Row(out, "body", hide(d.a.body), hide(d.b.body), 4);
  }
}

}  // namespace

int RunDiff(const ParsedFlags& flags) {
  auto fail = [](const run::RunError& e) {
    std::cerr << "djharness diff: " << e.message << "\n";
    return e.exit_code;
  };
  run::DiffConfig config;
  auto styles = StylesFrom(flags.Get("style", "both"));
  if (!styles) return fail(styles.error());
  config.styles = *styles;
  config.styles_name = flags.Get("style", "both");
  auto properties = PropertiesFrom(flags.Get("properties", "all"), run::kDiffProperties);
  if (!properties) return fail(properties.error());
  config.properties = *properties;
  if (std::find(config.properties.begin(), config.properties.end(),
                run::PropertyKind::kConcurrency) != config.properties.end()) {
    return fail({2,
                 "--properties: diff leaves concurrency out (its histories are nondeterministic: "
                 "which concurrent call wins is the scheduler's choice)"});
  }
  auto runs = Number(flags, "runs", 100);
  auto steps = Number(flags, "max-steps", 40);
  auto seed = Number(flags, "seed", 0);
  for (const auto* n : {&runs, &steps, &seed}) {
    if (!*n) return fail(n->error());
  }
  config.runs = static_cast<int>(*runs);
  config.max_steps = static_cast<int>(*steps);
  config.seed = flags.Has("seed") ? static_cast<std::uint64_t>(*seed)
                                  : std::random_device{}() % 1000000000ULL;
  config.driver.seed = config.seed;
  config.driver.region = flags.Get("region", "ap-guangzhou");
  auto limits = LimitsFromFlags(flags);
  if (!limits) return fail({kExitUsage, limits.error()});
  config.driver.limits = *limits;

  std::vector<std::string> targets = flags.All("target");
  std::vector<std::string> controls = flags.All("control");
  if (targets.size() != 2)
    return fail({2, "give --target twice: target A, then target B (`mock` for the reference)"});
  if (!controls.empty() && controls.size() != 2)
    return fail({2,
                 "give --control for both targets, in --target order (`self` for a target's "
                 "own), or for neither"});
  controls.resize(2);

  // The URL targets first: they decide the credentials, which the embedded mock then accepts.
  std::optional<Setup> sides[2];
  std::optional<protocol::Credentials> credentials;
  for (std::size_t i = 0; i < 2; ++i) {
    if (IsEmbedded(targets[i])) {
      if (!controls[i].empty() && controls[i] != "self" && !IsEmbedded(controls[i]))
        return fail({2,
                     "--control: the embedded mock's control extension is in-process; give "
                     "`self` for it"});
      continue;
    }
    auto setup = UrlSetup(flags, targets[i], controls[i]);
    if (!setup) return fail(setup.error());
    auto measured = MeasureTargetClock(*setup);
    if (!measured) return fail(measured.error());
    credentials = setup->credentials;
    sides[i] = std::move(*setup);
  }
  if (!credentials) {
    auto local = LocalCredentials(flags);
    if (!local) return fail(local.error());
    credentials = *local;
  }
  for (std::size_t i = 0; i < 2; ++i) {
    if (sides[i]) continue;
    mock::MockConfig mock_config;
    mock_config.credentials = {*credentials};
    mock_config.limits = config.driver.limits;
    sides[i] = EmbeddedMock(std::move(mock_config));
  }
  run::DiffTarget a{sides[0]->target.get(), sides[0]->control, sides[0]->control_token,
                    sides[0]->target_name, sides[0]->WallSeconds()};
  run::DiffTarget b{sides[1]->target.get(), sides[1]->control, sides[1]->control_token,
                    sides[1]->target_name, sides[1]->WallSeconds()};

  fs::path dir = flags.Get("report-dir", "djharness-report");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail({2, "--report-dir: cannot create " + dir.string() + ": " + ec.message()});

  auto control_of = [](const Setup& s) {
    if (s.control == nullptr) return std::string("no control");
    return s.control == s.target.get() ? std::string("control") : "control " + s.control_name;
  };
  std::cout << "djharness diff: A " << a.name << " (" << control_of(*sides[0]) << "), B " << b.name
            << " (" << control_of(*sides[1]) << "); seed " << config.seed << ", style "
            << config.styles_name << ", " << config.runs << " histories per property\n";
  for (const auto& side : sides) {
    if (side->clock) std::cout << side->target_name << ": " << ClockLine(*side) << "\n";
  }
  if (isatty(STDERR_FILENO)) {
    config.progress = [](std::int64_t histories, std::int64_t differences) {
      std::fprintf(stderr, "\r  histories %lld  differences %lld ",
                   static_cast<long long>(histories), static_cast<long long>(differences));
    };
  }
  // RunDiff hides the credential and the control tokens in what it returns; each side's Hide
  // adds the rest of what its setup holds (a second credential), and guards what is printed.
  Hider hide = [&sides](std::string text) {
    return sides[1]->Hide(sides[0]->Hide(std::move(text)));
  };
  auto results = run::RunDiff(config, a, b, *credentials);
  if (config.progress) std::fprintf(stderr, "\n");
  if (!results) return fail({results.error().exit_code, hide(results.error().message)});

  for (const std::string& note : results->notes) std::cout << hide(note) << "\n";
  PrintDifferences(*results, hide, std::cout);
  fs::path path = dir / "diff.json";
  std::string text =
      client::HideJson(json(*results), hide).dump(2, ' ', false, json::error_handler_t::replace);
  if (auto written = WriteAtomically(path, text); !written) return fail({2, written.error()});
  std::string ran;
  for (const std::string& p : results->properties) ran += (ran.empty() ? "" : ", ") + p;
  std::cout << "\nsummary: " << results->differences.size() << " of " << results->requests
            << " requests differ, in " << results->histories << " histories ("
            << (ran.empty() ? std::string("no property") : ran) << "; seed " << results->seed
            << ")\n";
  std::cout << "diff: " << path.string() << "\n";
  if (results->stopped) return fail({kExitTransport, hide(*results->stopped)});
  return results->differences.empty() ? kExitOk : kExitViolations;
}

}  // namespace dj::cli
