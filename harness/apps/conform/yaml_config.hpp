#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <set>
#include <string>

namespace conform::apps {

// conform.yaml: a section per subcommand (`run:`, `mock:`), each key an option's long name
// without the dashes (`max-examples: 50`, lists for repeatable options). Read through CLI11's
// config machinery, so options given on the command line win. An unknown section or key is an
// error naming it and its line.
class YamlConfig : public CLI::Config {
 public:
  // The option names each section may use.
  explicit YamlConfig(std::map<std::string, std::set<std::string>> sections);

  std::string to_config(const CLI::App*, bool, bool, std::string) const override { return {}; }
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;

  // The long names of a command's options, for the constructor.
  static std::set<std::string> option_names(const CLI::App& command);

 private:
  std::map<std::string, std::set<std::string>> sections_;
};

}  // namespace conform::apps
