// Audit entries and their JSON lines.
#include "harness/mock/audit.h"

#include <nlohmann/json.hpp>

#include "models/api_model.h"

namespace dj::mock {

std::optional<AuditEntry> StartAudit(const std::optional<std::string>& action,
                                     std::int64_t wall_seconds) {
  auto known = action ? model::ActionFromName(*action) : std::nullopt;
  if (!known || !model::Mutates(*known)) return std::nullopt;
  AuditEntry entry;
  entry.wall_seconds = wall_seconds;
  entry.action = *known;
  return entry;
}

std::optional<std::string> AuditedJobId(const nlohmann::json& params) {
  if (!params.is_object()) return std::nullopt;
  auto id = params.find("JobId");
  if (id == params.end()) return std::nullopt;
  if (id->is_string()) return id->get<std::string>();
  return id->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void FinishAudit(AuditEntry& entry, const std::set<std::string, std::less<>>& foreign) {
  if (!entry.job_id) return;
  entry.foreign = foreign.contains(*entry.job_id);
  if (entry.job_id->size() > kAuditJobIdBytes) {
    entry.job_id->resize(kAuditJobIdBytes);
    *entry.job_id += "...";
  }
}

std::string AuditJsonLine(const AuditEntry& entry) {
  nlohmann::ordered_json line;
  line["seq"] = entry.seq;
  line["time"] = model::FormatIsoUtc(entry.wall_seconds);
  line["action"] = model::ActionName(entry.action);
  line["job_id"] = entry.job_id ? nlohmann::ordered_json(*entry.job_id) : nullptr;
  line["foreign"] = entry.foreign;
  line["outcome"] = entry.outcome;
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace dj::mock
