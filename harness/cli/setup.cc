// Target setup and control-extension discovery.
#include "harness/cli/setup.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>

#include "harness/cli/interrupt.h"
#include "harness/client/api_client.h"
#include "harness/client/inprocess_target.h"
#include "harness/client/pacer.h"
#include "harness/protocol/clocks.h"
#include "harness/runner/steps.h"

namespace dj::cli {

Result<long long, run::RunError> Number(const ParsedFlags& flags, std::string_view name,
                                        long long fallback) {
  std::string text = flags.Get(name);
  if (text.empty() && !flags.Has(name)) return fallback;
  Accepts range = FlagAccepts(flags.command, name);
  if (range.kind != ValueKind::kInteger) {
    range = {ValueKind::kInteger,
             std::numeric_limits<long long>::min(),
             std::numeric_limits<long long>::max(),
             nullptr,
             {},
             {}};
  }
  auto v = IntegerIn(text, range);
  if (!v) {
    return Failure{run::RunError{kExitUsage, "--" + std::string(name) + ": `" + text + "` is not " +
                                                 DescribeAccepts(range, true)}};
  }
  return *v;
}

std::optional<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Result<bool> WriteAtomically(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return Failure{"cannot write " + tmp.string()};
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Failure{"cannot rename " + tmp.string() + ": " + ec.message()};
  return true;
}

namespace {

struct StyleSet {
  std::string_view name;
  std::vector<protocol::Style> styles;
};

const std::vector<StyleSet>& StyleSets() {
  using protocol::Style;
  static const std::vector<StyleSet> sets = {
      {"api3", {Style::kApi3Post, Style::kApi3Get}},
      {"query", {Style::kQueryGet, Style::kFormPost}},
      {"both", {Style::kApi3Post, Style::kApi3Get, Style::kQueryGet, Style::kFormPost}}};
  return sets;
}

}  // namespace

std::vector<std::string> StyleSetNames() {
  std::vector<std::string> out;
  for (const StyleSet& set : StyleSets()) out.emplace_back(set.name);
  return out;
}

Result<std::vector<protocol::Style>, run::RunError> StylesFrom(const std::string& name) {
  for (const StyleSet& set : StyleSets()) {
    if (set.name == name) return set.styles;
  }
  std::string names;
  for (const StyleSet& set : StyleSets())
    names += (names.empty() ? "" : ", ") + std::string(set.name);
  return Failure{run::RunError{kExitUsage, "--style: `" + name + "` is not one of " + names}};
}

Result<std::vector<run::PropertyKind>, run::RunError> PropertiesFrom(
    const std::string& list, std::span<const run::PropertyKind> all) {
  if (list == "all") return std::vector<run::PropertyKind>(all.begin(), all.end());
  std::vector<run::PropertyKind> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = std::min(list.find(',', start), list.size());
    std::string name = list.substr(start, comma - start);
    auto kind = run::PropertyFromName(name);
    if (kind && std::find(all.begin(), all.end(), *kind) == all.end()) kind.reset();
    if (!kind) {
      std::string names;
      for (run::PropertyKind k : all)
        names += (names.empty() ? "" : ", ") + std::string(run::PropertyName(k));
      return Failure{
          run::RunError{2, "--properties: unknown property `" + name + "` (" + names + ")"}};
    }
    if (std::find(out.begin(), out.end(), *kind) == out.end()) out.push_back(*kind);
    start = comma + 1;
  }
  return out;
}

Setup EmbeddedMock(mock::MockConfig config) {
  config.control = true;
  Setup s;
  s.limits = config.limits;
  s.credentials = config.credentials.front();
  s.more_credentials.assign(config.credentials.begin() + 1, config.credentials.end());
  s.embedded = std::make_unique<mock::MockService>(std::move(config));
  s.target = std::make_unique<client::InProcessTarget>(*s.embedded);
  s.control = s.target.get();
  s.target_name = std::string(kEmbeddedTargetName);
  s.control_name = "in-process";
  return s;
}

namespace {

// POST /_conformance/reset: 200 = control here; 404 = none; anything else is an error.
Result<bool, run::RunError> ProbeControl(client::Target& target, const std::string& token,
                                         bool required) {
  protocol::HttpRequest req;
  req.method = "POST";
  req.target = "/_conformance/reset";
  req.headers = {{"Host", target.HostHeader()}, {"Content-Type", "application/json"}};
  if (!token.empty()) req.headers.emplace_back("X-Conformance-Token", token);
  req.body = "{}";
  auto sent = target.Send(req);
  if (!sent)
    return Failure{run::RunError{3, target.Name() + " is unreachable: " + sent.error().message}};
  if (sent->status == 200) return true;
  if (sent->status == 403) {
    return Failure{run::RunError{2, "the control extension at " + target.Name() +
                                        " refused the request: check --control-token or " +
                                        std::string(kControlTokenVariable)}};
  }
  if (required) {
    return Failure{run::RunError{2, "no control extension at " + target.Name() +
                                        " (reset answered HTTP " + std::to_string(sent->status) +
                                        ")"}};
  }
  return false;
}

}  // namespace

std::string Setup::Hide(std::string text) const {
  text = client::HideCredentials(std::move(text), credentials);
  for (const protocol::Credentials& more : more_credentials) {
    text = client::HideCredentials(std::move(text), more);
  }
  return client::HideSecret(std::move(text), control_token, client::kControlTokenPlaceholder);
}

nlohmann::json Setup::HideJson(nlohmann::json value) const {
  return client::HideJson(std::move(value),
                          [this](std::string text) { return Hide(std::move(text)); });
}

std::function<std::int64_t()> Setup::WallSeconds() const {
  std::int64_t offset = clock ? clock->offset_s : 0;
  return [offset] { return protocol::SystemSeconds() + offset; };
}

Result<client::ClockEstimate, run::RunError> MeasureClock(
    client::Target& target, const protocol::Credentials& credentials, const std::string& region,
    const std::function<std::string(std::string)>& hide, const model::Limits& limits) {
  client::ClockProbeConfig config;
  config.probe = model::DescribeJobRequest(run::planted::kCanaryId);
  config.region = region;
  client::Pacer pacer(0.9, nullptr, nullptr, InterruptFlag());
  model::RateKey key{credentials.secret_id, model::Action::kDescribeJob, region};
  int limit = model::LimitOf(limits, model::Action::kDescribeJob);
  config.pace = [&] { pacer.Acquire(key, limit); };
  auto estimate = client::EstimateTargetClock(target, credentials, config);
  if (int code = InterruptExitCode(); code != 0) {
    return Failure{
        run::RunError{code, InterruptReason() + " while the target's clock was measured"}};
  }
  if (!estimate) return Failure{run::RunError{kExitTransport, hide(estimate.error())}};
  return *estimate;
}

Result<bool, run::RunError> MeasureTargetClock(Setup& setup) {
  if (setup.embedded) return true;
  auto estimate = MeasureClock(
      *setup.target, setup.credentials, setup.region,
      [&setup](std::string text) { return setup.Hide(std::move(text)); }, setup.limits);
  if (!estimate) return Failure{estimate.error()};
  setup.clock = *estimate;
  return true;
}

std::string ClockLine(const Setup& setup) { return setup.clock ? setup.clock->Describe() : ""; }

Result<client::HttpTargetOptions, run::RunError> HttpOptionsFromFlags(const ParsedFlags& flags) {
  auto timeout = Number(flags, "timeout-ms", 10000);
  if (!timeout) return Failure{timeout.error()};
  auto cap = Number(flags, "max-answer-mib", 16);
  if (!cap) return Failure{cap.error()};
  client::HttpTargetOptions http;
  http.read_timeout_ms = static_cast<int>(*timeout);
  http.call_timeout_ms = static_cast<int>(*timeout);
  http.connect_timeout_ms = std::min(http.connect_timeout_ms, http.call_timeout_ms);
  http.max_answer_bytes = static_cast<std::size_t>(*cap) << 20;
  http.ca_file = flags.Get("ca-file");
  http.insecure_http = flags.Has("insecure-http");
  // Raised only once a command catches interrupts (`djharness run`): then a call in flight
  // ends soon after SIGINT or SIGTERM instead of at its deadline.
  http.cancel = InterruptFlag();
  return http;
}

Result<std::string, run::RunError> TargetUrlFromFlags(const ParsedFlags& flags,
                                                      std::string_view fallback) {
  if (!flags.Has("endpoint")) return flags.Get("target", fallback);
  if (flags.Has("target")) {
    return Failure{run::RunError{kExitUsage, "give --target URL or --endpoint HOST, not both"}};
  }
  std::string host = flags.Get("endpoint");
  if (host.empty() || host.find_first_of("/?#@ \t") != std::string::npos) {
    return Failure{
        run::RunError{kExitUsage,
                      "--endpoint takes a host name, as the SDKs' HttpProfile endpoint does (e.g. "
                      "batch.tencentcloudapi.com, always over https); for a URL use --target"}};
  }
  return "https://" + host;
}

Result<std::unique_ptr<client::HttpTarget>, run::RunError> ConnectFromFlags(
    const ParsedFlags& flags, const std::string& url, const client::HttpTargetOptions& http) {
  auto target = client::HttpTarget::Create(url, http);
  if (!target) {
    return Failure{run::RunError{
        kExitUsage, (flags.Has("endpoint") ? "--endpoint: " : "--target: ") + target.error()}};
  }
  return std::move(*target);
}

Result<Setup, run::RunError> MakeSetup(const ParsedFlags& flags, std::string_view command,
                                       std::string_view default_target, const Environment& env,
                                       bool probe_control) {
  Setup s;
  auto http = HttpOptionsFromFlags(flags);
  if (!http) return Failure{http.error()};
  s.read_timeout_ms = http->read_timeout_ms;
  s.control_token = ControlTokenFromFlags(flags, env);
  auto limits = LimitsFromFlags(flags);
  if (!limits) return Failure{run::RunError{kExitUsage, limits.error()}};
  s.limits = *limits;

  auto url = TargetUrlFromFlags(flags, default_target == kEmbeddedTargetName ? "" : default_target);
  if (!url) return Failure{url.error()};
  if (url->empty()) {
    mock::MockConfig config;
    for (const std::string& name : flags.All("fault")) {
      auto fault = mock::FaultFromName(name);
      if (!fault)
        return Failure{
            run::RunError{2, "--fault: unknown fault `" + name + "` (see djharness faults)"}};
      config.faults.insert(*fault);
    }
    config.limits = s.limits;
    Setup embedded = EmbeddedMock(std::move(config));
    embedded.region = flags.Get("region", kDefaultRegion);
    return embedded;
  }
  if (flags.Has("fault")) {
    return Failure{
        run::RunError{2,
                      "--fault plants faults in the in-process mock; with --target start "
                      "`djharness mock --fault ...` instead"}};
  }
  auto target = ConnectFromFlags(flags, *url, *http);
  if (!target) return Failure{target.error()};
  s.target = std::move(*target);
  s.target_name = s.target->Name();

  auto account = AccountFromFlags(flags, command, env);
  if (!account) return Failure{account.error()};
  s.credentials = std::move(account->credentials);
  s.credential_source = std::move(account->source);
  s.region = std::move(account->region);

  auto second = CredentialsFromEnvironment(env, "_2");
  if (!second) return Failure{second.error()};
  if (*second) {
    if ((*second)->secret_id == s.credentials.secret_id) {
      return Failure{run::RunError{
          2, "TENCENTCLOUD_SECRET_ID_2 must name another credential than the main one"}};
    }
    s.more_credentials.push_back(std::move(**second));
  }

  if (!probe_control) {
    s.control_name = "none";
    return s;
  }
  client::Target* control = s.target.get();
  bool required = flags.Has("control");
  if (required) {
    auto separate = client::HttpTarget::Create(flags.Get("control"), *http);
    if (!separate) return Failure{run::RunError{2, "--control: " + separate.error()}};
    s.separate_control = std::move(*separate);
    control = s.separate_control.get();
  }
  auto found = ProbeControl(*control, s.control_token, required);
  if (!found) return Failure{found.error()};
  if (*found) {
    s.control = control;
    s.control_name = control->Name();
  } else {
    s.control_name = "none";
    s.control_note =
        "no control extension at " + control->Name() + ": clauses that need it are skipped";
  }
  return s;
}

Result<bool, run::RunError> JudgingFromFlags(const ParsedFlags& flags, run::DriverConfig& driver) {
  auto profile = model::ProfileFromName(flags.Get("profile", "strict"));
  if (!profile) return Failure{run::RunError{kExitUsage, "--profile must be strict or lenient"}};
  driver.profile = *profile;
  // The lenient profile accepts a fixed-window limiter (docs/profiles-and-decisions.md).
  auto slack = Number(flags, "rate-slack", *profile == model::Profile::kLenient ? 2 : 1);
  auto margin_ms = Number(flags, "rate-margin-ms", 50);
  auto skew = Number(flags, "skew-margin", 5);
  for (const auto* n : {&slack, &margin_ms, &skew}) {
    if (!*n) return Failure{n->error()};
  }
  auto limits = LimitsFromFlags(flags);
  if (!limits) return Failure{run::RunError{kExitUsage, limits.error()}};
  driver.rate_slack = static_cast<int>(*slack);
  driver.rate_margin_ms = *margin_ms;
  driver.skew_margin_s = *skew;
  driver.limits = std::move(*limits);
  return true;
}

report::Judging JudgingRecord(const ParsedFlags& flags, const run::RunConfig& config,
                              const Setup& setup) {
  const run::DriverConfig& driver = config.driver;
  report::Judging g;
  g.region = driver.region;
  for (model::Action a : model::kAllActions) {
    g.limits[std::string(model::ActionName(a))] = driver.LimitOf(a);
  }
  g.rate_slack = driver.rate_slack;
  g.rate_margin_ms = driver.rate_margin_ms;
  g.skew_margin_s = driver.skew_margin_s;
  g.only = config.only;
  if (auto http = HttpOptionsFromFlags(flags)) {
    g.timeout_ms = http->call_timeout_ms;
    g.max_answer_mib = static_cast<std::int64_t>(http->max_answer_bytes >> 20);
  }
  if (setup.embedded) {
    for (mock::Fault f : setup.embedded->config().faults) g.faults.emplace_back(mock::FaultName(f));
  }
  return g;
}

ParsedFlags WithRecordedJudging(const ParsedFlags& flags, const report::Results& results) {
  ParsedFlags out = flags;
  auto restore = [&](std::string_view name, std::vector<std::string> values) {
    if (!flags.Has(name) && !values.empty()) out.values[std::string(name)] = std::move(values);
  };
  auto restore_text = [&](std::string_view name, const std::string& value) {
    if (!value.empty()) restore(name, {value});
  };
  if (model::ProfileFromName(results.profile)) restore_text("profile", results.profile);
  if (!results.judging) return out;
  const report::Judging& g = *results.judging;
  // The recorded limits first: a --limit given comes after, so its action's wins.
  std::vector<std::string> limits;
  for (const auto& [action, per_second] : g.limits)
    limits.push_back(action + "=" + std::to_string(per_second));
  for (const std::string& given : flags.All("limit")) limits.push_back(given);
  if (!limits.empty()) out.values["limit"] = std::move(limits);
  restore_text("region", g.region);
  restore_text("rate-slack", std::to_string(g.rate_slack));
  restore_text("rate-margin-ms", std::to_string(g.rate_margin_ms));
  restore_text("skew-margin", std::to_string(g.skew_margin_s));
  restore_text("only", g.only);
  restore_text("timeout-ms", std::to_string(g.timeout_ms));
  restore_text("max-answer-mib", std::to_string(g.max_answer_mib));
  bool embedded =
      !flags.Has("target") && !flags.Has("endpoint") && results.target == kEmbeddedTargetName;
  if (embedded) restore("fault", g.faults);
  return out;
}

}  // namespace dj::cli
