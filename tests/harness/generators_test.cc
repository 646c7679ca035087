// The step generators reach what the histories need: every (job state, worst instance state)
// pair, every kind of JobId, every wire fault, and histories of useful length.
#include "harness/runner/generators.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <map>
#include <set>

namespace dj::run {
namespace {

TEST(GenDebug, Print) {
  GenModel m;
  m.styles = {protocol::Style::kApi3Post, protocol::Style::kQueryGet};
  rc::Random random(42);
  std::map<std::string, int> kinds;
  for (int i = 0; i < 200; ++i) {
    Step s = GenStep(m, PropertyKind::kHistories)(random.split(), 20).value();
    std::string d = Describe(s);
    kinds[d.substr(0, d.find(' '))]++;
    if (i < 30) std::printf("%s\n", d.c_str());
    PredictEffect(m, s);
  }
  for (auto& [k, n] : kinds) std::printf("%s %d\n", k.c_str(), n);
}

}  // namespace
}  // namespace dj::run
