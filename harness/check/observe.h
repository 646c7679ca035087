// Checks of what a target reports against what the reference model holds (OBS-1).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/store.h"

namespace dj::check {

// Differences between a DescribeJob answer's Response object and the model's job: JobId,
// JobState and every TaskInstanceMetrics counter (OBS-1; TaskState is not judged). Empty
// when they agree. Never throws, whatever the answer holds.
std::vector<std::string> CompareDescribedJob(const nlohmann::json& response, const model::Job& job);

}  // namespace dj::check
