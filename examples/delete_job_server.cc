// delete_job_server: a small, complete Tencent Cloud Batch server (API 2017-03-12) for people
// who implement DeleteJob and want djharness to judge it. Jobs live in memory; requests are
// API 3.0 style (TC3-HMAC-SHA256, POST JSON or GET); DeleteJob, DescribeJob, DescribeJobs and
// TerminateJob answer in the documented envelopes; DeleteJob is limited to 2 requests per second
// per (SecretId, Region); `--control` serves the conformance control extension
// (docs/implementing-a-target.md; docs/getting-started.md runs djharness against it).
// It uses cpp-httplib, OpenSSL and nlohmann-json only: none of djharness's code.
//
//   TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... delete_job_server --control [--port N]
//   [--break del-running]     (a planted defect: DeleteJob deletes unfinished jobs too, DEL-2)
#include <httplib.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

// An error answer: a code from the documented lists and a message. The checks below throw it;
// Handle() turns it into {"Response": {"Error": {...}, "RequestId": ...}} with HTTP 200.
struct ApiError {
  std::string code;
  std::string message;
};

// ---- Envelopes (every answer is HTTP 200 with a fresh lowercase UUID as RequestId) ----------

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x4000ULL;              // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  char out[40];
  std::snprintf(out, sizeof out, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xffff),
                static_cast<unsigned long long>(hi & 0xffff),
                static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return out;
}

std::string SuccessBody(json fields) {
  fields["RequestId"] = NewRequestId();
  return json{{"Response", fields}}.dump();
}

std::string ErrorBody(const ApiError& e) {
  return json{
      {"Response",
       {{"Error", {{"Code", e.code}, {"Message", e.message}}}, {"RequestId", NewRequestId()}}}}
      .dump();
}

// ---- TC3-HMAC-SHA256 ------------------------------------------------------------------------

std::string Hex(const std::string& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    out += kDigits[u >> 4];
    out += kDigits[u & 15];
  }
  return out;
}

std::string Sha256Hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  EVP_Digest(data.data(), data.size(), md, &size, EVP_sha256(), nullptr);
  return Hex(std::string(reinterpret_cast<const char*>(md), size));
}

// Raw bytes: the TC3 key derivation feeds each HMAC into the next.
std::string HmacSha256(const std::string& key, const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &size);
  return std::string(reinterpret_cast<const char*>(md), size);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string UtcDate(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[16];
  std::strftime(out, sizeof out, "%Y-%m-%d", &tm);
  return out;
}

// Checks the Authorization header of an API 3.0 request; returns its SecretId. The order of
// the checks decides which error a request with several faults gets
// (docs/implementing-a-target.md, "In which order to check").
std::string Authenticate(const httplib::Request& req, const std::string& secret_id,
                         const std::string& secret_key) {
  static const std::regex kAuth(
      R"(TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d\d-\d\d)/([^/]+)/tc3_request, ?)"
      R"(SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64}))");
  std::smatch m;
  std::string header = req.get_header_value("Authorization");
  if (!std::regex_match(header, m, kAuth)) {
    throw ApiError{"AuthFailure.InvalidAuthorization",
                   "The Authorization header is missing or not TC3-HMAC-SHA256."};
  }
  std::string id = m[1], date = m[2], service = m[3], signed_headers = m[4], signature = m[5];
  if (!req.has_header("X-TC-Timestamp")) {
    throw ApiError{"MissingParameter", "The request is missing X-TC-Timestamp."};
  }
  std::string ts_text = req.get_header_value("X-TC-Timestamp");
  static const std::regex kDigits("[0-9]{1,12}");
  if (!std::regex_match(ts_text, kDigits)) {
    throw ApiError{"InvalidParameter", "X-TC-Timestamp must be a Unix time in seconds."};
  }
  std::int64_t ts = std::stoll(ts_text);
  std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  if (ts < now - 300 || ts > now + 300) {
    throw ApiError{"AuthFailure.SignatureExpire", "The timestamp is more than 300 s away."};
  }
  if (id != secret_id) throw ApiError{"AuthFailure.SecretIdNotFound", "Unknown SecretId."};
  ApiError mismatch{"AuthFailure.SignatureFailure", "The signature does not match."};
  if (date != UtcDate(ts) || service != "batch") throw mismatch;

  // The canonical request: method, path, query (GET), signed headers with lower-cased values.
  std::string canonical_headers;
  std::size_t start = 0;
  while (start <= signed_headers.size()) {
    std::size_t end = std::min(signed_headers.find(';', start), signed_headers.size());
    std::string name = signed_headers.substr(start, end - start);
    if (!req.has_header(name)) throw mismatch;
    canonical_headers += name + ":" + Lower(Trim(req.get_header_value(name))) + "\n";
    start = end + 1;
  }
  std::size_t q = req.target.find('?');
  std::string query = req.method == "GET" && q != std::string::npos ? req.target.substr(q + 1) : "";
  std::string canonical = req.method + "\n/\n" + query + "\n" + canonical_headers + "\n" +
                          signed_headers + "\n" + Sha256Hex(req.body);
  std::string scope = date + "/" + service + "/tc3_request";
  std::string to_sign = "TC3-HMAC-SHA256\n" + ts_text + "\n" + scope + "\n" + Sha256Hex(canonical);
  std::string key =
      HmacSha256(HmacSha256(HmacSha256("TC3" + secret_key, date), service), "tc3_request");
  std::string expected = Hex(HmacSha256(key, to_sign));
  // Compared in constant time, so that the answer's timing says nothing about the signature.
  if (CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) != 0) throw mismatch;
  return id;
}

// Objects keyed "0", "1", ... "n-1" become arrays, innermost first.
void Arrayify(json& v) {
  if (!v.is_object()) return;
  for (auto& child : v) Arrayify(child);
  json list = json::array();
  while (v.contains(std::to_string(list.size()))) list.push_back(v[std::to_string(list.size())]);
  if (!v.empty() && list.size() == v.size()) v = std::move(list);
}

// GET parameters arrive flattened (JobIds.0=..., Filters.0.Values.0=...): rebuild the JSON.
json Unflatten(const httplib::Params& params) {
  json root = json::object();
  for (const auto& [name, value] : params) {
    json* node = &root;
    std::size_t start = 0;
    for (std::size_t dot; (dot = name.find('.', start)) != std::string::npos; start = dot + 1) {
      node = &(*node)[name.substr(start, dot - start)];
    }
    (*node)[name.substr(start)] = value;
  }
  for (auto& child : root) Arrayify(child);
  return root;
}

// ---- Jobs and the actions -------------------------------------------------------------------

struct StateInfo {
  const char* name;
  const char* metric;  // the counter in TaskInstanceMetrics
};
constexpr StateInfo kStates[] = {
    {"SUBMITTED", "SubmittedCount"}, {"PENDING", "PendingCount"},
    {"RUNNABLE", "RunnableCount"},   {"STARTING", "StartingCount"},
    {"RUNNING", "RunningCount"},     {"SUCCEED", "SucceedCount"},
    {"FAILED", "FailedCount"},       {"FAILED_INTERRUPTED", "FailedInterruptedCount"}};

bool IsState(const json& v) {
  return v.is_string() && std::any_of(std::begin(kStates), std::end(kStates),
                                      [&](const StateInfo& s) { return v == s.name; });
}

// Only SUCCEED and FAILED are completed; FAILED_INTERRUPTED is not.
bool Completed(const std::string& state) { return state == "SUCCEED" || state == "FAILED"; }

struct Job {
  std::string id;
  std::string name;
  std::string state;
  std::vector<std::vector<std::string>> instances;  // per task, each instance's state
};

struct Options {
  int port = 0;
  bool control = false;
  bool break_del_running = false;  // --break del-running
  std::string secret_id;
  std::string secret_key;
};

constexpr int kDeleteJobLimitPerSecond = 2;

class Server {
 public:
  explicit Server(Options options) : options_(std::move(options)) {}

  // One API request: common parameters, authentication, the rate limit, then the action.
  std::string Handle(const httplib::Request& req) {
    std::lock_guard lock(mu_);  // one request at a time: every answer sees a consistent store
    try {
      return Answer(req);
    } catch (const ApiError& e) {
      return ErrorBody(e);
    } catch (const json::exception&) {  // parameters of the wrong shape (e.g. a=1&a.b=2)
      return ErrorBody({"InvalidParameter", "The parameters cannot be read."});
    }
  }

  // The conformance control extension (docs/implementing-a-target.md). Returns an HTTP status.
  int Control(const std::string& what, const std::string& body, std::string& answer) {
    std::lock_guard lock(mu_);
    json in = json::parse(body, nullptr, false);
    if (!in.is_object()) return 400;
    try {
      return ControlLocked(what, in, answer);
    } catch (const json::exception&) {  // a field of the wrong type
      return 400;
    }
  }

 private:
  int ControlLocked(const std::string& what, const json& in, std::string& answer) {
    if (what == "reset") {
      jobs_.clear();
      deleted_.clear();
      admitted_.clear();
      clock_ms_ = 0;
      answer = "{}";
    } else if (what == "jobs") {
      Job job;
      job.id = in.contains("JobId") ? in.at("JobId").get<std::string>() : NewJobId();
      job.name = in.value("JobName", "");
      if (!std::regex_match(job.id, kJobId) || !IsState(in.value("JobState", json())) ||
          !in.value("Tasks", json()).is_array())
        return 400;
      job.state = in.at("JobState");
      for (const json& task : in.at("Tasks")) {
        if (!task.is_object() || !task.value("InstanceStates", json()).is_array()) return 400;
        job.instances.emplace_back();
        for (const json& s : task.at("InstanceStates")) {
          if (!IsState(s)) return 400;
          job.instances.back().push_back(s);
        }
      }
      deleted_.erase(job.id);
      answer = json{{"JobId", job.id}}.dump();
      jobs_[job.id] = std::move(job);
    } else if (what == "clock") {
      json advance = in.value("AdvanceMs", json());
      if (!advance.is_number_integer() || advance < 0) return 400;
      clock_ms_ += advance.get<std::int64_t>();
      answer = json{{"NowMs", clock_ms_}}.dump();
    } else {
      return 404;
    }
    return 200;
  }

  std::string Answer(const httplib::Request& req) {
    std::string action = req.get_header_value("X-TC-Action");
    std::string version = req.get_header_value("X-TC-Version");
    std::string region = req.get_header_value("X-TC-Region");
    auto missing = [](const char* name) {
      return ApiError{"MissingParameter", std::string("The request is missing ") + name + "."};
    };
    if (action.empty()) throw missing("X-TC-Action");
    if (!kParams.contains(action)) throw ApiError{"InvalidAction", "No such action."};
    if (version.empty()) throw missing("X-TC-Version");
    if (version != "2017-03-12") throw ApiError{"NoSuchVersion", "Version is 2017-03-12."};
    if (region.empty()) throw missing("X-TC-Region");
    if (!kRegions.contains(region)) throw ApiError{"UnsupportedRegion", "No Batch here."};
    std::string secret_id = Authenticate(req, options_.secret_id, options_.secret_key);

    // The limiter sits in front of parameter checks: every authenticated DeleteJob counts.
    if (action == "DeleteJob" && !Admit(secret_id + "/" + region)) {
      throw ApiError{"RequestLimitExceeded", "DeleteJob allows 2 requests per second."};
    }
    json params =
        req.method == "GET" ? Unflatten(req.params) : json::parse(req.body, nullptr, false);
    if (!params.is_object()) throw ApiError{"InvalidParameter", "The body is not a JSON object."};
    for (const auto& [name, value] : params.items()) {
      if (!kParams.at(action).contains(name))
        throw ApiError{"UnknownParameter", "The parameter " + name + " is not recognized."};
    }
    if (action == "DescribeJobs") return SuccessBody(DescribeJobs(params));

    std::string id = JobIdOf(params);
    auto job = jobs_.find(id);
    if (job == jobs_.end())
      throw ApiError{"ResourceNotFound.Job", "The job " + id + " does not exist."};
    if (action == "DescribeJob") return SuccessBody(Describe(job->second));
    if (action == "TerminateJob") {
      if (job->second.state == "SUBMITTED")
        throw ApiError{"UnsupportedOperation", "A SUBMITTED job cannot be terminated."};
      // A SUCCEED job is left as it is (docs/profiles-and-decisions.md, decision 9).
      if (job->second.state == "SUCCEED") return SuccessBody(json::object());
      if (!Completed(job->second.state)) job->second.state = "FAILED";
      for (auto& task : job->second.instances) {
        for (auto& s : task) s = Completed(s) ? s : "FAILED";
      }
      return SuccessBody(json::object());
    }
    // DeleteJob: the job and every task instance must be SUCCEED or FAILED.
    const std::string& state = job->second.state;
    bool deletable = Completed(state);
    // The planted defect: a job still on its way (SUBMITTED ... RUNNING) counts as finished.
    if (options_.break_del_running && state != "FAILED_INTERRUPTED") deletable = true;
    for (const auto& task : job->second.instances) {
      for (const auto& s : task) deletable = deletable && Completed(s);
    }
    if (!deletable) {
      throw ApiError{"UnsupportedOperation",
                     "The job " + id + " has not completed (state " + state + ")."};
    }
    jobs_.erase(job);
    deleted_.insert(id);
    return SuccessBody(json::object());  // a DeleteJob success holds only the RequestId
  }

  // A sliding log of admissions per SecretId/Region on the control clock (or the wall clock).
  bool Admit(const std::string& key) {
    std::int64_t now = options_.control ? clock_ms_
                                        : std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::steady_clock::now().time_since_epoch())
                                              .count();
    std::deque<std::int64_t>& log = admitted_[key];
    while (!log.empty() && log.front() <= now - 1000) log.pop_front();
    if (log.size() >= kDeleteJobLimitPerSecond) return false;
    log.push_back(now);
    return true;
  }

  static std::string JobIdOf(const json& params) {
    if (!params.contains("JobId")) throw ApiError{"MissingParameter", "JobId is required."};
    if (!params["JobId"].is_string()) throw ApiError{"InvalidParameter", "JobId is a string."};
    std::string id = params["JobId"];
    if (!std::regex_match(id, kJobId)) {
      throw ApiError{"InvalidParameter.JobIdMalformed", "The JobId is not well formed."};
    }
    return id;
  }

  static json Describe(const Job& job) {
    json metrics = json::object();
    for (const StateInfo& s : kStates) metrics[s.metric] = 0;
    for (const auto& task : job.instances) {
      for (const auto& state : task) {
        for (const StateInfo& s : kStates) {
          if (state == s.name) metrics[s.metric] = metrics[s.metric].get<int>() + 1;
        }
      }
    }
    // The real service answers more fields (Zone, CreateTime, TaskSet, ...); the harness reads
    // JobId, JobState and TaskInstanceMetrics (OBS-1).
    return {{"JobId", job.id},
            {"JobName", job.name},
            {"JobState", job.state},
            {"TaskInstanceMetrics", metrics}};
  }

  // Offset and Limit: integers in a JSON body, decimal strings in a GET query.
  static std::size_t Count(const json& params, const char* name, std::size_t fallback) {
    static const std::regex kDigits("[0-9]{1,9}");
    auto it = params.find(name);
    if (it == params.end()) return fallback;
    std::string text = it->is_string() ? it->get<std::string>() : it->dump();
    if (!std::regex_match(text, kDigits)) {
      throw ApiError{"InvalidParameterValue", std::string(name) + " must be an integer >= 0."};
    }
    return std::stoul(text);
  }

  // JobIds must each be well formed; a job-id filter's values need not be.
  static std::set<std::string> IdList(const json& ids, bool well_formed) {
    if (!ids.is_array()) throw ApiError{"InvalidParameterValue", "Expected a list of JobIds."};
    std::set<std::string> out;
    for (const json& id : ids) {
      if (!id.is_string()) throw ApiError{"InvalidParameterValue", "A JobId is a string."};
      if (well_formed) JobIdOf({{"JobId", id}});
      out.insert(id.get<std::string>());
    }
    return out;
  }

  // DescribeJobs by JobIds, by job-id filters (the only filter this server knows), or all.
  json DescribeJobs(const json& params) const {
    if (params.contains("JobIds") && params.contains("Filters")) {
      throw ApiError{"InvalidParameter.InvalidParameterCombination",
                     "JobIds and Filters cannot be used together."};
    }
    std::vector<std::set<std::string>> must_match;  // a job is listed if its id is in each set
    if (params.contains("JobIds")) must_match.push_back(IdList(params["JobIds"], true));
    if (params.contains("Filters")) {
      if (!params["Filters"].is_array()) throw ApiError{"InvalidParameterValue", "Filters."};
      for (const json& filter : params["Filters"]) {
        if (!filter.is_object() || filter.value("Name", json()) != "job-id" ||
            !filter.contains("Values")) {
          throw ApiError{"InvalidFilter", "This server filters by job-id only."};
        }
        must_match.push_back(IdList(filter["Values"], false));
      }
    }
    std::size_t offset = Count(params, "Offset", 0);
    std::size_t limit = Count(params, "Limit", 20);
    if (limit < 1 || limit > 100) throw ApiError{"InvalidParameterValue", "Limit is 1 to 100."};
    json set = json::array();
    std::size_t total = 0;
    for (const auto& entry : jobs_) {
      const auto& [id, job] = entry;
      // clang 14 does not let a lambda capture a structured binding: the lambda uses entry.
      if (!std::all_of(must_match.begin(), must_match.end(),
                       [&](const auto& ids) { return ids.contains(entry.first); })) {
        continue;
      }
      if (total >= offset && total < offset + limit) {
        set.push_back({{"JobId", id}, {"JobName", job.name}, {"JobState", job.state}});
      }
      ++total;
    }
    return {{"JobSet", set}, {"TotalCount", total}};
  }

  std::string NewJobId() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::string id;
    do {
      id = "job-";
      for (int i = 0; i < 8; ++i) id += "0123456789abcdefghijklmnopqrstuvwxyz"[rng() % 36];
    } while (jobs_.contains(id) || deleted_.contains(id));
    return id;
  }

  static inline const std::regex kJobId{"job-[0-9a-z]{8}"};
  static inline const std::map<std::string, std::set<std::string>> kParams = {
      {"DeleteJob", {"JobId"}},
      {"DescribeJob", {"JobId"}},
      {"TerminateJob", {"JobId"}},
      {"DescribeJobs", {"JobIds", "Filters", "Offset", "Limit"}}};
  static inline const std::set<std::string> kRegions = {
      "ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-chengdu", "ap-hongkong", "ap-singapore"};

  Options options_;
  std::mutex mu_;
  std::map<std::string, Job> jobs_;
  std::set<std::string> deleted_;
  std::map<std::string, std::deque<std::int64_t>> admitted_;
  std::int64_t clock_ms_ = 0;  // the control extension's clock, for the rate limit
};

}  // namespace

// cpp-httplib 0.11 as Debian builds it answers 414 by itself to a request line over 8 KiB, but
// the API takes a GET of up to 32 KB (COM-6). So this server reads its connections itself: a
// longer request line, up to 32 KB of target, reaches cpp-httplib with the stand-in target
// "/", and the real target and query are put back before the request is routed.
class LongLineHttp final : public httplib::Server {
  // One request as cpp-httplib reads it: the (maybe shortened) request line, then the socket.
  // `rest` holds bytes read past the request line; it outlives the request (keep-alive).
  class Stream final : public httplib::Stream {
   public:
    Stream(socket_t sock, std::string& rest) : sock_(sock), rest_(rest) {
      std::size_t eol;
      while ((eol = rest_.find('\n')) == std::string::npos && rest_.size() < 64 * 1024) {
        char chunk[4096];
        if (!Readable(5000)) break;
        ssize_t n = ::recv(sock_, chunk, sizeof chunk, 0);
        if (n <= 0) break;
        rest_.append(chunk, static_cast<std::size_t>(n));
      }
      std::size_t end = eol == std::string::npos ? rest_.size() : eol + 1;
      head_ = rest_.substr(0, end);
      rest_.erase(0, end);
      std::size_t first = head_.find(' '), last = head_.rfind(' ');
      // Over 32 KB the line stays as it is: cpp-httplib's 414 is then the API's answer.
      bool fits = last - first - 1 <= 32 * 1024;
      if (head_.size() > 8000 && first != std::string::npos && last > first + 1 && fits) {
        target_ = head_.substr(first + 1, last - first - 1);
        head_ = head_.substr(0, first) + " /" + head_.substr(last);
      }
    }
    const std::string& long_target() const { return target_; }
    bool Readable(int ms) const {
      pollfd p{sock_, POLLIN, 0};
      return !rest_.empty() || ::poll(&p, 1, ms) > 0;
    }
    bool is_readable() const override { return !head_.empty() || Readable(5000); }
    bool is_writable() const override { return true; }
    ssize_t read(char* out, size_t n) override {
      std::string& from = head_.empty() ? rest_ : head_;
      if (!from.empty()) {
        std::size_t k = std::min(n, from.size());
        from.copy(out, k);
        from.erase(0, k);
        return static_cast<ssize_t>(k);
      }
      return Readable(5000) ? ::recv(sock_, out, n, 0) : -1;
    }
    ssize_t write(const char* data, size_t n) override {
      return ::send(sock_, data, n, MSG_NOSIGNAL);
    }
    void get_remote_ip_and_port(std::string&, int&) const override {}
    void get_local_ip_and_port(std::string&, int&) const override {}
    socket_t socket() const override { return sock_; }

   private:
    socket_t sock_;
    std::string& rest_;
    std::string head_;
    std::string target_;
  };

  bool process_and_close_socket(socket_t sock) override {
    std::string rest;
    for (int left = 100; left > 0 && svr_sock_ != INVALID_SOCKET; --left) {
      pollfd p{sock, POLLIN, 0};
      if (rest.empty() && ::poll(&p, 1, 5000) <= 0) break;  // idle keep-alive ends
      Stream strm(sock, rest);
      bool closed = false;
      bool ok = process_request(strm, left == 1, closed, [&strm](httplib::Request& req) {
        if (strm.long_target().empty()) return;
        req.target = strm.long_target();
        std::size_t q = req.target.find('?');
        if (q == std::string::npos) return;
        httplib::detail::parse_query_text(req.target.substr(q + 1), req.params);
      });
      if (!ok || closed) break;
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return true;
  }
};

int main(int argc, char** argv) {
  // A client that hangs up mid-answer must cost one connection, not the process (SIGPIPE);
  // output reaches a pipe line by line. (This example links no djharness code, so it does
  // here what djharness's protocol::ProcessHygiene does.)
  std::signal(SIGPIPE, SIG_IGN);
  std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--control") {
      options.control = true;
    } else if (arg == "--port" && i + 1 < argc) {
      options.port = std::atoi(argv[++i]);
    } else if (arg == "--break" && i + 1 < argc && std::string(argv[i + 1]) == "del-running") {
      options.break_del_running = true;
      ++i;
    } else {
      std::cerr << "usage: delete_job_server [--port N] [--control] [--break del-running]\n";
      return 2;
    }
  }
  const char* id = std::getenv("TENCENTCLOUD_SECRET_ID");
  const char* key = std::getenv("TENCENTCLOUD_SECRET_KEY");
  if (id == nullptr || key == nullptr || *id == '\0' || *key == '\0') {
    std::cerr << "set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY: the key pair to accept\n";
    return 2;
  }
  options.secret_id = id;
  options.secret_key = key;
  Server server(options);

  LongLineHttp http;
  auto api = [&server](const httplib::Request& req, httplib::Response& res) {
    res.set_content(server.Handle(req), "application/json");
  };
  http.Get("/", api);
  http.Post("/", api);
  if (options.control) {
    http.Post("/_conformance/(reset|jobs|clock)",
              [&server](const httplib::Request& req, httplib::Response& res) {
                std::string answer;
                res.status = server.Control(req.matches[1], req.body, answer);
                res.set_content(res.status == 200 ? answer : "{\"Error\":\"bad request\"}",
                                "application/json");
              });
  }
  // Requests cpp-httplib refuses itself (another method, a request line over 8 KiB, a body
  // over the limit) still get the API's envelope, with HTTP 200.
  http.set_payload_max_length(10 * 1024 * 1024);
  // Each open keep-alive connection holds a worker: the harness keeps one per client thread
  // (--threads, 8 by default) besides its own, so give it more workers than cpp-httplib's 8.
  http.new_task_queue = [] { return new httplib::ThreadPool(32); };
  http.set_tcp_nodelay(true);  // small answers: do not wait for delayed ACKs
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.path.starts_with("/_conformance/")) return;  // the control extension's own errors
    ApiError e{"InvalidParameter", "The request cannot be read."};
    if (req.method != "GET" && req.method != "POST") e = {"UnsupportedProtocol", "GET or POST."};
    // Checked last: a request line over 8 KiB is refused before its method is known.
    if (res.status == 413 || res.status == 414) e = {"RequestSizeLimitExceeded", "Too large."};
    res.status = 200;
    res.set_content(ErrorBody(e), "application/json");
    res.set_header("Connection", "close");  // its body may be unread: start afresh
  });
  int port = options.port == 0 ? http.bind_to_any_port("127.0.0.1") : options.port;
  if (port <= 0 || (options.port != 0 && !http.bind_to_port("127.0.0.1", port))) {
    std::cerr << "cannot bind 127.0.0.1:" << options.port << "\n";
    return 3;
  }
  std::cout << "listening on http://127.0.0.1:" << port << std::endl;
  http.listen_after_bind();
  return 0;
}
