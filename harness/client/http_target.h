// A Target over HTTP or HTTPS on cpp-httplib: keep-alive, connect/read/write timeouts,
// certificate verification for https (with an optional extra CA file).
#pragma once

#include <memory>
#include <string>

#include "harness/client/target.h"

namespace httplib {
class Client;
}

namespace dj::client {

struct HttpTargetOptions {
  int connect_timeout_ms = 3000;
  int read_timeout_ms = 10000;
  int write_timeout_ms = 10000;
  std::string ca_file;  // added to the system CAs for https
};

// The parts of an endpoint URL "scheme://host[:port][/]".
struct Endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  int port = 0;        // explicit or the scheme's default
  bool explicit_port = false;
  bool IsLoopback() const;
};
// Fails, naming the problem, on another scheme, a path other than "/", user info, or a bad port.
Result<Endpoint> ParseEndpoint(const std::string& url);

class HttpTarget final : public Target {
 public:
  static Result<std::unique_ptr<HttpTarget>> Create(const std::string& url,
                                                    const HttpTargetOptions& options = {});
  ~HttpTarget() override;

  SendResult Send(const protocol::HttpRequest& request) override;
  std::string HostHeader() const override;
  std::string Name() const override;

 private:
  HttpTarget(Endpoint endpoint, std::unique_ptr<httplib::Client> client);
  Endpoint endpoint_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace dj::client
