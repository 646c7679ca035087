// Threads kept for the concurrency property's batches. Starting a thread per call thread of
// every batch cost more than the batch's calls against the in-process mock (clone and its
// page faults were a tenth of a run's time); a crew starts each thread once per run.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace dj::run {

class Crew {
 public:
  Crew() = default;
  ~Crew();
  Crew(const Crew&) = delete;
  Crew& operator=(const Crew&) = delete;

  // Runs jobs[i] on thread i, every job on a thread of its own at the same time (so that they
  // may wait for each other), and returns once all have returned. Starts threads as needed.
  // One caller at a time; a job must not throw.
  void RunAll(std::vector<std::function<void()>> jobs);
  std::size_t size() const;

 private:
  struct Member {
    std::function<void()> job;  // empty when idle
    std::thread thread;
  };
  void Serve(Member& me);

  mutable std::mutex mu_;
  std::condition_variable work_;
  std::condition_variable finished_;
  std::vector<std::unique_ptr<Member>> members_;
  std::size_t running_ = 0;
  bool quit_ = false;
};

}  // namespace dj::run
