// JobId generators. Near misses start from a well-formed id and break it once, at a position
// drawn over the whole id: replacements at 0..11, insertions at 0..12 (before the first
// character up to after the last).
#include "models/job_id_gen.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>
#include <vector>

#include "models/gen_util.h"
#include "models/job_id.h"

namespace dj::model {
namespace {

constexpr std::size_t kIdLength = kJobIdPrefix.size() + kJobIdSuffixLength;

rc::Gen<char> GenIdChar() { return rc::gen::elementOf(std::string(kJobIdAlphabet)); }

rc::Gen<std::string> GenSuffix(std::size_t min, std::size_t max) {
  return rc::gen::mapcat(UniformInRange(min, max + 1), [](std::size_t n) {
    return rc::gen::container<std::string>(n, GenIdChar());
  });
}

rc::Gen<std::string> GenPrefixed(std::size_t min, std::size_t max) {
  return rc::gen::map(GenSuffix(min, max),
                      [](std::string s) { return std::string(kJobIdPrefix) + s; });
}

std::size_t Pick(std::size_t n) { return *UniformInRange<std::size_t>(0, n); }

std::string Utf8(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// Non-ASCII text that renders like `c`: its fullwidth form, a homoglyph from another script,
// or `c` with a combining accent.
std::vector<std::string> LookAlikes(char c) {
  static const std::vector<std::pair<char, char32_t>> kHomoglyphs = {
      {'a', 0x430}, {'c', 0x441}, {'e', 0x435}, {'o', 0x43E}, {'o', 0x3BF}, {'p', 0x440},
      {'x', 0x445}, {'y', 0x443}, {'i', 0x456}, {'j', 0x458}, {'s', 0x455}, {'k', 0x3BA},
      {'h', 0x4BB}, {'d', 0x501}, {'v', 0x3BD}, {'u', 0x3C5}, {'l', 0x4CF}, {'w', 0x51D},
      {'-', 0x2010}, {'-', 0x2011}, {'-', 0x2013}, {'-', 0x2212}};
  std::vector<std::string> out = {Utf8(0xFF00 + static_cast<char32_t>(c - 0x20)),
                                  std::string(1, c) + Utf8(0x301)};
  for (const auto& [ascii, cp] : kHomoglyphs) {
    if (ascii == c) out.push_back(Utf8(cp));
  }
  if (c >= '0' && c <= '9') {
    auto d = static_cast<char32_t>(c - '0');
    out.push_back(Utf8(0x660 + d));    // Arabic-Indic digit
    out.push_back(Utf8(0x1D7CE + d));  // mathematical bold digit
  }
  return out;
}

// The ASCII character that reads like `c`, or 0.
char AsciiTwin(char c) {
  static constexpr std::pair<char, char> kTwins[] = {
      {'o', '0'}, {'0', 'o'}, {'l', '1'}, {'1', 'l'}, {'i', '1'}, {'s', '5'}, {'5', 's'},
      {'z', '2'}, {'2', 'z'}, {'b', '6'}, {'6', 'b'}, {'g', '9'}, {'9', 'g'}, {'e', '3'},
      {'3', 'e'}, {'t', '7'}, {'7', 't'}, {'j', 'i'}, {'a', '4'}, {'4', 'a'}};
  for (auto [from, to] : kTwins) {
    if (from == c) return to;
  }
  return 0;
}

// A well-formed id with one character replaced by what `with` makes of it, at a position
// drawn among those where `with` has something to offer.
template <class F>
rc::Gen<std::string> GenReplaced(F with) {
  return rc::gen::exec([with] {
    std::string id = *GenWellFormedJobId();
    std::vector<std::size_t> where;
    for (std::size_t i = 0; i < id.size(); ++i) {
      if (!with(id[i]).empty()) where.push_back(i);
    }
    std::size_t pos = where[Pick(where.size())];
    std::vector<std::string> options = with(id[pos]);
    return id.replace(pos, 1, options[Pick(options.size())]);
  });
}

// A well-formed id with one of `texts` inserted at any position.
rc::Gen<std::string> GenInserted(std::vector<std::string> texts) {
  return rc::gen::exec([texts] {
    std::string id = *GenWellFormedJobId();
    std::size_t pos = Pick(kIdLength + 1);
    return id.insert(pos, texts[Pick(texts.size())]);
  });
}

std::string Hex(unsigned char c, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  return {digits[c >> 4], digits[c & 15]};
}

rc::Gen<std::string> GenPercentEncoded() {
  return rc::gen::exec([] {
    std::string id = *GenWellFormedJobId();
    std::size_t form = Pick(5);
    if (form == 4) {  // every character
      std::string all;
      for (char c : id) all += "%" + Hex(static_cast<unsigned char>(c), true);
      return all;
    }
    std::size_t pos = Pick(kIdLength);
    auto c = static_cast<unsigned char>(id[pos]);
    const std::string forms[] = {"%" + Hex(c, true), "%" + Hex(c, false), "%25" + Hex(c, true),
                                 "%u00" + Hex(c, true)};
    return id.replace(pos, 1, forms[form]);
  });
}

rc::Gen<std::string> GenSeparator() {
  return rc::gen::exec([] {
    std::string id = *GenWellFormedJobId();
    if (*rc::gen::arbitrary<bool>()) {
      static const std::vector<std::string> kInstead = {"",  "_", ".", "--", " ", ":",
                                                        "/", "+", "~", "=",  "---"};
      return id.replace(kJobIdPrefix.size() - 1, 1, kInstead[Pick(kInstead.size())]);
    }
    static const std::vector<std::string> kMore = {"-", "_", ".", "--"};
    return id.insert(Pick(kIdLength + 1), kMore[Pick(kMore.size())]);
  });
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
    case NearMiss::kOneShort:
      return "one-short";
    case NearMiss::kOneLong:
      return "one-long";
    case NearMiss::kUppercase:
      return "uppercase";
    case NearMiss::kNonAscii:
      return "non-ascii";
    case NearMiss::kAsciiTwin:
      return "ascii-twin";
    case NearMiss::kPercentEncoded:
      return "percent-encoded";
    case NearMiss::kNul:
      return "nul";
    case NearMiss::kWhitespace:
      return "whitespace";
    case NearMiss::kControl:
      return "control";
    case NearMiss::kSeparator:
      return "separator";
    case NearMiss::kBadCharacter:
      return "bad-character";
    case NearMiss::kEmpty:
      return "empty";
    case NearMiss::kLong:
      return "long";
    case NearMiss::kHuge:
      return "huge";
  }
  return "?";
}

rc::Gen<std::string> GenWellFormedJobId() {
  return GenPrefixed(kJobIdSuffixLength, kJobIdSuffixLength);
}

rc::Gen<std::string> GenNearMissJobId(NearMiss kind) {
  using rc::gen::map;
  using rc::gen::tuple;
  using Texts = std::vector<std::string>;
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
      return GenPrefixed(0, kJobIdSuffixLength - 1);
    case NearMiss::kTooLong:
      return GenPrefixed(kJobIdSuffixLength + 1, 72);
    case NearMiss::kOneShort:
      return map(tuple(GenWellFormedJobId(), UniformInRange<std::size_t>(0, kIdLength)),
                 [](std::tuple<std::string, std::size_t> t) {
                   return std::get<0>(t).erase(std::get<1>(t), 1);
                 });
    case NearMiss::kOneLong:
      return map(tuple(GenWellFormedJobId(), UniformInRange<std::size_t>(0, kIdLength + 1),
                       GenIdChar()),
                 [](std::tuple<std::string, std::size_t, char> t) {
                   return std::get<0>(t).insert(std::get<1>(t), 1, std::get<2>(t));
                 });
    case NearMiss::kUppercase:
      return GenReplaced([](char c) {
        return std::isalpha(static_cast<unsigned char>(c)) != 0
                   ? Texts{std::string(1, static_cast<char>(std::toupper(c)))}
                   : Texts{};
      });
    case NearMiss::kNonAscii:
      return GenReplaced(LookAlikes);
    case NearMiss::kAsciiTwin:
      return GenReplaced([](char c) {
        char twin = AsciiTwin(c);
        return twin != 0 ? Texts{std::string(1, twin)} : Texts{};
      });
    case NearMiss::kPercentEncoded:
      return GenPercentEncoded();
    case NearMiss::kNul:
      return GenInserted({std::string(1, '\0')});
    case NearMiss::kWhitespace:
      return GenInserted({" ", "\t", "\n", "\r", "\r\n", "\v", "\f", "  ", Utf8(0xA0),
                          Utf8(0x3000), Utf8(0x200B), Utf8(0xFEFF), Utf8(0x2028)});
    case NearMiss::kControl:
      return GenInserted({"\x01", "\x07", "\x08", "\x1b", "\x1f", "\x7f", Utf8(0x80), Utf8(0x85),
                          Utf8(0x9F), Utf8(0x200E), Utf8(0x202E)});
    case NearMiss::kSeparator:
      return GenSeparator();
    case NearMiss::kBadCharacter:
      return GenReplaced([](char) {
        Texts out;
        for (char p : std::string_view("_.~!*'();:@&=+$,/?#[]\"{}<>\\|^`%"))
          out.emplace_back(1, p);
        return out;
      });
    case NearMiss::kEmpty:
      return rc::gen::just(std::string());
    case NearMiss::kLong:
      return GenPrefixed(100, 8000);
    case NearMiss::kHuge:
      return map(GenIdChar(), [](char c) {
        return std::string(kJobIdPrefix) + std::string(std::size_t{1} << 20, c);
      });
  }
  return rc::gen::just(std::string());
}

rc::Gen<NearMissId> GenNearMissJobId(int huge_weight) {
  std::vector<NearMiss> slots;  // each kind as many times as its weight
  for (NearMiss kind : kAllNearMisses) {
    int weight = kind == NearMiss::kHuge ? huge_weight : kind == NearMiss::kEmpty ? 5 : 10;
    slots.insert(slots.end(), static_cast<std::size_t>(std::max(weight, 0)), kind);
  }
  return rc::gen::mapcat(rc::gen::elementOf(slots), [](NearMiss kind) {
    return rc::gen::map(GenNearMissJobId(kind),
                        [kind](std::string id) { return NearMissId{kind, std::move(id)}; });
  });
}

}  // namespace dj::model
