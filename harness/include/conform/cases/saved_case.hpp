#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "conform/gen/request.hpp"
#include "conform/report/results.hpp"

namespace conform::cases {

// A failure saved as a reviewable file (--save-failures DIR, docs/replay.md): the request as
// sent, the credential as ${CONFORM_TOKEN}; what was expected; what came back; the seeds.
struct SavedCase {
  std::string file{};     // where it was read from ("" before it is written)
  std::string spec;       // the description the run held the server to
  std::string target;     // the run's target, as shown (credentials hidden)
  std::string operation;  // the operationId (or suite)
  std::string test;       // the phase (or suite test) that found it
  std::string check;
  std::string expected;  // the failure's reason: what the check expected, without values
  std::string message;   // the failure as reported
  std::string pointer;
  std::string schema_location;
  std::string case_summary;  // "fuzzing, invalid: wrong_type at body /name"
  std::uint64_t run_seed = 0;
  std::uint64_t seed = 0;  // the case's own (fuzzing), 0 for fixed cases
  gen::Request request;    // path and query relative to `target`
  std::string basic{};     // "user:password" a basic credential (as ${CONFORM_TOKEN})
  int status = 0;          // what came back
  std::string response;    // status line, headers and the start of the body, redacted
  std::string curl;
};

// A curl line as transport::curl_line writes it, read back: the method, -u, -H headers (a
// Content-Type one into content_type), --data-binary, and the URL, which must start with
// `target`. nullopt when it is not such a line.
std::optional<SavedCase> request_from_curl(const std::string& curl, const std::string& target);

nlohmann::json to_json(const SavedCase& saved);
// Throws core::Error (exit code 2) naming `file` and the JSON pointer of what is wrong.
SavedCase saved_case_from(const nlohmann::json& json, const std::string& file);

// Writes each failure of the run (new ones; known ones too when a baseline set them aside) as
// one file in `dir`, created if need be: "<operation>.<test>.<check>.<n>.json". Failures whose
// request cannot be read back from its curl line are counted in `skipped`. Returns the number
// written.
int save_failures(const report::RunResults& results, const std::filesystem::path& dir,
                  int* skipped = nullptr);

// The cases in `paths`: files, and every *.json of a directory in name order.
std::vector<SavedCase> load_cases(const std::vector<std::string>& paths);

}  // namespace conform::cases
