// The Crew: threads that wait for a job each, kept between batches.
#include "harness/runner/crew.h"

namespace dj::run {

Crew::~Crew() {
  {
    std::lock_guard lock(mu_);
    quit_ = true;
  }
  work_.notify_all();
  for (auto& m : members_) m->thread.join();
}

std::size_t Crew::size() const {
  std::lock_guard lock(mu_);
  return members_.size();
}

void Crew::Serve(Member& me) {
  std::unique_lock lock(mu_);
  while (true) {
    work_.wait(lock, [&] { return quit_ || me.job; });
    if (quit_) return;
    std::function<void()> job = std::move(me.job);
    me.job = nullptr;
    lock.unlock();
    job();
    lock.lock();
    if (--running_ == 0) finished_.notify_all();
  }
}

void Crew::RunAll(std::vector<std::function<void()>> jobs) {
  std::unique_lock lock(mu_);
  while (members_.size() < jobs.size()) {
    members_.push_back(std::make_unique<Member>());
    Member& m = *members_.back();
    m.thread = std::thread([this, &m] { Serve(m); });
  }
  for (std::size_t i = 0; i < jobs.size(); ++i) members_[i]->job = std::move(jobs[i]);
  running_ = jobs.size();
  work_.notify_all();
  finished_.wait(lock, [&] { return running_ == 0; });
}

}  // namespace dj::run
