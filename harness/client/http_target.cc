// HttpTarget on cpp-httplib's Client.
#include "harness/client/http_target.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <openssl/ssl.h>

#include <charconv>

namespace dj::client {

bool Endpoint::IsLoopback() const {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) != 1) return false;
  return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
}

Result<Endpoint> ParseEndpoint(const std::string& url) {
  Endpoint e;
  std::size_t colon = url.find("://");
  if (colon == std::string::npos) return Failure{"`" + url + "` is not a URL (no scheme://)"};
  e.scheme = url.substr(0, colon);
  if (e.scheme != "http" && e.scheme != "https") {
    return Failure{"the URL scheme must be http or https, not `" + e.scheme + "`"};
  }
  std::string rest = url.substr(colon + 3);
  std::size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    if (rest.substr(slash) != "/")
      return Failure{std::string("the URL must not have a path: the API is served at /")};
    rest = rest.substr(0, slash);
  }
  if (rest.find('@') != std::string::npos)
    return Failure{std::string("the URL must not hold user info")};
  std::string port_text;
  if (!rest.empty() && rest.front() == '[') {
    std::size_t close = rest.find(']');
    if (close == std::string::npos) return Failure{std::string("unclosed [ in the URL host")};
    e.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return Failure{std::string("junk after ] in the URL host")};
      port_text = rest.substr(close + 2);
    }
  } else {
    std::size_t c = rest.find(':');
    e.host = rest.substr(0, c);
    if (c != std::string::npos) port_text = rest.substr(c + 1);
  }
  if (e.host.empty()) return Failure{std::string("the URL has no host")};
  e.port = e.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return Failure{"bad port `" + port_text + "` in the URL"};
    }
    e.port = port;
    e.explicit_port = true;
  }
  return e;
}

Result<std::unique_ptr<HttpTarget>> HttpTarget::Create(const std::string& url,
                                                       const HttpTargetOptions& options) {
  auto endpoint = ParseEndpoint(url);
  if (!endpoint) return Failure{endpoint.error()};
  if (endpoint->scheme == "http" && !endpoint->IsLoopback() && !options.insecure_http) {
    return Failure{"plain http to " + endpoint->host +
                   ", which is not a loopback address, would carry credentials in clear text: "
                   "use https (or --insecure-http on a network you trust)"};
  }
  bool v6 = endpoint->host.find(':') != std::string::npos;
  std::string origin = endpoint->scheme + "://" +
                       (v6 ? "[" + endpoint->host + "]" : endpoint->host) + ":" +
                       std::to_string(endpoint->port);
  auto client = std::make_unique<httplib::Client>(origin);
  if (!client->is_valid()) return Failure{"cannot create an HTTP client for " + origin};
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_url_encode(false);  // send the request target byte for byte, as signed
  client->set_decompress(false);
  client->set_connection_timeout(std::chrono::milliseconds(options.connect_timeout_ms));
  client->set_read_timeout(std::chrono::milliseconds(options.read_timeout_ms));
  client->set_write_timeout(std::chrono::milliseconds(options.write_timeout_ms));
  if (endpoint->scheme == "https") {
    client->enable_server_certificate_verification(true);
    // Into the client's own store, which cpp-httplib then fills with the system CAs as well
    // (its set_ca_cert_path would trust the file instead of the system CAs).
    if (!options.ca_file.empty() &&
        SSL_CTX_load_verify_locations(client->ssl_context(), options.ca_file.c_str(), nullptr) !=
            1) {
      return Failure{"cannot load the CA certificates in " + options.ca_file +
                     " (a PEM file is needed)"};
    }
  }
  return std::unique_ptr<HttpTarget>(
      new HttpTarget(url, std::move(*endpoint), std::move(client), options));
}

HttpTarget::HttpTarget(std::string url, Endpoint endpoint, std::unique_ptr<httplib::Client> client,
                       const HttpTargetOptions& options)
    : url_(std::move(url)),
      options_(options),
      endpoint_(std::move(endpoint)),
      client_(std::move(client)),
      call_timeout_(options.call_timeout_ms > 0
                        ? options.call_timeout_ms
                        : options.connect_timeout_ms + options.write_timeout_ms +
                              options.read_timeout_ms),
      max_answer_bytes_(options.max_answer_bytes),
      watchdog_([this] { Watch(); }) {}

HttpTarget::~HttpTarget() {
  {
    std::lock_guard lock(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  watchdog_.join();
}

void HttpTarget::Watch() {
  std::unique_lock lock(mu_);
  while (!quit_) {
    if (!deadline_) {
      idle_ = true;
      cv_.wait(lock);
      idle_ = false;
      continue;
    }
    // Sleep until the deadline seen now. A call that ends meanwhile, or a later one that
    // starts, needs no wakeup: the same timeout from a later start is a later deadline, so
    // waking at this one and looking again is enough. That keeps a call free of thread
    // switches (two per call when every call woke the watchdog).
    cv_.wait_until(lock, *deadline_);
    if (!quit_ && deadline_ && std::chrono::steady_clock::now() >= *deadline_) {
      expired_ = true;
      deadline_.reset();
      client_->stop();  // safe from another thread: shuts the socket down under the call
    }
  }
}

SendResult HttpTarget::Send(const protocol::HttpRequest& request) {
  httplib::Request req;
  req.method = request.method;
  req.path = request.target;
  for (const auto& [name, value] : request.headers) req.headers.emplace(name, value);
  req.body = request.body;
  std::string body;
  bool too_large = false;
  req.content_receiver = [&](const char* data, std::size_t length, std::uint64_t, std::uint64_t) {
    if (body.size() + length > max_answer_bytes_) {
      too_large = true;
      return false;
    }
    body.append(data, length);
    return true;
  };
  bool wake_watchdog = false;
  {
    std::lock_guard lock(mu_);
    expired_ = false;
    deadline_ = std::chrono::steady_clock::now() + call_timeout_;
    wake_watchdog = idle_;  // otherwise it is already waiting for an earlier deadline
  }
  if (wake_watchdog) cv_.notify_all();
  httplib::Result res = client_->send(req);
  bool expired = false;
  {
    std::lock_guard lock(mu_);
    deadline_.reset();
    expired = expired_;
  }
  if (!res) {
    if (too_large) {
      return Failure{TransportError{"the answer is longer than " +
                                    std::to_string(max_answer_bytes_) + " bytes"}};
    }
    if (expired) {
      return Failure{TransportError{
          "no whole answer within " + std::to_string(call_timeout_.count()) + " ms",
          TransportErrorKind::kTimeout}};
    }
    return Failure{TransportError{httplib::to_string(res.error())}};
  }
  protocol::HttpResponse out;
  out.status = res->status;
  for (const auto& [name, value] : res->headers) out.headers.emplace_back(name, value);
  out.body = std::move(body);
  return out;
}

std::string HttpTarget::HostHeader() const {
  bool v6 = endpoint_.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + endpoint_.host + "]" : endpoint_.host;
  bool default_port = (endpoint_.scheme == "http" && endpoint_.port == 80) ||
                      (endpoint_.scheme == "https" && endpoint_.port == 443);
  return default_port ? host : host + ":" + std::to_string(endpoint_.port);
}

std::unique_ptr<Target> HttpTarget::Another() const {
  auto another = Create(url_, options_);
  if (!another) return nullptr;
  return std::move(*another);
}

std::string HttpTarget::Name() const { return endpoint_.scheme + "://" + HostHeader() + "/"; }

}  // namespace dj::client
