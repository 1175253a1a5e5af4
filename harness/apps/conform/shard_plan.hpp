#pragma once

#include <filesystem>

#include "run_command.hpp"

namespace conform::apps {

// A --jobs shard's whole run, as a file its parent writes: the shard reads its options from it,
// not from a filtered copy of the parent's arguments or from a configuration file (which could
// make the shard write the parent's reports, or shard again). Written readable by its owner only:
// it holds the --header values as given.
void write_shard_plan(const RunCommandOptions& options, const std::filesystem::path& file);
// Reads the plan and removes its file (it holds the headers, and the shards' folder is removed
// when it is empty). Throws core::Error (exit 2) when the file cannot be read.
RunCommandOptions take_shard_plan(const std::filesystem::path& file);

}  // namespace conform::apps
