#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "conform/spec/spec.hpp"

namespace conform::spec {

// Which operation a request names, and the values of its path parameters (percent-decoded).
struct Route {
  enum class Outcome { found, no_such_path, method_not_allowed };
  Outcome outcome = Outcome::no_such_path;
  const spec::Operation* operation = nullptr;
  std::map<std::string, std::string> path_values;      // percent-decoded
  std::map<std::string, std::string> raw_path_values;  // as they came, for reading by style
  std::vector<std::string> allowed_methods;            // for a 405's Allow header, upper case
};

// A request's path as the description's templates read it: the base path ("/v1") taken off the
// front when the path begins with it, the path as it is otherwise (clients written against either
// form are served alike).
std::string path_below_base(std::string_view path, std::string_view base_path);

// Matches request paths against the description's path templates. A concrete segment beats a
// templated one ("/users/current" before "/users/{id}"); a request path that differs from a
// template only by its final '/' still matches, as the services conform tests treat them alike.
class Router {
 public:
  explicit Router(const spec::Spec& spec);

  Route route(std::string_view method, std::string_view path) const;

 private:
  struct Segment {
    std::vector<std::string> literals;  // literal pieces around the parameters
    std::vector<std::string> names;     // parameter names, between the literals
  };
  struct Template {
    std::string path;
    std::vector<Segment> segments;
    bool trailing_slash = false;
    std::map<std::string, const spec::Operation*> operations;  // by lower-case method
    int literal_segments = 0;
  };

  static bool match_segment(const Segment& segment, std::string_view text,
                            std::map<std::string, std::string>& values,
                            std::map<std::string, std::string>& raw_values);

  std::vector<Template> templates_;
};

}  // namespace conform::spec
