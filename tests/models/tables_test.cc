// The closed vocabularies: actions, regions, error codes and the clause table, including a
// cross-check of the clause table against the design catalogue when ../shared is present.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "models/actions.h"
#include "models/clauses.h"
#include "models/error_codes.h"
#include "models/regions.h"

namespace dj::model {
namespace {

TEST(Actions, NamesAreExactAndCaseSensitive) {
  for (Action a : kAllActions) EXPECT_EQ(ActionFromName(ActionName(a)), a);
  EXPECT_EQ(ActionFromName("DeleteJob"), Action::kDeleteJob);
  EXPECT_FALSE(ActionFromName("deletejob").has_value());
  EXPECT_FALSE(ActionFromName(" DeleteJob").has_value());
  EXPECT_FALSE(ActionFromName("RetryJobs").has_value());
}

TEST(Actions, OnlyDeleteJobIsLimitedByDefault) {
  EXPECT_EQ(DefaultLimitPerSecond(Action::kDeleteJob), 2);  // seed §1
  for (Action a : kAllActions) {
    if (a != Action::kDeleteJob) {
      EXPECT_EQ(DefaultLimitPerSecond(a), 0) << ActionName(a);
    }
  }
}

TEST(Actions, OnlyJobChangingActionsMutate) {
  std::vector<std::string_view> mutating;
  for (Action a : kAllActions) {
    if (Mutates(a)) mutating.push_back(ActionName(a));
  }
  EXPECT_EQ(mutating, (std::vector<std::string_view>{"DeleteJob", "SubmitJob", "TerminateJob"}));
}

TEST(Actions, AcceptedParams) {
  EXPECT_EQ(AcceptedParams(Action::kDeleteJob), std::vector<std::string_view>{"JobId"});
  EXPECT_EQ(AcceptedParams(Action::kDescribeJobs),
            (std::vector<std::string_view>{"JobIds", "Filters", "Offset", "Limit"}));
  EXPECT_EQ(AcceptedParams(Action::kSubmitJob),
            (std::vector<std::string_view>{"Placement", "Job", "ClientToken"}));
}

TEST(Regions, Membership) {
  EXPECT_TRUE(IsSupportedRegion("ap-guangzhou"));
  EXPECT_TRUE(IsSupportedRegion("eu-frankfurt"));
  EXPECT_FALSE(IsSupportedRegion("AP-GUANGZHOU"));
  EXPECT_FALSE(IsSupportedRegion("sa-saopaulo"));
  EXPECT_FALSE(IsSupportedRegion(""));
}

TEST(ErrorCodes, StringsAreUniqueAndRoundTrip) {
  std::set<std::string_view> seen;
  for (ErrorCode c : kAllErrorCodes) {
    EXPECT_TRUE(seen.insert(CodeString(c)).second) << "duplicate " << CodeString(c);
    EXPECT_EQ(ErrorCodeFromString(CodeString(c)), c);
    EXPECT_FALSE(DefaultMessage(c).empty()) << CodeString(c);
  }
  EXPECT_FALSE(ErrorCodeFromString("JobNotFound").has_value());    // legacy API 2.0 name
  EXPECT_FALSE(ErrorCodeFromString("InvalidRegion").has_value());  // facts §5: does not exist
}

TEST(ErrorCodes, DocumentedLists) {
  // facts §8: DeleteJob's own list.
  EXPECT_TRUE(IsDocumentedFor(ErrorCode::kJobIdMalformed, Action::kDeleteJob));
  EXPECT_TRUE(IsDocumentedFor(ErrorCode::kResourceInUseJob, Action::kDeleteJob));
  EXPECT_TRUE(IsDocumentedFor(ErrorCode::kResourceNotFoundJob, Action::kDeleteJob));
  EXPECT_TRUE(IsDocumentedFor(ErrorCode::kInternalErrorCallTagApi, Action::kDeleteJob));
  // Common codes apply to every action.
  EXPECT_TRUE(IsDocumentedFor(ErrorCode::kMissingParameter, Action::kDeleteJob));
  EXPECT_TRUE(IsDocumentedFor(ErrorCode::kRequestLimitExceededUin, Action::kDescribeJob));
  // Another action's own code is not DeleteJob's.
  EXPECT_FALSE(IsDocumentedFor(ErrorCode::kInvalidFilter, Action::kDeleteJob));
  EXPECT_FALSE(IsDocumentedFor(ErrorCode::kTerminateOperationWithEnvId, Action::kDeleteJob));
  EXPECT_FALSE(IsDocumentedFor(ErrorCode::kResourceInUseJob, Action::kDescribeJob));
  EXPECT_TRUE(IsDocumentedFor(ErrorCode::kInvalidFilter, Action::kDescribeJobs));
}

TEST(Clauses, RowsAreWellFormed) {
  const std::regex id_shape("[A-Z]+-[0-9]+");
  for (Clause c : kAllClauses) {
    const ClauseInfo& row = Info(c);
    EXPECT_EQ(row.clause, c);
    EXPECT_TRUE(std::regex_match(std::string(row.id), id_shape)) << row.id;
    EXPECT_FALSE(row.text.empty()) << row.id;
    EXPECT_TRUE(row.lenient.empty() || !row.strict.empty()) << row.id << ": lenient without strict";
    for (const Outcome& o : row.strict) {
      EXPECT_NE(o.kind, OutcomeKind::kAsIfValid) << row.id << ": strict never answers as if valid";
    }
    for (const Outcome& o : row.lenient) {
      EXPECT_EQ(std::count(row.strict.begin(), row.strict.end(), o), 0)
          << row.id << ": lenient repeats a strict outcome " << ToString(o);
    }
  }
}

TEST(Clauses, AllowedAddsLenientOnTopOfStrict) {
  EXPECT_EQ(Allowed(Clause::kIdMalformed, Profile::kStrict),
            std::vector<Outcome>{Err(ErrorCode::kJobIdMalformed)});
  EXPECT_EQ(
      Allowed(Clause::kIdMalformed, Profile::kLenient),
      (std::vector<Outcome>{Err(ErrorCode::kJobIdMalformed), Err(ErrorCode::kInvalidParameter),
                            Err(ErrorCode::kInvalidParameterValue)}));
  EXPECT_EQ(Canonical(Clause::kDelJobActive), Err(ErrorCode::kUnsupportedOperation));
  EXPECT_EQ(Allowed(Clause::kDelJobActive, Profile::kLenient).back(),
            Err(ErrorCode::kResourceInUseJob));
  // A front end answers 405 to a method it knows and refuses, 501 to one it does not implement.
  EXPECT_EQ(Allowed(Clause::kUnsupportedMethod, Profile::kLenient),
            (std::vector<Outcome>{Err(ErrorCode::kUnsupportedProtocol), Http(405), Http(501)}));
  EXPECT_TRUE(RefusesRequest(Clause::kDelJobActive));
  EXPECT_FALSE(RefusesRequest(Clause::kDelCompleted));
}

TEST(Clauses, RateLimitCodesComeFromRl2) {
  EXPECT_TRUE(IsRateLimitCode(ErrorCode::kRequestLimitExceeded));
  EXPECT_TRUE(IsRateLimitCode(ErrorCode::kRequestLimitExceededIp));
  EXPECT_FALSE(IsRateLimitCode(ErrorCode::kLimitExceeded));
  EXPECT_FALSE(IsRateLimitCode(ErrorCode::kRequestSizeLimitExceeded));
}

TEST(Clauses, OutcomeEqualityIgnoresUnusedFields) {
  EXPECT_EQ(Ok(), Ok());
  EXPECT_NE(Ok(), Err(ErrorCode::kInternalError));
  EXPECT_NE(Err(ErrorCode::kMissingParameter), Err(ErrorCode::kInvalidParameter));
  EXPECT_NE(Http(405), Http(413));
  EXPECT_EQ(ToString(Err(ErrorCode::kJobIdMalformed)), "InvalidParameter.JobIdMalformed");
  EXPECT_EQ(ToString(Http(413)), "HTTP 413");
}

TEST(Clauses, IdLookups) {
  EXPECT_EQ(ClausesWithId("COM-1"),
            (std::vector<Clause>{Clause::kActionMissing, Clause::kActionUnknown}));
  EXPECT_TRUE(ClausesWithId("NOPE-1").empty());
  auto ids = AllClauseIds();
  EXPECT_EQ(std::set<std::string_view>(ids.begin(), ids.end()).size(), ids.size());
  EXPECT_EQ(ProfileFromName("lenient"), Profile::kLenient);
  EXPECT_FALSE(ProfileFromName("Strict").has_value());
}

// A clause id of several rows reads as their texts in table order, each once.
TEST(Clauses, ClauseTextJoinsTheRowsOfAnId) {
  EXPECT_EQ(ClauseText("ENV-2"), Info(Clause::kEnvRequestId).text);
  EXPECT_EQ(ClauseText("AUTH-2"), std::string(Info(Clause::kAuthExpired).text) + " " +
                                      std::string(Info(Clause::kAuthTimestampMissing).text) + " " +
                                      std::string(Info(Clause::kAuthTimestampMalformed).text));
  EXPECT_EQ(ClauseText("NOPE-1"), "");
}

// Every clause id of the design catalogue is in the table, and the table's non-driver ids all
// come from the catalogue. The catalogue lives beside the checkout (../shared); skipped
// where it is not.
TEST(Clauses, MatchTheDesignCatalogue) {
  std::ifstream in(std::string(DJ_SOURCE_DIR) + "/../shared/design/clauses.md");
  if (!in) GTEST_SKIP() << "../shared/design/clauses.md is not beside this checkout";
  std::stringstream text;
  text << in.rdbuf();
  std::string doc = text.str();
  const std::regex row("\\n\\| ([A-Z]+-[0-9]+) \\|");
  std::set<std::string> catalogue;
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), row); it != std::sregex_iterator();
       ++it) {
    catalogue.insert((*it)[1]);
  }
  ASSERT_GE(catalogue.size(), 40U);
  auto ids = AllClauseIds();
  std::set<std::string> table;
  for (std::string_view id : ids) {
    if (!id.starts_with("DRV-")) table.insert(std::string(id));
  }
  EXPECT_EQ(table, catalogue);
}

}  // namespace
}  // namespace dj::model
