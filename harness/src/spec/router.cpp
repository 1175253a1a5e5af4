#include "conform/spec/router.hpp"

#include <algorithm>

#include "conform/core/json_pointer.hpp"
#include "conform/core/text.hpp"

namespace conform::spec {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = path.empty() || path.front() != '/' ? 0 : 1;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

}  // namespace

Router::Router(const spec::Spec& spec) {
  std::map<std::string, std::size_t> by_path;
  for (const spec::Operation& op : spec.operations()) {
    auto [it, inserted] = by_path.emplace(op.path, templates_.size());
    if (inserted) {
      Template t;
      t.path = op.path;
      std::string_view path = op.path;
      t.trailing_slash = path.size() > 1 && path.back() == '/';
      if (t.trailing_slash) path.remove_suffix(1);
      for (std::string_view part : split_path(path)) {
        Segment segment;
        std::string literal;
        for (std::size_t i = 0; i < part.size(); ++i) {
          if (part[i] == '{') {
            auto close = part.find('}', i);
            if (close == std::string_view::npos) {
              literal += part.substr(i);
              break;
            }
            segment.literals.push_back(literal);
            literal.clear();
            segment.names.emplace_back(part.substr(i + 1, close - i - 1));
            i = close;
          } else {
            literal += part[i];
          }
        }
        segment.literals.push_back(literal);
        if (segment.names.empty()) ++t.literal_segments;
        t.segments.push_back(std::move(segment));
      }
      templates_.push_back(std::move(t));
    }
    templates_[it->second].operations[op.method] = &op;
  }
  // Most concrete first, so that the first match is the best one.
  std::stable_sort(templates_.begin(), templates_.end(), [](const Template& a, const Template& b) {
    return a.literal_segments > b.literal_segments;
  });
}

bool Router::match_segment(const Segment& segment, std::string_view text,
                           std::map<std::string, std::string>& values,
                           std::map<std::string, std::string>& raw_values) {
  if (segment.names.empty()) return text == segment.literals.front();
  // literal0 {name0} literal1 {name1} ... literalN: each parameter takes text up to the next
  // literal (the last one up to the final literal at the end).
  if (text.substr(0, segment.literals.front().size()) != segment.literals.front()) return false;
  std::size_t at = segment.literals.front().size();
  for (std::size_t i = 0; i < segment.names.size(); ++i) {
    const std::string& next = segment.literals[i + 1];
    std::size_t end;
    if (i + 1 == segment.names.size()) {
      if (text.size() < at + next.size() || text.substr(text.size() - next.size()) != next) {
        return false;
      }
      end = text.size() - next.size();
    } else {
      end = next.empty() ? text.size() : text.find(next, at);
      if (end == std::string_view::npos) return false;
    }
    if (end <= at) return false;  // a path parameter is never empty
    auto decoded = core::percent_decode(text.substr(at, end - at));
    if (!decoded) return false;
    values[segment.names[i]] = *decoded;
    raw_values[segment.names[i]] = std::string(text.substr(at, end - at));
    at = end + next.size();
  }
  return true;
}

std::string path_below_base(std::string_view path, std::string_view base_path) {
  if (base_path.empty() || !path.starts_with(base_path) ||
      (path.size() != base_path.size() && path[base_path.size()] != '/')) {
    return std::string(path);
  }
  return path.size() == base_path.size() ? "/" : std::string(path.substr(base_path.size()));
}

Route Router::route(std::string_view method, std::string_view path) const {
  std::string lower(method);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  auto parts = split_path(path);
  Route route;
  for (const Template& t : templates_) {
    if (t.segments.size() != parts.size()) continue;
    std::map<std::string, std::string> values, raw_values;
    bool matched = true;
    for (std::size_t i = 0; i < parts.size() && matched; ++i) {
      matched = match_segment(t.segments[i], parts[i], values, raw_values);
    }
    if (!matched) continue;
    auto op = t.operations.find(lower);
    if (op == t.operations.end()) {
      if (route.outcome == Route::Outcome::no_such_path) {
        route.outcome = Route::Outcome::method_not_allowed;
        for (const auto& [name, operation] : t.operations) {
          route.allowed_methods.push_back(core::ascii_upper(name));
        }
      }
      continue;  // a less concrete template may still have the method
    }
    route.outcome = Route::Outcome::found;
    route.operation = op->second;
    route.path_values = std::move(values);
    route.raw_path_values = std::move(raw_values);
    route.allowed_methods.clear();
    return route;
  }
  return route;
}

}  // namespace conform::spec
