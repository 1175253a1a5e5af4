#include "conform/report/coverage.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace conform::report {
namespace {

double share(std::size_t done, std::size_t of) {
  return of == 0 ? 100.0 : 100.0 * static_cast<double>(done) / static_cast<double>(of);
}

// The declared status an answer counts for: exact, then its class ("4XX"), then "default"; ""
// when none.
std::string declared_for(int status, const std::vector<std::string>& declared) {
  const std::string exact = std::to_string(status);
  const std::string range = exact.substr(0, 1) + "XX";
  for (const char* form : {"exact", "range", "default"}) {
    for (const auto& d : declared) {
      if ((form == std::string_view("exact") && d == exact) ||
          (form == std::string_view("range") && (d == range || d == exact.substr(0, 1) + "xx")) ||
          (form == std::string_view("default") && d == "default")) {
        return d;
      }
    }
  }
  return "";
}

}  // namespace

double OperationCoverage::percent() const {
  return share(valid + invalid, 2 * locations - unbreakable.size());
}

double CoverageSummary::percent() const {
  return share(valid + invalid, 2 * locations - unbreakable);
}

CoverageSummary summarise_coverage(const RunResults& results) {
  CoverageSummary summary;
  if (results.coverage_targets.empty()) return summary;
  std::vector<std::string> order;
  struct Seen {
    std::set<std::string> valid, invalid, parameters, links;
    std::map<int, int> statuses;
  };
  std::map<std::string, Seen> seen;
  for (const auto& t : results.tests) {
    const std::string& id = t.result.operation_id;
    if (!results.coverage_targets.contains(id)) continue;
    if (!seen.contains(id)) order.push_back(id);
    Seen& s = seen[id];
    s.valid.insert(t.result.covered_valid.begin(), t.result.covered_valid.end());
    s.invalid.insert(t.result.covered_invalid.begin(), t.result.covered_invalid.end());
    for (const auto& [status, count] : t.result.statuses) s.statuses[status] += count;
    s.parameters.insert(t.result.parameters_sent.begin(), t.result.parameters_sent.end());
  }
  // A chain of links follows other operations' links: each counts for the operation declaring it.
  for (const auto& t : results.tests) {
    for (const auto& [source, names] : t.result.links_followed) {
      if (results.coverage_targets.contains(source)) {
        seen[source].links.insert(names.begin(), names.end());
      }
    }
  }
  for (const auto& [id, target] : results.coverage_targets) {
    if (!seen.contains(id)) order.push_back(id);  // selected, but no test of it ran
  }
  for (const auto& id : order) {
    const CoverageTargets& target = results.coverage_targets.at(id);
    const Seen& s = seen[id];
    OperationCoverage op;
    op.operation = id;
    op.locations = target.locations.size();
    op.declared_statuses = target.statuses;
    for (const auto& location : target.locations) {
      if (s.valid.contains(location)) {
        ++op.valid;
      } else {
        op.not_valid.push_back(location);
      }
      if (s.invalid.contains(location)) {
        ++op.invalid;
      } else if (auto why = target.unbreakable.find(location); why != target.unbreakable.end()) {
        op.unbreakable.emplace(location, why->second);
      } else {
        op.not_invalid.push_back(location);
      }
    }
    for (const auto& [status, count] : s.statuses) {
      std::string declared = declared_for(status, target.statuses);
      if (declared.empty()) {
        op.undeclared[status] += count;
      } else {
        op.observed[declared] += count;
      }
    }
    op.parameters = target.parameters;
    for (const auto& parameter : target.parameters) {
      if (!s.parameters.contains(parameter)) op.parameters_not_sent.push_back(parameter);
    }
    op.links = target.links;
    for (const auto& link : target.links) {
      if (!s.links.contains(link)) op.links_not_followed.push_back(link);
    }
    summary.parameters += op.parameters.size();
    summary.parameters_sent += op.parameters.size() - op.parameters_not_sent.size();
    summary.links += op.links.size();
    summary.links_followed += op.links.size() - op.links_not_followed.size();
    summary.locations += op.locations;
    summary.valid += op.valid;
    summary.invalid += op.invalid;
    summary.unbreakable += op.unbreakable.size();
    summary.declared_statuses += op.declared_statuses.size();
    summary.observed_statuses += op.observed.size();
    summary.operations.push_back(std::move(op));
  }
  return summary;
}

std::string coverage_json(const RunResults& results) {
  CoverageSummary summary = summarise_coverage(results);
  nlohmann::json operations = nlohmann::json::array();
  for (const auto& op : summary.operations) {
    nlohmann::json observed = nlohmann::json::object();
    for (const auto& [status, count] : op.observed) observed[status] = count;
    nlohmann::json undeclared = nlohmann::json::object();
    for (const auto& [status, count] : op.undeclared) undeclared[std::to_string(status)] = count;
    nlohmann::json not_observed = nlohmann::json::array();
    for (const auto& status : op.declared_statuses) {
      if (!op.observed.contains(status)) not_observed.push_back(status);
    }
    operations.push_back(
        {{"operation", op.operation},
         {"keyword_locations", op.locations},
         {"valid", op.valid},
         {"invalid", op.invalid},
         {"percent", op.percent()},
         {"not_covered_valid", op.not_valid},
         {"not_covered_invalid", op.not_invalid},
         {"unbreakable", op.unbreakable},
         {"statuses",
          {{"declared", op.declared_statuses},
           {"observed", observed},
           {"not_observed", not_observed},
           {"undeclared", undeclared}}},
         {"parameters", {{"declared", op.parameters}, {"not_sent", op.parameters_not_sent}}},
         {"links", {{"declared", op.links}, {"not_followed", op.links_not_followed}}}});
  }
  nlohmann::json out = {{"format", "conform-coverage/1"},
                        {"spec", results.spec_file},
                        {"summary",
                         {{"keyword_locations", summary.locations},
                          {"valid", summary.valid},
                          {"invalid", summary.invalid},
                          {"unbreakable", summary.unbreakable},
                          {"percent", summary.percent()},
                          {"declared_statuses", summary.declared_statuses},
                          {"observed_statuses", summary.observed_statuses},
                          {"parameters", summary.parameters},
                          {"parameters_sent", summary.parameters_sent},
                          {"links", summary.links},
                          {"links_followed", summary.links_followed}}},
                        {"operations", operations}};
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string coverage_line(const CoverageSummary& summary) {
  char text[384];
  int length = std::snprintf(
      text, sizeof text,
      "Schema coverage: %.1f%% of %zu keyword locations both ways (valid %zu, invalid "
      "%zu of %zu breakable); %zu of %zu declared statuses seen; %zu of %zu parameters sent",
      summary.percent(), summary.locations, summary.valid, summary.invalid,
      summary.locations - summary.unbreakable, summary.observed_statuses, summary.declared_statuses,
      summary.parameters_sent, summary.parameters);
  std::string line(text, static_cast<std::size_t>(std::max(0, length)));
  if (summary.links > 0) {
    line += "; " + std::to_string(summary.links_followed) + " of " + std::to_string(summary.links) +
            " links followed";
  }
  return line;
}

}  // namespace conform::report
