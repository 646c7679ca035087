// The generated reference (docs/clauses.md, docs/cli.md) and `djharness explain`: every row of
// the tables is there, and explain prints exactly the clause's section of clauses.md.
#include "harness/cli/reference.h"

#include <gtest/gtest.h>

#include <sstream>

#include "harness/cli/commands.h"
#include "harness/mock/faults.h"
#include "models/clauses.h"

namespace dj::cli {
namespace {

int Explain(std::vector<std::string> args, std::string& out, std::string& err) {
  auto flags = ParseFlags("explain", args);
  EXPECT_TRUE(flags.ok()) << flags.error();
  std::ostringstream o;
  std::ostringstream e;
  int code = RunExplain(*flags, o, e);
  out = o.str();
  err = e.str();
  return code;
}

TEST(Reference, EveryClauseHasItsEntryInTheClausesPage) {
  std::string page = ClausesPage();
  for (std::string_view id : model::AllClauseIds()) {
    std::string entry = ClauseEntry(id);
    ASSERT_FALSE(entry.empty()) << id;
    EXPECT_EQ(entry.find("### " + std::string(id) + "\n"), 0U) << entry;
    EXPECT_NE(page.find(entry), std::string::npos) << id;
    for (model::Clause c : model::ClausesWithId(id)) {
      EXPECT_NE(entry.find(model::Info(c).text), std::string::npos) << id;
    }
  }
  EXPECT_EQ(ClauseEntry("DEL-9"), "");
}

TEST(Reference, AnEntryCarriesOutcomesNeedsPropertiesAndFaults) {
  std::string del2 = ClauseEntry("DEL-2");
  for (const char* part :
       {"- strict: `UnsupportedOperation`", "- lenient: also `ResourceInUse.Job`",
        "- needs: the control extension, or jobs the run submits itself",
        "- aimed at by: histories, owned-jobs", "`running-deletable` (deletes a job"}) {
    EXPECT_NE(del2.find(part), std::string::npos) << part << "\n" << del2;
  }
  std::string drv = ClauseEntry("DRV-1");
  EXPECT_NE(drv.find("judged only for the envelope"), std::string::npos) << drv;
  EXPECT_NE(drv.find("planted faults that break it: none"), std::string::npos) << drv;
  // A clause of several cases lists each with its own outcomes.
  std::string auth2 = ClauseEntry("AUTH-2");
  EXPECT_NE(auth2.find("  - strict: `MissingParameter`"), std::string::npos) << auth2;
  EXPECT_NE(auth2.find("  - strict: `AuthFailure.SignatureExpire`"), std::string::npos) << auth2;
}

TEST(Reference, EveryPlantedFaultIsListedUnderTheClauseItBreaks) {
  for (mock::Fault f : mock::kAllFaults) {
    std::string entry = ClauseEntry(model::ClauseId(mock::BrokenClause(f)));
    EXPECT_NE(entry.find("`" + std::string(mock::FaultName(f)) + "`"), std::string::npos)
        << mock::FaultName(f);
  }
}

TEST(Reference, TheCliPageHasEveryCommandAndFlagWithItsDefault) {
  std::string page = CliPage();
  for (const CommandInfo& c : Commands()) {
    EXPECT_NE(page.find("\n## djharness " + std::string(c.name) + "\n"), std::string::npos)
        << c.name;
    std::size_t section = page.find("\n## djharness " + std::string(c.name) + "\n");
    std::size_t next = page.find("\n## ", section + 1);
    std::string text = page.substr(section, next - section);
    for (const FlagInfo& f : FlagsOf(c.name)) {
      std::string row = "| `--" + std::string(f.name) + "` | ";
      std::size_t at = text.find(row);
      ASSERT_NE(at, std::string::npos) << c.name << " --" << f.name;
      std::string line = text.substr(at, text.find('\n', at) - at);
      std::string fallback = f.fallback.empty() ? "none" : std::string(f.fallback);
      EXPECT_EQ(line.find(row + fallback + " | "), 0U) << line;
    }
  }
}

TEST(Explain, PrintsTheClausesEntry) {
  std::string out;
  std::string err;
  EXPECT_EQ(Explain({"DEL-2"}, out, err), kExitOk);
  EXPECT_EQ(out, ClauseEntry("DEL-2"));
  EXPECT_EQ(Explain({"auth-5"}, out, err), kExitOk);  // case does not matter
  EXPECT_EQ(out, ClauseEntry("AUTH-5"));
  EXPECT_TRUE(err.empty()) << err;
}

TEST(Explain, AnUnknownOrMissingIdIsUsageWithTheListOfIds) {
  std::string out;
  std::string err;
  EXPECT_EQ(Explain({"DEL-9"}, out, err), kExitUsage);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(err.find("djharness explain: unknown clause id `DEL-9`; the ids are ENV-1, ENV-2"), 0U)
      << err;
  EXPECT_NE(err.find("DRV-9\n"), std::string::npos) << err;
  EXPECT_EQ(Explain({}, out, err), kExitUsage);
  EXPECT_NE(err.find("the ids are ENV-1"), std::string::npos) << err;
}

}  // namespace
}  // namespace dj::cli
