#pragma once

#include <optional>
#include <set>
#include <string_view>
#include <vector>

namespace conform::mock {

// Deliberate contract violations the mock can switch on (`--fault NAME`), one per named check,
// so that the harness's own tests can prove each check catches its fault.
enum class Fault {
  server_error,
  undocumented_status,
  wrong_content_type,
  wrong_response_type,
  missing_response_header,
  accepts_invalid_input,
  rejects_valid_input,
  ignores_auth,
  delete_does_not_delete,
  resource_unavailable,
  slow_responses,
  permission_not_enforced,
  permission_not_round_tripped,
  accepts_invalid_permissions,
  undeclared_method_not_found,
  accepts_missing_header,
  no_auth_challenge,
  reuses_identifiers,
  ignores_updates,
};

struct FaultInfo {
  Fault fault;
  std::string_view name;   // as --fault takes it
  std::string_view check;  // the named check that must catch it
  std::string_view what;   // what the mock then does, for people
};

const std::vector<FaultInfo>& fault_catalogue();
std::optional<Fault> fault_named(std::string_view name);

using Faults = std::set<Fault>;

}  // namespace conform::mock
