#include "load_spec.hpp"

#include <iostream>

#include "conform/lint/lint.hpp"

namespace conform::apps {

bool usable(const spec::Spec& spec, const std::vector<const spec::Operation*>& used,
            const std::string& doing, bool selected) {
  core::Diagnostics errors = lint::blocking_errors(spec, used);
  if (errors.empty()) return true;
  for (const auto& d : errors.items()) std::cerr << "conform: " << format(d) << "\n";
  std::cerr << "conform: the description has errors (see `conform lint`); not " << doing;
  if (selected) std::cerr << " (--operation, --exclude-operation or --path can leave them out)";
  std::cerr << "\n";
  return false;
}

bool usable(const spec::Spec& spec, const std::string& doing) {
  std::vector<const spec::Operation*> every;
  for (const spec::Operation& op : spec.operations()) every.push_back(&op);
  return usable(spec, every, doing, false);
}

}  // namespace conform::apps
