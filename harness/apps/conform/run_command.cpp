#include "run_command.hpp"

#include "conform/report/outputs.hpp"
#include "conform/runner/run_setup.hpp"

namespace conform::apps {

void add_run_options(CLI::App& command, runner::RunConfig& o) {
  command.add_option("--spec", o.spec, "OpenAPI document (JSON or YAML)")->required();
  command.add_option("--target", o.target, "Base URL of the server under test")->required();
  command.add_option("--base-path", o.base_path,
                     "Path the description's paths start at on the target (default: the first "
                     "server URL's path when --target has none, e.g. /v1)");
  for (const auto& output : report::outputs()) {
    command.add_option("--" + output.name, o.outputs[output.name], output.description);
  }
  command.add_option("--token-env", o.token_env, "Environment variable holding the API token")
      ->capture_default_str();
  command.add_option("--seed", o.seed, "Seed of generated cases (default: random, printed)");
  command.add_option("--max-examples", o.max_examples, "Generated cases per operation")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000))
      ->each([&o](const std::string&) { o.max_examples_given = true; });
  command
      .add_option("--duration", o.duration,
                  "Fuzz in rounds of fresh cases until this much time has passed (10m, 90s, 2h); "
                  "with --max-examples, whichever comes first")
      ->check([](const std::string& text) {
        return runner::duration_seconds(text) ? std::string() : "expected 90s, 10m or 2h";
      });
  command
      .add_option("--max-link-depth", o.max_link_depth,
                  "OpenAPI links followed one after another from an operation's answer")
      ->capture_default_str()
      ->check(CLI::Range(1, 10));
  command.add_option("--operation", o.selection.operations, "Only this operationId (repeatable)");
  command.add_option("--exclude-operation", o.selection.exclude_operations,
                     "Not this operationId (repeatable)");
  command.add_option("--tag", o.selection.tags, "Only operations with this tag (repeatable)");
  command.add_option("--exclude-tag", o.selection.exclude_tags, "Not operations with this tag");
  command.add_option("--method", o.selection.methods, "Only this HTTP method (repeatable)");
  command.add_option("--path", o.selection.path_regex, "Only paths matching this regex");
  command.add_option("--header,--headers", o.headers,
                     "Add 'Name: value' to every request (repeatable; ${VARIABLE}s are expanded)");
  command.add_option("--secret-header", o.secret_headers,
                     "A header name whose value no output shows (Authorization, Cookie, X-Api-Key "
                     "and the like already are)");
  command.add_flag("--read-only", o.selection.read_only,
                   "Only GET, HEAD and OPTIONS, in every phase and suite (nothing that writes)");
  command
      .add_option("--checks", o.checks,
                  "Comma-separated checks (default: all but "
                  "max_response_time, see docs/checks.md)")
      ->delimiter(',');
  command
      .add_option("--phases", o.phases,
                  [] {
                    std::string names;
                    for (const auto& phase : runner::all_phases()) {
                      names += (names.empty() ? "" : ",") + phase;
                    }
                    return "Phases, comma-separated: " + names;
                  }())
      ->delimiter(',');
  command.add_option("--jobs", o.jobs, "Parallel shard processes")->check(CLI::Range(1, 256));
  command.add_option("--rate", o.rate, "Requests per second over the whole run (0: no limit)");
  command
      .add_option("--pace", o.pace,
                  "Per-operation intervals from x-rate-limit: adaptive (after a 429), declared "
                  "(from the start) or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"adaptive", "declared", "off"}));
  command.add_option("--timeout", o.timeout, "Seconds before a request is abandoned")
      ->capture_default_str();
  command
      .add_option("--wait-for-target", o.wait_for_target,
                  "Seconds to wait for a target that refuses connections (one starting beside "
                  "conform) before giving up with exit code 3")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  command.add_option("--max-response-time", o.max_response_time,
                     "Seconds a response may take (turns on max_response_time)");
  command.add_flag("--insecure", o.insecure, "Do not verify TLS certificates");
  command.add_option("--cacert", o.cacert, "CA bundle to verify TLS certificates with");
  command
      .add_option("--max-response-bytes", o.max_response_bytes, "Largest response body accepted")
      ->capture_default_str();
  command.add_flag("--dry-run", o.dry_run, "Print what would be sent, send nothing");
  command.add_flag("--no-color", o.no_colour, "No colours (also: NO_COLOR set)");
  command.add_flag("-q,--quiet", o.quiet, "Only the summary");
  command.add_flag("-v,--verbose", o.verbose, "Each failure as its test ends");
  command
      .add_option("--permission-cases", o.permission_cases,
                  "Permission documents per property of the permission suite")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  command.add_flag("--allow-destructive", o.allow_destructive,
                   "Let the permission suite call write-scoped operations with its keys");
  command.add_flag("--fail-on-unexercised", o.fail_on_unexercised,
                   "Fail an operation whose valid requests were all answered 401 or 403");
  command
      .add_option("--fail-under-coverage", o.fail_under_coverage,
                  "Fail the run when its schema coverage (docs/coverage.md) is under PERCENT")
      ->check(CLI::Range(0.0, 100.0));
  command.add_option("--baseline", o.baseline,
                     "A file of known failures (docs/baseline.md): the run fails only on new ones");
  command
      .add_flag("--baseline-update", o.baseline_update,
                "Write this run's failures to the --baseline file (the verdict is still against "
                "the file as it was)")
      ->needs("--baseline");
  command.add_option("--save-failures", o.save_failures,
                     "Write each failure to this folder as a case file that `conform replay` "
                     "re-sends (docs/replay.md)");
  command.add_flag("--enforce-vast-rules", o.enforce_vast_rules,
                   "Hold the server to Vast.ai rules the description does not state (failures, "
                   "not advisories)");
  command.add_option("--suite,--suites", o.suites,
                     "An Arazzo 1.0 document whose workflows run after the operations "
                     "(repeatable; see docs/suites.md)");
  command.add_option("--suite-input", o.suite_inputs,
                     "NAME=VALUE: an input of the suites' workflows (repeatable; JSON values "
                     "are read as JSON)");
  command.add_option("--suite-inputs", o.suite_inputs_file,
                     "A YAML or JSON file mapping the workflows' input names to values");
  command.add_option("--shard-results", o.shard_results)->group("");  // for --jobs shards
  command.add_flag("--no-suites", o.no_suites)->group("");            // for --jobs shards
  command.add_option("--shard-plan", o.shard_plan)->group("");        // for --jobs shards
  command.allow_extras();  // --gtest_* flags go to GoogleTest
}

core::ExitCode run_conformance(const runner::RunConfig& config, const std::string& program) {
  return runner::run(config, {.program = program}).exit_code;
}

}  // namespace conform::apps
