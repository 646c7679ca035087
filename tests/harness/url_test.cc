// Tests of harness/protocol/url: percent-encoding, form strings, parameter (un)flattening.
#include "harness/protocol/url.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace dj::protocol {
namespace {

using nlohmann::json;
using namespace std::string_literals;

constexpr PercentEncoding kAllEncodings[] = {
    {false, false}, {true, false}, {false, true}, {true, true}};

rc::Gen<std::string> GenBytes() {
  return rc::gen::container<std::string>(rc::gen::arbitrary<char>());
}

rc::Gen<PercentEncoding> GenEncoding() {
  return rc::gen::map(rc::gen::pair(rc::gen::arbitrary<bool>(), rc::gen::arbitrary<bool>()),
                      [](const std::pair<bool, bool>& p) {
                        return PercentEncoding{p.first, p.second};
                      });
}

bool IsHexDigit(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

// ----- PercentEncode / PercentDecode -----

TEST(PercentEncode, KeepsUnreservedAndEncodesTheRestInUpperCaseHex) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a b/+=&%?#"), "a%20b%2F%2B%3D%26%25%3F%23");
  EXPECT_EQ(PercentEncode("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(PercentEncode("\0\xff"s), "%00%FF");
  EXPECT_EQ(PercentEncode(""), "");
}

TEST(PercentEncode, SpaceAsPlus) {
  EXPECT_EQ(PercentEncode("a b+c", {.space_as_plus = true}), "a+b%2Bc");
}

TEST(PercentEncode, EncodeUnreserved) {
  EXPECT_EQ(PercentEncode("job-f5da1edl_.~", {.encode_unreserved = true}),
            "job%2Df5da1edl%5F%2E%7E");
  EXPECT_EQ(PercentEncode("a b", {.space_as_plus = true, .encode_unreserved = true}), "a+b");
}

TEST(PercentDecode, DecodesUpperAndLowerCaseHex) {
  EXPECT_EQ(PercentDecode("%2F%2f%41", false).value(),
            "/"
            "/"
            "A");
  EXPECT_EQ(PercentDecode("%00", false).value(), "\0"s);
  EXPECT_EQ(PercentDecode("", false).value(), "");
}

TEST(PercentDecode, PlusIsSpaceOnlyWhenAsked) {
  EXPECT_EQ(PercentDecode("a+b", true).value(), "a b");
  EXPECT_EQ(PercentDecode("a+b", false).value(), "a+b");
  EXPECT_EQ(PercentDecode("%2B", true).value(), "+");
  EXPECT_EQ(PercentDecode("%20", false).value(), " ");
}

TEST(PercentDecode, StrictAboutEscapes) {
  for (const char* bad : {"%", "%4", "%zz", "%4g", "%g4", "a%", "abc%2", "%%41", "% 41"}) {
    auto r = PercentDecode(bad, true);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().find("bad percent-escape"), std::string::npos) << r.error();
  }
}

RC_GTEST_PROP(PercentProp, DecodeInvertsEncodeForEveryVariant, ()) {
  std::string text = *GenBytes();
  for (const PercentEncoding& how : kAllEncodings) {
    std::string encoded = PercentEncode(text, how);
    auto decoded = PercentDecode(encoded, /*plus_is_space=*/true);
    RC_ASSERT(decoded.ok());
    RC_ASSERT(*decoded == text);
    if (!how.space_as_plus) {  // no raw '+' is produced, so either decoding mode works
      auto literal_plus = PercentDecode(encoded, /*plus_is_space=*/false);
      RC_ASSERT(literal_plus.ok());
      RC_ASSERT(*literal_plus == text);
    }
  }
}

RC_GTEST_PROP(PercentProp, EncodedTextUsesOnlySafeCharacters, ()) {
  std::string text = *GenBytes();
  PercentEncoding how = *GenEncoding();
  std::string encoded = PercentEncode(text, how);
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    bool mark = c == '-' || c == '.' || c == '_' || c == '~';
    if (c == '%') {
      RC_ASSERT(i + 2 < encoded.size());
      RC_ASSERT(IsHexDigit(encoded[i + 1]) && IsHexDigit(encoded[i + 2]));
      i += 2;
    } else if (c == '+') {
      RC_ASSERT(how.space_as_plus);
    } else {
      RC_ASSERT(alnum || (mark && !how.encode_unreserved));
    }
  }
}

// ----- ParseForm / FormatForm -----

TEST(ParseForm, DecodesPairsInOrderKeepingRepeats) {
  auto pairs = ParseForm("b=1&a=x+y&b=%2B%41");
  ASSERT_TRUE(pairs.ok()) << pairs.error();
  EXPECT_EQ(*pairs, (Pairs{{"b", "1"}, {"a", "x y"}, {"b", "+A"}}));
}

TEST(ParseForm, SkipsEmptySegments) {
  EXPECT_EQ(ParseForm("").value(), Pairs{});
  EXPECT_EQ(ParseForm("&&a=1&&").value(), (Pairs{{"a", "1"}}));
}

TEST(ParseForm, EmptyNameOrValueAndEqualsInValue) {
  EXPECT_EQ(ParseForm("a=&=v&k=x=y").value(), (Pairs{{"a", ""}, {"", "v"}, {"k", "x=y"}}));
}

TEST(ParseForm, FailsOnSegmentWithoutEquals) {
  auto r = ParseForm("Action=DeleteJob&JobId");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("`JobId`"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("split by `=`"), std::string::npos) << r.error();
}

TEST(ParseForm, FailsOnBadEscapeInNameOrValue) {
  auto in_value = ParseForm("a=1&JobId=%zz");
  ASSERT_FALSE(in_value.ok());
  EXPECT_NE(in_value.error().find("bad percent-escape in `%zz`"), std::string::npos)
      << in_value.error();
  auto in_name = ParseForm("Job%4=1");
  ASSERT_FALSE(in_name.ok());
  EXPECT_NE(in_name.error().find("bad percent-escape in `Job%4`"), std::string::npos)
      << in_name.error();
}

TEST(FormatForm, EncodesNamesAndValues) {
  EXPECT_EQ(FormatForm({{"JobId", "job-f5da1edl"}, {"a b", "x/y"}}),
            "JobId=job-f5da1edl&a%20b=x%2Fy");
  EXPECT_EQ(FormatForm({{"a b", "c d"}}, {.space_as_plus = true}), "a+b=c+d");
  EXPECT_EQ(FormatForm({}), "");
  EXPECT_EQ(FormatForm({{"", ""}}), "=");
}

RC_GTEST_PROP(FormProp, ParseInvertsFormat, ()) {
  auto pairs = *rc::gen::container<Pairs>(rc::gen::pair(GenBytes(), GenBytes()));
  PercentEncoding how = *GenEncoding();
  auto parsed = ParseForm(FormatForm(pairs, how));
  RC_ASSERT(parsed.ok());
  RC_ASSERT(*parsed == pairs);
}

// ----- FlattenParams / UnflattenParams -----

TEST(FlattenParams, ObjectsJoinWithDotsArraysCountFromZero) {
  json params = {
      {"JobId", "job-f5da1edl"},
      {"Filters", {{{"Name", "job-state"}, {"Values", {"SUCCEED", "FAILED"}}}}},
      {"Job", {{"Tasks", {{{"Application", {{"Command", "echo hi"}}}}}}}},
      {"Limit", 10},
      {"Ratio", 1.5},
      {"Flag", true},
      {"Off", false},
      {"Nothing", nullptr},
  };
  // nlohmann::json objects iterate in key order.
  EXPECT_EQ(FlattenParams(params), (Pairs{
                                       {"Filters.0.Name", "job-state"},
                                       {"Filters.0.Values.0", "SUCCEED"},
                                       {"Filters.0.Values.1", "FAILED"},
                                       {"Flag", "true"},
                                       {"Job.Tasks.0.Application.Command", "echo hi"},
                                       {"JobId", "job-f5da1edl"},
                                       {"Limit", "10"},
                                       {"Off", "false"},
                                       {"Ratio", "1.5"},
                                   }));
}

TEST(FlattenParams, EmptyContainersVanish) {
  EXPECT_EQ(FlattenParams(json::object()), Pairs{});
  EXPECT_EQ(FlattenParams({{"A", json::array()}, {"B", json::object()}}), Pairs{});
}

TEST(UnflattenParams, BuildsObjectsAndArrays) {
  auto r = UnflattenParams({{"Filters.0.Name", "job-state"},
                            {"Filters.0.Values.0", "SUCCEED"},
                            {"Filters.0.Values.1", "FAILED"},
                            {"JobId", "job-f5da1edl"}});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(*r, json({{"JobId", "job-f5da1edl"},
                      {"Filters", {{{"Name", "job-state"}, {"Values", {"SUCCEED", "FAILED"}}}}}}));
}

TEST(UnflattenParams, ArrayIndicesMayArriveOutOfOrder) {
  auto r = UnflattenParams({{"JobIds.1", "job-bbbbbbbb"}, {"JobIds.0", "job-aaaaaaaa"}});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(*r, json({{"JobIds", {"job-aaaaaaaa", "job-bbbbbbbb"}}}));
}

TEST(UnflattenParams, IndicesWithGapsOrLeadingZerosStayObjects) {
  EXPECT_EQ(UnflattenParams({{"A.0", "x"}, {"A.2", "z"}}).value(),
            json({{"A", {{"0", "x"}, {"2", "z"}}}}));
  EXPECT_EQ(UnflattenParams({{"A.00", "x"}}).value(), json({{"A", {{"00", "x"}}}}));
  EXPECT_EQ(UnflattenParams({{"A.1", "x"}}).value(), json({{"A", {{"1", "x"}}}}));
}

TEST(UnflattenParams, TopLevelNumericNamesStayAnObject) {
  EXPECT_EQ(UnflattenParams({{"0", "x"}}).value(), json({{"0", "x"}}));
}

TEST(UnflattenParams, EmptyInputGivesEmptyObject) {
  EXPECT_EQ(UnflattenParams({}).value(), json::object());
}

TEST(UnflattenParams, FailsOnDuplicateName) {
  auto r = UnflattenParams({{"JobId", "a"}, {"JobId", "b"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "parameter `JobId` is given twice");
}

TEST(UnflattenParams, FailsOnEmptySegment) {
  for (const char* name : {"a..b", ".a", "a.", ""}) {
    auto r = UnflattenParams({{name, "1"}});
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.error(), "empty name segment in parameter `" + std::string(name) + "`");
  }
}

TEST(UnflattenParams, FailsOnNameThatIsLeafAndParent) {
  auto leaf_first = UnflattenParams({{"a", "1"}, {"a.b", "2"}});
  ASSERT_FALSE(leaf_first.ok());
  EXPECT_EQ(leaf_first.error(), "parameter `a.b` conflicts with another");
  auto parent_first = UnflattenParams({{"a.b", "2"}, {"a", "1"}});
  ASSERT_FALSE(parent_first.ok());
  EXPECT_EQ(parent_first.error(), "parameter `a` is given twice");
}

TEST(UnflattenParams, SixteenLevelsAllowedSeventeenRefused) {
  auto name = [](int levels) {
    std::string n = "a";
    for (int i = 1; i < levels; ++i) n += ".a";
    return n;
  };
  auto ok = UnflattenParams({{name(16), "x"}});
  ASSERT_TRUE(ok.ok()) << ok.error();
  const json* node = &*ok;
  for (int i = 0; i < 16; ++i) node = &node->at("a");
  EXPECT_EQ(*node, "x");

  auto deep = UnflattenParams({{name(17), "x"}});
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().find("nests too deeply"), std::string::npos) << deep.error();
}

// Parameter names a flattened request can carry back: non-empty, no '.', not all digits
// (all-digit keys are read back as array indices).
rc::Gen<std::string> GenParamName() {
  static const std::string kFirst = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  return rc::gen::map(
      rc::gen::pair(rc::gen::elementOf(kFirst),
                    rc::gen::container<std::string>(rc::gen::elementOf(kFirst + "0123456789_-"))),
      [](const std::pair<char, std::string>& p) { return p.first + p.second; });
}

rc::Gen<std::size_t> GenFewCount() { return rc::gen::inRange<std::size_t>(1, 4); }

// Nested parameters whose leaves are strings: objects, and non-empty arrays of strings or
// objects, down to `depth` levels.
rc::Gen<json> GenParams(int depth);

rc::Gen<json> GenValue(int depth) {
  rc::Gen<json> leaf = rc::gen::map(GenBytes(), [](std::string s) { return json(std::move(s)); });
  rc::Gen<json> strings = rc::gen::mapcat(GenFewCount(), [](std::size_t n) {
    return rc::gen::map(rc::gen::container<std::vector<std::string>>(n, GenBytes()),
                        [](std::vector<std::string> v) { return json(std::move(v)); });
  });
  if (depth <= 0) return rc::gen::oneOf(leaf, strings);
  rc::Gen<json> objects = rc::gen::mapcat(GenFewCount(), [depth](std::size_t n) {
    return rc::gen::map(rc::gen::container<std::vector<json>>(n, GenParams(depth - 1)),
                        [](std::vector<json> v) { return json(std::move(v)); });
  });
  return rc::gen::weightedOneOf<json>(
      {{4, leaf}, {2, strings}, {1, objects}, {1, GenParams(depth - 1)}});
}

rc::Gen<json> GenParams(int depth) {
  using Entry = std::pair<std::string, json>;
  return rc::gen::mapcat(GenFewCount(), [depth](std::size_t n) {
    return rc::gen::map(
        rc::gen::container<std::vector<Entry>>(
            n, rc::gen::pair(GenParamName(), rc::gen::lazy([depth] { return GenValue(depth); }))),
        [](std::vector<Entry> entries) {
          json out = json::object();
          for (auto& [name, value] : entries) out[name] = std::move(value);
          return out;
        });
  });
}

RC_GTEST_PROP(FlattenProp, UnflattenInvertsFlatten, ()) {
  json params = *GenParams(3);
  auto back = UnflattenParams(FlattenParams(params));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == params);
}

RC_GTEST_PROP(FlattenProp, PairOrderDoesNotMatter, ()) {
  json params = *GenParams(3);
  Pairs pairs = FlattenParams(params);
  std::mt19937 shuffle(*rc::gen::arbitrary<std::uint32_t>());
  std::shuffle(pairs.begin(), pairs.end(), shuffle);
  auto back = UnflattenParams(pairs);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == params);
}

RC_GTEST_PROP(FlattenProp, FormatParseUnflattenRoundTrip, ()) {
  // The query-style path: flatten, encode, decode, unflatten.
  json params = *GenParams(2);
  auto pairs = ParseForm(FormatForm(FlattenParams(params), *GenEncoding()));
  RC_ASSERT(pairs.ok());
  auto back = UnflattenParams(*pairs);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == params);
}

}  // namespace
}  // namespace dj::protocol
