// Credential and region sources (account.h). tccli's layout: ~/.tccli/<profile>.credential and
// <profile>.configure are JSON objects; the profile is --profile, else $TCCLI_PROFILE, else
// "default"; without an explicit profile the environment overrides the files.
#include "harness/cli/account.h"

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/cli/setup.h"

namespace dj::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Failure<run::RunError> Usage(std::string message) {
  return Failure{run::RunError{kExitUsage, std::move(message)}};
}

std::optional<std::string> NonEmpty(const Environment& env, const std::string& name) {
  auto value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

// A profile name is a file name stem: no path, nothing hidden.
bool IsProfileName(std::string_view name) {
  return !name.empty() && name.front() != '.' &&
         name.find_first_not_of(
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
             std::string_view::npos;
}

// A tccli file as a JSON object; std::nullopt when it does not exist. The error never quotes
// the file, which may hold a key.
Result<std::optional<json>, run::RunError> ReadProfileFile(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<json>();
  auto text = ReadFile(path);
  if (!text) return Usage("cannot read " + path.string());
  json doc = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Usage(path.string() + " is not a JSON object, as tccli writes it");
  }
  return std::optional<json>(std::move(doc));
}

std::string StringField(const json& object, const std::string& key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::optional<std::string> ProcessEnvironment(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string ControlTokenFromFlags(const ParsedFlags& flags, const Environment& env) {
  if (flags.Has("control-token")) return flags.Get("control-token");
  return env(kControlTokenVariable).value_or("");
}

Result<std::optional<protocol::Credentials>, run::RunError> CredentialsFromEnvironment(
    const Environment& env, std::string_view suffix) {
  auto name = [suffix](std::string_view stem) { return std::string(stem) + std::string(suffix); };
  auto id = NonEmpty(env, name("TENCENTCLOUD_SECRET_ID"));
  auto key = NonEmpty(env, name("TENCENTCLOUD_SECRET_KEY"));
  if (!id && !key) return std::optional<protocol::Credentials>();
  if (!id || !key) {
    return Usage(name(id ? "TENCENTCLOUD_SECRET_ID" : "TENCENTCLOUD_SECRET_KEY") + " is set but " +
                 name(id ? "TENCENTCLOUD_SECRET_KEY" : "TENCENTCLOUD_SECRET_ID") +
                 " is not: set both, or neither");
  }
  auto token = NonEmpty(env, name("TENCENTCLOUD_SESSION_TOKEN"));
  if (!token) token = NonEmpty(env, name("TENCENTCLOUD_TOKEN"));
  return std::optional<protocol::Credentials>(protocol::Credentials{*id, *key, token.value_or("")});
}

Result<Account, run::RunError> AccountFromFlags(const ParsedFlags& flags, std::string_view command,
                                                const Environment& env) {
  bool chosen = flags.Has("tccli-profile");
  std::string profile =
      chosen ? flags.Get("tccli-profile") : NonEmpty(env, "TCCLI_PROFILE").value_or("default");
  if (!IsProfileName(profile)) {
    return Usage(std::string(chosen ? "--tccli-profile" : "TCCLI_PROFILE") + ": `" + profile +
                 "` is not a profile name (letters, digits, '.', '_' and '-')");
  }
  std::optional<fs::path> dir;
  if (auto home = NonEmpty(env, "HOME")) dir = fs::path(*home) / ".tccli";
  std::string credential_file = "~/.tccli/" + profile + ".credential";

  Account a;
  if (flags.Has("secret-id") || flags.Has("secret-key")) {
    a.credentials = {flags.Get("secret-id"), flags.Get("secret-key"), ""};
    if (a.credentials.secret_id.empty() || a.credentials.secret_key.empty()) {
      return Usage("--secret-id and --secret-key go together");
    }
    a.source = "--secret-id and --secret-key";
  }
  if (a.source.empty() && !chosen) {
    auto from_env = CredentialsFromEnvironment(env);
    if (!from_env) return Failure{from_env.error()};
    if (*from_env) {
      a.credentials = std::move(**from_env);
      a.source = "the environment (TENCENTCLOUD_SECRET_ID)";
    }
  }
  std::string missing = credential_file + " not found";
  if (a.source.empty() && dir) {
    auto file = ReadProfileFile(*dir / (profile + ".credential"));
    if (!file) return Failure{file.error()};
    if (*file) {
      a.credentials = {StringField(**file, "secretId"), StringField(**file, "secretKey"),
                       StringField(**file, "token")};
      if (!a.credentials.secret_id.empty() && !a.credentials.secret_key.empty()) {
        a.source = "tccli profile `" + profile + "` (" + credential_file + ")";
      } else {
        std::string type = StringField(**file, "type");
        missing = credential_file + " has no secretId and secretKey" +
                  (type.empty() ? "" : " (its credential type `" + type + "` is not supported)");
      }
    }
  }
  if (a.source.empty()) {
    if (chosen) return Usage("--tccli-profile " + profile + ": " + missing);
    return Usage("no credentials for djharness " + std::string(command) +
                 " against a remote target: give --secret-id and --secret-key, set "
                 "TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or configure a tccli profile "
                 "(" +
                 missing + "; --tccli-profile NAME picks another)");
  }

  a.region = flags.Get("region");
  if (a.region.empty() && !chosen) a.region = NonEmpty(env, "TENCENTCLOUD_REGION").value_or("");
  if (a.region.empty() && dir) {
    auto file = ReadProfileFile(*dir / (profile + ".configure"));
    if (!file) return Failure{file.error()};
    if (*file) {
      auto sys = (*file)->find("_sys_param");
      if (sys != (*file)->end() && sys->is_object()) a.region = StringField(*sys, "region");
      if (a.region.empty()) a.region = StringField(**file, "region");
    }
  }
  if (a.region.empty()) a.region = std::string(kDefaultRegion);
  return a;
}

}  // namespace dj::cli
