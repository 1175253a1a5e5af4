#include "lint_command.hpp"

#include "conform/arazzo/workflow_runner.hpp"
#include "conform/lint/lint.hpp"
#include "conform/spec/spec.hpp"

namespace conform::apps {

void add_lint_options(CLI::App& command, LintOptions& options) {
  command.add_option("--spec", options.spec, "OpenAPI document (JSON or YAML)")->required();
  command.add_option("--format", options.format, "Output: text (one line per finding) or json")
      ->check(CLI::IsMember({"text", "json"}));
  command.add_option("--suite", options.suites,
                     "An Arazzo suite to check against the description too (repeatable)");
}

core::ExitCode run_lint(const LintOptions& options, std::ostream& out) {
  spec::Spec spec = spec::Spec::load(options.spec, spec::LoadOptions{.thorough = true});
  core::Diagnostics findings = lint::lint(spec);
  // Suites: read as Arazzo 1.0 and bound to this description (docs/suites.md).
  for (const auto& file : options.suites) findings.append(arazzo::load_suite(file, spec).problems);
  const bool failed = lint::has_findings(findings);
  if (options.format == "json") {
    nlohmann::json report = {{"spec", spec.file()},
                             {"openapi", spec.declared_version()},
                             {"operations", spec.operations().size()},
                             {"errors", findings.count(core::Severity::error)},
                             {"warnings", findings.count(core::Severity::warning)},
                             {"infos", findings.count(core::Severity::info)},
                             {"findings", nlohmann::json::array()}};
    for (const auto& finding : findings.items()) report["findings"].push_back(to_json(finding));
    out << report.dump(2) << "\n";
  } else {
    for (const auto& finding : findings.items()) out << format(finding) << "\n";
    out << spec.file() << ": " << spec.operations().size() << " operations, "
        << findings.count(core::Severity::error) << " errors, "
        << findings.count(core::Severity::warning) << " warnings, "
        << findings.count(core::Severity::info) << " notes\n";
  }
  return failed ? core::ExitCode::failures : core::ExitCode::ok;
}

}  // namespace conform::apps
