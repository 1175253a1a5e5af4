#include "conform/runner/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>

#include "conform/cases/saved_case.hpp"
#include "conform/core/error.hpp"
#include "conform/core/text.hpp"
#include "conform/engine/engine.hpp"
#include "conform/lint/lint.hpp"
#include "conform/report/console.hpp"
#include "conform/report/coverage.hpp"
#include "conform/report/outputs.hpp"
#include "conform/runner/execute.hpp"
#include "conform/runner/interrupt.hpp"
#include "conform/runner/plan_printer.hpp"
#include "conform/runner/run_setup.hpp"
#include "conform/runner/shards.hpp"
#include "conform/runner/workflow_tests.hpp"
#include "conform/schema/spec_schemas.hpp"
#include "conform/suites/credential_probe.hpp"
#include "conform/suites/permission_suite.hpp"

namespace conform::runner {
namespace {

engine::RunOptions engine_options(const RunConfig& config,
                                  const std::vector<const spec::Operation*>& operations) {
  engine::RunOptions options;
  options.max_examples = config.max_examples;
  options.max_link_depth = config.max_link_depth;
  options.max_examples_given = config.max_examples_given;
  if (!config.duration.empty()) {
    auto seconds = duration_seconds(config.duration);
    if (!seconds) {
      core::fail_input("run.bad_duration", "", "",
                       "--duration: '" + config.duration + "' is not a time (90s, 10m, 2h)");
    }
    options.fuzzing_deadline = std::chrono::steady_clock::now() +
                               std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(*seconds));
    options.fuzzing_operations = static_cast<int>(operations.size());
  }
  options.seed = config.seed ? *config.seed : std::random_device{}();
  options.checks = chosen_checks(config);
  options.phases = chosen_phases(config);
  options.check_options.max_response_time_seconds = config.max_response_time;
  options.interrupted = &interrupted();
  options.enforce_vast_rules = config.enforce_vast_rules;
  options.callable = std::set<const spec::Operation*>(operations.begin(), operations.end());
  // An empty token matters only where a selected operation asks for a credential; a dry run
  // says so as the real run would.
  const bool credentials_asked =
      std::any_of(operations.begin(), operations.end(),
                  [&](const spec::Operation* op) { return !op->security.empty(); });
  if (const char* token = std::getenv(config.token_env.c_str()); token && *token) {
    options.token = token;
  } else if (credentials_asked) {
    std::cerr << "conform: $" << config.token_env << " is empty: requests go without credentials\n";
  }
  return options;
}

// The operations' tests: each operation's phases that plan a request, in the catalogue's order.
std::vector<PlannedTest> operation_tests(const std::vector<const spec::Operation*>& operations,
                                         engine::Engine& engine) {
  std::vector<PlannedTest> tests;
  for (const auto* op : operations) {
    for (const auto& phase : engine::phase_names()) {
      if (engine.planned(*op, phase) == 0) continue;
      tests.push_back(
          {op->operation_id, phase, [&engine, op, phase] { return engine.run(*op, phase); }});
    }
  }
  return tests;
}

// The permission suite, which works on the account as a whole: after the operations and the
// workflows, its cleanup last. It creates and deletes API keys: it runs only when the selection
// allows all three, and is reported skipped, with why, when it does not.
struct PermissionTests {
  std::vector<PlannedTest> tests;
  std::unique_ptr<suites::PermissionSuite> permission_suite;  // the tests' state
};

PermissionTests permission_tests(const RunConfig& config, const spec::Spec& spec,
                                 suites::SuiteContext& context, const engine::RunOptions& options) {
  PermissionTests out;
  auto key_ops = suites::key_operations(spec);
  if (!key_ops) return out;
  const std::string keys_left_out = suites::left_out(*key_ops, options);
  auto skipped = [&](const char* suite, const char* name) {
    out.tests.push_back(skipped_test(suite, name,
                                     "it creates and deletes API keys, and the selection leaves "
                                     "out " +
                                         keys_left_out + ": nothing was sent"));
  };
  if (!options.phases.contains("permissions") || !suites::PermissionSuite::applies(spec)) {
    return out;
  }
  if (!keys_left_out.empty()) {
    skipped("Permissions", "valid_documents");
    skipped("Permissions", "invalid_documents");
    return out;
  }
  out.permission_suite = std::make_unique<suites::PermissionSuite>(
      context, *key_ops,
      suites::PermissionSuiteOptions{config.permission_cases, config.allow_destructive, 24});
  auto* suite = out.permission_suite.get();
  out.tests.push_back(
      {"Permissions", "valid_documents", [suite] { return suite->valid_documents(); }});
  out.tests.push_back(
      {"Permissions", "invalid_documents", [suite] { return suite->invalid_documents(); }});
  out.tests.push_back({"Permissions", "cleanup", [suite] { return suite->cleanup(); }, true});
  return out;
}

// The shards' results in the order of the document and the phase catalogue, whatever shard ran
// what.
void in_document_order(std::vector<report::TestRecord>& tests,
                       const std::vector<const spec::Operation*>& operations) {
  std::map<std::string, std::size_t> rank;
  for (std::size_t i = 0; i < operations.size(); ++i) rank[operations[i]->operation_id] = i;
  const auto& phases = engine::phase_names();
  auto key = [&](const report::TestRecord& t) {
    auto p = std::find(phases.begin(), phases.end(), t.name) - phases.begin();
    return std::pair(rank[t.suite], p);
  };
  std::stable_sort(tests.begin(), tests.end(),
                   [&](const auto& a, const auto& b) { return key(a) < key(b); });
}

// Asked to (--fail-on-unexercised): an operation only ever answered 401/403 was not tested, and
// that is a failure.
void fail_unexercised(report::RunResults& results) {
  for (auto& t : results.tests) {
    if (t.result.not_exercised.empty()) continue;
    t.result.failures.push_back({.check = "not_exercised",
                                 .message = "not exercised: " + t.result.not_exercised,
                                 .case_summary = t.name});
  }
}

// Asked to (--fail-under-coverage): a run that exercised less of the description than required
// fails, with a test that says by how much.
void gate_coverage(report::RunResults& results, double required) {
  report::CoverageSummary coverage = report::summarise_coverage(results);
  if (!coverage.measured() || coverage.percent() >= required) return;
  char text[160];
  std::snprintf(text, sizeof text, "schema coverage %.1f%% is under the required %.1f%%",
                coverage.percent(), required);
  report::TestRecord gate{"Coverage", "gate", {}};
  gate.result.phase = "coverage gate";
  gate.result.failures.push_back(
      {.check = "schema_coverage", .message = text, .case_summary = "coverage gate"});
  results.tests.push_back(std::move(gate));
}

core::ExitCode verdict(const report::RunResults& results) {
  if (results.interrupted) return core::ExitCode::interrupted;
  if (results.failures() > 0 || results.errors() > 0) return core::ExitCode::failures;
  return core::ExitCode::ok;
}

}  // namespace

RunOutcome run(const RunConfig& given, const RunContext& context) {
  std::ostream& out = *context.out;
  // A --jobs shard takes its whole run from its parent's plan, and stops with its parent from the
  // start: a signal while it loads the description still leaves its parent results to merge.
  const bool shard_child = !given.shard_plan.empty();
  if (shard_child) end_with_parent();
  const RunConfig config = shard_child ? take_shard_plan(given.shard_plan) : given;
  std::optional<OrphanedShardCleanup> orphan_cleanup;
  if (shard_child) orphan_cleanup.emplace(config.shard_results);
  const spec::Spec spec = spec::Spec::load(config.spec);
  auto operations = engine::select(spec, config.selection);
  if (!lint::usable(spec, operations, "running", true, std::cerr)) {
    return {core::ExitCode::bad_input, {}};
  }
  // Read before anything is sent: a baseline that cannot be read stops the run with exit 2.
  std::optional<report::Baseline> baseline;
  if (!config.baseline.empty() && config.shard_results.empty()) {
    baseline = report::load_baseline(config.baseline, config.baseline_update);
  }
  engine::RunOptions run_options = engine_options(config, operations);
  transport::Transport transport(transport_options(config, spec, run_options.token));
  run_options.check_options.secrets = engine::secrets_of(transport, run_options.token);
  schema::SpecSchemas schemas(spec);
  engine::Engine engine(spec, schemas, transport, run_options);
  // Arazzo suites are read and checked before anything is sent; a shard runs none.
  WorkflowTests workflows(config.no_suites ? RunConfig{} : config, spec, std::cerr);
  if (config.dry_run) {
    print_plan(spec, operations, engine, config, transport.redact(config.target), out);
    if (run_options.phases.contains("scenarios")) workflows.print_plan(run_options, out);
    return {};
  }
  stop_on_signals();

  RunOutcome outcome;
  report::RunResults& results = outcome.results;
  results.spec_file = spec.file();
  results.target = transport.redact(transport.options().base_url);
  results.seed = run_options.seed;
  for (const auto* op : operations) {
    report::CoverageTargets& target = results.coverage_targets[op->operation_id];
    target.locations = engine.keyword_locations(*op);
    target.unbreakable = engine.unbreakable_locations(*op);
    target.parameters = engine.parameters(*op);
    for (const auto& response : op->responses) target.statuses.push_back(response.status);
    for (const auto* link : op->success_links()) {
      if (std::find(target.links.begin(), target.links.end(), link->name) == target.links.end()) {
        target.links.push_back(link->name);
      }
    }
  }
  const auto started = std::chrono::steady_clock::now();
  report::ConsoleStyle style;
  const bool terminal = context.out == &std::cout && isatty(STDOUT_FILENO) != 0;
  style.colour = report::wants_colour(terminal, config.no_colour);
  style.verbose = config.verbose;
  // The program as it was invoked (a path when it is not on PATH), every value quoted for a shell.
  style.command = core::shell_quote(context.program) + " run --spec " +
                  core::shell_quote(config.spec) + " --target " +
                  core::shell_quote(transport.redact(config.target));
  for (const auto& suite : config.suites) style.command += " --suite " + core::shell_quote(suite);
  results.command = style.command;

  // With --jobs the operations run in shard processes; the scenario suites, which work on the
  // account as a whole, run afterwards in this process, alone.
  const bool sharded = config.jobs > 1;
  if (!shard_child) {
    out << "conform run: " << operations.size() << " operations of " << spec.file() << " against "
        << results.target
        << (sharded ? " in " + std::to_string(config.jobs) + " shards" : std::string()) << ", seed "
        << run_options.seed << std::endl;
  }
  // A shard's parent found the target before starting it; an interrupted shard still writes.
  if (!shard_child) require_reachable(transport, config.wait_for_target);
  suites::SuiteContext suite_context(spec, schemas, transport, run_options);
  // A refused credential stops the run before the bulk: every answer would be a declared 401.
  bool stopped = false;
  if (!shard_child) {
    engine::PhaseResult probe =
        suites::probe_credential(suite_context, operations, config.token_env);
    if (!probe.failures.empty()) {
      std::cerr << "conform: " << probe.failures.front().message << "\n";
      results.tests.push_back({"Credential", "probe", std::move(probe)});
      stopped = true;
    }
  }
  if (sharded && !stopped) {
    auto merged = run_shards(config, run_options.seed, context.shard_program);
    in_document_order(merged.tests, operations);
    results.tests = std::move(merged.tests);
    results.interrupted = merged.interrupted;
  }

  std::vector<PlannedTest> plan;
  if (!sharded && !stopped) plan = operation_tests(operations, engine);
  PermissionTests permissions;
  if (!config.no_suites && !stopped && run_options.phases.contains("scenarios")) {
    for (auto& test : workflows.plan(suite_context, run_options)) plan.push_back(std::move(test));
  }
  if (!config.no_suites && !stopped) {
    permissions = permission_tests(config, spec, suite_context, run_options);
    for (auto& test : permissions.tests) plan.push_back(std::move(test));
  }
  if (!plan.empty()) {
    const int verbosity = config.quiet ? -1 : (config.verbose ? 1 : 0);
    Progress progress(out, terminal, static_cast<int>(plan.size()), style, verbosity);
    Execution execution{&run_options.check_options.secrets, &progress,
                        baseline ? &*baseline : nullptr};
    std::vector<report::TestRecord> records;
    if (context.executor == Executor::googletest) {
      std::vector<std::string> arguments = {context.program};
      for (const auto& a : config.gtest_arguments) arguments.push_back(a);
      // With --jobs this process runs the suites whole: the shard variables were for the children.
      if (sharded) {
        unsetenv("GTEST_TOTAL_SHARDS");
        unsetenv("GTEST_SHARD_INDEX");
      }
      records = run_with_googletest(plan, execution, std::move(arguments));
    } else {
      records = run_in_order(plan, execution);
    }
    for (auto& record : records) results.tests.push_back(std::move(record));
    results.interrupted = results.interrupted || interrupted().load();
  }
  results.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  if (shard_child) {
    report::write_atomically(
        config.shard_results,
        report::to_json(results).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    if (config.fail_on_unexercised) fail_unexercised(results);
    if (config.fail_under_coverage > 0) gate_coverage(results, config.fail_under_coverage);
    if (baseline) {
      report::apply_baseline(results, *baseline);
      if (config.baseline_update) {
        report::write_atomically(config.baseline,
                                 report::baseline_text(report::baseline_of(results), spec.file()));
      }
    }
    report::write_outputs(results, config.outputs);
    if (!config.save_failures.empty()) {
      int unreadable = 0;
      int saved = cases::save_failures(results, config.save_failures, &unreadable);
      out << "Saved failures: " << saved << " case files in " << config.save_failures;
      if (unreadable > 0) {
        out << " (" << unreadable << " without a single request to re-send: not saved)";
      }
      out << "\n";
    }
    report::print_summary(results, out, style);
    report::announce_outputs(config.outputs, out);
  }
  outcome.exit_code = verdict(results);
  return outcome;
}

}  // namespace conform::runner
