// HttpTarget: endpoint parsing, transport failures as values, and HTTPS with certificate
// verification against the mock served with a self-signed certificate made here.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "tests/harness/mock_fixture.h"

namespace dj::testing {
namespace {

namespace fs = std::filesystem;

TEST(ParseEndpoint, AcceptsTheUsualShapes) {
  auto e = client::ParseEndpoint("https://batch.tencentcloudapi.com");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->scheme, "https");
  EXPECT_EQ(e->host, "batch.tencentcloudapi.com");
  EXPECT_EQ(e->port, 443);
  EXPECT_FALSE(e->explicit_port);
  EXPECT_FALSE(e->IsLoopback());
  auto local = client::ParseEndpoint("http://127.0.0.1:8080/");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->port, 8080);
  EXPECT_TRUE(local->IsLoopback());
  auto v6 = client::ParseEndpoint("http://[::1]:9000");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(v6->IsLoopback());
}

TEST(ParseEndpoint, RefusesWhatIsNotAnEndpoint) {
  for (const char* bad :
       {"batch.tencentcloudapi.com", "ftp://x/", "http://x/v2", "http://user:pw@x/", "http://x:0/",
        "http://x:70000/", "http://x:8o/", "http://", "http://[::1/"}) {
    EXPECT_FALSE(client::ParseEndpoint(bad).ok()) << bad;
  }
}

TEST(ParseEndpoint, LoopbackIsANumericAddressOrLocalhostNotAName) {
  for (const char* url : {"http://127.0.0.1", "http://127.255.0.9:8080", "http://localhost:80",
                          "http://[::1]", "http://[::ffff:127.0.0.1]:8080"}) {
    EXPECT_TRUE(client::ParseEndpoint(url)->IsLoopback()) << url;
  }
  for (const char* url :
       {"http://127.attacker.example", "http://127.0.0.1.nip.io", "http://10.0.0.1", "http://[::2]",
        "http://localhost.example", "http://0.0.0.0"}) {
    EXPECT_FALSE(client::ParseEndpoint(url)->IsLoopback()) << url;
  }
}

TEST(HttpTarget, PlainHttpGoesOnlyToLoopbackUnlessAllowed) {
  auto refused = client::HttpTarget::Create("http://batch.example.test:8080");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("clear text"), std::string::npos) << refused.error();
  client::HttpTargetOptions insecure;
  insecure.insecure_http = true;
  EXPECT_TRUE(client::HttpTarget::Create("http://batch.example.test:8080", insecure).ok());
  EXPECT_TRUE(client::HttpTarget::Create("http://127.0.0.1:8080").ok());
  EXPECT_TRUE(client::HttpTarget::Create("https://batch.example.test").ok());
}

TEST(HttpTarget, HostHeaderOmitsDefaultPorts) {
  EXPECT_EQ((*client::HttpTarget::Create("https://batch.tencentcloudapi.com"))->HostHeader(),
            "batch.tencentcloudapi.com");
  EXPECT_EQ((*client::HttpTarget::Create("http://127.0.0.1:8080"))->HostHeader(), "127.0.0.1:8080");
  EXPECT_EQ((*client::HttpTarget::Create("http://[::1]:8080"))->HostHeader(), "[::1]:8080");
}

// A self-signed certificate (its own CA) for the given subjectAltName, and its key, as PEM
// files in a fresh folder that is removed with the object.
class SelfSigned {
 public:
  explicit SelfSigned(const std::string& alt_name) {
    dir_ = fs::temp_directory_path() /
           ("djharness-tls-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::create_directories(dir_);
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    // A name of its own: two of these in one store must not be taken for each other.
    std::string common_name = "djharness test " + dir_.filename().string();
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                               0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_subject_alt_name, alt_name},
                              std::pair{NID_basic_constraints, std::string("critical,CA:TRUE")}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
      X509_add_ext(cert, ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(cert, key, EVP_sha256());
    FILE* c = std::fopen(cert_file().c_str(), "w");
    PEM_write_X509(c, cert);
    std::fclose(c);
    FILE* k = std::fopen(key_file().c_str(), "w");
    PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(k);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  ~SelfSigned() { fs::remove_all(dir_); }
  std::string cert_file() const { return (dir_ / "cert.pem").string(); }
  std::string key_file() const { return (dir_ / "key.pem").string(); }

 private:
  static inline int counter_ = 0;
  fs::path dir_;
};

struct TlsMock {
  explicit TlsMock(const SelfSigned& cert)
      : service(ControlConfig()), server(service, Options(cert)) {
    auto port = server.Bind("127.0.0.1", 0);
    EXPECT_TRUE(port.ok()) << (port.ok() ? "" : port.error());
    server.Start();
  }
  static mock::ServerOptions Options(const SelfSigned& cert) {
    mock::ServerOptions o;
    o.tls_cert_file = cert.cert_file();
    o.tls_key_file = cert.key_file();
    return o;
  }
  mock::MockService service;
  mock::MockHttpServer server;
};

std::string DescribeOutcome(client::Target& target) {
  client::ApiClient api(target, DefaultCredentials());
  return OutcomeText(api.Send(model::DescribeJobRequest("job-00000000")));
}

TEST(Https, TrustedCertificateIsAccepted) {
  SelfSigned cert("IP:127.0.0.1");
  TlsMock mock(cert);
  ASSERT_TRUE(mock.server.Url().starts_with("https://"));
  client::HttpTargetOptions options;
  options.ca_file = cert.cert_file();
  auto target = client::HttpTarget::Create(mock.server.Url(), options);
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(DescribeOutcome(**target), "ResourceNotFound.Job");
}

// Over TLS too the mock takes a GET of 30,000 bytes and a form body of 20,000 (cpp-httplib by
// itself refuses more than 8 KiB of either), and answers the next request on the connection.
TEST(Https, RequestsUnderTheApisSizeLimitsAreAnswered) {
  SelfSigned cert("IP:127.0.0.1");
  TlsMock mock(cert);
  client::HttpTargetOptions options;
  options.ca_file = cert.cert_file();
  auto target = client::HttpTarget::Create(mock.server.Url(), options);
  ASSERT_TRUE(target.ok());
  client::ApiClient api(**target, DefaultCredentials());
  for (auto [style, pad] : {std::pair{protocol::Style::kApi3Get, std::size_t{30000}},
                            std::pair{protocol::Style::kFormPost, std::size_t{20000}}}) {
    nlohmann::json filter = {{"Name", "job-name"}, {"Values", {std::string(pad, 'a')}}};
    protocol::EncodeOptions o = api.Options();
    o.style = style;
    auto call = protocol::Call::Of(
        {model::Action::kDescribeJobs, {{"Filters", nlohmann::json::array({filter})}}},
        "ap-guangzhou");
    EXPECT_EQ(OutcomeText(api.Send(call, o)), "success") << protocol::StyleName(style);
  }
  EXPECT_EQ(DescribeOutcome(**target), "ResourceNotFound.Job");
}

// --ca-file adds to the system's CAs: stand-in system CAs (OpenSSL reads SSL_CERT_FILE for
// them) still verify one server while the file verifies another.
TEST(Https, ACaFileIsTrustedBesideTheSystemCas) {
  SelfSigned system_ca("IP:127.0.0.1");
  SelfSigned extra_ca("IP:127.0.0.1");
  TlsMock by_system(system_ca);
  TlsMock by_extra(extra_ca);
  ASSERT_EQ(::setenv("SSL_CERT_FILE", system_ca.cert_file().c_str(), 1), 0);
  client::HttpTargetOptions options;
  options.ca_file = extra_ca.cert_file();
  for (TlsMock* mock : {&by_system, &by_extra}) {
    auto target = client::HttpTarget::Create(mock->server.Url(), options);
    ASSERT_TRUE(target.ok()) << target.error();
    EXPECT_EQ(DescribeOutcome(**target), "ResourceNotFound.Job") << mock->server.Url();
  }
  ::unsetenv("SSL_CERT_FILE");
}

TEST(Https, AnUnreadableCaFileIsRefusedUpFront) {
  client::HttpTargetOptions options;
  options.ca_file = "/nonexistent/ca.pem";
  auto target = client::HttpTarget::Create("https://batch.example.test", options);
  ASSERT_FALSE(target.ok());
  EXPECT_NE(target.error().find("/nonexistent/ca.pem"), std::string::npos) << target.error();
}

TEST(Https, UntrustedCertificateIsRefused) {
  SelfSigned cert("IP:127.0.0.1");
  TlsMock mock(cert);
  auto target = client::HttpTarget::Create(mock.server.Url());
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(DescribeOutcome(**target),
            "no answer: TLS handshake with 127.0.0.1 failed: certificate not trusted: "
            "self-signed certificate");
}

TEST(Https, CertificateForAnotherHostIsRefused) {
  SelfSigned cert("DNS:batch.example.test");
  TlsMock mock(cert);
  client::HttpTargetOptions options;
  options.ca_file = cert.cert_file();
  auto target = client::HttpTarget::Create(mock.server.Url(), options);
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(DescribeOutcome(**target),
            "no answer: TLS handshake with 127.0.0.1 failed: certificate not trusted: "
            "IP address mismatch");
}

TEST(Https, PlainHttpServerIsATransportErrorNotACrash) {
  MockFixture plain(Via::kHttp);
  std::string url = plain.target().Name();  // http://127.0.0.1:PORT/
  auto target = client::HttpTarget::Create("https://" + url.substr(7));
  ASSERT_TRUE(target.ok());
  EXPECT_TRUE(DescribeOutcome(**target).starts_with("no answer"));
}

TEST(Https, MissingCertificateFilesFailToBind) {
  mock::MockService service(ControlConfig());
  mock::ServerOptions o;
  o.tls_cert_file = "/nonexistent/cert.pem";
  o.tls_key_file = "/nonexistent/key.pem";
  mock::MockHttpServer server(service, o);
  auto port = server.Bind("127.0.0.1", 0);
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.error().find("TLS certificate"), std::string::npos);
}

TEST(HttpTarget, ReadTimeoutIsATransportError) {
  // A listening socket that never answers: accept() is never called, so the request waits.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  client::HttpTargetOptions options;
  options.read_timeout_ms = 200;
  auto target = client::HttpTarget::Create(
      "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)), options);
  ASSERT_TRUE(target.ok());
  std::string outcome = DescribeOutcome(**target);
  ::close(fd);
  EXPECT_TRUE(outcome.starts_with("no answer: nothing moved for 200 ms (no answer")) << outcome;
}

}  // namespace
}  // namespace dj::testing
