#include "conform/cases/saved_case.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "conform/core/error.hpp"
#include "conform/core/json.hpp"
#include "conform/core/text.hpp"
#include "conform/report/results.hpp"

namespace conform::cases {
namespace {

constexpr const char* kFormat = "conform-case/1";
constexpr std::uintmax_t kMaxBytes = 16u << 20;

// The words of a shell line as transport::curl_line quotes them: single-quoted runs ('\'' for a
// quote), and "${VAR}" kept as written, since the placeholder is what the case file holds.
std::optional<std::vector<std::string>> shell_words(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < line.size();) {
    char c = line[i];
    if (c == ' ') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      ++i;
    } else if (c == '\'') {
      auto close = line.find('\'', i + 1);
      if (close == std::string::npos) return std::nullopt;
      word += line.substr(i + 1, close - i - 1);
      in_word = true;
      i = close + 1;
    } else if (c == '"') {
      auto close = line.find('"', i + 1);
      if (close == std::string::npos) return std::nullopt;
      word += line.substr(i + 1, close - i - 1);
      in_word = true;
      i = close + 1;
    } else if (c == '\\' && i + 1 < line.size()) {
      word += line[i + 1];
      in_word = true;
      i += 2;
    } else {
      word += c;
      in_word = true;
      ++i;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

std::string file_safe(const std::string& text) {
  std::string out;
  for (char c : text) {
    bool plain = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
    out += plain ? c : '_';
  }
  return out.substr(0, 60);
}

const nlohmann::json& member(const nlohmann::json& json, const char* name, const std::string& file,
                             nlohmann::json::value_t type) {
  auto it = json.find(name);
  bool ok = it != json.end() &&
            (it->type() == type ||
             (type == nlohmann::json::value_t::number_unsigned && it->is_number_unsigned()) ||
             (type == nlohmann::json::value_t::number_integer && it->is_number_integer()));
  if (!ok) {
    core::fail_input("case.format", file, std::string("/") + name,
                     std::string("expected \"") + name + "\" of the kind the format gives it");
  }
  return *it;
}

}  // namespace

std::optional<SavedCase> request_from_curl(const std::string& curl, const std::string& target) {
  auto words = shell_words(curl);
  if (!words || words->size() < 4 || (*words)[0] != "curl" || (*words)[1] != "-X") {
    return std::nullopt;
  }
  SavedCase saved;
  gen::Request& request = saved.request;
  request.method = (*words)[2];
  std::optional<std::string> url;
  for (std::size_t i = 3; i < words->size(); ++i) {
    const std::string& word = (*words)[i];
    bool has_value = i + 1 < words->size();
    if (word == "-H" && has_value) {
      const std::string& header = (*words)[++i];
      auto colon = header.find(": ");
      if (colon == std::string::npos) return std::nullopt;
      std::string name = header.substr(0, colon);
      std::string value = header.substr(colon + 2);
      if (core::ascii_lower(name) == "content-type") {
        request.content_type = value;
      } else if (core::ascii_lower(name) == "cookie") {
        for (const auto& pair : core::split(value, "; ")) {
          auto equals = pair.find('=');
          if (equals != std::string::npos) {
            request.cookies.emplace_back(pair.substr(0, equals), pair.substr(equals + 1));
          }
        }
      } else {
        request.headers.emplace_back(name, value);
      }
    } else if (word == "-u" && has_value) {
      saved.basic = (*words)[++i];
    } else if (word == "--data-binary" && has_value) {
      request.body = (*words)[++i];
    } else if (word == "--path-as-is") {
      continue;
    } else if (!url && i + 1 == words->size()) {
      url = word;
    } else {
      return std::nullopt;
    }
  }
  if (!url || url->rfind(target, 0) != 0) return std::nullopt;
  std::string rest = url->substr(target.size());
  auto question = rest.find('?');
  request.path = rest.substr(0, question);
  if (question != std::string::npos) {
    for (const auto& pair : core::split(rest.substr(question + 1), "&")) {
      auto equals = pair.find('=');
      request.query.emplace_back(pair.substr(0, equals),
                                 equals == std::string::npos ? "" : pair.substr(equals + 1));
    }
  }
  saved.target = target;
  saved.curl = curl;
  return saved;
}

nlohmann::json to_json(const SavedCase& s) {
  nlohmann::json headers = nlohmann::json::array();
  for (const auto& [name, value] : s.request.headers) headers.push_back({name, value});
  nlohmann::json cookies = nlohmann::json::array();
  for (const auto& [name, value] : s.request.cookies) cookies.push_back({name, value});
  nlohmann::json request = {{"method", s.request.method},
                            {"target", s.request.target()},
                            {"headers", headers},
                            {"cookies", cookies}};
  if (s.request.content_type) request["content_type"] = *s.request.content_type;
  if (s.request.body) request["body"] = *s.request.body;
  if (!s.basic.empty()) request["basic"] = s.basic;
  return {{"format", kFormat},
          {"spec", s.spec},
          {"target", s.target},
          {"operation", s.operation},
          {"test", s.test},
          {"check", s.check},
          {"expected", s.expected},
          {"message", s.message},
          {"pointer", s.pointer},
          {"schema_location", s.schema_location},
          {"case", s.case_summary},
          {"run_seed", s.run_seed},
          {"seed", s.seed},
          {"request", request},
          {"response", {{"status", s.status}, {"excerpt", s.response}}},
          {"curl", s.curl}};
}

SavedCase saved_case_from(const nlohmann::json& json, const std::string& file) {
  using T = nlohmann::json::value_t;
  if (!json.is_object() || json.value("format", "") != kFormat) {
    core::fail_input("case.format", file, "/format",
                     std::string("not a saved case: expected \"format\": \"") + kFormat + "\"");
  }
  SavedCase s;
  s.file = file;
  auto text = [&](const char* name) {
    return member(json, name, file, T::string).get<std::string>();
  };
  s.spec = text("spec");
  s.target = text("target");
  s.operation = text("operation");
  s.test = text("test");
  s.check = text("check");
  s.expected = json.value("expected", "");
  s.message = json.value("message", "");
  s.pointer = json.value("pointer", "");
  s.schema_location = json.value("schema_location", "");
  s.case_summary = json.value("case", "");
  s.run_seed = json.value("run_seed", std::uint64_t{0});
  s.seed = json.value("seed", std::uint64_t{0});
  s.curl = json.value("curl", "");
  const nlohmann::json& request = member(json, "request", file, T::object);
  auto request_text = [&](const char* name) {
    auto it = request.find(name);
    if (it == request.end() || !it->is_string()) {
      core::fail_input("case.format", file, std::string("/request/") + name,
                       std::string("expected \"") + name + "\" as a string");
    }
    return it->get<std::string>();
  };
  s.request.method = request_text("method");
  std::string target = request_text("target");
  if (target.empty() || target[0] != '/') {
    core::fail_input("case.format", file, "/request/target", "expected a path starting with /");
  }
  auto question = target.find('?');
  s.request.path = target.substr(0, question);
  if (question != std::string::npos) {
    for (const auto& pair : core::split(target.substr(question + 1), "&")) {
      auto equals = pair.find('=');
      s.request.query.emplace_back(pair.substr(0, equals),
                                   equals == std::string::npos ? "" : pair.substr(equals + 1));
    }
  }
  for (const char* list : {"headers", "cookies"}) {
    const nlohmann::json pairs = request.value(list, nlohmann::json::array());
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const nlohmann::json& pair = pairs[i];
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
        core::fail_input("case.format", file,
                         std::string("/request/") + list + "/" + std::to_string(i),
                         "expected [name, value]");
      }
      auto& into = std::string(list) == "headers" ? s.request.headers : s.request.cookies;
      into.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    }
  }
  if (request.contains("content_type")) s.request.content_type = request_text("content_type");
  if (request.contains("body")) s.request.body = request_text("body");
  if (request.contains("basic")) s.basic = request_text("basic");
  const nlohmann::json response = json.value("response", nlohmann::json::object());
  s.status = response.value("status", 0);
  s.response = response.value("excerpt", "");
  return s;
}

int save_failures(const report::RunResults& results, const std::filesystem::path& dir,
                  int* skipped) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    core::fail_input("case.write", dir.string(), "", "cannot create the folder: " + ec.message());
  int written = 0, unreadable = 0;
  std::set<std::string> names;
  for (const report::TestRecord& test : results.tests) {
    for (const auto* list : {&test.result.failures, &test.result.known}) {
      for (const engine::FailureRecord& f : *list) {
        auto saved = request_from_curl(f.curl, results.target);
        if (!saved) {
          ++unreadable;
          continue;
        }
        saved->spec = results.spec_file;
        saved->operation = test.suite;
        saved->test = test.name;
        saved->check = f.check;
        saved->expected = f.reason.empty() ? f.message : f.reason;
        saved->message = f.message;
        saved->pointer = f.pointer;
        saved->schema_location = f.schema_location;
        saved->case_summary = f.case_summary;
        saved->run_seed = results.seed;
        saved->seed = f.seed;
        saved->status = f.status;
        saved->response = f.response;
        std::string stem =
            file_safe(test.suite) + "." + file_safe(test.name) + "." + file_safe(f.check);
        std::string name;
        for (int n = 1; name.empty() || names.contains(name); ++n) {
          name = stem + "." + std::to_string(n) + ".json";
        }
        names.insert(name);
        report::write_atomically(
            dir / name,
            to_json(*saved).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
        ++written;
      }
    }
  }
  if (skipped != nullptr) *skipped = unreadable;
  return written;
}

std::vector<SavedCase> load_cases(const std::vector<std::string>& paths) {
  std::vector<std::filesystem::path> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::filesystem::path> found;
      for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
        if (entry.path().extension() == ".json") found.push_back(entry.path());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) core::fail_input("case.missing", path, "", "no saved case (*.json) here");
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::is_regular_file(path, ec)) {
      files.emplace_back(path);
    } else {
      core::fail_input("case.missing", path, "", "no such file or folder");
    }
  }
  std::vector<SavedCase> cases;
  for (const auto& file : files) {
    std::error_code ec;
    if (std::filesystem::file_size(file, ec) > kMaxBytes) {
      core::fail_input("case.limit", file.string(), "", "larger than 16 MiB");
    }
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = core::parse_json(text.str());
    if (auto* error = std::get_if<core::JsonError>(&parsed)) {
      core::fail_input("case.syntax", file.string(), "", "invalid JSON: " + error->message);
    }
    cases.push_back(saved_case_from(std::get<nlohmann::json>(parsed), file.string()));
  }
  return cases;
}

}  // namespace conform::cases
