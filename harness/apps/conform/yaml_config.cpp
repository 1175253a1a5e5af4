#include "yaml_config.hpp"

#include <sstream>

#include "conform/core/error.hpp"
#include "conform/core/text.hpp"
#include "conform/spec/document.hpp"

namespace conform::apps {
namespace {

// The line of `key:` in the text, searched after `from_line`; 0 when not found.
int line_of(const std::string& text, const std::string& key, int from_line) {
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (number < from_line) continue;
    auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    std::string rest = line.substr(start);
    if (rest.rfind(key + ":", 0) == 0 || rest.rfind("\"" + key + "\":", 0) == 0) return number;
  }
  return 0;
}

std::string text_of(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return value.dump();
}

}  // namespace

YamlConfig::YamlConfig(std::map<std::string, std::set<std::string>> sections)
    : sections_(std::move(sections)) {}

std::set<std::string> YamlConfig::option_names(const CLI::App& command) {
  std::set<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    for (const auto& name : option->get_lnames()) names.insert(name);
  }
  names.erase("help");
  names.erase("config");
  return names;
}

std::vector<CLI::ConfigItem> YamlConfig::from_config(std::istream& input) const {
  std::string text((std::istreambuf_iterator<char>(input)), {});
  auto fail = [](const std::string& message) {
    throw CLI::ConfigError("configuration file: " + message);
  };
  nlohmann::json document;
  try {
    document = spec::parse_document(text, spec::Syntax::yaml, "the configuration");
  } catch (const core::Error& e) {
    fail(e.diagnostic().message);
  }
  std::vector<CLI::ConfigItem> read;
  if (document.is_null()) return read;
  if (!document.is_object()) fail("expected sections (run:, mock:) at the top");
  for (const auto& [section, options] : document.items()) {
    int section_line = line_of(text, section, 1);
    auto known = sections_.find(section);
    if (known == sections_.end()) {
      std::string names;
      std::vector<std::string> listed;
      for (const auto& [name, unused] : sections_) {
        names += (names.empty() ? "" : ", ") + name;
        listed.push_back(name);
      }
      fail("line " + std::to_string(section_line) + ": unknown section '" + section + "'" +
           core::did_you_mean(section, listed) + " (sections: " + names + ")");
    }
    if (options.is_null()) continue;
    if (!options.is_object()) {
      fail("line " + std::to_string(section_line) + ": '" + section + "' must hold options");
    }
    for (const auto& [name, value] : options.items()) {
      if (!known->second.contains(name)) {
        const std::vector<std::string> keys(known->second.begin(), known->second.end());
        fail("line " + std::to_string(line_of(text, name, section_line)) + ": unknown key '" +
             name + "' in " + section + core::did_you_mean(name, keys) + " (see conform " +
             section + " --help)");
      }
      CLI::ConfigItem item;
      item.parents = {section};
      item.name = name;
      if (value.is_array()) {
        for (const auto& v : value) item.inputs.push_back(text_of(v));
      } else {
        item.inputs.push_back(text_of(value));
      }
      read.push_back(std::move(item));
    }
  }
  return read;
}

}  // namespace conform::apps
