// OBS-1 comparison.
#include "harness/check/observe.h"

namespace dj::check {

using nlohmann::json;

std::vector<std::string> CompareDescribedJob(const json& response, const model::Job& job) {
  std::vector<std::string> out;
  auto string_field = [&](const char* name, std::string_view want) {
    auto it = response.find(name);
    if (it == response.end() || !it->is_string()) {
      out.push_back(std::string(name) + " is missing or not a string");
    } else if (it->get_ref<const std::string&>() != want) {
      out.push_back(std::string(name) + " is `" + it->get<std::string>().substr(0, 64) +
                    "`, the model holds `" + std::string(want) + "`");
    }
  };
  if (!response.is_object()) return {"the Response is not an object"};
  string_field("JobId", job.id);
  string_field("JobState", model::StateName(job.state));
  auto metrics = response.find("TaskInstanceMetrics");
  if (metrics == response.end() || !metrics->is_object()) {
    out.push_back("TaskInstanceMetrics is missing or not an object");
    return out;
  }
  auto counts = model::InstanceCounts(job);
  for (model::State s : model::kAllStates) {
    std::string field(model::MetricsField(s));
    int want = counts[static_cast<std::size_t>(s)];
    auto it = metrics->find(field);
    if (it == metrics->end() || !it->is_number_integer()) {
      out.push_back("TaskInstanceMetrics." + field + " is missing or not an integer");
    } else if (it->get<std::int64_t>() != want) {
      out.push_back("TaskInstanceMetrics." + field + " is " +
                    std::to_string(it->get<std::int64_t>()) + ", the model holds " +
                    std::to_string(want));
    }
  }
  return out;
}

}  // namespace dj::check
