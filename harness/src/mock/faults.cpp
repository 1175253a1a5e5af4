#include "conform/mock/faults.hpp"

namespace conform::mock {

const std::vector<FaultInfo>& fault_catalogue() {
  static const std::vector<FaultInfo> catalogue = {
      {Fault::server_error, "server_error", "not_a_server_error",
       "answers 500 to any request carrying an empty string or a string longer than 64 "
       "characters (in a parameter or anywhere in a JSON body)"},
      {Fault::undocumented_status, "undocumented_status", "status_code_conformance",
       "answers successful requests with a 2XX status the operation does not declare"},
      {Fault::wrong_content_type, "wrong_content_type", "content_type_conformance",
       "sends JSON bodies as text/plain"},
      {Fault::wrong_response_type, "wrong_response_type", "response_schema_conformance",
       "gives the first scalar of each JSON response body the wrong type"},
      {Fault::missing_response_header, "missing_response_header", "response_headers_conformance",
       "leaves out the response headers the description marks as required"},
      {Fault::accepts_invalid_input, "accepts_invalid_input", "negative_data_rejection",
       "skips request validation: invalid parameters and bodies are answered as valid"},
      {Fault::rejects_valid_input, "rejects_valid_input", "positive_data_acceptance",
       "answers 400 to valid requests that carry a JSON body or a query string"},
      {Fault::ignores_auth, "ignores_auth", "ignored_auth",
       "answers requests with a missing or unknown token as if the root token were sent"},
      {Fault::delete_does_not_delete, "delete_does_not_delete", "use_after_delete",
       "answers DELETE with success but keeps the resource (and a deleted key still works)"},
      {Fault::resource_unavailable, "resource_unavailable", "resource_availability",
       "forgets what it creates: created SSH keys, variables and API keys are never found "
       "again"},
      {Fault::slow_responses, "slow_responses", "max_response_time",
       "waits 250 ms before every answer"},
      {Fault::permission_not_enforced, "permission_not_enforced", "permission_enforcement",
       "lets every key do what the root key does, whatever its permission document says"},
      {Fault::permission_not_round_tripped, "permission_not_round_tripped", "permission_round_trip",
       "lists keys with a permission document other than the one they were created with (the "
       "constraints dropped, and the last category of several)"},
      {Fault::accepts_invalid_permissions, "accepts_invalid_permissions", "negative_data_rejection",
       "creates keys whose permission document does not conform, instead of answering 400"},
      {Fault::undeclared_method_not_found, "undeclared_method_not_found", "unsupported_method",
       "answers a method the path does not declare with 404 and no Allow header, instead of 405"},
      {Fault::accepts_missing_header, "accepts_missing_header", "missing_required_header",
       "answers requests without a required header parameter as if it were there"},
      {Fault::no_auth_challenge, "no_auth_challenge", "www_authenticate",
       "answers 401 without a WWW-Authenticate header"},
      {Fault::reuses_identifiers, "reuses_identifiers", "use_after_delete",
       "gives a new SSH key or API key the identifier of the last one deleted"},
      {Fault::ignores_updates, "ignores_updates", "update_reflected",
       "answers PUT and PATCH of an SSH key or of a resource it keeps with success, and changes "
       "nothing"},
  };
  return catalogue;
}

std::optional<Fault> fault_named(std::string_view name) {
  for (const auto& info : fault_catalogue()) {
    if (info.name == name) return info.fault;
  }
  return std::nullopt;
}

}  // namespace conform::mock
