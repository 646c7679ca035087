// cpp-httplib adapter for a MockService: converts requests and responses and nothing else.
// Binds 127.0.0.1 unless told otherwise; port 0 picks a free port.
#pragma once

#include <atomic>
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

class MockHttpServer {
 public:
  // With a log stream, one line per request: method, path, action, status and error code
  // (never a credential).
  explicit MockHttpServer(MockService& service, std::ostream* log = nullptr);
  ~MockHttpServer();  // stops and joins
  MockHttpServer(const MockHttpServer&) = delete;
  MockHttpServer& operator=(const MockHttpServer&) = delete;

  // Bind to host:port (port 0: any free port). Returns the bound port, or why binding failed.
  Result<int> Bind(const std::string& host, int port);
  // Serve on a background thread until Stop(); returns once the server accepts connections.
  // Requires a successful Bind.
  void Start();
  // Serve on the calling thread until Stop() is called from elsewhere.
  void Serve();
  void Stop();

  int port() const { return port_; }
  const std::string& host() const { return host_; }
  // "http://HOST:PORT"
  std::string Url() const;

 private:
  void Log(const protocol::HttpRequest& request, const protocol::HttpResponse& response);

  MockService& service_;
  std::ostream* log_;
  std::mutex log_mu_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> done_{true};
  std::string host_;
  int port_ = 0;
};

}  // namespace dj::mock
