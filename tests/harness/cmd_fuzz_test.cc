// `djharness fuzz --replay` in this process against a mock over loopback HTTP: a saved finding
// gets the real credential back to be sent, and no part of it, nor the signature made with the
// key, is printed, whatever Content-Type the saved request declares.
#include <gtest/gtest.h>

#include <fstream>

#include "harness/cli/commands.h"
#include "harness/cli/setup.h"
#include "harness/mock/http_server.h"
#include "tests/harness/cli_capture.h"
#include "tests/harness/echo_target.h"
#include "tests/testing/temp_dir.h"

namespace dj::cli {
namespace {

namespace fs = std::filesystem;
using testing::kSentinelControlToken;
using testing::kSentinelCredentials;

using testing::Ran;

// Run `djharness fuzz ARGS` in this process, with stdout and stderr captured.
Ran Fuzz(const std::vector<std::string>& args) {
  return testing::RunCaptured("fuzz", args, RunFuzz);
}

// A saved finding (fuzz-findings/NNN-CLAUSE.http and its .json) whose v1 form body, with the
// placeholders findings hold, is declared `content_type`.
fs::path SaveFinding(const fs::path& dir, const std::string& content_type) {
  std::string body =
      "Action=DescribeJob&Version=2017-03-12&Region=ap-guangzhou&JobId=job-00000000&Timestamp=1"
      "&Nonce=1&SecretId=DJHARNESS-SECRET-ID&Signature=c2lnbmF0dXJl";
  fs::path file = dir / "001-ENV-1.http";
  std::ofstream(file) << "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " << content_type
                      << "\r\nContent-Length: " << body.size() << "\r\n\r\n"
                      << body;
  std::ofstream(dir / "001-ENV-1.json") << R"({"clause": "ENV-1", "signed": true})";
  return file;
}

TEST(FuzzReplay, PrintsNoPartOfTheCredentialWhateverTheBodyIsDeclared) {
  mock::MockConfig config;
  config.control = true;
  config.control_token = kSentinelControlToken;
  config.credentials = {{kSentinelCredentials.secret_id, kSentinelCredentials.secret_key, ""}};
  mock::MockService service(config);
  mock::MockHttpServer server(service);
  ASSERT_TRUE(server.Bind("127.0.0.1", 0).ok());
  server.Start();
  for (const char* content_type : {"application/x-www-form-urlencoded", "text/plain"}) {
    testing::TempDir dir;
    fs::path file = SaveFinding(dir.path(), content_type);
    Ran ran = Fuzz({"--replay", file.string(), "--target", server.Url(), "--secret-id",
                    kSentinelCredentials.secret_id, "--secret-key", kSentinelCredentials.secret_key,
                    "--control-token", kSentinelControlToken});
    // Re-signed with the real credential, the request was accepted: it did not fail again.
    EXPECT_EQ(ran.exit_code, kExitOk) << content_type << "\n" << ran.out << ran.err;
    EXPECT_NE(ran.out.find("still fails: no (ENV-1)"), std::string::npos) << ran.out;
    EXPECT_EQ(testing::SentinelPiecesIn(ran.out + ran.err), std::vector<std::string>{})
        << ran.out << ran.err;
    // The body is shown, its credential parameters masked: not the saved dummy signature, nor
    // the one made with the key.
    EXPECT_NE(ran.out.find("SecretId=<hidden>"), std::string::npos) << ran.out;
    EXPECT_NE(ran.out.find("Signature=<hidden>"), std::string::npos) << ran.out;
    EXPECT_NE(ran.out.find("JobId=job-00000000"), std::string::npos) << ran.out;
  }
}

}  // namespace
}  // namespace dj::cli
