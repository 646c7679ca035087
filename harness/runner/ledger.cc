// The ledger file: one JSON object per line, written with write(2) so that every line is in the
// kernel's hands before the request it announces is sent.
#include "harness/runner/ledger.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

namespace dj::run {
namespace {

using nlohmann::json;

LedgerJob* FindByName(LedgerContents& c, const std::string& name) {
  for (auto& j : c.jobs) {
    if (j.name == name) return &j;
  }
  return nullptr;
}

LedgerJob* FindById(LedgerContents& c, const std::string& id) {
  for (auto& j : c.jobs) {
    if (j.job_id == id) return &j;
  }
  return nullptr;
}

// Apply one ledger line to the contents; false when it is not a ledger line.
bool Apply(LedgerContents& c, const json& line) {
  if (!line.is_object() || !line.contains("Event") || !line["Event"].is_string()) return false;
  const std::string event = line["Event"].get<std::string>();
  auto text = [&](const char* key) {
    auto it = line.find(key);
    return it != line.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (event == "run") {
    c.target = text("Target");
    c.region = text("Region");
    c.tag = text("Tag");
  } else if (event == "submitting") {
    if (FindByName(c, text("JobName")) == nullptr) c.jobs.push_back({text("JobName"), "", false});
  } else if (event == "submitted") {
    LedgerJob* j = FindByName(c, text("JobName"));
    if (j == nullptr) {
      c.jobs.push_back({text("JobName"), text("JobId"), false});
    } else {
      j->job_id = text("JobId");
    }
  } else if (event == "absent") {
    if (LedgerJob* j = FindByName(c, text("JobName"))) j->deleted = true;
  } else if (event == "deleted") {
    LedgerJob* j = FindById(c, text("JobId"));
    if (j == nullptr) {
      c.jobs.push_back({"", text("JobId"), true});
    } else {
      j->deleted = true;
    }
  } else {
    return false;
  }
  return true;
}

}  // namespace

std::vector<LedgerJob> LedgerContents::Live() const {
  std::vector<LedgerJob> out;
  for (const auto& j : jobs) {
    if (!j.deleted) out.push_back(j);
  }
  return out;
}

Result<std::shared_ptr<Ledger>> Ledger::Open(const std::filesystem::path& path,
                                             const std::string& target, const std::string& region,
                                             std::string tag) {
  std::shared_ptr<Ledger> ledger(new Ledger());
  ledger->path_ = path;
  if (!path.empty()) {
    ledger->fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (ledger->fd_ < 0) return Failure{"cannot write the ledger " + path.string()};
  }
  ledger->contents_.target = target;
  ledger->contents_.region = region;
  ledger->contents_.tag = std::move(tag);
  ledger->Append(
      json{{"Event", "run"}, {"Target", target}, {"Region", region}, {"Tag", ledger->contents_.tag}}
          .dump());
  return ledger;
}

Ledger::~Ledger() {
  if (fd_ >= 0) ::close(fd_);
}

void Ledger::Append(const std::string& line) {
  if (fd_ < 0) return;
  std::string text = line + "\n";
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n <= 0) return;  // a full disk: the in-memory ledger still drives the run's own cleanup
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

std::string Ledger::Submitting() {
  std::lock_guard lock(mu_);
  std::string name = "djharness-" + contents_.tag + "-" + std::to_string(next_++);
  contents_.jobs.push_back({name, "", false});
  Append(json{{"Event", "submitting"}, {"JobName", name}}.dump());
  return name;
}

void Ledger::Submitted(const std::string& name, const std::string& job_id) {
  std::lock_guard lock(mu_);
  Apply(contents_, json{{"Event", "submitted"}, {"JobName", name}, {"JobId", job_id}});
  Append(json{{"Event", "submitted"}, {"JobName", name}, {"JobId", job_id}}.dump());
}

void Ledger::Absent(const std::string& name) {
  std::lock_guard lock(mu_);
  json line{{"Event", "absent"}, {"JobName", name}};
  Apply(contents_, line);
  Append(line.dump());
}

void Ledger::Deleted(const std::string& job_id) {
  std::lock_guard lock(mu_);
  Apply(contents_, json{{"Event", "deleted"}, {"JobId", job_id}});
  Append(json{{"Event", "deleted"}, {"JobId", job_id}}.dump());
}

LedgerContents Ledger::Contents() const {
  std::lock_guard lock(mu_);
  return contents_;
}

Result<LedgerContents> ReadLedger(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return Failure{"cannot read the ledger " + path.string()};
  LedgerContents c;
  std::string line;
  bool any = false;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      if (in.peek() == EOF) break;  // torn last line
      return Failure{path.string() + " is not a djharness ledger (a line is not JSON)"};
    }
    if (!Apply(c, j)) return Failure{path.string() + " is not a djharness ledger"};
    any = true;
  }
  if (!any || c.target.empty()) return Failure{path.string() + " is not a djharness ledger"};
  return c;
}

std::string NewRunTag() {
  std::random_device rd;
  std::uint64_t v = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 12; ++i) {
    out += kHex[v & 15];
    v >>= 4;
  }
  return out;
}

}  // namespace dj::run
