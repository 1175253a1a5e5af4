#include "shard_plan.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "conform/core/error.hpp"
#include "conform/core/json.hpp"

// Every field of the options, once: nlohmann's macros write and read them alike.
namespace nlohmann {
template <typename T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& out, const std::optional<T>& value) {
    out = value ? json(*value) : json(nullptr);
  }
  static void from_json(const json& in, std::optional<T>& value) {
    value = in.is_null() ? std::nullopt : std::optional<T>(in.get<T>());
  }
};
}  // namespace nlohmann

namespace conform::engine {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Selection, operations, exclude_operations, tags, exclude_tags,
                                   methods, path_regex, read_only)
}  // namespace conform::engine

namespace conform::apps {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RunCommandOptions, spec, target, outputs, token_env, seed,
                                   max_examples, selection, checks, phases, jobs, rate, pace,
                                   timeout, wait_for_target, max_response_time, insecure, cacert,
                                   headers, secret_headers, max_response_bytes, dry_run, no_colour,
                                   quiet, verbose, permission_cases, allow_destructive,
                                   enforce_vast_rules, fail_on_unexercised, base_path,
                                   shard_results, no_suites, shard_plan, gtest_arguments)

void write_shard_plan(const RunCommandOptions& options, const std::filesystem::path& file) {
  const std::string text = nlohmann::json(options).dump();
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
  try {
    nlohmann::json plan = core::parse_json_or_discarded(text);
    if (plan.is_discarded()) throw std::invalid_argument("not JSON");
    return plan.get<RunCommandOptions>();
  } catch (const std::exception& e) {
    core::fail_input("run.jobs", file.string(), "", std::string("a shard's plan: ") + e.what());
  }
}

}  // namespace conform::apps
