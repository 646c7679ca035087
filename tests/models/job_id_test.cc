// The JobId grammar (ID-1) and its generators, with a regular expression as the oracle.
#include "models/job_id.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "models/api_model.h"
#include "models/job_id_gen.h"

namespace dj::model {
namespace {

// ^job-[0-9a-z]{8}$ (the length test first: std::regex recurses per character, and near
// misses run to 1 MiB).
bool Oracle(const std::string& id) {
  static const std::regex kStrict("job-[0-9a-z]{8}");
  return id.size() == 12 && std::regex_match(id, kStrict);
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

// Every near miss is malformed by the regex, but an ASCII twin, which may happen to be well
// formed; either way the model judges it as the regex does: ID-1 (JobIdMalformed) when the
// regex refuses it, and as a well-formed id (ID-4 for one that never existed) when not.
RC_GTEST_PROP(JobIdProp, EveryNearMissIsJudgedAsTheRegexSays, ()) {
  NearMissId miss = *GenNearMissJobId();
  RC_TAG(std::string(NearMissName(miss.kind)));
  bool valid = Oracle(miss.id);
  RC_ASSERT(IsWellFormedJobId(miss.id) == valid);
  if (miss.kind != NearMiss::kAsciiTwin) RC_ASSERT_FALSE(valid);
  Decision d = Decide(Store(), DeleteJobRequest(miss.id), {});
  RC_ASSERT(d.clause == (valid ? Clause::kIdUnknown : Clause::kIdMalformed));
}

RC_GTEST_PROP(JobIdProp, AgreesWithTheRegexOracleOnArbitraryStrings, (const std::string& noise)) {
  // Mix arbitrary strings with ids that are one edit away from well formed.
  std::string id = *rc::gen::oneOf(rc::gen::just(noise), rc::gen::just("job-" + noise),
                                   rc::gen::map(GenWellFormedJobId(), [&](std::string s) {
                                     return noise.empty() ? s : s.replace(4, 1, noise.substr(0, 1));
                                   }));
  RC_ASSERT(IsWellFormedJobId(id) == Oracle(id));
}

// Where a near miss breaks the id: the first byte that does not fit a well-formed id there
// (the prefix's, then [0-9a-z]), or 12 for one whose first 12 bytes all fit.
std::size_t FirstBreak(const std::string& id) {
  for (std::size_t i = 0; i < id.size() && i < 12; ++i) {
    bool fits = i < 4 ? id[i] == kJobIdPrefix[i] : kJobIdAlphabet.find(id[i]) != std::string::npos;
    if (!fits) return i;
  }
  return 12;
}

TEST(JobIdGen, EveryKindBreaksTheIdAtEveryPosition) {
  // Insertions reach 0..12 (before the first character to after the last), replacements
  // 0..11.
  const std::map<NearMiss, std::size_t> kPositions = {
      {NearMiss::kUppercase, 12},      {NearMiss::kNonAscii, 12}, {NearMiss::kPercentEncoded, 12},
      {NearMiss::kBadCharacter, 12},   {NearMiss::kNul, 13},      {NearMiss::kWhitespace, 13},
      {NearMiss::kControl, 13}};
  rc::Random random(17);
  for (const auto& [kind, positions] : kPositions) {
    std::set<std::size_t> seen;
    for (int i = 0; i < 1500; ++i) {
      std::string id = GenNearMissJobId(kind)(random.split(), 30).value();
      ASSERT_FALSE(IsWellFormedJobId(id)) << NearMissName(kind) << ": " << id;
      seen.insert(FirstBreak(id));
    }
    for (std::size_t p = 0; p < positions; ++p) {
      if (kind == NearMiss::kUppercase && p == 3) continue;  // '-' has no upper case
      EXPECT_TRUE(seen.contains(p)) << NearMissName(kind) << " never breaks position " << p;
    }
  }
}

TEST(JobIdGen, LooksAlikesAndLengthsOneOffAreDrawn) {
  rc::Random random(19);
  std::set<std::string> seen;
  std::set<std::size_t> lengths;
  for (int i = 0; i < 4000; ++i) {
    std::string id = GenNearMissJobId(NearMiss::kNonAscii)(random.split(), 30).value();
    for (const char* glyph : {"\xd0\xbe", "\xef\xbc\x91", "\xd9\xa3", "\xe2\x88\x92"}) {
      if (id.find(glyph) != std::string::npos) seen.insert(glyph);
    }
    lengths.insert(GenNearMissJobId(NearMiss::kOneShort)(random.split(), 30).value().size());
    lengths.insert(GenNearMissJobId(NearMiss::kOneLong)(random.split(), 30).value().size());
  }
  EXPECT_EQ(seen.size(), 4U);  // Cyrillic o, fullwidth 1, Arabic-Indic 3, minus sign
  EXPECT_EQ(lengths, (std::set<std::size_t>{11, 13}));
}

TEST(JobIdGen, AsciiTwinsAreSometimesWellFormed) {
  rc::Random random(23);
  int valid = 0;
  for (int i = 0; i < 1000; ++i) {
    valid += Oracle(GenNearMissJobId(NearMiss::kAsciiTwin)(random.split(), 30).value()) ? 1 : 0;
  }
  EXPECT_GT(valid, 0);
  EXPECT_LT(valid, 1000);
}

TEST(JobIdGen, HugeNearMissIsOneMebibyteLong) {
  auto id = GenNearMissJobId(NearMiss::kHuge)(rc::Random(), 0).value();
  EXPECT_EQ(id.size(), 4U + (1U << 20));
  EXPECT_FALSE(IsWellFormedJobId(id));
}

}  // namespace
}  // namespace dj::model
