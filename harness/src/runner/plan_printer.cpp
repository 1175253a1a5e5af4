#include "conform/runner/plan_printer.hpp"

#include <algorithm>

#include "conform/core/text.hpp"
#include "conform/runner/progress.hpp"
#include "conform/spec/extensions.hpp"
#include "conform/suites/permission_suite.hpp"
#include "conform/suites/suite_context.hpp"

namespace conform::runner {

void print_plan(const spec::Spec& spec, const std::vector<const spec::Operation*>& operations,
                engine::Engine& engine, const RunConfig& options, const std::string& target,
                std::ostream& out) {
  const int permission_cases = options.permission_cases;
  double paced_seconds = 0;  // the x-rate-limit waits between an operation's requests
  out << "Plan for " << spec.file() << " against " << target << " (nothing is sent):\n\n";
  const auto& phases = engine::phase_names();
  out << "operation                       method  ";
  for (const auto& p : phases) out << p << "  ";
  out << "\n";
  long total = 0;
  for (const auto* op : operations) {
    std::string name = op->operation_id;
    name.resize(std::max<std::size_t>(name.size(), 30), ' ');
    std::string method = core::ascii_upper(op->method);
    method.resize(6, ' ');
    out << name << "  " << method << "  ";
    for (const auto& p : phases) {
      int n = engine.planned(*op, p);
      total += n;
      paced_seconds += std::max(0, n) * spec::min_interval_of(*op).value_or(0);
      std::string cell = std::to_string(n);
      cell.resize(p.size(), ' ');
      out << cell << "  ";
    }
    out << op->path << "\n";
  }
  out << "\n"
      << operations.size() << " operations, about " << total << " requests before shrinking\n";
  // How long: the declared waits bound it from below when they apply; a rate bounds it too.
  double seconds = options.pace == "declared" ? paced_seconds : 0;
  if (options.rate > 0) seconds = std::max(seconds, static_cast<double>(total) / options.rate);
  out << "Time: ";
  if (seconds > 0) {
    out << "at least " << rough_duration(seconds) << " ("
        << (options.pace == "declared" ? "--pace declared keeps to x-rate-limit" : "--rate")
        << ")\n";
  } else if (paced_seconds > 0) {
    out << "as fast as the server answers; with --pace declared at least "
        << rough_duration(paced_seconds) << " (x-rate-limit), and --pace adaptive waits "
        << "after an operation's first 429\n";
  } else {
    out << "as fast as the server answers (no pacing applies)\n";
  }
  if (!options.duration.empty() && engine.options().phases.contains("fuzzing")) {
    out << "Fuzzing: rounds of fresh cases until --duration " << options.duration
        << " has passed (the fuzzing column is one round"
        << (options.max_examples_given ? "; --max-examples caps each operation's cases" : "")
        << ")\n";
  }
  auto key_ops = suites::key_operations(spec);
  const auto& phases_chosen = engine.options().phases;
  const std::string keys_left_out = key_ops ? suites::left_out(*key_ops, engine.options()) : "";
  auto named = [](const spec::Operation* op) {
    return core::ascii_upper(op->method) + " " + op->operation_id;
  };
  const std::string key_calls =
      key_ops ? named(key_ops->create) + ", " + named(key_ops->list) + ", " + named(key_ops->remove)
              : "";
  if (key_ops && phases_chosen.contains("permissions") && suites::PermissionSuite::applies(spec)) {
    if (!keys_left_out.empty()) {
      out << "Permission suite: skipped (the selection leaves out " << keys_left_out << ")\n";
    } else {
      out << "Permission suite: Permissions.valid_documents, .invalid_documents ("
          << permission_cases << " documents each; every key it creates is deleted: " << key_calls
          << ", and the selected operations its keys are scoped to), "
          << ".cleanup\n";
    }
  }
}

}  // namespace conform::runner
