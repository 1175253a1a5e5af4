#include "load_spec.hpp"

#include <iostream>

namespace conform::apps {

std::optional<spec::Spec> load_usable_spec(const std::string& path, const std::string& doing) {
  spec::Spec spec = spec::Spec::load(path);
  if (!spec.has_errors()) return spec;
  for (const auto& d : spec.diagnostics().items()) {
    if (d.severity == core::Severity::error) std::cerr << "conform: " << format(d) << "\n";
  }
  std::cerr << "conform: the description has errors (see `conform lint`); not " << doing << "\n";
  return std::nullopt;
}

}  // namespace conform::apps
