// The ledger of the run's own jobs on a target without the control extension
// (target-contract §4): a JSON-lines file in the report dir, appended and flushed before and
// after every SubmitJob and after every successful DeleteJob, so that `djharness cleanup` can
// finish what an interrupted run left. Each job is submitted under a name unique to the run
// (`djharness-<tag>-<n>`), so that a job whose SubmitJob answer never arrived can still be found.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "models/result.h"

namespace dj::run {

struct LedgerJob {
  std::string name;    // the JobName it was submitted under
  std::string job_id;  // empty while SubmitJob has not answered
  bool deleted = false;
};

struct LedgerContents {
  std::string target;  // URL of the target
  std::string region;
  std::string tag;  // the run's random tag, part of every job name
  std::vector<LedgerJob> jobs;
  // Jobs not known to be deleted: those cleanup must finish.
  std::vector<LedgerJob> Live() const;
};

class Ledger {
 public:
  // A ledger written to `path` (created or appended); an empty path keeps it in memory only.
  static Result<std::shared_ptr<Ledger>> Open(const std::filesystem::path& path,
                                              const std::string& target, const std::string& region,
                                              std::string tag);
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // The name the next job is submitted under, recorded before the SubmitJob is sent.
  std::string Submitting();
  void Submitted(const std::string& name, const std::string& job_id);
  void Deleted(const std::string& job_id);
  // No job has the name: its SubmitJob made nothing (cleanup looked for it).
  void Absent(const std::string& name);

  LedgerContents Contents() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  Ledger() = default;
  void Append(const std::string& line);

  mutable std::mutex mu_;
  std::filesystem::path path_;
  int fd_ = -1;
  LedgerContents contents_;
  int next_ = 0;
};

// Read a ledger file back; later lines override earlier ones. Fails on an unreadable file or a
// file that is not a ledger; a torn last line (the run was killed mid-write) is ignored.
Result<LedgerContents> ReadLedger(const std::filesystem::path& path);

// A random tag for job names: 12 lowercase hex digits.
std::string NewRunTag();

}  // namespace dj::run
