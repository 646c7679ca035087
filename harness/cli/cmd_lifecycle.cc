// `djharness lifecycle`: one DeleteJob life cycle through the real client, each answer judged
// by the reference model (strict profile) and printed with its request.
#include <algorithm>
#include <iostream>
#include <memory>
#include <ostream>

#include "harness/check/observe.h"
#include "harness/cli/commands.h"
#include "harness/cli/setup.h"
#include "harness/client/http_target.h"
#include "harness/mock/http_server.h"
#include "harness/protocol/clocks.h"

namespace dj::cli {
namespace {

using nlohmann::json;

std::string Indent(const std::string& text, std::string_view prefix) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    std::size_t end = nl == std::string::npos ? text.size() : nl;
    out += std::string(prefix) + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

std::string Outcomes(const std::vector<model::Outcome>& outcomes) {
  std::string out;
  for (const auto& o : outcomes) out += (out.empty() ? "" : " or ") + model::ToString(o);
  return out;
}

class Walk {
 public:
  Walk(client::Target& target, const protocol::Credentials& creds,
       const client::ClientConfig& config, const std::string& token, std::ostream& out)
      : api_(target, creds, config),
        control_(target, token),
        out_(out),
        creds_(creds),
        token_(token) {}

  // What the walk prints of an answer or an error, with the credential and the control token
  // replaced by placeholders (a target may echo them).
  std::string Hide(std::string text) const {
    return client::HideSecret(client::HideCredentials(std::move(text), creds_), token_,
                              client::kControlTokenPlaceholder);
  }

  // A control request; false (after printing why) when it failed.
  template <class T>
  bool Control(std::string_view what, const Result<T>& result) {
    if (!result) {
      out_ << "control: " << what << " failed: " << Hide(result.error()) << "\n";
      return false;
    }
    out_ << "control: " << what << "\n";
    return true;
  }

  Result<std::string> CreateJob(const json& description) {
    auto id = control_.PutJob(description);
    if (!id) return id;
    auto job = model::JobFromControlJson(description, *id);
    if (!job) return Failure{job.error()};
    model_.Put(std::move(*job));
    return id;
  }

  bool AdvanceClock(std::int64_t ms) {
    return Control("advance the rate-limit clock by " + std::to_string(ms) + " ms",
                   control_.AdvanceClock(ms));
  }

  bool Reset() {
    model_.Clear();
    return Control("reset the target", control_.Reset());
  }

  // One API request, judged. False only when the target could not be reached.
  bool Step(std::string_view title, const model::ApiRequest& request) {
    ++steps_;
    model::Decision expected = model::Decide(model_, request, {});
    std::vector<model::Outcome> allowed = model::Allowed(expected.clause, model::Profile::kStrict);
    out_ << "\n== " << steps_ << ". " << title << "\n"
         << "   expect " << model::ClauseId(expected.clause) << ": " << Outcomes(allowed) << "\n";
    client::Exchange x = api_.Send(request);
    out_ << Indent(Hide(client::Describe(x.request)), "   > ");
    if (x.transport_error) {
      out_ << "   ! no answer: " << Hide(x.transport_error->message) << "\n";
      return false;
    }
    // An answer may echo a credential: hidden before Describe cuts the body.
    protocol::HttpResponse shown = x.response;
    shown.body = Hide(std::move(shown.body));
    out_ << Indent(client::Describe(shown), "   < ");
    std::vector<std::string> problems;
    auto outcome = x.answer.AsOutcome();
    if (!outcome || std::find(allowed.begin(), allowed.end(), *outcome) == allowed.end()) {
      problems.push_back(model::ClauseId(expected.clause).data() + std::string(": answered ") +
                         (outcome ? model::ToString(*outcome)
                                  : x.answer.code_text.value_or("something unreadable")));
    }
    for (const auto& v :
         protocol::CheckEnvelope(x.answer, request.action, model::Profile::kStrict)) {
      problems.push_back(std::string(model::ClauseId(v.clause)) + ": " + v.detail);
    }
    if (expected.clause == model::Clause::kObsDescribe && x.answer.IsSuccess()) {
      const model::Job* job = model_.Find(request.params["JobId"].get<std::string>());
      for (const auto& diff : check::CompareDescribedJob(x.answer.response, *job)) {
        problems.push_back("OBS-1: " + diff);
      }
    }
    if (problems.empty()) {
      out_ << "   ok: " << (outcome ? model::ToString(*outcome) : "") << ", as "
           << model::ClauseId(expected.clause) << " expects\n";
      if (x.answer.IsSuccess()) model::Apply(model_, expected.effect);
    } else {
      ++failures_;
      for (const auto& p : problems) out_ << "   VIOLATION " << Hide(p) << "\n";
    }
    return true;
  }

  int Finish() {
    out_ << "\nlife cycle: " << steps_ << " requests, " << (steps_ - failures_)
         << " answered as the reference model expects, " << failures_ << " violation(s)\n";
    return failures_ == 0 ? kExitOk : kExitViolations;
  }

 private:
  client::ApiClient api_;
  client::ControlClient control_;
  std::ostream& out_;
  const protocol::Credentials& creds_;
  std::string token_;
  model::Store model_;
  int steps_ = 0;
  int failures_ = 0;
};

}  // namespace

int WalkLifecycle(client::Target& target, const protocol::Credentials& credentials,
                  const client::ClientConfig& config, const std::string& control_token,
                  std::ostream& out) {
  Walk walk(target, credentials, config, control_token, out);
  out << "target: " << target.Name() << "  style: " << protocol::StyleName(config.style)
      << "  region: " << config.region << "\n";
  if (!walk.Reset()) return kExitTransport;

  const json completed = {
      {"JobName", "lifecycle-completed"},
      {"JobState", "SUCCEED"},
      {"Tasks", {{{"TaskName", "t0"}, {"InstanceStates", {"SUCCEED", "FAILED"}}}}}};
  auto done = walk.CreateJob(completed);
  if (!walk.Control("create a SUCCEED job whose instances are SUCCEED and FAILED", done))
    return kExitTransport;
  out << "         -> " << *done << "\n";
  const json running = {
      {"JobName", "lifecycle-running"},
      {"JobState", "RUNNING"},
      {"Tasks", {{{"TaskName", "t0"}, {"InstanceStates", {"SUCCEED", "RUNNING"}}}}}};
  auto busy = walk.CreateJob(running);
  if (!walk.Control("create a RUNNING job with a RUNNING instance", busy)) return kExitTransport;
  out << "         -> " << *busy << "\n";

  // DeleteJob allows 2 requests per second: the walk paces its deletes at that rate by moving
  // the target's virtual clock.
  if (!walk.Step("DescribeJob of the completed job", model::DescribeJobRequest(*done)))
    return kExitTransport;
  if (!walk.AdvanceClock(500)) return kExitTransport;
  if (!walk.Step("DeleteJob of the completed job", model::DeleteJobRequest(*done)))
    return kExitTransport;
  if (!walk.Step("DescribeJob of the deleted job", model::DescribeJobRequest(*done)))
    return kExitTransport;
  if (!walk.AdvanceClock(500)) return kExitTransport;
  if (!walk.Step("DeleteJob of the RUNNING job", model::DeleteJobRequest(*busy)))
    return kExitTransport;
  if (!walk.AdvanceClock(500)) return kExitTransport;
  if (!walk.Step("DeleteJob of a malformed JobId", model::DeleteJobRequest("job-F5DA1EDL")))
    return kExitTransport;
  return walk.Finish();
}

int RunLifecycle(const ParsedFlags& flags) {
  auto fail = [](const run::RunError& e) {
    std::cerr << "djharness lifecycle: " << e.message << "\n";
    return e.exit_code;
  };
  client::ClientConfig config;
  auto style = protocol::StyleFromName(flags.Get("style", "api3-post"));
  if (!style)
    return fail({kExitUsage, "--style must be api3-post, api3-get, query-get or form-post"});
  config.style = *style;
  auto http_options = HttpOptionsFromFlags(flags);
  if (!http_options) return fail(http_options.error());
  auto url = TargetUrlFromFlags(flags, "");
  if (!url) return fail(url.error());

  std::unique_ptr<mock::MockService> service;
  std::unique_ptr<mock::MockHttpServer> server;
  protocol::Credentials creds;
  if (url->empty()) {
    mock::MockConfig mock_config;
    mock_config.control = true;
    creds = mock_config.credentials.front();
    service = std::make_unique<mock::MockService>(std::move(mock_config));
    server = std::make_unique<mock::MockHttpServer>(*service);
    auto bound = server->Bind("127.0.0.1", 0);
    if (!bound) return fail({kExitTransport, bound.error()});
    server->Start();
    *url = server->Url();
    std::cout << "started the reference mock with the control extension on " << *url << "\n";
  }
  auto target = ConnectFromFlags(flags, *url, *http_options);
  if (!target) return fail(target.error());
  if (server) {
    config.region = flags.Get("region", kDefaultRegion);
  } else {
    auto account = AccountFromFlags(flags, "lifecycle", ProcessEnvironment);
    if (!account) return fail(account.error());
    creds = std::move(account->credentials);
    config.region = std::move(account->region);
    std::cout << "credentials: " << account->source << "\n";
  }
  if (!server) {
    auto clock = MeasureClock(**target, creds, config.region, [&creds](std::string text) {
      return client::HideCredentials(std::move(text), creds);
    });
    if (!clock) return fail(clock.error());
    std::cout << clock->Describe() << "\n";
    config.wall_seconds = [offset = clock->offset_s] { return protocol::SystemSeconds() + offset; };
  }
  return WalkLifecycle(**target, creds, config, ControlTokenFromFlags(flags, ProcessEnvironment),
                       std::cout);
}

}  // namespace dj::cli
