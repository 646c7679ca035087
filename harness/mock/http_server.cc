// The cpp-httplib server around MockService. cpp-httplib answers a few requests itself before
// any handler runs (unknown method, request line over 8 KiB, body over the payload limit);
// its error handler turns those into the documented error envelope too.
#include "harness/mock/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <ostream>

#include "harness/protocol/envelope.h"

namespace dj::mock {
namespace {

protocol::HttpRequest FromHttplib(const httplib::Request& req) {
  protocol::HttpRequest out;
  out.method = req.method;
  out.target = req.target.empty() ? std::string("/") : req.target;
  for (const auto& [name, value] : req.headers) {
    // cpp-httplib adds these for its own bookkeeping; they were not sent.
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
        name == "LOCAL_PORT") {
      continue;
    }
    out.headers.emplace_back(name, value);
  }
  out.body = req.body;
  return out;
}

// cpp-httplib 0.11 reads a body only for POST, PUT, PATCH and DELETE. A body declared on any
// other method, if it arrives after the headers, stays in the stream and would be parsed as
// the start of the next request: such a connection is closed after its answer.
bool UnreadBody(const httplib::Request& req) {
  bool reads_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" ||
                    req.method == "DELETE";
  if (reads_body) return false;
  std::string length = req.get_header_value("Content-Length");
  return req.has_header("Transfer-Encoding") || (!length.empty() && length != "0");
}

void ToHttplib(const protocol::HttpResponse& in, httplib::Response& res) {
  res.status = in.status;
  std::string content_type = "application/json";
  for (const auto& [name, value] : in.headers) {
    if (protocol::EqualsIgnoreCase(name, "Content-Type")) {
      content_type = value;
    } else {
      res.set_header(name, value);
    }
  }
  res.set_content(in.body, content_type);
}

std::unique_ptr<httplib::Server> MakeServer(const ServerOptions& options) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty()) {
    return std::make_unique<httplib::Server>();
  }
  return std::make_unique<httplib::SSLServer>(options.tls_cert_file.c_str(),
                                              options.tls_key_file.c_str());
}

}  // namespace

MockHttpServer::MockHttpServer(MockService& service, ServerOptions options)
    : service_(service), options_(std::move(options)), server_(MakeServer(options_)) {
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    protocol::HttpRequest request = FromHttplib(req);
    protocol::HttpResponse response = service_.Handle(request);
    if (response.status == kNoAnswerStatus) {
      std::unique_lock lock(hang_mu_);
      hang_cv_.wait_for(lock, std::chrono::milliseconds(service_.config().hang_ms),
                        [this] { return stopping_; });
      thread_local std::mt19937_64 rng{std::random_device{}()};
      response = protocol::ErrorResponse(NewRequestId(rng), model::ErrorCode::kInternalError,
                                         "The mock held this request (planted fault hangs).");
      response.status = 504;
    }
    if (options_.log != nullptr) Log(request, response);
    ToHttplib(response, res);
    if (UnreadBody(req)) res.set_header("Connection", "close");
  };
  for (auto route : {&httplib::Server::Get, &httplib::Server::Put, &httplib::Server::Patch,
                     &httplib::Server::Delete, &httplib::Server::Options}) {
    (server_.get()->*route)(".*", handler);
  }
  server_->Post(".*", httplib::Server::Handler(handler));
  server_->set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty())
          return httplib::Server::HandlerResponse::Unhandled;  // our own answer
        // A request cpp-httplib refused before our handler saw it. RequestIds here come from a
        // separate generator: these answers never touch the mock's state.
        thread_local std::mt19937_64 rng{std::random_device{}()};
        protocol::HttpResponse answer;
        if (res.status == 413 || res.status == 414) {
          answer = protocol::RefusalResponse(NewRequestId(rng), {model::Clause::kTooLarge, ""});
        } else if (req.method != "GET" && req.method != "POST") {
          answer =
              protocol::RefusalResponse(NewRequestId(rng), {model::Clause::kUnsupportedMethod, ""});
        } else {
          answer = protocol::ErrorResponse(NewRequestId(rng), model::ErrorCode::kInvalidParameter,
                                           "The HTTP request could not be parsed.");
          // A request whose head was read (a body cpp-httplib could not take apart, such as a
          // malformed multipart form) is a complete HTTP request: ENV-1 wants 200. Only a head
          // that could not be read keeps cpp-httplib's status.
          answer.status = req.method.empty() ? res.status : 200;
        }
        ToHttplib(answer, res);
        // cpp-httplib may not have read such a request's body: close the connection, so that
        // stray body bytes are never read as the next request (found by djharness fuzz).
        res.set_header("Connection", "close");
        return httplib::Server::HandlerResponse::Handled;
      }));
  // An idle keep-alive connection holds a worker thread: enough workers for the harness's
  // concurrency property (up to 64 client threads) besides its own connections.
  server_->new_task_queue = [] { return new httplib::ThreadPool(72); };
  server_->set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd_ = static_cast<int>(sock);
  });
  server_->set_tcp_nodelay(true);  // answers are small: do not wait for delayed ACKs
  server_->set_keep_alive_max_count(100000);
  server_->set_payload_max_length(protocol::kV3PostLimitBytes);
  server_->set_read_timeout(5, 0);
  server_->set_write_timeout(5, 0);
}

MockHttpServer::~MockHttpServer() { Stop(); }

void MockHttpServer::Log(const protocol::HttpRequest& request,
                         const protocol::HttpResponse& response) {
  std::string action = "-";
  if (auto wire = protocol::ParseWire(request); wire && wire->common.action) {
    action = wire->common.action->substr(0, 40);
  }
  protocol::Answer answer = protocol::ParseAnswer(response);
  std::string outcome = answer.has_error ? answer.code_text.value_or("?") : "ok";
  std::lock_guard lock(log_mu_);
  *options_.log << request.method.substr(0, 16) << " " << request.Path().substr(0, 80) << " "
                << action << " -> " << response.status << " " << outcome << std::endl;
}

Result<int> MockHttpServer::Bind(const std::string& host, int port) {
  host_ = host;
  if (!server_->is_valid()) {
    return Failure{"cannot load the TLS certificate " + options_.tls_cert_file + " and key " +
                   options_.tls_key_file};
  }
  if (port == 0) {
    port_ = server_->bind_to_any_port(host);
    if (port_ < 0) return Failure{"cannot bind " + host + " to a free port"};
  } else {
    if (!server_->bind_to_port(host, port)) {
      return Failure{"cannot bind " + host + ":" + std::to_string(port)};
    }
    port_ = port;
  }
  // cpp-httplib listens with a backlog of 5 (compiled in). A burst of new connections (wrk
  // -c64, the concurrency property's lanes) overflows it, and the kernel drops the
  // handshakes it has no room for; their clients send again only after 1 s, then 2 s more,
  // so a request can wait seconds for a mock that is idle. Listening again raises the backlog.
  if (listen_fd_ >= 0) ::listen(listen_fd_, SOMAXCONN);
  return port_;
}

void MockHttpServer::Start() {
  done_ = false;
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    done_ = true;
  });
  // Ready once cpp-httplib's accept loop runs (or has already given up), so that a Stop()
  // right after Start() cannot miss it.
  while (!server_->is_running() && !done_) std::this_thread::yield();
}

void MockHttpServer::Serve() { server_->listen_after_bind(); }

void MockHttpServer::Stop() {
  {
    std::lock_guard lock(hang_mu_);
    stopping_ = true;
  }
  hang_cv_.notify_all();
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string MockHttpServer::Url() const {
  bool v6 = host_.find(':') != std::string::npos;
  std::string scheme = options_.tls_cert_file.empty() ? "http://" : "https://";
  return scheme + (v6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
}

}  // namespace dj::mock
