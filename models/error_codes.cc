// Lookups over error_codes.def.
#include "models/error_codes.h"

#include <cstddef>

namespace dj::model {
namespace {

struct CodeRow {
  std::string_view code;
  std::string_view lists;  // letters, see error_codes.def
  std::string_view message;
};

constexpr CodeRow kRows[] = {
#define DJ_ERROR(e, code, lists, message) {code, lists, message},
#include "models/error_codes.def"
#undef DJ_ERROR
};

const CodeRow& Row(ErrorCode c) { return kRows[static_cast<std::size_t>(c)]; }

char ListLetter(Action a) {
  switch (a) {
    case Action::kDeleteJob:
      return 'D';
    case Action::kDescribeJob:
      return 'J';
    case Action::kDescribeJobs:
      return 'L';
    case Action::kTerminateJob:
      return 'T';
    case Action::kSubmitJob:
      return 'S';
  }
  return '?';
}

}  // namespace

std::string_view CodeString(ErrorCode c) { return Row(c).code; }
std::string_view DefaultMessage(ErrorCode c) { return Row(c).message; }

std::optional<ErrorCode> ErrorCodeFromString(std::string_view code) {
  for (ErrorCode c : kAllErrorCodes) {
    if (Row(c).code == code) return c;
  }
  return std::nullopt;
}

bool IsDocumentedFor(ErrorCode c, Action a) {
  std::string_view lists = Row(c).lists;
  return lists.find('C') != std::string_view::npos ||
         lists.find(ListLetter(a)) != std::string_view::npos;
}

}  // namespace dj::model
