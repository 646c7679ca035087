// JobId generators. Near misses start from a well-formed id and break exactly one rule.
#include "models/job_id_gen.h"

#include <array>
#include <cctype>

#include "models/gen_util.h"
#include "models/job_id.h"

namespace dj::model {
namespace {

rc::Gen<char> GenIdChar() { return rc::gen::elementOf(std::string(kJobIdAlphabet)); }

rc::Gen<std::string> GenSuffix(std::size_t min, std::size_t max) {
  return rc::gen::mapcat(UniformInRange(min, max + 1), [](std::size_t n) {
    return rc::gen::container<std::string>(n, GenIdChar());
  });
}

// Position inside the 8-character suffix of a well-formed id.
rc::Gen<std::size_t> GenSuffixPos() { return UniformInRange<std::size_t>(0, kJobIdSuffixLength); }

std::string Replace(std::string id, std::size_t suffix_pos, std::string_view with) {
  return id.replace(kJobIdPrefix.size() + suffix_pos, 1, with);
}

}  // namespace

std::string_view NearMissName(NearMiss kind) {
  switch (kind) {
    case NearMiss::kWrongPrefix:
      return "wrong-prefix";
    case NearMiss::kTooShort:
      return "too-short";
    case NearMiss::kTooLong:
      return "too-long";
    case NearMiss::kUppercase:
      return "uppercase";
    case NearMiss::kNonAscii:
      return "non-ascii";
    case NearMiss::kPercentEncoded:
      return "percent-encoded";
    case NearMiss::kNul:
      return "nul";
    case NearMiss::kWhitespace:
      return "whitespace";
    case NearMiss::kBadCharacter:
      return "bad-character";
    case NearMiss::kEmpty:
      return "empty";
    case NearMiss::kHuge:
      return "huge";
  }
  return "?";
}

rc::Gen<std::string> GenWellFormedJobId() {
  return rc::gen::map(GenSuffix(kJobIdSuffixLength, kJobIdSuffixLength),
                      [](std::string s) { return std::string(kJobIdPrefix) + s; });
}

rc::Gen<std::string> GenNearMissJobId(NearMiss kind) {
  using rc::gen::map;
  using rc::gen::tuple;
  switch (kind) {
    case NearMiss::kWrongPrefix:
      return map(
          tuple(rc::gen::element<std::string>("", "jbo-", "JOB-", "Job-", "job_", "job", "jobs-",
                                              "task-", "env-", "-job-", " job-", "job--", "j0b-"),
                GenSuffix(kJobIdSuffixLength, kJobIdSuffixLength)),
          [](const std::tuple<std::string, std::string>& t) {
            return std::get<0>(t) + std::get<1>(t);
          });
    case NearMiss::kTooShort:
      return map(GenSuffix(0, kJobIdSuffixLength - 1),
                 [](std::string s) { return std::string(kJobIdPrefix) + s; });
    case NearMiss::kTooLong:
      return map(GenSuffix(kJobIdSuffixLength + 1, 72),
                 [](std::string s) { return std::string(kJobIdPrefix) + s; });
    case NearMiss::kUppercase:
      return map(tuple(GenWellFormedJobId(), GenSuffixPos(),
                       UniformInRange('A', static_cast<char>('Z' + 1))),
                 [](const std::tuple<std::string, std::size_t, char>& t) {
                   return Replace(std::get<0>(t), std::get<1>(t), std::string(1, std::get<2>(t)));
                 });
    case NearMiss::kNonAscii:
      // é, fullwidth a, Cyrillic o (looks like o), Arabic-Indic three, a combining accent.
      return map(tuple(GenWellFormedJobId(), GenSuffixPos(),
                       rc::gen::element<std::string>("\xc3\xa9", "\xef\xbd\x81", "\xd0\xbe",
                                                     "\xd9\xa3", "a\xcc\x81")),
                 [](const std::tuple<std::string, std::size_t, std::string>& t) {
                   return Replace(std::get<0>(t), std::get<1>(t), std::get<2>(t));
                 });
    case NearMiss::kPercentEncoded:
      return map(tuple(GenWellFormedJobId(), UniformInRange<std::size_t>(3, 12)),
                 [](const std::tuple<std::string, std::size_t>& t) {
                   std::string id = std::get<0>(t);
                   std::size_t pos = std::get<1>(t);  // '-' or a suffix character
                   static constexpr char kHex[] = "0123456789ABCDEF";
                   auto c = static_cast<unsigned char>(id[pos]);
                   std::string enc = {'%', kHex[c >> 4], kHex[c & 15]};
                   return id.replace(pos, 1, enc);
                 });
    case NearMiss::kNul:
      return map(tuple(GenWellFormedJobId(), UniformInRange<std::size_t>(0, 13)),
                 [](const std::tuple<std::string, std::size_t>& t) {
                   std::string id = std::get<0>(t);
                   return id.insert(std::get<1>(t), 1, '\0');
                 });
    case NearMiss::kWhitespace:
      return map(tuple(GenWellFormedJobId(), UniformInRange<std::size_t>(0, 13),
                       rc::gen::element<std::string>(" ", "\t", "\n", "\r", "  ")),
                 [](const std::tuple<std::string, std::size_t, std::string>& t) {
                   std::string id = std::get<0>(t);
                   return id.insert(std::get<1>(t), std::get<2>(t));
                 });
    case NearMiss::kBadCharacter:
      return map(tuple(GenWellFormedJobId(), GenSuffixPos(),
                       rc::gen::elementOf(std::string("-_.~!*'();:@&=+$,/?#[]\"{}<>\\|^`"))),
                 [](const std::tuple<std::string, std::size_t, char>& t) {
                   return Replace(std::get<0>(t), std::get<1>(t), std::string(1, std::get<2>(t)));
                 });
    case NearMiss::kEmpty:
      return rc::gen::just(std::string());
    case NearMiss::kHuge:
      return map(GenIdChar(), [](char c) {
        return std::string(kJobIdPrefix) + std::string(std::size_t{1} << 20, c);
      });
  }
  return rc::gen::just(std::string());
}

rc::Gen<NearMissId> GenNearMissJobId() {
  auto of = [](NearMiss kind) {
    return rc::gen::map(GenNearMissJobId(kind), [kind](std::string id) {
      return NearMissId{kind, std::move(id)};
    });
  };
  return rc::gen::weightedOneOf<NearMissId>({
      {4, of(NearMiss::kWrongPrefix)},
      {4, of(NearMiss::kTooShort)},
      {4, of(NearMiss::kTooLong)},
      {4, of(NearMiss::kUppercase)},
      {4, of(NearMiss::kNonAscii)},
      {4, of(NearMiss::kPercentEncoded)},
      {4, of(NearMiss::kNul)},
      {4, of(NearMiss::kWhitespace)},
      {4, of(NearMiss::kBadCharacter)},
      {2, of(NearMiss::kEmpty)},
      {1, of(NearMiss::kHuge)},
  });
}

}  // namespace dj::model
