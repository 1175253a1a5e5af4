#include "load_spec.hpp"

#include <iostream>

#include "conform/lint/lint.hpp"

namespace conform::apps {

std::optional<spec::Spec> load_usable_spec(const std::string& path, const std::string& doing,
                                           const OperationPicker& pick) {
  spec::Spec spec = spec::Spec::load(path);
  std::vector<const spec::Operation*> used;
  if (pick) {
    used = pick(spec);
  } else {
    for (const spec::Operation& op : spec.operations()) used.push_back(&op);
  }
  core::Diagnostics errors = lint::blocking_errors(spec, used);
  if (errors.empty()) return spec;
  for (const auto& d : errors.items()) std::cerr << "conform: " << format(d) << "\n";
  std::cerr << "conform: the description has errors (see `conform lint`); not " << doing;
  if (pick) std::cerr << " (--operation, --exclude-operation or --path can leave them out)";
  std::cerr << "\n";
  return std::nullopt;
}

}  // namespace conform::apps
