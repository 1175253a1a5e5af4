#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "conform/runner/run_config.hpp"
#include "conform/spec/spec.hpp"
#include "conform/transport/transport.hpp"

namespace conform::runner {

// What a run's configuration means for the engine and the transport. Each throws core::Error
// (exit 2) with the option named when a value is not one it knows.

// The checks to apply: the named ones, or every check but the permission suite's own and
// max_response_time when no limit was given.
std::set<std::string> chosen_checks(const RunConfig& config);
// Every phase a run can have: the operation phases (the engine's catalogue), then the suites'.
std::vector<std::string> all_phases();
std::set<std::string> chosen_phases(const RunConfig& config);
// --duration's text as seconds: "90s", "10m", "2h", "1.5h", or a number of seconds; nullopt when
// it is none of these, or not above zero.
std::optional<double> duration_seconds(const std::string& text);

// --header 'Name: value' as the transport adds it: ${VARIABLE}s expanded from the environment
// (an unset one is an error), and a secret value (a name that carries credentials, or one named
// by --secret-header) shown as its variable, else as [redacted].
std::vector<transport::ExtraHeader> extra_headers(const RunConfig& config);
// The secrets a URL carries in its userinfo ("user:password@"): the whole and the password.
std::vector<std::string> userinfo_secrets(const std::string& url);
// The URL paths are appended to: the target, with the base path the description's first server
// URL gives (or --base-path) when the target names no path of its own.
std::string target_url(std::string target, const std::optional<std::string>& base_path,
                       const spec::Spec& spec);

// The transport of a run for `spec`'s operations: the target with the description's base path,
// the timeouts, TLS, size cap, pacing and --header values, and every secret of the run hidden in
// every output (the token, userinfo in --target, secret header values).
transport::TransportOptions transport_options(const RunConfig& config, const spec::Spec& spec,
                                              const std::string& token);

// Returns when the target answers HTTP at all (any status will do). Refused connections are
// retried for `wait_seconds`: a server started beside conform (a mock in CI) may not be listening
// yet. Throws core::Error: unreachable (exit 3), or interrupted while waiting.
void require_reachable(transport::Transport& transport, double wait_seconds);

}  // namespace conform::runner
