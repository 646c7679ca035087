// The JobId grammar (ID-1) and its generators, with a regular expression as the oracle.
#include "models/job_id.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <regex>

#include "models/job_id_gen.h"

namespace dj::model {
namespace {

bool Oracle(const std::string& id) {
  static const std::regex kStrict("job-[0-9a-z]{8}");
  return std::regex_match(id, kStrict);
}

TEST(JobId, EveryPublishedExampleIsWellFormed) {
  // facts §7
  for (std::string_view id : {"job-f5da1edl", "job-97zcl3wt", "job-rybewp57", "job-7e7evk2x",
                              "job-3n2weaqt", "job-4yn0we13", "job-2bmv4p7o", "job-f4llnqoz",
                              "job-mawzp3ja", "job-5ewdqncb", "job-1jj9noyr", "job-hwsiyl9d"}) {
    EXPECT_TRUE(IsWellFormedJobId(id)) << id;
  }
}

TEST(JobId, StrictRejectsEachKindOfNearMiss) {
  for (std::string_view id :
       {"", "job-", "job-f5da1ed", "job-f5da1edl0", "JOB-F5DA1EDL", "job-F5da1edl", "jbo-f5da1edl",
        "job_f5da1edl", "job-f5da1ed_", "job-f5da1ed\xc3\xa9", " job-f5da1edl", "job-f5da1edl ",
        "job-f5da1edl\n", "job%2Df5da1edl", "env-f5da1edl"}) {
    EXPECT_FALSE(IsWellFormedJobId(id)) << '"' << id << '"';
  }
  EXPECT_FALSE(IsWellFormedJobId(std::string_view("job-f5da\0edl", 12)));
}

TEST(JobId, LenientAcceptsUppercaseAndOtherLengthsButNotJunk) {
  EXPECT_TRUE(IsWellFormedJobId("job-F5DA1EDL", JobIdGrammar::kLenient));
  EXPECT_TRUE(IsWellFormedJobId("job-f5da1edl00", JobIdGrammar::kLenient));
  EXPECT_FALSE(IsWellFormedJobId("job-", JobIdGrammar::kLenient));
  EXPECT_FALSE(IsWellFormedJobId("job-f5da 1edl", JobIdGrammar::kLenient));
  EXPECT_FALSE(IsWellFormedJobId("JOB-f5da1edl", JobIdGrammar::kLenient));
}

RC_GTEST_PROP(JobIdProp, GeneratedWellFormedIdsAreWellFormed, ()) {
  std::string id = *GenWellFormedJobId();
  RC_ASSERT(IsWellFormedJobId(id));
  RC_ASSERT(IsWellFormedJobId(id, JobIdGrammar::kLenient));
  RC_ASSERT(id.size() == 12U);
}

RC_GTEST_PROP(JobIdProp, EveryNearMissIsMalformed, ()) {
  NearMissId miss = *GenNearMissJobId();
  RC_TAG(std::string(NearMissName(miss.kind)));
  RC_ASSERT_FALSE(IsWellFormedJobId(miss.id));
}

RC_GTEST_PROP(JobIdProp, AgreesWithTheRegexOracleOnArbitraryStrings, (const std::string& noise)) {
  // Mix arbitrary strings with ids that are one edit away from well formed.
  std::string id = *rc::gen::oneOf(rc::gen::just(noise), rc::gen::just("job-" + noise),
                                   rc::gen::map(GenWellFormedJobId(), [&](std::string s) {
                                     return noise.empty() ? s : s.replace(4, 1, noise.substr(0, 1));
                                   }));
  RC_ASSERT(IsWellFormedJobId(id) == Oracle(id));
}

TEST(JobIdGen, HugeNearMissIsOneMebibyteLong) {
  auto id = GenNearMissJobId(NearMiss::kHuge)(rc::Random(), 0).value();
  EXPECT_EQ(id.size(), 4U + (1U << 20));
  EXPECT_FALSE(IsWellFormedJobId(id));
}

}  // namespace
}  // namespace dj::model
