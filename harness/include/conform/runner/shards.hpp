#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

#include "conform/report/results.hpp"
#include "conform/runner/run_config.hpp"

namespace conform::runner {

// --jobs N: the run's operations in N processes of `program` (conform itself), one GoogleTest
// shard each, and their results merged in the order the shards end. Each child receives its whole
// run as a plan file: the parent's configuration with the seed fixed, no outputs, no suites, no
// further sharding. A signal to this process is passed on to the children, which write what they
// have. Throws core::Error when a shard stops without results, unless the run was interrupted.
report::RunResults run_shards(const RunConfig& config, std::uint64_t seed,
                              const std::string& program = "/proc/self/exe");

// A --jobs shard's whole run, as a file its parent writes: the shard reads its configuration from
// it, not from a filtered copy of the parent's arguments or from a configuration file (which could
// make the shard write the parent's reports, or shard again). Written readable by its owner only:
// it holds the --header values as given.
void write_shard_plan(const RunConfig& config, const std::filesystem::path& file);
// Reads the plan and removes its file (it holds the headers, and the shards' folder is removed
// when it is empty). Throws core::Error (exit 2) when the file cannot be read.
RunConfig take_shard_plan(const std::filesystem::path& file);

// In a shard: ends with the parent (SIGTERM when it dies; interrupted at once when it is gone).
void end_with_parent();
// In a shard whose parent is gone: nobody will merge its results.
bool parent_gone();

// Held by a shard for its whole run: however the shard ends, when its parent is gone nobody will
// merge what it leaves, and the last shard to end removes the folder the parent made.
class OrphanedShardCleanup {
 public:
  explicit OrphanedShardCleanup(std::filesystem::path results) : results_(std::move(results)) {}
  ~OrphanedShardCleanup();
  OrphanedShardCleanup(const OrphanedShardCleanup&) = delete;
  OrphanedShardCleanup& operator=(const OrphanedShardCleanup&) = delete;

 private:
  std::filesystem::path results_;
};

}  // namespace conform::runner
