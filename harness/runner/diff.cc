// Differential mode: generate each history once, play it against A and then B with a fresh
// Driver each, and pair the outcomes of every step's own API requests.
#include "harness/runner/diff.h"

#include <rapidcheck.h>

#include <algorithm>
#include <map>
#include <memory>

#include "harness/client/api_client.h"

namespace dj::run {
namespace {

using nlohmann::json;

// This many requests in a row without an answer from one target end the run: it has stopped
// answering, and every further request would only wait for its timeout.
constexpr int kSilentLimit = 3;

// How far a target's control clock moves before each step when the histories do not use
// control (its limiter follows that clock; the other target's is paced in real time).
constexpr std::int64_t kClockPerStepMs = 1000;

std::uint64_t SplitMix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// One target as the run drives it: its own pacer and judge of its limiter (both outlive a
// history, as the target's limiter does), and its control extension when the histories do not
// use it but the target has one.
struct Player {
  const DiffTarget& target;
  DriverConfig config;
  std::optional<client::ControlClient> outside;
  int no_answer_streak = 0;
  bool silent = false;
};

Player MakePlayer(const DiffConfig& diff, const DiffTarget& target, bool control) {
  Player p{target, diff.driver, std::nullopt};
  DriverConfig& c = p.config;
  if (!control && target.control != nullptr) {
    // Its limiter follows the control clock, which Play moves: pacing it in real time would
    // only wait, so its pacer waits on a clock of its own that waiting moves.
    auto now = std::make_shared<std::int64_t>(0);
    c.steady_ms = [now] { return *now; };
    c.sleep_ms = [now](std::int64_t ms) { *now += ms; };
  }
  if (target.wall_seconds) c.wall_seconds = target.wall_seconds;
  c.control = control;
  c.control_token = target.control_token;
  c.probe_style = diff.styles.empty() ? protocol::Style::kApi3Post : diff.styles.front();
  c.quiet_start = false;
  c.lanes.clear();
  DefaultClocks(c);
  c.pacer = std::make_shared<client::Pacer>(c.pacing_fraction, c.steady_ms, c.sleep_ms);
  c.rate_judge = std::make_shared<model::RateJudge>(JudgeOptions(c, control));
  if (!control && target.control != nullptr)
    p.outside.emplace(*target.control, target.control_token);
  return p;
}

// What of a secret a target's answer or a control error may echo (the credential, either
// target's control token): replaced by placeholders in every text of the results, before any
// is cut to size (a cut piece would no longer be recognised).
struct Secrets {
  const protocol::Credentials& credentials;
  const DiffTarget& a;
  const DiffTarget& b;

  std::string Hide(std::string text) const {
    text = client::HideCredentials(std::move(text), credentials);
    for (const DiffTarget* t : {&a, &b}) {
      text =
          client::HideSecret(std::move(text), t->control_token, client::kControlTokenPlaceholder);
    }
    return text;
  }
};

// Per step, the step's own API requests as the target's driver traced them (control requests
// and the driver's probes left out).
using Played = std::vector<std::vector<Recorded>>;

Result<Played, RunError> Play(Player& p, const std::vector<Step>& steps, const Secrets& secrets) {
  auto failed = [&p, &secrets](const std::string& why) {
    return Failure{RunError{3, p.target.name + ": " + secrets.Hide(why)}};
  };
  Played played(steps.size());
  if (p.silent) return played;
  Driver driver(*p.target.target, p.config.control ? p.target.control : nullptr,
                secrets.credentials, p.config);
  if (p.outside) {
    if (auto reset = p.outside->Reset(); !reset) return failed(reset.error());
  }
  if (auto begun = driver.Begin(); !begun) return failed(begun.error());
  for (std::size_t i = 0; i < steps.size() && !p.silent; ++i) {
    if (p.outside) {
      if (auto moved = p.outside->AdvanceClock(kClockPerStepMs); !moved)
        return failed(moved.error());
    }
    std::size_t from = driver.trace().size();
    driver.Execute(steps[i]);
    if (driver.fatal()) return failed(*driver.fatal());
    const std::vector<Recorded>& trace = driver.trace();
    for (std::size_t j = from; j < trace.size(); ++j) {
      const Recorded& r = trace[j];
      if (r.kind == "api") played[i].push_back(r);
      if (r.kind == "control") continue;
      p.no_answer_streak = r.transport_error ? p.no_answer_streak + 1 : 0;
      p.silent = p.silent || p.no_answer_streak >= kSilentLimit;
    }
  }
  return played;
}

std::string Trimmed(std::string_view text, std::size_t limit) {
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  std::string out(text.substr(0, limit));
  std::replace_if(out.begin(), out.end(), space, ' ');
  return text.size() > limit ? out + "..." : out;
}

DiffAnswer AnswerOf(const Recorded* r, const Secrets& secrets) {
  if (r == nullptr) return {"not sent", 0, ""};
  if (r->transport_error) {
    return {r->outcome, 0, Trimmed(secrets.Hide(*r->transport_error), kDiffBodyLimit)};
  }
  return {secrets.Hide(r->outcome), r->response.status,
          Trimmed(secrets.Hide(r->response.body), kDiffBodyLimit)};
}

// client::Describe's lines (credentials masked by name, then by text) joined into one.
std::string OneLine(const protocol::HttpRequest& request, const Secrets& secrets) {
  std::string text = secrets.Hide(client::Describe(request));
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(text.find('\n', start), text.size());
    std::string line = Trimmed(std::string_view(text).substr(start, end - start), 1000);
    if (!line.empty()) out += (out.empty() ? "" : " | ") + line;
    start = end + 1;
  }
  return Trimmed(out, 1500);
}

// The step's own requests by (thread, place within the thread): a batch's calls pair by thread
// and call, every other step's requests by their order (thread -1).
std::map<std::pair<int, int>, const Recorded*> Keyed(const std::vector<Recorded>& own) {
  std::map<std::pair<int, int>, const Recorded*> out;
  std::map<int, int> next;
  for (const Recorded& r : own) out[{r.thread, next[r.thread]++}] = &r;
  return out;
}

void Compare(const std::vector<Step>& steps, const Played& a, const Played& b, PropertyKind kind,
             int history, const Secrets& secrets, DiffResults& results) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    auto on_a = Keyed(a[i]);
    auto on_b = Keyed(b[i]);
    std::map<std::pair<int, int>, std::pair<const Recorded*, const Recorded*>> pairs;
    for (const auto& [key, r] : on_a) pairs[key].first = r;
    for (const auto& [key, r] : on_b) pairs[key].second = r;
    for (const auto& [key, pair] : pairs) {
      ++results.requests;
      DiffAnswer left = AnswerOf(pair.first, secrets);
      DiffAnswer right = AnswerOf(pair.second, secrets);
      if (left.outcome == right.outcome) continue;
      const Recorded& sent = pair.first != nullptr ? *pair.first : *pair.second;
      Difference d;
      d.property = std::string(PropertyName(kind));
      d.history = history;
      d.step = static_cast<int>(i) + 1;
      d.step_text = Describe(steps[i]);
      d.thread = key.first;
      d.call = key.second;
      d.label = secrets.Hide(sent.step);
      d.a = std::move(left);
      d.b = std::move(right);
      d.request = OneLine(sent.request, secrets);
      results.differences.push_back(std::move(d));
    }
  }
}

// The results document before any history: names and configuration.
DiffResults Begun(const DiffConfig& config, const DiffTarget& a, const DiffTarget& b) {
  DiffResults results;
  results.a_name = a.name;
  results.b_name = b.name;
  results.control = a.control != nullptr && b.control != nullptr;
  results.seed = config.seed;
  results.runs = config.runs;
  results.max_steps = config.max_steps;
  results.styles = config.styles_name;
  return results;
}

// Play one history against A and then B and add its differences; `stopped` is set when a target
// stopped answering during it.
Result<bool, RunError> PlayBoth(Player& a, Player& b, const std::vector<Step>& steps,
                                PropertyKind kind, int history, const Secrets& secrets,
                                DiffResults& results) {
  auto played_a = Play(a, steps, secrets);
  if (!played_a) return Failure{played_a.error()};
  auto played_b = Play(b, steps, secrets);
  if (!played_b) return Failure{played_b.error()};
  std::size_t before = results.differences.size();
  Compare(steps, *played_a, *played_b, kind, history, secrets, results);
  if (results.differences.size() > before)
    results.diffed.push_back({std::string(PropertyName(kind)), history, steps});
  ++results.histories;
  for (const Player* p : {&a, &b}) {
    if (p->silent && !results.stopped) {
      results.stopped = p->target.name + " stopped answering (" + std::to_string(kSilentLimit) +
                        " requests in a row without an answer): the run ended early";
    }
  }
  return true;
}

}  // namespace

void to_json(json& j, const DiffAnswer& a) {
  j = json{{"outcome", a.outcome}, {"status", a.status}, {"body", a.body}};
}

void to_json(json& j, const Difference& d) {
  j = json{{"property", d.property},
           {"history", d.history},
           {"step", d.step},
           {"step_text", d.step_text},
           {"call", d.call},
           {"label", d.label},
           {"a", d.a},
           {"b", d.b},
           {"request", d.request}};
  if (d.thread >= 0) j["thread"] = d.thread;
}

void to_json(json& j, const DiffedHistory& h) {
  j = json{{"property", h.property}, {"history", h.history}, {"steps", h.steps}};
}

void to_json(json& j, const DiffResults& r) {
  j = json{{"a", r.a_name},
           {"b", r.b_name},
           {"control", r.control},
           {"seed", r.seed},
           {"runs", r.runs},
           {"max_steps", r.max_steps},
           {"styles", r.styles},
           {"properties", r.properties},
           {"notes", r.notes},
           {"histories", r.histories},
           {"requests", r.requests},
           {"differences", r.differences},
           {"histories_with_differences", r.diffed}};
  if (r.stopped) j["stopped"] = *r.stopped;
}

Result<std::vector<Step>, RunError> DiffHistory(const DiffConfig& config, PropertyKind kind,
                                                int index, bool control) {
  GenModel initial;
  initial.control = control;
  initial.styles = config.styles;
  initial.credentials = 1;
  // Sizes cycle from 0 to max_steps, so that history N is the same whatever --runs is.
  int size = index % (config.max_steps + 1);
  rc::Random random(SplitMix(SplitMix(SplitMix(config.seed) ^ static_cast<std::uint64_t>(kind)) ^
                             static_cast<std::uint64_t>(index)));
  try {
    return GenHistory(initial, kind)(random, size).value();
  } catch (const rc::GenerationFailure& e) {
    return Failure{RunError{2, std::string("RapidCheck cannot generate a history: ") + e.what()}};
  }
}

Result<DiffResults, RunError> RunDiff(const DiffConfig& config, const DiffTarget& a,
                                      const DiffTarget& b,
                                      const protocol::Credentials& credentials) {
  if (std::find(config.properties.begin(), config.properties.end(), PropertyKind::kConcurrency) !=
      config.properties.end()) {
    return Failure{RunError{2,
                            "diff leaves the concurrency property out: which concurrent call "
                            "wins is the scheduler's choice, so its histories do not replay"}};
  }
  DiffResults results = Begun(config, a, b);
  Player on_a = MakePlayer(config, a, results.control);
  Player on_b = MakePlayer(config, b, results.control);
  const Secrets secrets{credentials, a, b};
  for (PropertyKind kind : config.properties) {
    std::string name(PropertyName(kind));
    if (kind == PropertyKind::kRateLimit && !results.control) {
      results.notes.push_back(name +
                              " left out: without the control extension on both targets its "
                              "schedules run in real time, whose timing does not replay exactly");
      continue;
    }
    results.properties.push_back(name);
    for (int h = 0; h < config.runs && !results.stopped; ++h) {
      auto steps = DiffHistory(config, kind, h, results.control);
      if (!steps) return Failure{steps.error()};
      if (auto played = PlayBoth(on_a, on_b, *steps, kind, h + 1, secrets, results); !played)
        return Failure{played.error()};
      if (config.progress) {
        config.progress(results.histories, static_cast<std::int64_t>(results.differences.size()));
      }
    }
  }
  return results;
}

Result<DiffResults, RunError> DiffSteps(const DiffConfig& config, const std::vector<Step>& steps,
                                        PropertyKind kind, const DiffTarget& a, const DiffTarget& b,
                                        const protocol::Credentials& credentials) {
  DiffResults results = Begun(config, a, b);
  results.properties = {std::string(PropertyName(kind))};
  Player on_a = MakePlayer(config, a, results.control);
  Player on_b = MakePlayer(config, b, results.control);
  const Secrets secrets{credentials, a, b};
  if (auto played = PlayBoth(on_a, on_b, steps, kind, 1, secrets, results); !played)
    return Failure{played.error()};
  return results;
}

}  // namespace dj::run
