// A scripted HTTP peer on raw sockets, sharing no code with the client or with cpp-httplib:
// each accepted connection runs the test's handler on its own thread, which then keeps, closes
// or resets the connection. Binds 127.0.0.1 port 0; the destructor stops accepting, shuts every
// connection down and joins every thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dj::testing {

class RawPeer {
 public:
  // What happens to the connection once the handler returns: kept open until the peer is
  // destroyed, closed (a FIN, or a reset when unread bytes are left, as any close does), or
  // reset at once (SO_LINGER 0).
  enum class End { kKeep, kClose, kReset };
  using Handler = std::function<End(int fd)>;

  explicit RawPeer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { Accept(); });
  }

  ~RawPeer() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);
    std::vector<std::thread> workers;
    {
      std::lock_guard lock(mu_);
      for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
      workers.swap(workers_);
    }
    for (auto& t : workers) t.join();
    for (int fd : fds_) ::close(fd);
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int accepted() const { return accepted_.load(); }

  // Reads up to and including the empty line after the headers ("" when the peer closed).
  static std::string ReadHead(int fd) {
    std::string head;
    char c = 0;
    while (head.size() < (1 << 20) && ::recv(fd, &c, 1, 0) == 1) {
      head += c;
      if (head.size() >= 4 && head.compare(head.size() - 4, 4, "\r\n\r\n") == 0) return head;
    }
    return "";
  }
  // Reads n bytes (fewer when the peer closes).
  static std::size_t ReadBytes(int fd, std::size_t n) {
    std::vector<char> buf(64 * 1024);
    std::size_t got = 0;
    while (got < n) {
      ssize_t r = ::recv(fd, buf.data(), std::min(buf.size(), n - got), 0);
      if (r <= 0) break;
      got += static_cast<std::size_t>(r);
    }
    return got;
  }
  // The Content-Length of a request head (0 when it has none).
  static std::size_t ContentLength(const std::string& head) {
    auto at = head.find("Content-Length: ");
    return at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
  }
  static bool WriteAll(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t r = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (r <= 0) return false;
      sent += static_cast<std::size_t>(r);
    }
    return true;
  }
  // A whole answer with a Content-Length.
  static std::string Answer(int status, const std::string& body,
                            const std::string& extra_headers = "") {
    return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n" +
           extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

 private:
  void Accept() {
    while (!stop_) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      ++accepted_;
      std::lock_guard lock(mu_);
      fds_.push_back(fd);
      workers_.emplace_back([this, fd] { Finish(fd, handler_(fd)); });
    }
  }

  void Finish(int fd, End end) {
    if (end == End::kKeep) return;
    std::lock_guard lock(mu_);
    if (end == End::kReset) {
      linger l{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    ::close(fd);
    std::erase(fds_, fd);
  }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace dj::testing
