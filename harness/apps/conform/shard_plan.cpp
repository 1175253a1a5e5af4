#include "shard_plan.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "conform/core/error.hpp"
#include "conform/core/json.hpp"

namespace conform::apps {
namespace {

template <typename T>
nlohmann::json optional_json(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

template <typename T>
std::optional<T> optional_from(const nlohmann::json& value) {
  if (value.is_null()) return std::nullopt;
  return value.get<T>();
}

}  // namespace

void write_shard_plan(const RunCommandOptions& o, const std::filesystem::path& file) {
  const engine::Selection& s = o.selection;
  nlohmann::json plan = {
      {"spec", o.spec},
      {"target", o.target},
      {"outputs", o.outputs},
      {"token_env", o.token_env},
      {"seed", optional_json(o.seed)},
      {"max_examples", o.max_examples},
      {"selection",
       {{"operations", s.operations},
        {"exclude_operations", s.exclude_operations},
        {"tags", s.tags},
        {"exclude_tags", s.exclude_tags},
        {"methods", s.methods},
        {"path_regex", s.path_regex},
        {"read_only", s.read_only}}},
      {"checks", o.checks},
      {"phases", o.phases},
      {"jobs", o.jobs},
      {"rate", o.rate},
      {"pace", o.pace},
      {"timeout", o.timeout},
      {"wait_for_target", o.wait_for_target},
      {"max_response_time", o.max_response_time},
      {"insecure", o.insecure},
      {"cacert", o.cacert},
      {"headers", o.headers},
      {"secret_headers", o.secret_headers},
      {"max_response_bytes", o.max_response_bytes},
      {"dry_run", o.dry_run},
      {"no_colour", o.no_colour},
      {"quiet", o.quiet},
      {"verbose", o.verbose},
      {"permission_cases", o.permission_cases},
      {"allow_destructive", o.allow_destructive},
      {"enforce_vast_rules", o.enforce_vast_rules},
      {"fail_on_unexercised", o.fail_on_unexercised},
      {"base_path", optional_json(o.base_path)},
      {"shard_results", o.shard_results},
      {"no_suites", o.no_suites},
      {"gtest_arguments", o.gtest_arguments},
  };
  const std::string text = plan.dump();
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool written =
      fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (fd >= 0) ::close(fd);
  if (!written) {
    core::fail_input("run.jobs", file.string(), "", "cannot write a shard's plan");
  }
}

RunCommandOptions take_shard_plan(const std::filesystem::path& file) {
  std::string text;
  {
    std::ifstream in(file, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::error_code ignored;
  std::filesystem::remove(file, ignored);
  RunCommandOptions o;
  try {
    nlohmann::json plan = core::parse_json_or_discarded(text);
    if (plan.is_discarded()) throw std::invalid_argument("not JSON");
    const nlohmann::json& s = plan.at("selection");
    o.spec = plan.at("spec");
    o.target = plan.at("target");
    o.outputs = plan.at("outputs").get<std::map<std::string, std::string>>();
    o.token_env = plan.at("token_env");
    o.seed = optional_from<std::uint64_t>(plan.at("seed"));
    o.max_examples = plan.at("max_examples");
    o.selection.operations = s.at("operations").get<std::vector<std::string>>();
    o.selection.exclude_operations = s.at("exclude_operations").get<std::vector<std::string>>();
    o.selection.tags = s.at("tags").get<std::vector<std::string>>();
    o.selection.exclude_tags = s.at("exclude_tags").get<std::vector<std::string>>();
    o.selection.methods = s.at("methods").get<std::vector<std::string>>();
    o.selection.path_regex = s.at("path_regex");
    o.selection.read_only = s.at("read_only");
    o.checks = plan.at("checks").get<std::vector<std::string>>();
    o.phases = plan.at("phases").get<std::vector<std::string>>();
    o.jobs = plan.at("jobs");
    o.rate = plan.at("rate");
    o.pace = plan.at("pace");
    o.timeout = plan.at("timeout");
    o.wait_for_target = plan.at("wait_for_target");
    o.max_response_time = plan.at("max_response_time");
    o.insecure = plan.at("insecure");
    o.cacert = plan.at("cacert");
    o.headers = plan.at("headers").get<std::vector<std::string>>();
    o.secret_headers = plan.at("secret_headers").get<std::vector<std::string>>();
    o.max_response_bytes = plan.at("max_response_bytes");
    o.dry_run = plan.at("dry_run");
    o.no_colour = plan.at("no_colour");
    o.quiet = plan.at("quiet");
    o.verbose = plan.at("verbose");
    o.permission_cases = plan.at("permission_cases");
    o.allow_destructive = plan.at("allow_destructive");
    o.enforce_vast_rules = plan.at("enforce_vast_rules");
    o.fail_on_unexercised = plan.at("fail_on_unexercised");
    o.base_path = optional_from<std::string>(plan.at("base_path"));
    o.shard_results = plan.at("shard_results");
    o.no_suites = plan.at("no_suites");
    o.gtest_arguments = plan.at("gtest_arguments").get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    core::fail_input("run.jobs", file.string(), "", std::string("a shard's plan: ") + e.what());
  }
  return o;
}

}  // namespace conform::apps
