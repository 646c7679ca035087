// Reproduction scripts (repro.h): a fixed bash library (signing, sending, the control extension,
// the Driver's probes), then one commented block per step. Every request is laid out here as
// protocol::Encode lays it out for the Driver's EncodeCall; only the parts that change per run
// (timestamp, nonce, credentials, signature) are left as placeholders for the script to fill in.
#include "harness/runner/repro.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include "harness/protocol/url.h"
#include "harness/runner/driver_util.h"
#include "models/job_id.h"

namespace dj::run {
namespace {

using nlohmann::json;
using protocol::Style;

// What the Driver plants for each wire fault: the same values (steps.h).
using planted::kCanaryId;
using planted::kUnknownSecretId;
// The longest path and query the script gives curl in its config file (DJ_CURL_URL_LIMIT).
constexpr std::size_t kCurlUrlLimit = 100000;

// ----- shell text -----

// 'text' for bash (nothing inside is expanded). A NUL cannot be part of a bash word: callers pass
// bytes that may hold one through PercentB instead.
std::string Quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\0') continue;
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// A word bare when that is plainly safe, quoted otherwise.
std::string Word(std::string_view text) {
  bool bare = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-._/:,+@%").find(c) != std::string_view::npos;
  });
  return bare ? std::string(text) : Quote(text);
}

// Bytes in the notation of bash's printf %b, without quotes: printable ASCII stays, a backslash
// is doubled, the single quote and every other byte become \xHH. With `braces`, '{' becomes \x7B
// too, so that the only braces left in a v1 template are its placeholders.
std::string PercentB(std::string_view bytes, bool braces) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (u >= 0x20 && u < 0x7f && c != '\'' && !(braces && c == '{')) {
      out += c;
    } else {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

// Bytes as one single-quoted printf %b argument (PercentB never leaves a quote in it).
std::string BytesArg(std::string_view bytes, bool braces = false) {
  return "'" + PercentB(bytes, braces) + "'";
}

// A comment line: control characters shown as '?', so a newline cannot end the comment.
std::string CommentText(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return out;
}

std::string DumpJson(const json& v) {  // as codec.cc and driver.cc dump a body
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

// ----- one API request, as the Driver encodes it -----

struct Planned {
  protocol::Call call;
  Style style = Style::kApi3Post;
  protocol::PercentEncoding encoding;
  bool reverse_order = false;
  protocol::SignatureMethod signature_method = protocol::SignatureMethod::kHmacSha256;
  bool send_signature_method = true;
  std::string ts_offset;  // bash arithmetic on $margin; "" = now
  bool wrong_key = false;
  bool unknown_secret_id = false;
  bool no_authorization = false;
  std::optional<std::string> authorization;
  bool local_date = false;
  bool tamper = false;
  std::optional<std::string> http_method;
  std::optional<std::string> raw_body;  // v3 POST
  std::size_t pad_to = 0;               // oversize: the JSON padded with spaces (or cut) to this
};

// The Driver's request (Plant, steps.h), with the timestamp left to the script.
Planned Plan(const ApiCall& a, const std::string& region) {
  Planted planted = Plant(a, region, /*margin=*/0);  // the script applies $margin itself
  const protocol::EncodeOptions& o = planted.options;
  Planned p;
  p.call = planted.call;
  p.style = o.style;
  p.encoding = o.encoding;
  p.reverse_order = o.reverse_param_order;
  p.signature_method = o.signature_method;
  p.send_signature_method = o.send_signature_method;
  p.wrong_key = o.faults.wrong_key;
  p.unknown_secret_id = planted.unknown_secret_id;
  p.no_authorization = o.faults.omit_signature;
  p.authorization = o.faults.authorization;
  p.local_date = o.faults.local_date;
  p.tamper = o.faults.tamper_after_signing;
  p.http_method = o.faults.method;
  p.raw_body = o.faults.raw_body;
  switch (a.fault) {
    case WireFault::kTimestampInsidePast:
      p.ts_offset = "$((margin - 300))";
      break;
    case WireFault::kTimestampInsideFuture:
      p.ts_offset = "$((300 - margin))";
      break;
    case WireFault::kTimestampOutsidePast:
      p.ts_offset = "$((-300 - margin))";
      break;
    case WireFault::kTimestampOutsideFuture:
      p.ts_offset = "$((300 + margin))";
      break;
    case WireFault::kOversize:
      // The script pads the JSON itself rather than carrying 10 MB of spaces.
      p.raw_body = DumpJson(planted.call.params);
      p.pad_to = protocol::kV3PostLimitBytes + 1;
      break;
    default:
      if (planted.timestamp_shift != 0) p.ts_offset = std::to_string(planted.timestamp_shift);
      break;
  }
  return p;
}

// One option of v3_call / v1_call, on its own continued line.
void Opt(std::string& out, std::string_view indent, std::string_view name, std::string_view value) {
  out += " \\\n";
  out += indent;
  out += "    ";
  out += name;
  if (!value.empty()) {
    out += '=';
    out += value;
  }
}

void EmitV3(std::string& out, std::string_view indent, const Planned& p) {
  const protocol::Call& c = p.call;
  bool post = p.style == Style::kApi3Post;
  out += indent;
  out += "v3_call";
  Opt(out, indent, "method", post ? "POST" : "GET");
  if (p.http_method) Opt(out, indent, "send-method", Word(*p.http_method));
  Opt(out, indent, "content-type", post ? "application/json" : "application/x-www-form-urlencoded");
  if (c.action) Opt(out, indent, "action", Word(*c.action));
  if (c.version) Opt(out, indent, "version", Word(*c.version));
  if (c.region) Opt(out, indent, "region", Word(*c.region));
  if (p.unknown_secret_id) Opt(out, indent, "secret-id", Word(kUnknownSecretId));
  if (p.wrong_key) Opt(out, indent, "key", "wrong");
  if (p.authorization) {
    Opt(out, indent, "authorization", Quote(*p.authorization));
  } else if (p.no_authorization) {
    Opt(out, indent, "no-authorization", "");
  }
  if (!p.ts_offset.empty()) Opt(out, indent, "ts-offset", p.ts_offset);
  if (p.local_date) Opt(out, indent, "local-date", "");
  if (p.tamper) Opt(out, indent, "tamper", "");
  if (post) {
    if (p.pad_to > 0) Opt(out, indent, "pad-to", std::to_string(p.pad_to));
    Opt(out, indent, "body", BytesArg(p.raw_body ? *p.raw_body : DumpJson(c.params)));
  } else {
    std::string query = protocol::FormatForm(protocol::FlattenParams(c.params), p.encoding);
    if (query.size() + 2 > kCurlUrlLimit) {
      // The script sends it with curl -G, which lower-cases the escapes: sign what is sent.
      for (std::size_t i = 0; i + 2 < query.size(); ++i) {
        if (query[i] != '%') continue;
        for (std::size_t k = i + 1; k <= i + 2; ++k) {
          if (query[k] >= 'A' && query[k] <= 'F')
            query[k] = static_cast<char>(query[k] - 'A' + 'a');
        }
      }
      Opt(out, indent, "escapes", "lower");
    }
    if (!query.empty()) Opt(out, indent, "query", Quote(query));
  }
  out += "\n";
}

// A v1 parameter: its name and where its value comes from.
enum class V1Value : unsigned char { kStatic, kTimestamp, kNonce, kSecretId, kToken, kSignature };
struct V1Item {
  std::string name;
  V1Value kind = V1Value::kStatic;
  std::string value;  // kStatic
};

// The parameters joined as the script's templates: raw values in printf %b notation (`sign`,
// the signed source string), or percent-encoded (the query or form body sent).
std::string V1Template(const std::vector<V1Item>& items, bool sign,
                       const protocol::PercentEncoding& how, bool tamper) {
  auto text = [&](std::string_view s) {
    return sign ? PercentB(s, true) : protocol::PercentEncode(s, how);
  };
  std::string out;
  bool any = false;
  for (const V1Item& item : items) {
    if (item.kind == V1Value::kToken) {  // only with TENCENTCLOUD_SESSION_TOKEN
      out += any ? "{&TOKEN}" : "{TOKEN&}";
      continue;
    }
    if (any) out += '&';
    any = true;
    out += text(item.name);
    out += '=';
    switch (item.kind) {
      case V1Value::kStatic:
        out += text(item.value);
        break;
      case V1Value::kTimestamp:
        out += "{TIMESTAMP}";
        break;
      case V1Value::kNonce:
        out += !sign && tamper ? "{NONCE+1}" : "{NONCE}";
        break;
      case V1Value::kSecretId:
        out += "{SECRET_ID}";
        break;
      case V1Value::kSignature:
        out += "{SIGNATURE}";
        break;
      case V1Value::kToken:
        break;
    }
  }
  return out;
}

void EmitV1(std::string& out, std::string_view indent, const Planned& p) {
  const protocol::Call& c = p.call;
  bool post = p.style == Style::kFormPost;
  // The parameters in the order Encode adds them; sorting below is stable, as there.
  std::vector<V1Item> items;
  for (auto& [name, value] : protocol::FlattenParams(c.params)) {
    items.push_back({name, V1Value::kStatic, value});
  }
  if (c.action) items.push_back({"Action", V1Value::kStatic, *c.action});
  if (c.version) items.push_back({"Version", V1Value::kStatic, *c.version});
  if (c.region) items.push_back({"Region", V1Value::kStatic, *c.region});
  items.push_back({"Timestamp", V1Value::kTimestamp, ""});
  items.push_back({"Nonce", V1Value::kNonce, ""});
  if (p.unknown_secret_id) {
    items.push_back({"SecretId", V1Value::kStatic, std::string(kUnknownSecretId)});
  } else {
    items.push_back({"SecretId", V1Value::kSecretId, ""});
  }
  if (p.send_signature_method) {
    items.push_back({"SignatureMethod", V1Value::kStatic,
                     std::string(protocol::SignatureMethodName(p.signature_method))});
  }
  items.push_back({"Token", V1Value::kToken, ""});
  std::vector<V1Item> signed_items = items;
  std::stable_sort(signed_items.begin(), signed_items.end(),
                   [](const V1Item& a, const V1Item& b) { return a.name < b.name; });
  if (!p.no_authorization) items.push_back({"Signature", V1Value::kSignature, ""});
  std::stable_sort(items.begin(), items.end(), [&](const V1Item& a, const V1Item& b) {
    return p.reverse_order ? b.name < a.name : a.name < b.name;
  });
  protocol::SignatureMethod algo =
      p.send_signature_method ? p.signature_method : protocol::SignatureMethod::kHmacSha1;

  out += indent;
  out += "v1_call";
  Opt(out, indent, "method", post ? "POST" : "GET");
  if (p.http_method) Opt(out, indent, "send-method", Word(*p.http_method));
  Opt(out, indent, "algo", protocol::SignatureMethodName(algo));
  if (p.wrong_key) Opt(out, indent, "key", "wrong");
  if (!p.ts_offset.empty()) Opt(out, indent, "ts-offset", p.ts_offset);
  std::string flags;
  if (p.encoding.space_as_plus) flags = "plus";
  if (p.encoding.encode_unreserved) flags += flags.empty() ? "unreserved" : ",unreserved";
  if (!flags.empty()) Opt(out, indent, "encode", flags);
  Opt(out, indent, "sign", "'" + V1Template(signed_items, true, p.encoding, p.tamper) + "'");
  Opt(out, indent, "send", "'" + V1Template(items, false, p.encoding, p.tamper) + "'");
  out += "\n";
}

// The JobId the Driver's model could know (a job made through the control extension has a
// well-formed id), or "" when the request names none.
std::string KnownJob(const model::ApiRequest& request) {
  if (!request.params.is_object()) return "";
  auto it = request.params.find("JobId");
  if (it == request.params.end() || !it->is_string()) return "";
  const std::string& id = it->get_ref<const std::string&>();
  return model::IsWellFormedJobId(id) ? id : "";
}

// Sign and send one request (with the call's credential), and show the answer.
void EmitSend(std::string& out, const std::string& indent, const ApiCall& call, const Planned& p) {
  if (call.credential != 0) {
    out += indent + "use_credential " + std::to_string(call.credential + 1) + "\n";
  }
  if (protocol::IsV3(p.style)) {
    EmitV3(out, indent, p);
  } else {
    EmitV1(out, indent, p);
  }
  if (call.credential != 0) out += indent + "use_credential 1\n";
}

// A concurrent batch: one function per thread, run together in the background, then a
// DescribeJob of every job the batch named (what the harness checks its calls against).
void EmitBatch(std::string& out, const Batch& batch, const ReproTarget& target) {
  std::string threads;
  std::vector<std::string> jobs;
  auto note_job = [&jobs](const std::string& job) {
    if (!job.empty() && std::find(jobs.begin(), jobs.end(), job) == jobs.end()) {
      jobs.push_back(job);
    }
  };
  for (std::size_t t = 0; t < batch.threads.size(); ++t) {
    if (batch.threads[t].empty()) continue;
    std::string n = std::to_string(t + 1);
    threads += " " + n;
    out += "batch_thread_" + n + "() {\n";
    for (const ApiCall& call : batch.threads[t]) {
      out += "  printf -- '-- thread " + n + ": %s\\n' " +
             Quote(CommentText(Describe(Step(call)))) + "\n";
      EmitSend(out, "  ", call, Plan(call, target.region));
      note_job(KnownJob(call.request));
      if (call.request.action == model::Action::kDescribeJobs &&
          call.request.params.contains("JobIds") && call.request.params["JobIds"].is_array()) {
        for (const auto& id : call.request.params["JobIds"]) {
          if (id.is_string()) note_job(id.get<std::string>());
        }
      }
    }
    out += "}\n";
  }
  if (threads.empty()) return;
  out += "run_batch" + threads + "\n";
  out += "after_batch";
  for (const std::string& job : jobs) out += " " + Word(job);
  out += "\n";
}

// One API request with the Driver's look-before-delete, pacing and probes. `capture` names a
// variable that receives the outcome (for SameInStyles), or is empty.
void EmitCall(std::string& out, const ApiCall& call, const ReproTarget& target,
              std::string_view capture) {
  Planned p = Plan(call, target.region);
  std::string action(model::ActionName(call.request.action));
  std::string job = KnownJob(call.request);
  bool guarded = call.request.action == model::Action::kDeleteJob && !job.empty();
  std::string indent = guarded ? "  " : "";
  if (guarded) out += "if may_delete " + Word(job) + "; then\n";
  if (int limit = model::LimitOf(target.limits, call.request.action); limit > 0 && call.paced) {
    out += indent + "pace " + action + " " + std::to_string(limit) + "\n";
  }
  EmitSend(out, indent, call, p);
  if (!capture.empty()) out += indent + std::string(capture) + "=$outcome\n";
  bool faulty = ExpectedClause(call.fault, call.style).has_value();
  out += indent + "after_call " + action + " " + (faulty ? "1" : "0") + " " +
         (job.empty() ? "''" : Word(job)) + "\n";
  if (guarded) out += "fi\n";
}

void EmitStep(std::string& out, std::size_t number, const Step& step, const ReproTarget& target) {
  std::string n = std::to_string(number);
  std::string text = CommentText(Describe(step));
  out += "\n# ---- step " + n + ": " + text + "\n";
  if (const auto* api = std::get_if<ApiCall>(&step); api && api->fault != WireFault::kNone) {
    out += "# Planted wire fault: " + std::string(WireFaultName(api->fault)) + ".";
    if (auto clause = ExpectedClause(api->fault, api->style)) {
      out += " The harness expects " + model::ToString(model::Canonical(*clause)) + " (" +
             std::string(model::ClauseId(*clause)) + ")";
      const std::vector<model::Outcome>& lenient = model::Info(*clause).lenient;
      if (!lenient.empty() && lenient.front().kind != model::OutcomeKind::kAsIfValid) {
        out += "; its lenient profile also allows " + AllowedText(lenient);
      }
      out += ".";
    } else {
      out += " The request is still valid.";
    }
    out += "\n";
  }
  out += "step " + n + " " + Quote(text) + "\n";
  struct Visitor {
    std::string& out;
    const ReproTarget& target;
    void operator()(const CreateJob& s) const {
      out += "create_job " + Word(s.job.id) + " " +
             BytesArg(DumpJson(model::ToControlJson(s.job))) + "\n";
    }
    void operator()(const AdvanceClock& s) const {
      out += "advance_clock " + std::to_string(s.ms) + "\n";
    }
    void operator()(const Pause& s) const { out += "wait_ms " + std::to_string(s.ms) + "\n"; }
    // Jobs of the run's own live on a target without control: the script cannot make them the
    // same again, so it says so and goes on (`djharness replay` can run such a history).
    void operator()(const Submit&) const { out += NotScripted(); }
    void operator()(const Await&) const { out += NotScripted(); }
    static std::string NotScripted() {
      return "printf '   not scripted: a job of the run'\''s own (djharness replay runs "
             "it)\n'\n";
    }
    void operator()(const Batch& s) const { EmitBatch(out, s, target); }
    void operator()(const ApiCall& s) const { EmitCall(out, s, target, ""); }
    void operator()(const SameInStyles& s) const {
      out += "first='' second=''\n";
      EmitCall(out, ApiCall{s.request, s.first, s.first_encoding, WireFault::kNone}, target,
               "first");
      EmitCall(out, ApiCall{s.request, s.second, s.second_encoding, WireFault::kNone}, target,
               "second");
      out += "same_outcome \"$first\" \"$second\"\n";
    }
  };
  std::visit(Visitor{out, target}, step);
}

// The library every script holds: settings from the environment, then the functions the steps
// call. It reads recorded_target, recorded_control, control_token_needed, region, api_version,
// service, curl_url_limit and canary, which the script sets before it.
constexpr std::string_view kLibrary = R"bash(
set -u
export LC_ALL=C TZ=UTC0
shopt -u patsub_replacement 2>/dev/null || true

usage_error() {
  printf 'repro: %s\n' "$*" >&2
  exit 2
}

if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then
  usage_error "bash 4.4 or newer is required (this is $BASH_VERSION)"
fi
for tool in curl openssl head mktemp rm; do
  command -v "$tool" >/dev/null 2>&1 || usage_error "required tool not found: $tool"
done
if [[ -z ${TENCENTCLOUD_SECRET_ID:-} || -z ${TENCENTCLOUD_SECRET_KEY:-} ]]; then
  usage_error "set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (and TENCENTCLOUD_SESSION_TOKEN for temporary credentials): this script reads credentials from the environment only, never from a tccli profile"
fi
if ((second_credential_needed)) && [[ -z ${TENCENTCLOUD_SECRET_ID_2:-} || -z ${TENCENTCLOUD_SECRET_KEY_2:-} ]]; then
  usage_error "this history signs some requests with a second credential: set TENCENTCLOUD_SECRET_ID_2 and TENCENTCLOUD_SECRET_KEY_2 too"
fi
# use_credential N: sign what follows with credential N (1: TENCENTCLOUD_SECRET_ID, 2:
# TENCENTCLOUD_SECRET_ID_2), as the harness does for one credential's traffic against another's.
# Each has its own session token: TENCENTCLOUD_SESSION_TOKEN, or tccli's TENCENTCLOUD_TOKEN (with
# the suffix _2 for the second).
use_credential() {
  if [[ $1 == 2 ]]; then
    secret_id=$TENCENTCLOUD_SECRET_ID_2 secret_key=$TENCENTCLOUD_SECRET_KEY_2
    token=${TENCENTCLOUD_SESSION_TOKEN_2:-${TENCENTCLOUD_TOKEN_2:-}}
  else
    secret_id=$TENCENTCLOUD_SECRET_ID secret_key=$TENCENTCLOUD_SECRET_KEY
    token=${TENCENTCLOUD_SESSION_TOKEN:-${TENCENTCLOUD_TOKEN:-}}
  fi
}
use_credential 1

# run_batch THREAD...: a concurrent batch. Each thread's function runs in the background in a
# scratch directory of its own; all wait at a start gate, then go together. Their output is
# printed thread by thread once all are done. Whether calls overlap is up to the scheduler:
# a race the harness saw may need a few runs of this script to show again.
run_batch() {
  local t gate="$work/go" pids=()
  rm -f "$gate"
  for t in "$@"; do
    (
      out="$work/thread-$t.out"
      work=$(mktemp -d "$work/thread-$t.XXXXXX") || exit 2
      until [[ -e $gate ]]; do sleep 0.002; done
      "batch_thread_$t" >"$out" 2>&1
    ) &
    pids+=($!)
  done
  sleep 0.2
  : >"$gate"
  wait "${pids[@]}"
  for t in "$@"; do
    cat "$work/thread-$t.out"
  done
}

# after_batch JOBID...: what each job is once every call of the batch is answered; the harness
# checks the batch's calls against the model from there, and so follows what it finds.
after_batch() {
  local id
  for id in "$@"; do
    probe "DescribeJob $id after the batch" DescribeJob "{\"JobId\":\"$id\"}"
    if [[ $outcome == ResourceNotFound.Job ]]; then
      unset 'live[$id]'
      gone[$id]=1
    elif [[ $outcome == success ]]; then
      live[$id]=1
      unset 'gone[$id]'
    fi
  done
}

# wait_ms N: a rate-limit schedule's gap, in real time.
wait_ms() {
  sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"
}
target=${DJ_TARGET:-$recorded_target}
target=${target%/}
case $target in
  http://?* | https://?*) ;;
  *) usage_error "DJ_TARGET must be an http:// or https:// URL, not '$target'" ;;
esac
case $recorded_control in
  same) control_target=${DJ_CONTROL_TARGET:-$target} ;;
  none) control_target=${DJ_CONTROL_TARGET:-} ;;
  *) control_target=${DJ_CONTROL_TARGET:-$recorded_control} ;;
esac
control_target=${control_target%/}
# Plain http only to a loopback address, as the harness: every request carries the SecretId (and
# any session token) in clear text. DJ_INSECURE_HTTP=1 allows it, as --insecure-http does.
for url in "$target" $control_target; do
  [[ $url == http://* && ${DJ_INSECURE_HTTP:-0} != 1 ]] || continue
  authority=${url#http://}
  authority=${authority%%/*}
  if [[ $authority == \[* ]]; then
    url_host=${authority%%]*}
    url_host=${url_host#\[}
  else
    url_host=${authority%%:*}
  fi
  if ! [[ $url_host == localhost || $url_host == ::1 ||
          $url_host =~ ^(::ffff:)?127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]]; then
    usage_error "plain http to $url_host, which is not a loopback address, would carry credentials in clear text: use https (or DJ_INSECURE_HTTP=1 on a network you trust)"
  fi
done
DJ_CONTROL_TOKEN=${DJ_CONTROL_TOKEN:-${DJHARNESS_CONTROL_TOKEN:-}}
if [[ -n $control_target && $control_token_needed == 1 && -z $DJ_CONTROL_TOKEN ]]; then
  usage_error "the control extension of this target needs a token: set DJ_CONTROL_TOKEN"
fi
if [[ -z $control_target ]]; then
  command -v sleep >/dev/null 2>&1 || usage_error "required tool not found: sleep"
fi
margin=${DJ_TIMESTAMP_MARGIN:-5}
[[ $margin =~ ^[0-9]+$ ]] || usage_error "DJ_TIMESTAMP_MARGIN must be a whole number of seconds"
max_time=${DJ_MAX_TIME:-60}
[[ $max_time =~ ^[1-9][0-9]*$ ]] || usage_error "DJ_MAX_TIME must be a positive number of seconds"
long_query=${DJ_CURL_URL_LIMIT:-$curl_url_limit}
[[ $long_query =~ ^[0-9]+$ ]] || usage_error "DJ_CURL_URL_LIMIT must be a number of bytes"

work=$(mktemp -d "${TMPDIR:-/tmp}/djrepro.XXXXXX") || usage_error "cannot make a temporary directory"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

# host_of URL: the Host header sent and signed for URL (without the port when it is the
# scheme's default), in REPLY.
host_of() {
  local authority=${1#*://}
  authority=${authority%%/*}
  case $1 in
    http://*) authority=${authority%:80} ;;
    https://*) authority=${authority%:443} ;;
  esac
  REPLY=$authority
}
host_of "$target"
host=$REPLY

declare -A live=() gone=() next_at=()
outcome=''
status=''

# ----- time, hashes, signatures -----

now_seconds() { printf -v REPLY '%(%s)T' -1; }
utc_date() { printf -v REPLY '%(%Y-%m-%d)T' "$1"; }  # TZ is UTC0

# sha256_file FILE: lower-case hex SHA-256 of the file, in REPLY.
sha256_file() {
  local out
  out=$(openssl dgst -sha256 <"$1") || return 1
  REPLY=${out##* }
}

# hmac_hex HEXKEY TEXT: lower-case hex HMAC-SHA256 with a binary key, in REPLY.
hmac_hex() {
  local out
  out=$(printf '%s' "$2" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$1") || return 1
  REPLY=${out##* }
}

# tc3_signature KEY DATE STRING_TO_SIGN: the TC3-HMAC-SHA256 signature (facts §3a), in REPLY.
tc3_signature() {
  local out k
  out=$(printf '%s' "$2" | openssl dgst -sha256 -hmac "TC3$1") || return 1
  k=${out##* }
  hmac_hex "$k" "$service" && k=$REPLY
  hmac_hex "$k" tc3_request && k=$REPLY
  hmac_hex "$k" "$3"
}

# hmac_base64 HmacSHA1|HmacSHA256 KEY FILE: a v1 signature (facts §3b), on stdout.
hmac_base64() {
  local digest=sha1
  [[ $1 == HmacSHA256 ]] && digest=sha256
  openssl dgst "-$digest" -hmac "$2" -binary <"$3" | openssl base64 -A
}

# urlencode TEXT [FLAGS]: percent-encoding as the harness does it, in REPLY: letters and digits
# stay, so do "-._~" unless FLAGS holds "unreserved", a space is "+" when FLAGS holds "plus",
# every other byte is %XX (upper-case hex).
urlencode() {
  local s=$1 flags=${2:-} out='' c v i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9]) out+=$c; continue ;;
      [-._~]) if [[ $flags != *unreserved* ]]; then out+=$c; continue; fi ;;
      ' ') if [[ $flags == *plus* ]]; then out+='+'; continue; fi ;;
    esac
    printf -v v '%d' "'$c"
    printf -v c '%%%02X' $((v & 255))
    out+=$c
  done
  REPLY=$out
}

# b_escape TEXT: TEXT in printf %b notation for a v1 template (backslash doubled, '{' escaped).
b_escape() {
  local bs='\' s
  s=${1//"$bs"/"$bs$bs"}
  REPLY=${s//'{'/'\x7B'}
}

# ----- sending -----

# http_send METHOD BASE PATH BODY_FILE HEADER...: one request with curl; sets status and rc.
# Headers and the URL go through files, so that no header or parameter is on a command line.
# curl reads a URL of at most 100 KB from a file: a longer query (always over the 32 KB GET limit)
# goes with curl -G, which writes its %XX escapes in lower case (see lower_escapes).
http_send() {
  local method=$1 base=$2 path=$3 body_file=$4
  shift 4
  printf '%s\n' "$@" >"$work/headers"
  # A PUT without a body says so, as the harness's HTTP client does (a server would wait for one).
  if [[ -z $body_file && $method =~ ^(POST|PUT|PATCH)$ ]]; then
    printf 'Content-Length: 0\n' >>"$work/headers"
  fi
  local args=(-sS --noproxy '*' --max-time "$max_time" --globoff -o "$work/answer"
              -w '%{http_code}' -X "$method" -H "@$work/headers")
  if ((${#path} > long_query)); then
    printf '%s' "${path#*\?}" >"$work/query"
    args+=(-G --data-binary "@$work/query" "$base/")
  else
    printf 'url = "%s%s"\n' "$base" "$path" >"$work/curl.conf"
    args+=(-K "$work/curl.conf")
  fi
  [[ -n $body_file ]] && args+=(--data-binary "@$body_file")
  : >"$work/answer"
  status=$(curl "${args[@]}")
  rc=$?
}

# lower_escapes TEXT: TEXT with the hex digits of its %XX escapes in lower case, in REPLY: what
# curl -G sends, and so what an API 3.0 GET with a very long query must sign.
lower_escapes() {
  local s=$1 d h
  for h in A B C D E F; do s=${s//"%$h"/"%${h,,}"}; done
  for d in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do
    for h in A B C D E F; do s=${s//"%$d$h"/"%$d${h,,}"}; done
  done
  REPLY=$s
}

# show_answer: print the HTTP status, the body and "outcome: ..." (success, the error code,
# "HTTP <status>" for any status but 200, or "no answer"); sets outcome.
show_answer() {
  local body='' rest
  if ((rc != 0)); then
    outcome="no answer (curl exit $rc)"
  else
    IFS= read -r -d '' -n 65536 body <"$work/answer" || true
    printf 'HTTP %s\n' "$status"
    cat "$work/answer"
    printf '\n'
    if [[ $status != 200 ]]; then
      outcome="HTTP $status"
    elif [[ $body =~ \"Error\"[[:space:]]*:[[:space:]]*\{(.*) ]]; then
      rest=${BASH_REMATCH[1]}
      outcome='unreadable answer'
      [[ $rest =~ \"Code\"[[:space:]]*:[[:space:]]*\"([^\"]*)\" ]] && outcome=${BASH_REMATCH[1]}
    elif [[ $body =~ ^[[:space:]]*\{[[:space:]]*\"Response\"[[:space:]]*:[[:space:]]*\{ ]]; then
      outcome=success
    else
      outcome='unreadable answer'
    fi
  fi
  printf '%s\n' "${outcome_prefix:-}outcome: $outcome"
}

# header NAME VALUE: add a header line to the caller's hdr array (an empty value as "NAME;").
header() {
  if [[ -n $2 ]]; then hdr+=("$1: $2"); else hdr+=("$1;"); fi
}

# v3_call OPTION...: sign (TC3-HMAC-SHA256) and send an API 3.0 request, then show the answer.
#   method=POST|GET          the style's method, which is signed
#   send-method=M            send with this HTTP method instead (after signing)
#   content-type=T           sent and signed
#   action= version= region= the X-TC-* common headers; an absent option sends no header
#   body=BYTES               POST body in printf %b notation; pad-to=N pads it with spaces to N
#                            bytes (or cuts it there)
#   query=TEXT               GET query, already percent-encoded, signed as sent; escapes=lower
#                            says its %XX escapes are in lower case already (see http_send)
#   secret-id=ID             sign as ID instead of $TENCENTCLOUD_SECRET_ID
#   key=wrong                sign with a key that is not the secret key
#   authorization=TEXT       send this Authorization verbatim; no-authorization sends none
#   ts-offset=S              X-TC-Timestamp is now + S seconds
#   local-date               the credential date of a client with a local-time bug: the day in
#                            UTC+8, or in UTC+14 or UTC-12 when UTC+8 has the UTC day (codec.cc)
#   tamper                   after signing, the body gains a space (POST) or the Content-Type
#                            gains "; charset=utf-8" (GET)
v3_call() {
  local method=POST send_method='' ctype='' query='' body='' pad_to='' id=$secret_id
  local key=$secret_key auth=sign auth_text='' ts_offset=0 local_date=0 tamper=0 lowered=0
  local hdr=("Host: $host") common=() arg
  for arg in "$@"; do
    case $arg in
      method=*) method=${arg#*=} ;;
      send-method=*) send_method=${arg#*=} ;;
      content-type=*) ctype=${arg#*=} ;;
      action=*) common+=("X-TC-Action" "${arg#*=}") ;;
      version=*) common+=("X-TC-Version" "${arg#*=}") ;;
      region=*) common+=("X-TC-Region" "${arg#*=}") ;;
      body=*) body=${arg#*=} ;;
      pad-to=*) pad_to=${arg#*=} ;;
      query=*) query=${arg#*=} ;;
      escapes=lower) lowered=1 ;;
      secret-id=*) id=${arg#*=} ;;
      key=wrong) key="$secret_key-not-the-key" ;;
      authorization=*) auth=text auth_text=${arg#*=} ;;
      no-authorization) auth=none ;;
      ts-offset=*) ts_offset=${arg#*=} ;;
      local-date) local_date=1 ;;
      tamper) tamper=1 ;;
      *) usage_error "v3_call: unknown option $arg" ;;
    esac
  done
  : >"$work/body"
  if [[ $method == POST && -n $pad_to ]]; then
    { printf '%b' "$body"; printf '%*s' "$pad_to" ''; } | head -c "$pad_to" >"$work/body"
  elif [[ $method == POST ]]; then
    printf '%b' "$body" >"$work/body"
  fi
  local ts date payload canonical signature sent_ctype=$ctype i
  if ((${#query} + 2 > long_query && !lowered)); then
    lower_escapes "$query"
    query=$REPLY
  fi
  now_seconds
  ts=$((REPLY + ts_offset))
  utc_date "$ts"
  date=$REPLY
  if ((local_date)); then
    local offset
    for offset in 28800 50400 -43200; do
      utc_date $((ts + offset))
      [[ $REPLY != "$date" ]] && break
    done
    date=$REPLY
  fi
  sha256_file "$work/body"
  payload=$REPLY
  printf '%s\n/\n%s\ncontent-type:%s\nhost:%s\n\ncontent-type;host\n%s' \
    "$method" "$query" "${ctype,,}" "${host,,}" "$payload" >"$work/canonical"
  sha256_file "$work/canonical"
  canonical=$REPLY
  tc3_signature "$key" "$date" "TC3-HMAC-SHA256"$'\n'"$ts"$'\n'"$date/$service/tc3_request"$'\n'"$canonical"
  signature=$REPLY
  if ((tamper)); then
    if [[ $method == POST ]]; then printf ' ' >>"$work/body"; else sent_ctype="$ctype; charset=utf-8"; fi
  fi
  header Content-Type "$sent_ctype"
  for ((i = 0; i < ${#common[@]}; i += 2)); do header "${common[i]}" "${common[i + 1]}"; done
  header X-TC-Timestamp "$ts"
  [[ -n $token ]] && header X-TC-Token "$token"
  case $auth in
    sign) header Authorization "TC3-HMAC-SHA256 Credential=$id/$date/$service/tc3_request, SignedHeaders=content-type;host, Signature=$signature" ;;
    text) header Authorization "$auth_text" ;;
  esac
  if [[ $method == POST ]]; then
    http_send "${send_method:-POST}" "$target" / "$work/body" "${hdr[@]}"
  else
    http_send "${send_method:-GET}" "$target" "/${query:+?$query}" '' "${hdr[@]}"
  fi
  show_answer
}

# v1_call OPTION...: sign (signature v1) and send a query-style GET or a form POST, then show
# the answer.
#   method=GET|POST            the style's method, which is signed
#   send-method=M              send with this HTTP method instead (after signing)
#   algo=HmacSHA1|HmacSHA256   the HMAC
#   key=wrong                  sign with a key that is not the secret key
#   ts-offset=S                Timestamp is now + S seconds
#   encode=plus,unreserved     how the run-time values are percent-encoded (as the static ones)
#   sign=TEMPLATE              the parameters as signed: sorted by name, raw values, in printf %b
#                              notation
#   send=TEMPLATE              the query or form body as sent, percent-encoded, in the order sent
# Template placeholders: {TIMESTAMP} {NONCE} {NONCE+1} (a nonce changed after signing)
# {SECRET_ID} {SIGNATURE}, and {&TOKEN} / {TOKEN&}: "&Token=..." / "Token=...&" when
# TENCENTCLOUD_SESSION_TOKEN is set, nothing otherwise.
v1_call() {
  local method=GET send_method='' algo=HmacSHA1 key=$secret_key ts_offset=0 flags='' arg
  local sign='' send=''
  for arg in "$@"; do
    case $arg in
      method=*) method=${arg#*=} ;;
      send-method=*) send_method=${arg#*=} ;;
      algo=*) algo=${arg#*=} ;;
      key=wrong) key="$secret_key-not-the-key" ;;
      ts-offset=*) ts_offset=${arg#*=} ;;
      encode=*) flags=${arg#*=} ;;
      sign=*) sign=${arg#*=} ;;
      send=*) send=${arg#*=} ;;
      *) usage_error "v1_call: unknown option $arg" ;;
    esac
  done
  local ts nonce signature text hdr=("Host: $host")
  now_seconds
  ts=$((REPLY + ts_offset))
  nonce=$(((RANDOM << 15 | RANDOM) + 1))
  b_escape "$secret_id"
  text=${sign//'{SECRET_ID}'/"$REPLY"}
  text=${text//'{TIMESTAMP}'/"$ts"}
  text=${text//'{NONCE}'/"$nonce"}
  if [[ -n $token ]]; then
    b_escape "$token"
    text=${text//'{&TOKEN}'/"&Token=$REPLY"}
    text=${text//'{TOKEN&}'/"Token=$REPLY&"}
  else
    text=${text//'{&TOKEN}'/}
    text=${text//'{TOKEN&}'/}
  fi
  { printf '%s%s/?' "$method" "$host"; printf '%b' "$text"; } >"$work/source"
  signature=$(hmac_base64 "$algo" "$key" "$work/source")
  urlencode "$secret_id" "$flags"
  text=${send//'{SECRET_ID}'/"$REPLY"}
  urlencode "$signature" "$flags"
  text=${text//'{SIGNATURE}'/"$REPLY"}
  text=${text//'{TIMESTAMP}'/"$ts"}
  text=${text//'{NONCE+1}'/"$((nonce + 1))"}
  text=${text//'{NONCE}'/"$nonce"}
  if [[ -n $token ]]; then
    urlencode "$token" "$flags"
    text=${text//'{&TOKEN}'/"&Token=$REPLY"}
    text=${text//'{TOKEN&}'/"Token=$REPLY&"}
  else
    text=${text//'{&TOKEN}'/}
    text=${text//'{TOKEN&}'/}
  fi
  if [[ $method == POST ]]; then
    printf '%s' "$text" >"$work/body"
    header Content-Type application/x-www-form-urlencoded
    http_send "${send_method:-POST}" "$target" / "$work/body" "${hdr[@]}"
  else
    http_send "${send_method:-GET}" "$target" "/${text:+?$text}" '' "${hdr[@]}"
  fi
  show_answer
}

# ----- the control extension (target-contract §2) -----

# control PATH JSON: POST /_conformance/PATH with the JSON (printf %b notation). The history
# cannot go on without it: a failure ends the script (exit 3), as it ends the harness's run.
control() {
  if [[ -z $control_target ]]; then
    printf 'repro: this step needs the conformance control extension: set DJ_CONTROL_TARGET\n' >&2
    exit 3
  fi
  printf '%b' "$2" >"$work/control-body"
  host_of "$control_target"
  local hdr=("Host: $REPLY" "Content-Type: application/json")
  [[ $control_token_needed == 1 ]] && hdr+=("X-Conformance-Token: $DJ_CONTROL_TOKEN")
  http_send POST "$control_target" "/_conformance/$1" "$work/control-body" "${hdr[@]}"
  if ((rc != 0)); then
    printf 'repro: the control request %s got no answer (curl exit %s)\n' "$1" "$rc" >&2
    exit 3
  fi
  printf 'control %s: HTTP %s %s\n' "$1" "$status" "$(head -c 2000 "$work/answer")"
  if [[ $status != 200 ]]; then
    printf 'repro: the control request %s was refused (HTTP %s): the history cannot go on\n' "$1" "$status" >&2
    exit 3
  fi
}

# create_job JOBID JSON: make the job exactly as described; the harness now knows it.
create_job() {
  control jobs "$2"
  live[$1]=1
  unset 'gone[$1]'
}

advance_clock() { control clock "{\"AdvanceMs\":$1}"; }

# ----- what the harness does around each request (driver.cc) -----

step() { printf '\n== step %s: %s\n' "$1" "$2"; }

# probe LABEL ACTION JSON: one of the harness's own read-only requests (api3-post, no fault).
probe() {
  local outcome_prefix='probe '
  printf -- '-- probe: %s\n' "$1"
  v3_call method=POST content-type=application/json action="$2" version="$api_version" \
    region="$region" body="$3"
}

# may_delete JOBID: without the control extension the harness never deletes a well-formed id
# it did not create unless it has seen that id answered ResourceNotFound.Job
# (target-contract §4): it looks first, and any other answer stops the delete.
may_delete() {
  [[ -n $control_target || -n ${live[$1]:-} ]] && return 0
  probe "lookup before deleting $1" DescribeJob "{\"JobId\":\"$1\"}"
  if [[ $outcome != ResourceNotFound.Job ]]; then
    printf 'the delete is not sent: the id'"'"'s absence is unproven\n'
    return 1
  fi
  return 0
}

# pace ACTION LIMIT: without the control extension the harness keeps a rate-limited action
# under its limit (LIMIT requests per 1.11 s); with it the target's rate clock is virtual.
pace() {
  [[ -z $control_target ]] || return 0
  local gap=$((1111111 / $2)) now wait
  if [[ -n ${EPOCHREALTIME:-} ]]; then
    now=${EPOCHREALTIME/[.,]/}
    wait=$((${next_at[$1]:-0} - now))
    if ((wait > 0)); then
      sleep "$((wait / 1000000)).$(printf '%06d' $((wait % 1000000)))"
      now=$((now + wait))
    fi
    next_at[$1]=$((now + gap))
  else
    sleep "$((gap / 1000000)).$(printf '%06d' $((gap % 1000000)))"
  fi
}

# after_call ACTION FAULTY JOBID: the harness's model follows the answer (a job it deleted is
# gone) and it probes the target: the job is unchanged after a refusal, the target still
# answers after a faulty request, the other jobs are untouched after a deletion.
after_call() {
  local action=$1 faulty=$2 job=$3 answered=$outcome known=0 id i j ids=() list=''
  if [[ $answered == 'no answer'* ]]; then
    # A timeout (curl exit 28), an empty reply to the whole request (52) or an answer that is
    # not HTTP (8) shows a fault by itself; any other failure may be a front end refusing the
    # request by closing the connection, and the canary decides (ROB-1).
    case $rc in
      8 | 28 | 52) ;;
      *) [[ -n ${live[$canary]:-} ]] ||
        probe "canary DescribeJob $canary after no answer" DescribeJob "{\"JobId\":\"$canary\"}" ;;
    esac
    outcome=$answered
    return 0
  fi
  [[ -n $job && -n ${live[$job]:-} ]] && known=1
  if [[ $answered == success && $known == 1 && $action == DeleteJob ]]; then
    unset 'live[$job]'
    gone[$job]=1
    known=0
  fi
  if [[ $answered != success && $known == 1 && ($action == DeleteJob || $faulty == 1) ]]; then
    probe "DescribeJob $job is unchanged" DescribeJob "{\"JobId\":\"$job\"}"
  elif [[ $faulty == 1 && $known == 0 && -z ${live[$canary]:-} ]]; then
    probe "canary DescribeJob $canary" DescribeJob "{\"JobId\":\"$canary\"}"
  fi
  if [[ $action == DeleteJob && $answered == success && -n $job && -n ${gone[$job]:-} &&
        -z ${live[$job]:-} && ${#live[@]} -gt 0 ]]; then
    for id in "${!live[@]}"; do ids+=("$id"); done
    for ((i = 1; i < ${#ids[@]}; i++)); do  # byte order, as the harness's std::map
      id=${ids[i]}
      for ((j = i - 1; j >= 0; j--)); do
        [[ ${ids[j]} > $id ]] || break
        ids[j+1]=${ids[j]}
      done
      ids[j+1]=$id
    done
    for ((i = 0; i < ${#ids[@]} && i < 100; i++)); do list+="${list:+,}\"${ids[i]}\""; done
    probe "DescribeJobs of the other jobs" DescribeJobs "{\"JobIds\":[$list],\"Limit\":100}"
  fi
  outcome=$answered
}

# same_outcome FIRST SECOND: STYLE-1 wants the same answer in both styles.
same_outcome() {
  [[ -n $1 && -n $2 ]] || return 0
  if [[ $1 == "$2" ]]; then
    printf 'same outcome in both styles: yes (%s)\n' "$1"
  else
    printf 'same outcome in both styles: NO (%s, then %s)\n' "$1" "$2"
  fi
}

# ----- the history -----

printf 'djharness reproduction: %s (control: %s)\n' "$target" "${control_target:-none}"
if [[ -n $control_target ]]; then
  printf '\n== reset\n'
  control reset '{}'
fi
)bash";

}  // namespace

std::string ReproScript(const std::vector<Step>& steps, const ReproTarget& target) {
  std::string recorded_control = target.control_url.empty() ? "same" : target.control_url;
  std::string out = "#!/usr/bin/env bash\n";
  out += "# djharness reproduction script: a history of " + std::to_string(steps.size()) +
         " steps, recorded against " + CommentText(target.url) + ".\n";
  out += R"(#
# Every request is signed afresh (new timestamp and nonce) and sent in the same style, with the
# same parameters, encoding and planted wire fault as the harness sent it; the harness's
# control requests and probes are included. Each answer is printed: the HTTP status, the body,
# and a line "outcome: success", "outcome: <error code>" or "outcome: HTTP <status>".
# Needs only bash (4.4 or newer), openssl and curl.
#
# usage: TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... bash THIS_SCRIPT
#   TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY  required (TENCENTCLOUD_SESSION_TOKEN too
#                        for temporary credentials); never written anywhere but the requests
#   TENCENTCLOUD_SECRET_ID_2, TENCENTCLOUD_SECRET_KEY_2  a second credential, required when
#                        second_credential_needed=1 below (RL-4 histories)
#   DJ_TARGET            the API endpoint instead of the recorded one
#   DJ_CONTROL_TARGET    the control extension's endpoint (default: as recorded below)
#   DJ_CONTROL_TOKEN     the control token, when the target needs one (default: the
#                        harness's DJHARNESS_CONTROL_TOKEN); never written anywhere
#   DJ_TIMESTAMP_MARGIN  the timestamp faults are sent at 300 -/+ this many seconds (default 5)
#   DJ_MAX_TIME          seconds curl may spend on one request (default 60)
#   DJ_CURL_URL_LIMIT    a longer path and query is sent with curl -G (default 100000)
#   DJ_INSECURE_HTTP=1   allow a plain http:// target that is not a loopback address
# exit status: 0 once every step was sent, whatever the answers; 2 on a usage problem (missing
# credentials, tool or setting); 3 when a control request fails (the history cannot go on).

)";
  out += "recorded_target=" + Quote(target.url) + "\n";
  out += "recorded_control=" + Quote(recorded_control) +
         "  # 'same': the API endpoint; 'none': no control extension\n";
  out += std::string("control_token_needed=") + (target.control_token ? "1" : "0") + "\n";
  out += "region=" + Quote(target.region) + "\n";
  out += "api_version=" + Quote(model::kApiVersion) + "\n";
  out += "service=" + Quote(model::kService) + "\n";
  out += "curl_url_limit=" + std::to_string(kCurlUrlLimit) +
         "  # curl reads at most ~100 KB per line of its config file\n";
  out += "canary=" + Quote(kCanaryId) + "  # the harness's canary JobId\n";
  bool second = std::any_of(steps.begin(), steps.end(),
                            [](const Step& s) { return CredentialNeeded(s) > 0; });
  out += std::string("second_credential_needed=") + (second ? "1" : "0") + "\n";
  out += kLibrary;
  for (std::size_t i = 0; i < steps.size(); ++i) EmitStep(out, i + 1, steps[i], target);
  out += "\nprintf '\\n== done: %s steps\\n' " + std::to_string(steps.size()) + "\n";
  return out;
}

}  // namespace dj::run
