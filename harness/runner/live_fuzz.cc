#include "harness/runner/live_fuzz.h"

#include <algorithm>
#include <cctype>
#include <random>
#include <set>

#include "harness/client/api_client.h"
#include "harness/client/pacer.h"
#include "harness/mock/mock_service.h"
#include "harness/protocol/clocks.h"
#include "harness/protocol/envelope.h"
#include "harness/protocol/http_wire.h"
#include "harness/protocol/sign_v3.h"
#include "harness/runner/driver_util.h"
#include "harness/runner/steps.h"
#include "models/api_model.h"
#include "models/error_codes.h"

namespace dj::run {
namespace {

using model::Clause;
using nlohmann::json;
using protocol::HttpRequest;

// ---- safety ----

// Decodes every valid %XX and leaves the rest as it is (what some servers do).
std::string LenientPercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// "job-" is found in any case; what follows must be the canary exactly (another spelling of
// it may be another job on a target whose ids are case-sensitive).
bool TextNamesOnlyTheCanary(std::string_view text) {
  std::string lower = protocol::ToLowerAscii(text);
  for (std::size_t at = lower.find("job-"); at != std::string::npos;
       at = lower.find("job-", at + 1)) {
    std::size_t end = at + 4;
    while (end < lower.size() && std::isalnum(static_cast<unsigned char>(lower[end]))) ++end;
    if (end > at + 4 && text.substr(at, end - at) != planted::kCanaryId) return false;
  }
  return true;
}

void CollectStrings(const json& v, std::vector<std::string>& out) {
  if (v.is_string()) out.push_back(v.get<std::string>());
  if (v.is_structured()) {
    for (const auto& [key, child] : v.items()) {
      out.push_back(key);
      CollectStrings(child, out);
    }
  }
}

// ---- mutations ----

const std::vector<std::string>& Tokens() {
  static const std::vector<std::string> tokens = [] {
    std::vector<std::string> t = {"",
                                  " ",
                                  "job-",
                                  "JOB-ZZZZZZZZ",
                                  std::string(planted::kCanaryId),
                                  "2017-03-12",
                                  "2020-01-01",
                                  "ap-guangzhou",
                                  "xx-nowhere-1",
                                  "%",
                                  "%00",
                                  "\xc3\xa9",
                                  "\xff",
                                  "null",
                                  "{}",
                                  "[]",
                                  "0",
                                  "-1",
                                  "1e308",
                                  "true",
                                  std::string(300, 'a')};
    for (model::Action a : model::kAllActions) t.emplace_back(model::ActionName(a));
    for (model::ErrorCode c : model::kAllErrorCodes) t.emplace_back(model::CodeString(c));
    return t;
  }();
  return tokens;
}

struct Template {
  model::Action action;
  std::string region;
  protocol::Style style;
  json params;
};

class Mutator {
 public:
  Mutator(std::uint64_t seed, bool control) : rng_(seed), control_(control) {}

  std::size_t Below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }
  bool OneIn(std::size_t n) { return Below(n) == 0; }
  const std::string& Token() { return Tokens()[Below(Tokens().size())]; }

  json Value() {
    switch (Below(9)) {
      case 0:
        return nullptr;
      case 1:
        return static_cast<std::int64_t>(rng_() % 2000) - 1000;
      case 2:
        return json::array({Token()});
      case 3:
        return json::object({{Token(), Token()}});
      case 4:
        return std::string(1 + Below(20000), 'x');
      case 5: {
        json deep = "x";
        for (std::size_t i = 0, n = 1 + Below(200); i < n; ++i) deep = json::array({deep});
        return deep;
      }
      case 6:
        return std::string(planted::kCanaryId);
      case 7: {  // around the lenient grammar's bound of 64 characters after "job-"
        std::string id = "job-";
        for (std::size_t i = 0, n = 56 + Below(16); i < n; ++i) id += "abcxyz0189"[Below(10)];
        return id;
      }
      default:
        return Token();
    }
  }

  // Changes the typed request before it is encoded and signed; a description.
  std::string MutateParams(json& params) {
    if (!params.is_object()) params = json::object();
    switch (Below(4)) {
      case 0:
        params["JobId"] = Value();
        return "JobId set to an odd value";
      case 1:
        params["DjharnessUnknown" + std::to_string(Below(3))] = Value();
        return "an unknown parameter added";
      case 2:
        if (!params.empty()) {
          params.erase(params.begin());
          return "a parameter removed";
        }
        [[fallthrough]];
      default:
        for (auto& [key, value] : params.items()) {
          if (OneIn(2)) value = Value();
        }
        return "parameter values replaced";
    }
  }

  // Changes a signed request's headers outside what TC3 signs (content-type, host and the
  // timestamp): repeats, drops or garbles an X-TC-* header, or adds one of its own.
  std::string MutateHeaders(protocol::Headers& headers) {
    static const std::vector<std::string> names = {"X-TC-Action", "X-TC-Version", "X-TC-Region",
                                                   "X-TC-Language", "X-TC-Token"};
    const std::string& name = names[Below(names.size())];
    std::string value = Token();
    for (char& c : value) {
      if (c == '\r' || c == '\n' || c == '\0') c = ' ';  // a header value cannot hold them
    }
    switch (Below(4)) {
      case 0:
        headers.emplace_back(name, value);
        return "a second " + name + " header";
      case 1:
        protocol::RemoveHeader(headers, name);
        return name + " removed";
      case 2:
        protocol::SetHeader(headers, name, value);
        return name + " replaced";
      default:
        headers.emplace_back("X-Djharness-Fuzz-" + std::to_string(Below(100)), value);
        return "an unknown header added";
    }
  }

  // Byte-level change of a text (body or query): flip, insert a token, cut, or repeat.
  std::string MutateBytes(std::string& text) {
    if (text.empty()) text = "{}";
    std::size_t at = Below(text.size());
    switch (Below(4)) {
      case 0:
        text[at] = static_cast<char>(static_cast<unsigned char>(text[at]) ^ (1u << Below(8)));
        return "a byte flipped";
      case 1:
        text.insert(at, Token());
        return "a token inserted";
      case 2:
        text.resize(at);
        return "cut short";
      default:
        text += text.substr(at);
        return "a tail repeated";
    }
  }

  std::mt19937_64& rng() { return rng_; }
  bool control() const { return control_; }

 private:
  std::mt19937_64 rng_;
  bool control_;
};

std::string OutcomeOf(const protocol::Answer& a) {
  if (auto o = a.AsOutcome()) return model::ToString(*o);
  if (a.code_text) return "unknown code";
  return "unreadable answer";
}

// Status and body, cut to 2 KB. An answer may echo the credential or the control token: they
// are hidden before the cut, which could leave a piece that no later hiding would recognise.
std::string AnswerText(const protocol::HttpResponse& r, const protocol::Credentials& credentials,
                       const std::string& control_token) {
  std::string body = client::HideSecret(client::HideCredentials(r.body, credentials), control_token,
                                        client::kControlTokenPlaceholder);
  return "HTTP " + std::to_string(r.status) + " " + body.substr(0, 2048);
}

// Credentials of the same shape that are not the real ones (a token only when there is one).
protocol::Credentials StandIns(const protocol::Credentials& real) {
  return {std::string(planted::kStandInSecretId), std::string(planted::kStandInSecretKey),
          real.token.empty() ? std::string() : std::string(planted::kStandInToken)};
}

// Every string that names a JobId other than the canary becomes the canary (templates of a
// campaign without control).
void OnlyCanary(json& v) {
  if (v.is_string() && !TextNamesOnlyTheCanary(v.get<std::string>())) {
    v = std::string(planted::kCanaryId);
  }
  if (v.is_structured()) {
    for (auto& [key, child] : v.items()) OnlyCanary(child);
  }
}

std::optional<Template> TemplateOf(const HttpRequest& raw) {
  mock::MockConfig lax;
  lax.faults = {mock::Fault::kSignatureUnchecked, mock::Fault::kExpiredAccepted,
                mock::Fault::kLocalDateAccepted};
  auto read = mock::ReadApiRequest(lax, raw, 0);
  if (!read || !read->params) return std::nullopt;
  return Template{read->action, read->region, read->style, *read->params};
}

}  // namespace

bool MaySubmit(const HttpRequest& request) {
  std::string text = protocol::FormatRequestBytes(request);
  return protocol::ToLowerAscii(text).find("submitjob") != std::string::npos ||
         protocol::ToLowerAscii(LenientPercentDecode(text)).find("submitjob") != std::string::npos;
}

bool NamesOnlyTheCanary(const HttpRequest& request) {
  std::vector<std::string> texts = {request.target, request.body};
  for (const auto& [name, value] : request.headers) texts.push_back(name + ":" + value);
  std::size_t raw = texts.size();
  for (std::size_t i = 0; i < raw; ++i) texts.push_back(LenientPercentDecode(texts[i]));
  json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_discarded()) CollectStrings(body, texts);
  return std::all_of(texts.begin(), texts.end(),
                     [](const std::string& t) { return TextNamesOnlyTheCanary(t); });
}

std::optional<HttpRequest> Resign(const HttpRequest& request, const protocol::Credentials& creds,
                                  std::int64_t now, std::uint64_t nonce) {
  HttpRequest r = request;
  bool v3 = protocol::FindHeader(r.headers, "Authorization") ||
            protocol::FindHeader(r.headers, "X-TC-Timestamp");
  if (v3) {
    protocol::SetHeader(r.headers, "X-TC-Timestamp", std::to_string(now));
    protocol::V3Input in;
    in.method = r.method;
    in.canonical_query = r.method == "GET" ? std::string(r.Query()) : std::string();
    in.payload = r.body;
    in.timestamp = std::to_string(now);
    in.date = protocol::UtcDate(now);
    in.headers = {
        {"content-type", std::string(protocol::FindHeader(r.headers, "Content-Type").value_or(""))},
        {"host", std::string(protocol::FindHeader(r.headers, "Host").value_or(""))}};
    if (!creds.token.empty()) protocol::SetHeader(r.headers, "X-TC-Token", creds.token);
    protocol::SetHeader(
        r.headers, "Authorization",
        protocol::FormatAuthorization(creds.secret_id, in, protocol::SignV3(creds.secret_key, in)));
    return r;
  }
  bool get = r.method == "GET";
  auto pairs = protocol::ParseForm(get ? r.Query() : std::string_view(r.body));
  if (!pairs) return std::nullopt;
  auto set = [&](std::string_view name, std::string value) {
    auto it =
        std::find_if(pairs->begin(), pairs->end(), [&](const auto& p) { return p.first == name; });
    if (it == pairs->end()) {
      pairs->emplace_back(std::string(name), std::move(value));
    } else {
      it->second = std::move(value);
    }
  };
  set("Timestamp", std::to_string(now));
  set("Nonce", std::to_string(nonce));
  set("SecretId", creds.secret_id);
  if (!creds.token.empty()) set("Token", creds.token);
  pairs->erase(std::remove_if(pairs->begin(), pairs->end(),
                              [](const auto& p) { return p.first == "Signature"; }),
               pairs->end());
  protocol::SignatureMethod method = protocol::SignatureMethod::kHmacSha1;
  for (const auto& [name, value] : *pairs) {
    if (name == "SignatureMethod") {
      auto m = protocol::SignatureMethodFromName(value);
      if (!m) return std::nullopt;
      method = *m;
    }
  }
  std::string host(protocol::FindHeader(r.headers, "Host").value_or(""));
  pairs->emplace_back(
      "Signature",
      protocol::SignV1(creds.secret_key, protocol::V1SourceString(r.method, host, *pairs), method));
  if (get) {
    r.target = std::string(r.Path()) + "?" + protocol::FormatForm(*pairs);
  } else {
    r.body = protocol::FormatForm(*pairs);
    protocol::UpdateContentLength(r);
  }
  return r;
}

std::vector<Clause> RefusableClauses(const HttpRequest& request) {
  std::vector<Clause> out;
  if (request.method != "GET" && request.method != "POST") out.push_back(Clause::kUnsupportedMethod);
  if (request.target.size() > protocol::kGetLimitBytes ||
      request.body.size() > protocol::kV1PostLimitBytes) {
    out.push_back(Clause::kTooLarge);
  }
  return out;
}

std::vector<std::pair<Clause, std::string>> CheckLiveAnswer(const protocol::HttpResponse& response,
                                                            std::optional<model::Action> action,
                                                            model::Profile profile,
                                                            const std::vector<Clause>& refusable) {
  std::vector<std::pair<Clause, std::string>> out;
  protocol::Answer answer = protocol::ParseAnswer(response);
  for (Clause c : refusable) {
    auto refusal = protocol::HttpRefusal(answer, c);
    if (!refusal) continue;
    std::vector<model::Outcome> allowed = model::Allowed(c, profile);
    if (std::find(allowed.begin(), allowed.end(), *refusal) == allowed.end()) {
      out.emplace_back(c, "answered " + model::ToString(*refusal) + "; " +
                              std::string(model::ClauseId(c)) + " expects " + AllowedText(allowed));
    }
    return out;
  }
  // With the action unknown (the target may read a mutated request otherwise than we do), a
  // breach counts only when the answer would break the clause whatever the action was.
  std::vector<model::Action> actions;
  if (action) {
    actions = {*action};
  } else {
    actions.assign(model::kAllActions.begin(), model::kAllActions.end());
  }
  std::map<Clause, std::pair<std::size_t, std::string>> broken;
  for (model::Action a : actions) {
    std::set<Clause> this_action;  // a clause may be broken twice by one answer
    for (const auto& v : protocol::CheckEnvelope(answer, a, profile)) {
      auto& [count, detail] = broken[v.clause];
      if (this_action.insert(v.clause).second) ++count;
      if (detail.empty()) detail = v.detail;
    }
  }
  for (const auto& [clause, seen] : broken) {
    if (seen.first == actions.size()) out.emplace_back(clause, seen.second);
  }
  if (answer.code == model::ErrorCode::kInternalError) {
    out.emplace_back(Clause::kRobNoInternalError, "the target answered InternalError");
  }
  return out;
}

LiveFuzzResult FuzzLive(client::Target& target, client::Target* control,
                        const protocol::Credentials& credentials, const LiveFuzzConfig& cfg) {
  LiveFuzzResult result;
  auto wall = cfg.wall_seconds ? cfg.wall_seconds : protocol::SystemSeconds;
  auto steady = cfg.steady_ms ? cfg.steady_ms : protocol::SteadyMs;
  auto sleep = cfg.sleep_ms ? cfg.sleep_ms : protocol::SleepMs;
  const std::int64_t started = steady();
  client::Pacer pacer(cfg.pacing_fraction, steady, sleep);
  std::optional<client::ControlClient> ctl;
  if (control != nullptr) ctl.emplace(*control, cfg.control_token);
  Mutator mutator(cfg.seed, ctl.has_value());
  std::set<std::string> request_ids;
  std::uint64_t nonce = cfg.seed * 1000003;

  std::vector<Template> templates;
  std::vector<HttpRequest> raw;  // corpus entries no template came from: sent as they are
  for (const HttpRequest& r : cfg.corpus) {
    if (auto t = TemplateOf(r)) {
      if (!ctl) OnlyCanary(t->params);
      bool known = std::any_of(templates.begin(), templates.end(), [&](const Template& k) {
        return k.action == t->action && k.style == t->style && k.params == t->params;
      });
      if (!known && (ctl || t->action != model::Action::kSubmitJob)) {
        templates.push_back(std::move(*t));
      }
    } else {
      raw.push_back(r);
    }
  }
  if (templates.empty()) {
    result.fatal = "the corpus holds no request the harness can read as an API call";
    return result;
  }

  auto note = [&](Clause c, std::string message, const std::string& mutation, bool signed_ok,
                  const HttpRequest& request, const protocol::HttpResponse* response) {
    if (++result.finding_counts[c] > 3 || result.findings.size() >= cfg.max_saved) return;
    result.findings.push_back({c, std::move(message), mutation, signed_ok, request,
                               response != nullptr
                                   ? AnswerText(*response, credentials, cfg.control_token)
                                   : "no answer"});
  };

  // Sends one request and judges its answer, if it got one (the caller judges a transport error).
  bool interrupted = false;
  auto transmit = [&](const HttpRequest& request, std::optional<model::Action> action,
                      const std::string& mutation, bool signed_ok) -> client::SendResult {
    ++result.requests;
    client::SendResult sent = target.Send(request);
    if (!sent) {
      ++result.outcomes["no answer"];
      interrupted = interrupted || ClassifyNoAnswer(sent.error()) == NoAnswer::kEnding;
      return sent;
    }
    protocol::Answer answer = protocol::ParseAnswer(*sent);
    ++result.outcomes[OutcomeOf(answer)];
    for (auto& [clause, detail] :
         CheckLiveAnswer(*sent, action, cfg.profile, RefusableClauses(request))) {
      note(clause, detail, mutation, signed_ok, request, &*sent);
    }
    if (answer.request_id && !request_ids.insert(*answer.request_id).second) {
      note(Clause::kEnvRequestIdUnique, "the RequestId " + *answer.request_id + " came again",
           mutation, signed_ok, request, &*sent);
    }
    return sent;
  };

  // What a valid request in `style` gets now: the target's Host, the clock, a fresh nonce.
  auto options = [&](protocol::Style style) {
    protocol::EncodeOptions o;
    o.style = style;
    o.host = target.HostHeader();
    o.timestamp = wall();
    o.nonce = ++nonce;
    return o;
  };
  auto encode = [&](const model::ApiRequest& api, protocol::Style style) {
    return protocol::Encode(protocol::Call::Of(api, cfg.region), credentials, options(style));
  };

  // The campaign's own DescribeJobs (canaries, fixture probes): a limiter's refusal is sent
  // again after a backoff (target-contract §3); `sent_request` is the last one sent.
  HttpRequest sent_request;
  auto describe = [&](const std::string& id, const std::string& what) -> client::SendResult {
    client::SendResult sent = Failure{client::TransportError{}};
    auto attempt = [&] {
      sent_request = encode(model::DescribeJobRequest(id), protocol::Style::kApi3Post);
      sent = transmit(sent_request, model::Action::kDescribeJob, what, true);
      return sent && IsLimitAnswer(protocol::ParseAnswer(*sent));
    };
    Backoff b = RetryWhileLimited(attempt, cfg.limit_backoff, sleep, {});
    result.pacing_seconds += static_cast<double>(b.waited_ms) / 1000.0;
    if (b.gave_up && !result.fatal) result.fatal = GaveUpText("DescribeJob", b);
    return sent;
  };

  // The canary must not exist: without control it is the one id requests may name. `silent`
  // opens the ROB-1 finding when it gets no answer, saved with `after` (the request it follows)
  // when given.
  struct Sent {
    const HttpRequest* request;
    std::string mutation;
    bool signed_ok;
  };
  auto canary = [&](const std::string& when, const std::string& silent, const Sent* after) {
    client::SendResult sent = describe(std::string(planted::kCanaryId), "canary " + when);
    if (!sent) {
      if (ClassifyNoAnswer(sent.error()) != NoAnswer::kEnding) {
        Sent self{&sent_request, "canary", true};
        const Sent& blamed = after != nullptr ? *after : self;
        note(Clause::kRobAlive, silent + ": " + sent.error().message, blamed.mutation,
             blamed.signed_ok, *blamed.request, nullptr);
      }
      return false;
    }
    protocol::Answer a = protocol::ParseAnswer(*sent);
    if (a.code != model::ErrorCode::kResourceNotFoundJob && !IsLimitAnswer(a)) {
      note(Clause::kRobAlive, "the canary DescribeJob " + when + " answered " + OutcomeOf(a),
           "canary", true, sent_request, nullptr);
    }
    return a.code == model::ErrorCode::kResourceNotFoundJob;
  };

  // A mutated request's answer, judged; a missing one as any request's (docs/clauses.md ROB-1).
  auto send = [&](const HttpRequest& request, std::optional<model::Action> action,
                  const std::string& mutation, bool signed_ok) -> std::optional<protocol::Answer> {
    client::SendResult sent = transmit(request, action, mutation, signed_ok);
    if (sent) return protocol::ParseAnswer(*sent);
    const client::TransportError& e = sent.error();
    switch (ClassifyNoAnswer(e)) {
      case NoAnswer::kRobAlive:
        note(Clause::kRobAlive, "no answer: " + e.message, mutation, signed_ok, request, nullptr);
        break;
      case NoAnswer::kEnvShape:
        note(Clause::kEnvShape, "not a readable HTTP answer: " + e.message, mutation, signed_ok,
             request, nullptr);
        break;
      case NoAnswer::kAskCanary: {
        // A front end may have refused it by closing: only a silent canary shows a fault.
        Sent after{&request, mutation, signed_ok};
        canary("after a request that got no answer",
               "no answer to a request (" + e.message + "), and none to the canary after it",
               &after);
        break;
      }
      case NoAnswer::kEnding:
        break;
    }
    return std::nullopt;
  };

  // With control: fixtures whose survival shows ISO-3.
  const std::vector<model::Job> fixtures = [] {
    model::Job done;
    done.id = "job-f0000001";
    done.state = model::State::kSucceed;
    done.tasks = {{"t", {model::State::kSucceed}}};
    model::Job running = done;
    running.id = "job-f0000002";
    running.state = model::State::kRunning;
    running.tasks = {{"t", {model::State::kRunning}}};
    model::Job empty = done;  // completed, without tasks
    empty.id = "job-f0000003";
    empty.tasks.clear();
    return std::vector<model::Job>{done, running, empty};
  }();
  auto put_fixtures = [&]() -> bool {
    for (const model::Job& job : fixtures) {
      if (!ctl->PutJob(model::ToControlJson(job))) return false;
    }
    return true;
  };

  if (ctl) {
    if (!ctl->Reset() || !put_fixtures()) {
      result.fatal = "the control extension did not reset the target";
      return result;
    }
    for (const model::Job& job : fixtures) {
      templates.push_back(
          {model::Action::kDeleteJob, cfg.region, protocol::Style::kApi3Post, {{"JobId", job.id}}});
    }
  }
  if (!canary("before the campaign", "no answer to the canary before the campaign", nullptr)) {
    if (!result.fatal) {
      result.fatal = "the canary job " + std::string(planted::kCanaryId) +
                     " exists on the target or the target does not answer: not fuzzing it";
    }
    return result;
  }

  bool success_in_batch = false;
  std::vector<std::string> batch_mutations;
  auto end_batch = [&] {
    canary("after a batch", "no answer to the canary after a batch", nullptr);
    if (ctl) {
      for (const model::Job& job : fixtures) {
        client::SendResult sent = describe(job.id, "fixture probe");
        std::optional<protocol::Answer> a;
        if (sent) a = protocol::ParseAnswer(*sent);
        if (a && !a->IsSuccess() && !IsLimitAnswer(*a) && !success_in_batch) {
          std::string what;
          for (const auto& m : batch_mutations) what += (what.empty() ? "" : "; ") + m;
          note(Clause::kIsoRejected,
               "the fixture job " + job.id + " is gone after a batch of refused requests",
               what.substr(0, 2000), true, sent_request, nullptr);
        }
      }
      put_fixtures();
    }
    success_in_batch = false;
    batch_mutations.clear();
  };

  while (!interrupted && !result.fatal && result.mutated < cfg.max_requests &&
         static_cast<double>(steady() - started) / 1000.0 < cfg.max_seconds) {
    HttpRequest request;
    std::string mutation;
    std::string kind;
    bool signed_ok = true;
    std::optional<model::Action> action;
    if (!raw.empty() && mutator.OneIn(10)) {
      request = raw[mutator.Below(raw.size())];
      protocol::SetHeader(request.headers, "Host", target.HostHeader());
      kind = "corpus";
      mutation = "an unreadable corpus request sent as it is";
      signed_ok = false;
    } else {
      Template t = templates[mutator.Below(templates.size())];
      protocol::Call call = protocol::Call::Of({t.action, t.params}, t.region);
      protocol::EncodeOptions o = options(t.style);
      action = t.action;
      bool headers = false;
      switch (mutator.Below(10)) {
        case 0:
        case 1:
          kind = "params";
          mutation = mutator.MutateParams(call.params);
          break;
        case 2:
          kind = "common";
          switch (mutator.Below(3)) {
            case 0:
              call.action = mutator.OneIn(3) ? std::nullopt : std::optional(mutator.Token());
              action = call.action ? model::ActionFromName(*call.action) : std::nullopt;
              break;
            case 1:
              call.version = mutator.OneIn(3) ? std::nullopt : std::optional(mutator.Token());
              break;
            default:
              call.region = mutator.OneIn(3) ? std::nullopt : std::optional(mutator.Token());
              break;
          }
          mutation = "a common parameter changed";
          break;
        case 3:
          kind = "encoding";
          o.style = static_cast<protocol::Style>(mutator.Below(4));
          o.encoding.space_as_plus = mutator.OneIn(2);
          o.encoding.encode_unreserved = mutator.OneIn(2);
          o.reverse_param_order = mutator.OneIn(2);
          o.signature_method = mutator.OneIn(2) ? protocol::SignatureMethod::kHmacSha1
                                                : protocol::SignatureMethod::kHmacSha256;
          o.content_type = std::vector<std::string>{
              "", "application/json; charset=utf-8", "text/plain",
              "application/x-www-form-urlencoded", "multipart/form-data"}[mutator.Below(5)];
          mutation = "style " + std::string(protocol::StyleName(o.style)) + ", Content-Type `" +
                     o.content_type + "`";
          break;
        case 4:
          kind = "method";
          o.faults.method = std::vector<std::string>{"PUT",     "DELETE", "PATCH",
                                                     "OPTIONS", "get",    "post"}[mutator.Below(6)];
          mutation = "method " + *o.faults.method;
          break;
        case 5:
          kind = "timestamp";
          o.timestamp += static_cast<std::int64_t>(mutator.Below(1201)) - 600;
          mutation = "timestamp moved";
          break;
        case 6:
          kind = "signature";
          signed_ok = false;
          if (mutator.OneIn(2)) {
            o.faults.wrong_key = true;
            mutation = "signed with a wrong key";
          } else {
            o.faults.tamper_after_signing = true;
            mutation = "changed after signing";
          }
          break;
        case 7:
          kind = "headers";  // after signing, and only headers the signature does not cover
          headers = true;
          break;
        default:
          break;
      }
      // A byte-level change (no kind yet) is made to a request signed with stand-ins, so that
      // no flip or cut leaves a part of the real SecretId or token in what is sent and saved:
      // Resign puts the real ones in, whole.
      bool bytes = kind.empty();
      request = protocol::Encode(call, bytes ? StandIns(credentials) : credentials, o);
      if (headers) mutation = mutator.MutateHeaders(request.headers);
      if (bytes) {
        // Byte-level change of the body or the query, then signed again.
        kind = "bytes";
        bool get = request.method == "GET";
        std::string text = get ? std::string(request.Query()) : request.body;
        mutation = (get ? "query: " : "body: ") + mutator.MutateBytes(text);
        if (get) {
          // Still a request target: bytes a request line cannot carry are percent-encoded
          // (a blank or a control there makes an invalid HTTP request, not an API request).
          std::string target_text;
          for (char ch : text) {
            auto u = static_cast<unsigned char>(ch);
            if (u > 0x20 && u < 0x7f) {
              target_text += ch;
            } else {
              target_text += protocol::PercentEncode(std::string(1, ch));
            }
          }
          request.target = std::string(request.Path()) + "?" + target_text;
        } else {
          request.body = text;
        }
        auto resigned = Resign(request, credentials, o.timestamp, ++nonce);
        signed_ok = resigned.has_value();
        if (resigned) request = std::move(*resigned);
        action = std::nullopt;  // whether the target still reads the action is its business
      }
    }
    if (!ctl && (!NamesOnlyTheCanary(request) || MaySubmit(request))) {
      ++result.skipped_unsafe;
      continue;
    }
    // Rate-limited actions: paced without control, the virtual clock moved with it. A request
    // the harness cannot read counts as the most limited action.
    std::optional<model::Action> read_as = action;
    if (!read_as) {
      if (auto t = TemplateOf(request)) read_as = t->action;
    }
    model::Action paced_as = read_as.value_or(model::Action::kDeleteJob);
    int limit = model::LimitOf(cfg.limits, paced_as);
    if (limit > 0) {
      if (ctl) {
        if (auto moved = ctl->AdvanceClock(1000); !moved) {
          result.fatal = "the control extension did not move the clock: " + moved.error();
          break;
        }
      } else {
        result.pacing_seconds += static_cast<double>(pacer.Acquire(
                                     {credentials.secret_id, paced_as, cfg.region}, limit)) /
                                 1000.0;
      }
    }
    ++result.mutated;
    ++result.mutations[kind];
    batch_mutations.push_back(mutation);
    auto answer = send(request, action, mutation, signed_ok);
    if (answer && answer->IsSuccess()) success_in_batch = true;
    if (result.mutated % cfg.batch == 0) end_batch();
  }
  if (result.mutated % cfg.batch != 0) end_batch();
  result.seconds = static_cast<double>(steady() - started) / 1000.0;
  return result;
}

}  // namespace dj::run
