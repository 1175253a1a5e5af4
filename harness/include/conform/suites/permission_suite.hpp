#pragma once

#include <set>

#include "conform/gen/permission_documents.hpp"
#include "conform/suites/api_keys.hpp"

namespace conform::suites {

struct PermissionSuiteOptions {
  int cases = 20;                  // documents per property
  bool allow_destructive = false;  // also call write-scoped operations with the new keys
  int max_shrink_cases = 24;       // documents tried while shrinking one failure
};

// Permission fuzzing (docs/permissions.md). For generated documents, with the run's token:
//  valid documents    a key is created (positive_data_acceptance, and its answer conforms), is
//                     listed with the same permissions (permission_round_trip), and can call
//                     exactly what the document grants (permission_enforcement); it is deleted.
//  invalid documents  refused with a declared 4XX, and no key appears (negative_data_rejection).
//  cleanup            every key the suite made is gone, every key there before is still there.
// Failures are shrunk through RapidCheck's shrink tree: the report shows a small document.
class PermissionSuite {
 public:
  PermissionSuite(SuiteContext& context, KeyOperations operations, PermissionSuiteOptions options);

  // The suite needs key operations and operations with `x-scope`.
  static bool applies(const spec::Spec& spec);

  engine::PhaseResult valid_documents();
  engine::PhaseResult invalid_documents();
  engine::PhaseResult cleanup();

  // The operations enforcement calls: those with `x-scope`, read-scoped ones (or GET) unless
  // destructive calls are allowed, and not the key operations themselves.
  std::vector<const spec::Operation*> enforced_operations() const;

 private:
  struct Outcome;
  std::string key_name(const char* purpose);
  Outcome check_valid(const nlohmann::json& document);
  Outcome check_invalid(const gen::InvalidPermissionDocument& document);
  template <typename T, typename Check>
  engine::PhaseResult run_property(const char* name, const rc::Gen<T>& generator, Check check);

  SuiteContext& context_;
  ApiKeys keys_;
  PermissionSuiteOptions options_;
  gen::PermissionGrammar grammar_;
  std::optional<std::map<std::string, ApiKeys::Listed>> keys_at_start_;
  std::set<std::string> created_;
  int counter_ = 0;
};

}  // namespace conform::suites
