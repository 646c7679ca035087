// Writes the seeds and dictionaries of corpora/ that come from the codec and the tables, so
// that they follow the wire format when it changes:
//   seed_writer CORPORA_DIR
// request_parser: every style × action as signed HTTP bytes, and every wire fault as a near
// miss; query_string, json_body, authorization, response_parser: the same requests' parts and
// the mock's answers to them; a .dict per target from the action, state, region, error-code and
// header tables. Hand-written seeds (job_id, the odd cases) are left alone.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>

#include "harness/mock/mock_service.h"
#include "harness/protocol/http_wire.h"
#include "harness/protocol/process.h"
#include "harness/runner/driver_util.h"
#include "models/api_model.h"
#include "models/error_codes.h"
#include "models/regions.h"
#include "models/states.h"

namespace {

using namespace dj;
namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::int64_t kNow = 1700000000;  // request_parser_fuzzer.cc reads seeds at this time

void Write(const fs::path& file, const std::string& bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << bytes;
}

std::string Slug(std::string_view s) {
  std::string out;
  for (char c : s)
    out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
  return out;
}

model::ApiRequest Example(model::Action a) {
  switch (a) {
    case model::Action::kDescribeJobs:
      return {a,
              {{"Filters", json::array({{{"Name", "job-id"}, {"Values", {"job-00000001"}}}})},
               {"Offset", 0},
               {"Limit", 20}}};
    case model::Action::kSubmitJob:
      return {a,
              {{"Placement", {{"Zone", "ap-guangzhou-2"}}},
               {"Job", {{"JobName", "seed"}, {"Tasks", json::array({{{"TaskName", "t"}}})}}}}};
    default:
      return {a, {{"JobId", "job-00000001"}}};
  }
}

std::string Quoted(std::string_view token) {
  std::string out = "\"";
  for (char c : token) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Dictionary() {
  std::set<std::string> tokens = {"Action",
                                  "Version",
                                  "Region",
                                  "Timestamp",
                                  "Nonce",
                                  "SecretId",
                                  "Signature",
                                  "SignatureMethod",
                                  "HmacSHA1",
                                  "HmacSHA256",
                                  "Token",
                                  "Language",
                                  "JobId",
                                  "JobIds",
                                  "Filters",
                                  "Name",
                                  "Values",
                                  "Offset",
                                  "Limit",
                                  "Placement",
                                  "Zone",
                                  "Job",
                                  "Tasks",
                                  "Authorization",
                                  "Host",
                                  "Content-Type",
                                  "Content-Length",
                                  "Transfer-Encoding",
                                  "chunked",
                                  "X-TC-Action",
                                  "X-TC-Version",
                                  "X-TC-Region",
                                  "X-TC-Timestamp",
                                  "X-TC-Token",
                                  "X-TC-Language",
                                  "X-TC-Content-SHA256",
                                  "UNSIGNED-PAYLOAD",
                                  "TC3-HMAC-SHA256",
                                  "Credential=",
                                  "SignedHeaders=",
                                  "Signature=",
                                  "tc3_request",
                                  "content-type;host",
                                  "application/json",
                                  "application/json; charset=utf-8",
                                  "application/x-www-form-urlencoded",
                                  "multipart/form-data",
                                  "GET",
                                  "POST",
                                  "PUT",
                                  "HTTP/1.1",
                                  "\r\n",
                                  "\r\n\r\n",
                                  "/?",
                                  "/",
                                  "batch",
                                  "batch.tencentcloudapi.com",
                                  "2017-03-12",
                                  "Response",
                                  "Error",
                                  "Code",
                                  "Message",
                                  "RequestId",
                                  "JobSet",
                                  "TotalCount",
                                  "JobState",
                                  "TaskInstanceMetrics",
                                  "job-",
                                  "%20",
                                  "%2F",
                                  "%3D",
                                  "%26",
                                  "%25",
                                  "+",
                                  "&",
                                  "=",
                                  ".0.",
                                  "{",
                                  "}",
                                  "[",
                                  "]",
                                  ":",
                                  ",",
                                  "\"",
                                  "null",
                                  "true",
                                  "false",
                                  "1e308",
                                  "-0",
                                  "\\u0000",
                                  "\\ud800"};
  for (model::Action a : model::kAllActions) tokens.insert(std::string(model::ActionName(a)));
  for (model::State s : model::kAllStates) tokens.insert(std::string(model::StateName(s)));
  for (std::string_view r : model::SupportedRegions()) tokens.insert(std::string(r));
  for (model::ErrorCode c : model::kAllErrorCodes) tokens.insert(std::string(model::CodeString(c)));
  std::string out = "# Generated by fuzz/seed_writer from the project's tables; do not edit.\n";
  for (const std::string& t : tokens) {
    std::string line;
    for (char c : Quoted(t)) {
      auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u >= 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", u);
        line += buf;
      } else {
        line += c;
      }
    }
    out += line + "\n";
  }
  return out;
}

// The response_parser input for one answer: Content-Type, FuzzedDataProvider's string
// terminator, the body, and the status in the two bytes it reads first (from the end).
std::string AnswerSeed(const protocol::HttpResponse& r) {
  std::string out = "application/json\\x" + r.body;
  out += static_cast<char>(r.status & 0xff);
  out += static_cast<char>((r.status >> 8) & 0xff);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  dj::protocol::ProcessHygiene();
  if (argc != 2 || std::string_view(argv[1]) == "--help") {
    std::cerr << "usage: seed_writer CORPORA_DIR\n";
    return 2;
  }
  fs::path root = argv[1];
  protocol::Credentials creds{std::string(mock::kDefaultSecretId),
                              std::string(mock::kDefaultSecretKey), ""};
  mock::MockConfig config;
  config.control = true;
  config.seed = 1;
  mock::MockState state;
  state.rng.seed(1);
  model::Job job;
  job.id = "job-00000001";
  job.state = model::State::kSucceed;
  job.tasks = {{"t", {model::State::kSucceed}}};
  state.store.Put(job);

  protocol::EncodeOptions sender;
  sender.timestamp = kNow;
  int written = 0;
  for (protocol::Style style : {protocol::Style::kApi3Post, protocol::Style::kApi3Get,
                                protocol::Style::kQueryGet, protocol::Style::kFormPost}) {
    std::string s(protocol::StyleName(style));
    for (model::Action action : model::kAllActions) {
      run::ApiCall call;
      call.request = Example(action);
      call.style = style;
      protocol::HttpRequest request = run::EncodeCall(call, sender, "ap-guangzhou", creds, 5);
      std::string name = s + "-" + Slug(model::ActionName(action));
      Write(root / "request_parser/seeds" / name, protocol::FormatRequestBytes(request));
      if (style == protocol::Style::kApi3Post) {
        Write(root / "json_body/seeds" / Slug(model::ActionName(action)), request.body);
      } else {
        std::string form =
            style == protocol::Style::kFormPost ? request.body : std::string(request.Query());
        Write(root / "query_string/seeds" / name, form);
      }
      if (auto a = protocol::FindHeader(request.headers, "Authorization")) {
        Write(root / "authorization/seeds" / name, std::string(*a));
      }
      mock::MockState copy = state;
      protocol::HttpResponse answer = mock::Respond(copy, config, request, {kNow, 0});
      Write(root / "response_parser/seeds" / ("answer-" + name), AnswerSeed(answer));
      written += 4;
    }
    // Near misses: DeleteJob with every wire fault the style can carry (not the 10 MB one).
    for (run::WireFault fault : run::kAllWireFaults) {
      std::string_view fault_name = run::WireFaultName(fault);
      if (fault == run::WireFault::kNone || fault == run::WireFault::kOversize ||
          !run::FaultFitsStyle(fault, style))
        continue;
      run::ApiCall call;
      call.request = model::DeleteJobRequest("job-00000001");
      call.style = style;
      call.fault = fault;
      protocol::HttpRequest request = run::EncodeCall(call, sender, "ap-guangzhou", creds, 5);
      Write(root / "request_parser/seeds" / (s + "-deletejob-" + std::string(fault_name)),
            protocol::FormatRequestBytes(request));
      mock::MockState copy = state;
      protocol::HttpResponse answer = mock::Respond(copy, config, request, {kNow, 0});
      Write(root / "response_parser/seeds" / ("answer-" + s + "-" + std::string(fault_name)),
            AnswerSeed(answer));
      written += 2;
    }
  }
  for (std::string target : {"request_parser", "query_string", "json_body", "authorization",
                             "response_parser", "mock_inprocess"}) {
    Write(root / target / (target + "_fuzzer.dict"), Dictionary());
  }
  std::cout << "wrote " << written << " seeds and 6 dictionaries under " << root.string() << "\n";
  return 0;
}
