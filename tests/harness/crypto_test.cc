// Tests of harness/protocol/crypto: SHA-256 and HMAC known answers, hex, Base64, SafeEquals.
#include "harness/protocol/crypto.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace dj::protocol {
namespace {

using namespace std::string_literals;

// Arbitrary bytes, NUL included (rapidcheck's own string generator leaves NUL out).
rc::Gen<std::string> GenBytes() {
  return rc::gen::container<std::string>(rc::gen::arbitrary<char>());
}

TEST(Sha256, KnownAnswers) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, RawDigestIs32BytesAndMatchesHex) {
  std::string digest = Sha256("abc");
  ASSERT_EQ(digest.size(), 32U);
  EXPECT_EQ(Hex(digest), Sha256Hex("abc"));
}

TEST(Sha256, CoversEmbeddedNul) {
  EXPECT_NE(Sha256Hex("a\0b"s), Sha256Hex("a"));
  EXPECT_NE(Sha256Hex("a\0b"s), Sha256Hex("a\0c"s));
}

TEST(HmacSha256, Rfc4231Case1) {
  EXPECT_EQ(Hex(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256, Rfc4231Case2) {
  EXPECT_EQ(Hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// A key longer than the digest's block is hashed first.
TEST(HmacSha256, Rfc4231Case6KeyLongerThanTheBlock) {
  EXPECT_EQ(Hex(HmacSha256(std::string(131, '\xaa'),
                           "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha1, Rfc2202Case6KeyLongerThanTheBlock) {
  EXPECT_EQ(Hex(HmacSha1(std::string(80, '\xaa'),
                         "Test Using Larger Than Block-Size Key - Hash Key First")),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

// Each thread has its own digest context: threads hashing at once get the same answers.
TEST(HmacSha256, SameAnswersFromManyThreads) {
  std::string expected = Hex(HmacSha256("Jefe", "what do ya want for nothing?"));
  std::vector<std::string> got(8);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i)
        got[t] = Hex(HmacSha256("Jefe", "what do ya want for nothing?"));
    });
  }
  for (std::thread& th : threads) th.join();
  for (const std::string& g : got) EXPECT_EQ(g, expected);
}

TEST(HmacSha1, Rfc2202Case1) {
  EXPECT_EQ(Hex(HmacSha1(std::string(20, '\x0b'), "Hi There")),
            "b617318655057264e28bc0b6fb378c8ef146be00");
}

TEST(HmacSha1, Rfc2202Case2) {
  std::string mac = HmacSha1("Jefe", "what do ya want for nothing?");
  EXPECT_EQ(mac.size(), 20U);
  EXPECT_EQ(Hex(mac), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(Hex, LowerCaseTwoDigitsPerByte) {
  EXPECT_EQ(Hex(""), "");
  EXPECT_EQ(Hex("\x00\x01\x7f\x80\xab\xff"s), "00017f80abff");
  EXPECT_EQ(Hex("AZ"), "415a");
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded) << plain;
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64, UsesStandardAlphabetWithPlusAndSlash) {
  EXPECT_EQ(Base64Encode("\xfb\xff\xbf"s), "+/+/");
  EXPECT_EQ(Base64Decode("+/+/"), "\xfb\xff\xbf"s);
  EXPECT_EQ(Base64Encode("\x00\x00\x00"s), "AAAA");
}

TEST(Base64, DecodesTheV1TestVectorSignatureTo20Bytes) {
  auto raw = Base64Decode("eIpxh3sThtcp/7VU/6XDVXk9RLA=");
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->size(), 20U);
  EXPECT_EQ(Base64Encode(*raw), "eIpxh3sThtcp/7VU/6XDVXk9RLA=");
}

TEST(Base64, RejectsLengthNotAMultipleOfFour) {
  EXPECT_EQ(Base64Decode("Z"), std::nullopt);
  EXPECT_EQ(Base64Decode("Zg"), std::nullopt);
  EXPECT_EQ(Base64Decode("Zg="), std::nullopt);
  EXPECT_EQ(Base64Decode("Zm9vY"), std::nullopt);
}

TEST(Base64, RejectsCharactersOutsideTheAlphabet) {
  EXPECT_EQ(Base64Decode("Zm9v!A=="), std::nullopt);
  EXPECT_EQ(Base64Decode("Zm-_"), std::nullopt);  // the URL-safe alphabet is not accepted
  EXPECT_EQ(Base64Decode("Zm9 "), std::nullopt);
  EXPECT_EQ(Base64Decode("Zm9\n"), std::nullopt);
  EXPECT_EQ(Base64Decode("Zm\0v"s), std::nullopt);
}

TEST(Base64, RejectsDataAfterPadding) {
  EXPECT_EQ(Base64Decode("Zg=A"), std::nullopt);      // data after '=' in the last group
  EXPECT_EQ(Base64Decode("Zg==Zm9v"), std::nullopt);  // padding in a group that is not last
  EXPECT_EQ(Base64Decode("Z==="), std::nullopt);      // at most two '='
  EXPECT_EQ(Base64Decode("===="), std::nullopt);
}

RC_GTEST_PROP(Base64Prop, DecodeInvertsEncode, ()) {
  std::string bytes = *GenBytes();
  std::string encoded = Base64Encode(bytes);
  RC_ASSERT(encoded.size() == (bytes.size() + 2) / 3 * 4);
  auto decoded = Base64Decode(encoded);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(*decoded == bytes);
}

RC_GTEST_PROP(Base64Prop, EncodeInvertsDecodeOfCanonicalText, ()) {
  // Text made by the encoder decodes and re-encodes to itself.
  std::string encoded = Base64Encode(*GenBytes());
  auto decoded = Base64Decode(encoded);
  RC_ASSERT(decoded.has_value());
  RC_ASSERT(Base64Encode(*decoded) == encoded);
}

TEST(SafeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(SafeEquals("", ""));
  EXPECT_TRUE(SafeEquals("abc", "abc"));
  EXPECT_TRUE(SafeEquals("a\0b"s, "a\0b"s));
  EXPECT_FALSE(SafeEquals("abc", "abd"));
  EXPECT_FALSE(SafeEquals("abc", "Abc"));
  EXPECT_FALSE(SafeEquals("abc", "ab"));
  EXPECT_FALSE(SafeEquals("ab", "abc"));
  EXPECT_FALSE(SafeEquals("", "a"));
  EXPECT_FALSE(SafeEquals("a\0b"s, "a\0c"s));
}

RC_GTEST_PROP(SafeEqualsProp, AgreesWithStringEquality, ()) {
  std::string a = *GenBytes();
  std::string b = *rc::gen::oneOf(rc::gen::just(a), GenBytes());
  RC_ASSERT(SafeEquals(a, b) == (a == b));
}

}  // namespace
}  // namespace dj::protocol
