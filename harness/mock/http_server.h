// cpp-httplib adapter for a MockService: converts requests and responses and nothing else.
// Binds 127.0.0.1 unless told otherwise; port 0 picks a free port. Plain HTTP, or HTTPS with
// a certificate and key from PEM files.
#pragma once

#include <atomic>
#include <condition_variable>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "harness/mock/mock_service.h"
#include "models/result.h"

namespace httplib {
class Server;
}

namespace dj::mock {

struct ServerOptions {
  // One line per request: method, path, action, status and error code (never a credential).
  std::ostream* log = nullptr;
  // Serve HTTPS with this certificate (chain) and private key, both PEM; plain HTTP if empty.
  std::string tls_cert_file;
  std::string tls_key_file;
};

class MockHttpServer {
 public:
  explicit MockHttpServer(MockService& service, ServerOptions options = {});
  ~MockHttpServer();  // stops and joins
  MockHttpServer(const MockHttpServer&) = delete;
  MockHttpServer& operator=(const MockHttpServer&) = delete;

  // Bind to host:port (port 0: any free port). Returns the bound port, or why binding failed
  // (including a TLS certificate or key that cannot be loaded).
  Result<int> Bind(const std::string& host, int port);
  // Serve on a background thread until Stop(); returns once the server accepts connections.
  // Requires a successful Bind.
  void Start();
  // Serve on the calling thread until Stop() is called from elsewhere.
  void Serve();
  void Stop();

  int port() const { return port_; }
  const std::string& host() const { return host_; }
  // "http://HOST:PORT" or "https://HOST:PORT"
  std::string Url() const;

 private:
  void Log(const protocol::HttpRequest& request, const protocol::HttpResponse& response);

  MockService& service_;
  ServerOptions options_;
  std::mutex log_mu_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> done_{true};
  // The planted fault "hangs": handlers hold their connection until hang_ms or Stop().
  std::mutex hang_mu_;
  std::condition_variable hang_cv_;
  bool stopping_ = false;
  std::string host_;
  int port_ = 0;
  int listen_fd_ = -1;  // the listening socket, once bound
};

}  // namespace dj::mock
