// Steps: names, descriptions, and JSON for replay files.
#include "harness/runner/steps.h"

#include <algorithm>
#include <array>

namespace dj::run {
namespace {

using model::Clause;
using nlohmann::json;

struct FaultRow {
  std::string_view name;
  std::string_view styles;
};

constexpr FaultRow kFaults[] = {
#define DJ_WIRE_FAULT(e, name, styles, text) {name, styles},
#include "harness/runner/wire_faults.def"
#undef DJ_WIRE_FAULT
};

const FaultRow& Row(WireFault f) { return kFaults[static_cast<std::size_t>(f)]; }

json EncodingJson(const Encoding& e) {
  return {{"SpaceAsPlus", e.space_as_plus},
          {"EncodeUnreserved", e.encode_unreserved},
          {"ReverseOrder", e.reverse_param_order},
          {"SignatureMethod", protocol::SignatureMethodName(e.signature_method)},
          {"SendSignatureMethod", e.send_signature_method}};
}

Encoding EncodingFrom(const json& j) {
  Encoding e;
  e.space_as_plus = j.at("SpaceAsPlus").get<bool>();
  e.encode_unreserved = j.at("EncodeUnreserved").get<bool>();
  e.reverse_param_order = j.at("ReverseOrder").get<bool>();
  auto m = protocol::SignatureMethodFromName(j.at("SignatureMethod").get<std::string>());
  if (!m) throw json::other_error::create(501, "unknown SignatureMethod", &j);
  e.signature_method = *m;
  e.send_signature_method = j.at("SendSignatureMethod").get<bool>();
  return e;
}

protocol::Style StyleFrom(const json& j) {
  auto s = protocol::StyleFromName(j.get<std::string>());
  if (!s) throw json::other_error::create(501, "unknown request style", &j);
  return *s;
}

model::ApiRequest RequestFrom(const json& j) {
  auto a = model::ActionFromName(j.at("Action").get<std::string>());
  if (!a) throw json::other_error::create(501, "unknown action", &j);
  return {*a, j.at("Params")};
}

std::string ShortParams(const json& params) {
  std::string text = params.dump(-1, ' ', false, json::error_handler_t::replace);
  return text.size() > 80 ? text.substr(0, 77) + "..." : text;
}

}  // namespace

model::ApiRequest AsReceived(const ApiCall& call) {
  if (call.style == protocol::Style::kApi3Post || !call.request.params.is_object()) {
    return call.request;
  }
  auto decoded = protocol::UnflattenParams(protocol::FlattenParams(call.request.params));
  if (!decoded) return call.request;  // the target refuses it under COM-7 either way
  return {call.request.action, std::move(*decoded)};
}

std::string_view WireFaultName(WireFault f) { return Row(f).name; }

std::optional<WireFault> WireFaultFromName(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kFaults); ++i) {
    if (kFaults[i].name == name) return static_cast<WireFault>(i);
  }
  return std::nullopt;
}

bool FaultFitsStyle(WireFault f, protocol::Style style) {
  std::string_view styles = Row(f).styles;
  if (styles == "v3") return protocol::IsV3(style);
  if (styles == "post") return style == protocol::Style::kApi3Post;
  return true;
}

std::optional<Clause> ExpectedClause(WireFault f, protocol::Style style) {
  switch (f) {
    case WireFault::kNone:
    case WireFault::kTimestampInsidePast:
    case WireFault::kTimestampInsideFuture:
    case WireFault::kTimestamp299Past:
    case WireFault::kTimestamp299Future:
      return std::nullopt;
    case WireFault::kTimestamp300Past:
    case WireFault::kTimestamp300Future:
      return std::nullopt;  // a refusal is allowed too: the Driver resolves the open edge
    case WireFault::kNearLimit:
    case WireFault::kOverLimit:
      return std::nullopt;  // valid; the Driver expects COM-6 of what is over the limit
    case WireFault::kTimestampOutsidePast:
    case WireFault::kTimestampOutsideFuture:
    case WireFault::kTimestamp301Past:
    case WireFault::kTimestamp301Future:
      return Clause::kAuthExpired;
    case WireFault::kWrongSignature:
      return Clause::kAuthBadSignature;
    case WireFault::kUnknownSecretId:
      return Clause::kAuthUnknownSecretId;
    case WireFault::kNoAuthorization:
      return protocol::IsV3(style) ? Clause::kAuthNoAuthorization : Clause::kAuthV1MissingParam;
    case WireFault::kGarbledAuthorization:
      return Clause::kAuthNoAuthorization;
    case WireFault::kLocalDate:
      return Clause::kAuthLocalDate;
    case WireFault::kTamperedAfterSigning:
      return Clause::kAuthTampered;
    case WireFault::kNoAction:
      return Clause::kActionMissing;
    case WireFault::kUnknownAction:
      return Clause::kActionUnknown;
    case WireFault::kNoVersion:
      return Clause::kVersionMissing;
    case WireFault::kUnknownVersion:
      return Clause::kVersionUnknown;
    case WireFault::kNoRegion:
      return Clause::kRegionMissing;
    case WireFault::kUnknownRegion:
      return Clause::kRegionUnsupported;
    case WireFault::kUnknownParameter:
      return Clause::kUnknownParameter;
    case WireFault::kWrongMethod:
      return Clause::kUnsupportedMethod;
    case WireFault::kOversize:
      return Clause::kTooLarge;
    case WireFault::kBodyNotObject:
      return Clause::kBodyNotObject;
  }
  return std::nullopt;
}

std::optional<std::int64_t> EdgeShift(WireFault f) {
  switch (f) {
    case WireFault::kTimestamp299Past:
      return -299;
    case WireFault::kTimestamp299Future:
      return 299;
    case WireFault::kTimestamp300Past:
      return -300;
    case WireFault::kTimestamp300Future:
      return 300;
    case WireFault::kTimestamp301Past:
      return -301;
    case WireFault::kTimestamp301Future:
      return 301;
    default:
      return std::nullopt;
  }
}

std::size_t SizeLimitBytes(protocol::Style style, bool decimal) {
  switch (style) {
    case protocol::Style::kApi3Get:
    case protocol::Style::kQueryGet:
      return decimal ? 32000 : protocol::kGetLimitBytes;
    case protocol::Style::kFormPost:
      return decimal ? 1000000 : protocol::kV1PostLimitBytes;
    case protocol::Style::kApi3Post:
      return decimal ? 10000000 : protocol::kV3PostLimitBytes;
  }
  return 0;
}

std::size_t WireBytes(const protocol::HttpRequest& request) {
  std::size_t n = request.method.size() + request.target.size() + sizeof " HTTP/1.1\r\n";
  for (const auto& [name, value] : request.headers) n += name.size() + value.size() + 4;
  return n + 2 + request.body.size();
}

bool RefusedBeforeLimiter(WireFault f) {
  return ExpectedClause(f, protocol::Style::kApi3Post).has_value() &&
         f != WireFault::kUnknownParameter && f != WireFault::kBodyNotObject;
}

std::size_t PaddingFor(protocol::Style style, bool over) {
  if (over) return SizeLimitBytes(style, /*decimal=*/false) + 1;
  // The whole request (head and body) under the limit read as 1,000 bytes a KB, with 1% to
  // spare (at least 2,000 bytes) for the head.
  std::size_t decimal = SizeLimitBytes(style, /*decimal=*/true);
  return decimal - std::max<std::size_t>(2000, decimal / 100);
}

namespace {

// The first value of the first filter, made `bytes` long; nothing without one.
void PadFilter(json& params, std::size_t bytes) {
  if (!params.is_object() || !params.contains("Filters")) return;
  json& filters = params["Filters"];
  if (!filters.is_array() || filters.empty() || !filters[0].is_object()) return;
  json& values = filters[0]["Values"];
  if (!values.is_array() || values.empty() || !values[0].is_string()) return;
  std::string value = values[0].get<std::string>();
  value.resize(bytes, 'a');
  values[0] = std::move(value);
}

}  // namespace

Planted Plant(const ApiCall& call, const std::string& region, std::int64_t margin) {
  Planted p;
  p.call = protocol::Call::Of(call.request, region);
  protocol::EncodeOptions& o = p.options;
  protocol::Call& c = p.call;
  o.style = call.style;
  o.encoding.space_as_plus = call.encoding.space_as_plus;
  o.encoding.encode_unreserved = call.encoding.encode_unreserved;
  o.reverse_param_order = call.encoding.reverse_param_order;
  o.signature_method = call.encoding.signature_method;
  o.send_signature_method = call.encoding.send_signature_method;
  auto body = [&] { return c.params.dump(-1, ' ', false, json::error_handler_t::replace); };
  switch (call.fault) {
    case WireFault::kNone:
      break;
    case WireFault::kTimestampInsidePast:
      p.timestamp_shift = -(300 - margin);
      break;
    case WireFault::kTimestampInsideFuture:
      p.timestamp_shift = 300 - margin;
      break;
    case WireFault::kTimestampOutsidePast:
      p.timestamp_shift = -(300 + margin);
      break;
    case WireFault::kTimestampOutsideFuture:
      p.timestamp_shift = 300 + margin;
      break;
    case WireFault::kTimestamp299Past:
    case WireFault::kTimestamp299Future:
    case WireFault::kTimestamp300Past:
    case WireFault::kTimestamp300Future:
    case WireFault::kTimestamp301Past:
    case WireFault::kTimestamp301Future:
      p.timestamp_shift = *EdgeShift(call.fault);
      break;
    case WireFault::kWrongSignature:
      o.faults.wrong_key = true;
      break;
    case WireFault::kUnknownSecretId:
      p.unknown_secret_id = true;
      break;
    case WireFault::kNoAuthorization:
      o.faults.omit_signature = true;
      break;
    case WireFault::kGarbledAuthorization:
      o.faults.authorization = std::string(planted::kGarbledAuthorization);
      break;
    case WireFault::kLocalDate:
      o.faults.local_date = true;
      break;
    case WireFault::kTamperedAfterSigning:
      o.faults.tamper_after_signing = true;
      break;
    case WireFault::kNoAction:
      c.action.reset();
      break;
    case WireFault::kUnknownAction:
      c.action = *c.action + std::string(planted::kUnknownActionSuffix);
      break;
    case WireFault::kNoVersion:
      c.version.reset();
      break;
    case WireFault::kUnknownVersion:
      c.version = std::string(planted::kUnknownVersion);
      break;
    case WireFault::kNoRegion:
      c.region.reset();
      break;
    case WireFault::kUnknownRegion:
      c.region = std::string(planted::kUnknownRegion);
      break;
    case WireFault::kUnknownParameter:
      if (c.params.is_object()) c.params[std::string(planted::kUnknownParameter)] = "1";
      break;
    case WireFault::kWrongMethod:
      o.faults.method = "PUT";
      break;
    case WireFault::kOversize: {
      std::string padded = body();
      padded.resize(protocol::kV3PostLimitBytes + 1, ' ');
      o.faults.raw_body = std::move(padded);
      break;
    }
    case WireFault::kBodyNotObject:
      o.faults.raw_body = "[" + body() + "]";
      break;
    case WireFault::kNearLimit:
    case WireFault::kOverLimit:
      PadFilter(c.params, PaddingFor(call.style, call.fault == WireFault::kOverLimit));
      break;
  }
  return p;
}

std::string OwnedRef(int n) { return "@owned-" + std::to_string(n); }

std::optional<int> OwnedIndex(std::string_view text) {
  constexpr std::string_view kPrefix = "@owned-";
  if (!text.starts_with(kPrefix)) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  if (text.empty() || text.size() > 6) return std::nullopt;
  int n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

bool NeedsControl(const Step& step) {
  return std::holds_alternative<CreateJob>(step) || std::holds_alternative<AdvanceClock>(step) ||
         std::holds_alternative<Batch>(step);
}

int CredentialNeeded(const Step& step) {
  if (const auto* call = std::get_if<ApiCall>(&step)) return call->credential;
  int most = 0;
  if (const auto* batch = std::get_if<Batch>(&step)) {
    for (const auto& thread : batch->threads) {
      for (const ApiCall& call : thread) most = std::max(most, call.credential);
    }
  }
  return most;
}

std::string Describe(const Step& step) {
  struct Visitor {
    std::string operator()(const CreateJob& s) const {
      std::string out =
          "control: job " + s.job.id + " " + std::string(model::StateName(s.job.state)) + " [";
      for (std::size_t t = 0; t < s.job.tasks.size(); ++t) {
        if (t > 0) out += " | ";
        for (std::size_t i = 0; i < s.job.tasks[t].instances.size(); ++i) {
          out += (i > 0 ? " " : "") + std::string(model::StateName(s.job.tasks[t].instances[i]));
        }
      }
      return out + "]";
    }
    std::string operator()(const AdvanceClock& s) const {
      return "control: advance the clock " + std::to_string(s.ms) + " ms";
    }
    std::string operator()(const Pause& s) const { return "wait " + std::to_string(s.ms) + " ms"; }
    std::string operator()(const Submit& s) const {
      return std::string("SubmitJob of the run's ") + (s.slow ? "slow" : "quick") + " job";
    }
    std::string operator()(const Await& s) const {
      return "DescribeJob " + OwnedRef(s.job) + " until it is " +
             (s.until == Until::kRunning ? "RUNNING" : "finished") + " (at most " +
             std::to_string(s.max_ms / 1000) + " s)";
    }
    std::string operator()(const ApiCall& s) const {
      std::string out = std::string(model::ActionName(s.request.action)) + " " +
                        ShortParams(s.request.params) + " [" +
                        std::string(protocol::StyleName(s.style));
      if (s.fault != WireFault::kNone) out += ", " + std::string(WireFaultName(s.fault));
      if (s.credential != 0) out += ", credential " + std::to_string(s.credential + 1);
      return out + "]";
    }
    std::string operator()(const SameInStyles& s) const {
      return std::string(model::ActionName(s.request.action)) + " " +
             ShortParams(s.request.params) + " [" + std::string(protocol::StyleName(s.first)) +
             " and " + std::string(protocol::StyleName(s.second)) + "]";
    }
    std::string operator()(const Batch& s) const {
      std::string out = "concurrently:";
      for (std::size_t t = 0; t < s.threads.size(); ++t) {
        if (s.threads[t].empty()) continue;
        out += (out.back() == ':' ? " " : " | ") + std::string("thread ") + std::to_string(t + 1) +
               ":";
        for (std::size_t i = 0; i < s.threads[t].size(); ++i) {
          out += (i > 0 ? ", " : " ") + CallText(s.threads[t][i]);
        }
      }
      return out;
    }
    // An action and the JobId it names, for a batch's one-line description.
    static std::string CallText(const ApiCall& c) {
      std::string out(model::ActionName(c.request.action));
      if (c.request.params.is_object() && c.request.params.contains("JobId") &&
          c.request.params["JobId"].is_string()) {
        out += " " + c.request.params["JobId"].get<std::string>().substr(0, 24);
      }
      if (c.credential != 0) out += " (credential " + std::to_string(c.credential + 1) + ")";
      return out;
    }
  };
  return std::visit(Visitor{}, step);
}

namespace {

json ApiJson(const ApiCall& s) {
  json j = {{"Step", "Api"},
            {"Action", model::ActionName(s.request.action)},
            {"Params", s.request.params},
            {"Style", protocol::StyleName(s.style)},
            {"Encoding", EncodingJson(s.encoding)},
            {"Fault", WireFaultName(s.fault)}};
  // Written only when not the default, so older replay files read the same.
  if (s.credential != 0) j["Credential"] = s.credential;
  if (!s.paced) j["Paced"] = false;
  return j;
}

ApiCall ApiFrom(const json& j) {
  auto fault = WireFaultFromName(j.at("Fault").get<std::string>());
  if (!fault) throw json::other_error::create(501, "unknown wire fault", &j);
  ApiCall call{RequestFrom(j), StyleFrom(j.at("Style")), EncodingFrom(j.at("Encoding")), *fault};
  call.credential = j.value("Credential", 0);
  if (call.credential < 0 || call.credential > 1)
    throw json::other_error::create(501, "Credential must be 0 or 1", &j);
  call.paced = j.value("Paced", true);
  return call;
}

}  // namespace

void to_json(json& j, const Step& step) {
  struct Visitor {
    json operator()(const CreateJob& s) const {
      return {{"Step", "CreateJob"}, {"Job", model::ToControlJson(s.job)}};
    }
    json operator()(const AdvanceClock& s) const {
      return {{"Step", "AdvanceClock"}, {"Ms", s.ms}};
    }
    json operator()(const Pause& s) const { return {{"Step", "Pause"}, {"Ms", s.ms}}; }
    json operator()(const Submit& s) const { return {{"Step", "Submit"}, {"Slow", s.slow}}; }
    json operator()(const Await& s) const {
      return {{"Step", "Await"},
              {"Job", s.job},
              {"Until", s.until == Until::kRunning ? "running" : "finished"},
              {"MaxMs", s.max_ms}};
    }
    json operator()(const ApiCall& s) const { return ApiJson(s); }
    json operator()(const Batch& s) const {
      json threads = json::array();
      for (const auto& thread : s.threads) {
        json calls = json::array();
        for (const ApiCall& call : thread) calls.push_back(ApiJson(call));
        threads.push_back(std::move(calls));
      }
      return {{"Step", "Batch"}, {"Threads", std::move(threads)}};
    }
    json operator()(const SameInStyles& s) const {
      return {
          {"Step", "SameInStyles"},
          {"Action", model::ActionName(s.request.action)},
          {"Params", s.request.params},
          {"First",
           {{"Style", protocol::StyleName(s.first)}, {"Encoding", EncodingJson(s.first_encoding)}}},
          {"Second",
           {{"Style", protocol::StyleName(s.second)},
            {"Encoding", EncodingJson(s.second_encoding)}}}};
    }
  };
  j = std::visit(Visitor{}, step);
}

void from_json(const json& j, Step& step) {
  const std::string kind = j.at("Step").get<std::string>();
  if (kind == "CreateJob") {
    const json& job = j.at("Job");
    auto parsed = model::JobFromControlJson(job, "");
    if (!parsed || parsed->id.empty())
      throw json::other_error::create(501, "bad CreateJob job", &j);
    step = CreateJob{std::move(*parsed)};
  } else if (kind == "AdvanceClock") {
    step = AdvanceClock{j.at("Ms").get<std::int64_t>()};
  } else if (kind == "Pause") {
    std::int64_t ms = j.at("Ms").get<std::int64_t>();
    if (ms < 0 || ms > 600000) throw json::other_error::create(501, "Pause out of range", &j);
    step = Pause{ms};
  } else if (kind == "Api") {
    step = ApiFrom(j);
  } else if (kind == "Submit") {
    step = Submit{j.at("Slow").get<bool>()};
  } else if (kind == "Await") {
    Await await{j.at("Job").get<int>(), Until::kFinished, j.at("MaxMs").get<std::int64_t>()};
    const std::string until = j.at("Until").get<std::string>();
    if (until == "running") {
      await.until = Until::kRunning;
    } else if (until != "finished") {
      throw json::other_error::create(501, "Until must be running or finished", &j);
    }
    if (await.job < 0 || await.max_ms < 0 || await.max_ms > 3600000)
      throw json::other_error::create(501, "Await out of range", &j);
    step = await;
  } else if (kind == "Batch") {
    Batch batch;
    for (const json& thread : j.at("Threads")) {
      std::vector<ApiCall> calls;
      for (const json& call : thread) calls.push_back(ApiFrom(call));
      batch.threads.push_back(std::move(calls));
    }
    if (batch.threads.size() > 64) throw json::other_error::create(501, "at most 64 threads", &j);
    step = std::move(batch);
  } else if (kind == "SameInStyles") {
    step = SameInStyles{RequestFrom(j), StyleFrom(j.at("First").at("Style")),
                        EncodingFrom(j.at("First").at("Encoding")),
                        StyleFrom(j.at("Second").at("Style")),
                        EncodingFrom(j.at("Second").at("Encoding"))};
  } else {
    throw json::other_error::create(501, "unknown step kind " + kind, &j);
  }
}

}  // namespace dj::run
