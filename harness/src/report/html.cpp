#include "conform/report/html.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "conform/report/coverage.hpp"
#include "conform/report/groups.hpp"
#include "conform/report/junit.hpp"

namespace conform::report {
namespace {

// Text for HTML content and attributes (the same escaping serves both).
std::string h(std::string_view text) { return xml_text(text); }

// Why a test tested less than asked: not tested, not exercised, cases left out.
std::string note_of(const TestRecord& t) {
  std::string note = t.result.not_tested;
  if (!t.result.not_exercised.empty()) {
    note += (note.empty() ? "" : "; ") + ("not exercised: " + t.result.not_exercised);
  }
  for (const auto& n : t.result.notes) note += (note.empty() ? "" : "; ") + n;
  return note;
}

std::string status_of(const TestRecord& t) {
  if (!t.result.failures.empty()) return "failure";
  if (!t.result.errors.empty()) return "error";
  if (!t.result.not_tested.empty() || !t.result.not_exercised.empty()) return "skipped";
  return "passed";
}

// JSON inside <script>: nothing in it may close the element.
std::string script_safe(std::string json) {
  for (std::size_t at = json.find("</"); at != std::string::npos; at = json.find("</", at + 3)) {
    json.replace(at, 2, "<\\/");
  }
  return json;
}

constexpr const char* kStyle = R"CSS(
:root { --fail: #c62828; --error: #ef6c00; --skip: #757575; --pass: #2e7d32; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #212121; background: #fafafa; }
header { padding: 16px 24px; background: #263238; color: #fff; }
header h1 { margin: 0 0 8px; font-size: 20px; }
header dl { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 2px 16px;
  margin: 0; }
header dt { opacity: .7; } header dd { margin: 0; font-family: ui-monospace, monospace; }
.verdict { padding: 2px 10px; border-radius: 4px; margin-left: 8px; }
.verdict.failed { background: var(--fail); } .verdict.passed { background: var(--pass); }
main { padding: 16px 24px; max-width: 1200px; }
section { margin-bottom: 24px; }
h2 { font-size: 16px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
.charts figure { margin: 0; } figcaption { color: #616161; font-size: 12px; }
.legend { list-style: none; padding: 0; margin: 4px 0; display: flex; gap: 16px; }
.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px;
  vertical-align: -1px; border-radius: 2px; }
.swatch.failure { background: var(--fail); } .swatch.error { background: var(--error); }
.swatch.skipped { background: var(--skip); } .swatch.passed { background: var(--pass); }
article .count { color: #616161; font-weight: normal; }
svg { width: 100%; height: auto; display: block; }
svg text { font: 12px system-ui, sans-serif; }
.filters label { margin-right: 16px; }
.cov { font-variant-numeric: tabular-nums; padding: 1px 6px; border-radius: 3px; color: #fff; }
.cov.high { background: var(--pass); } .cov.mid { background: var(--error); }
.cov.low { background: var(--fail); }
#coverage details ul { margin: 4px 0; font-family: ui-monospace, monospace; font-size: 12px; }
article.failure { background: #fff; border-left: 4px solid var(--fail); padding: 8px 12px;
  margin: 8px 0; box-shadow: 0 1px 2px rgba(0,0,0,.1); }
article.failure[data-status=error] { border-color: var(--error); }
article h3 { margin: 0 0 4px; font-size: 14px; }
article .check { color: var(--fail); font-family: ui-monospace, monospace; }
article dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 12px; margin: 4px 0; }
article dt { color: #757575; } article dd { margin: 0; font-family: ui-monospace, monospace; }
pre { background: #f5f5f5; padding: 6px 8px; overflow-x: auto; white-space: pre-wrap;
  word-break: break-all; margin: 4px 0; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { padding: 1px 6px; border-radius: 3px; color: #fff; font-size: 12px; }
.badge.failure { background: var(--fail); } .badge.error { background: var(--error); }
.badge.skipped { background: var(--skip); } .badge.passed { background: var(--pass); }
[hidden] { display: none !important; }
)CSS";

// Draws the charts from the embedded data and wires the filters. Plain DOM, no libraries.
constexpr const char* kScript = R"JS(
(function () {
  var data = JSON.parse(document.getElementById('run-data').textContent);
  var NS = 'http://www.w3.org/2000/svg';
  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  // Horizontal stacked bars, one row per item: its name (cut to fit, whole in its tooltip), a
  // bar per key, and the counts in words after the bar.
  function bars(svg, rows, keys, colours, words) {
    var label = 230, width = 460, row = 22;
    var max = 1;
    rows.forEach(function (r) {
      var total = 0; keys.forEach(function (k) { total += r[k] || 0; });
      max = Math.max(max, total);
    });
    svg.setAttribute('viewBox', '0 0 ' + (label + width + 60) + ' ' + Math.max(row, rows.length * row));
    rows.forEach(function (r, i) {
      var y = i * row, x = label;
      var name = r.name.length > 32 ? r.name.slice(0, 31) + '\u2026' : r.name;
      var caption = el('text', {x: label - 6, y: y + 15, 'text-anchor': 'end'}, name);
      caption.appendChild(el('title', {}, r.name));
      svg.appendChild(caption);
      keys.forEach(function (k, j) {
        var w = (r[k] || 0) / max * width;
        if (w <= 0) return;
        var rect = el('rect', {x: x, y: y + 3, width: w, height: row - 6, fill: colours[j],
                               'data-key': k});
        rect.appendChild(el('title', {}, r.name + ': ' + r[k] + ' ' + words[j]));
        svg.appendChild(rect);
        x += w;
      });
      var said = [];
      keys.forEach(function (k, j) { if (r[k]) said.push(r[k] + ' ' + words[j]); });
      svg.appendChild(el('text', {x: x + 6, y: y + 15}, said.join(', ')));
    });
  }
  var checks = Object.keys(data.by_check).map(function (k) {
    return {name: k, failures: data.by_check[k]};
  });
  checks.sort(function (a, b) { return b.failures - a.failures; });
  bars(document.getElementById('by-check'), checks, ['failures'], ['#c62828'], ['failures']);
  bars(document.getElementById('by-operation'), data.by_operation,
       ['failure', 'error', 'skipped', 'passed'], ['#c62828', '#ef6c00', '#757575', '#2e7d32'],
       ['failed', 'transport errors', 'skipped', 'passed']);
  if (checks.length === 0) {
    document.getElementById('by-check').appendChild(el('text', {x: 4, y: 15}, 'no failures'));
  }

  var filters = ['check', 'operation', 'status'].map(function (f) {
    return document.getElementById('filter-' + f);
  });
  function apply() {
    var want = filters.map(function (s) { return s.value; });
    document.querySelectorAll('[data-filterable]').forEach(function (node) {
      var show = (!want[0] || node.dataset.check === want[0] ||
                  (node.dataset.checks || '').split(' ').indexOf(want[0]) >= 0) &&
                 (!want[1] || node.dataset.operation === want[1]) &&
                 (!want[2] || node.dataset.status === want[2]);
      node.hidden = !show;
    });
  }
  filters.forEach(function (s) { s.addEventListener('change', apply); });
})();
)JS";

std::string percent_text(double percent) {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f%%", percent);
  return text;
}

// A percentage coloured by how far it is from complete.
std::string badge(double percent) {
  const char* level = percent >= 90 ? "high" : percent >= 60 ? "mid" : "low";
  return "<span class=\"cov " + std::string(level) + "\">" + percent_text(percent) + "</span>";
}

std::string listed(const char* title, const std::vector<std::string>& items) {
  if (items.empty()) return "";
  std::string html = "<details><summary>" + std::string(title) + " (" +
                     std::to_string(items.size()) + ")</summary><ul>";
  for (const auto& item : items) html += "<li>" + h(item) + "</li>";
  return html + "</ul></details>";
}

// Per operation: keyword locations exercised each way, statuses seen, and what is left.
std::string coverage_section(const CoverageSummary& coverage) {
  std::string out =
      "<section id=\"coverage\">\n<h2>Schema coverage</h2>\n<p>" + h(coverage_line(coverage)) +
      "</p>\n<table>\n<thead><tr><th>operation</th><th>keyword locations</th><th>valid</th>"
      "<th>invalid</th><th>both ways</th><th>statuses seen</th><th>parameters sent</th>"
      "<th>links followed</th><th>not covered</th></tr>"
      "</thead>\n<tbody>\n";
  for (const auto& op : coverage.operations) {
    auto part = [](std::size_t n, std::size_t of) {
      return of == 0 ? 100.0 : 100.0 * static_cast<double>(n) / static_cast<double>(of);
    };
    std::vector<std::string> unbreakable;
    for (const auto& [location, why] : op.unbreakable) unbreakable.push_back(location + ": " + why);
    std::vector<std::string> statuses_left;
    for (const auto& status : op.declared_statuses) {
      if (!op.observed.contains(status)) statuses_left.push_back(status);
    }
    std::vector<std::string> undeclared;
    for (const auto& [status, count] : op.undeclared) {
      undeclared.push_back(std::to_string(status) + " × " + std::to_string(count));
    }
    out += "<tr><td>" + h(op.operation) + "</td><td class=\"num\">" + std::to_string(op.locations) +
           "</td><td>" + badge(part(op.valid, op.locations)) + "</td><td>" +
           badge(part(op.invalid, op.locations - op.unbreakable.size())) + "</td><td>" +
           badge(op.percent()) + "</td><td class=\"num\">" + std::to_string(op.observed.size()) +
           " / " + std::to_string(op.declared_statuses.size()) + "</td><td class=\"num\">" +
           std::to_string(op.parameters.size() - op.parameters_not_sent.size()) + " / " +
           std::to_string(op.parameters.size()) + "</td><td class=\"num\">" +
           std::to_string(op.links.size() - op.links_not_followed.size()) + " / " +
           std::to_string(op.links.size()) + "</td><td>" + listed("no valid value", op.not_valid) +
           listed("never broken", op.not_invalid) + listed("cannot be broken", unbreakable) +
           listed("statuses not seen", statuses_left) +
           listed("undeclared statuses seen", undeclared) +
           listed("parameters never sent", op.parameters_not_sent) +
           listed("links never followed", op.links_not_followed) + "</td></tr>\n";
  }
  return out + "</tbody>\n</table>\n</section>\n";
}

}  // namespace

std::string html_report(const RunResults& results) {
  bool failed = results.failures() > 0 || results.errors() > 0 || results.interrupted;
  std::map<std::string, int> by_check;
  std::vector<std::string> operation_order;
  std::map<std::string, std::map<std::string, int>> by_operation;
  std::set<std::string> checks, operations;
  for (const auto& t : results.tests) {
    if (!by_operation.contains(t.suite)) operation_order.push_back(t.suite);
    ++by_operation[t.suite][status_of(t)];
    operations.insert(t.suite);
    for (const auto& f : t.result.failures) {
      ++by_check[f.check];
      checks.insert(f.check);
    }
  }
  nlohmann::json data = {{"by_check", by_check}, {"by_operation", nlohmann::json::array()}};
  for (const auto& name : operation_order) {
    nlohmann::json row = {{"name", name}};
    for (const auto& [status, count] : by_operation[name]) row[status] = count;
    data["by_operation"].push_back(row);
  }

  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<title>conform " + std::string(failed ? "FAILED" : "PASSED") + " — " +
         h(results.spec_file) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  out += "<header>\n<h1>conform <span class=\"verdict " +
         std::string(failed ? "failed" : "passed") + "\" id=\"verdict\">" +
         (failed ? "FAILED" : "PASSED") + "</span></h1>\n<dl>\n";
  auto fact = [&](const char* name, const std::string& value) {
    out += "<dt>" + std::string(name) + "</dt><dd>" + h(value) + "</dd>\n";
  };
  fact("target", results.target);
  fact("spec", results.spec_file);
  // A run has a seed; the proxy and replay, which send no case of their own, do not.
  if (results.seed != 0 || !results.command.empty()) fact("seed", std::to_string(results.seed));
  fact("duration", duration_text(results.seconds));
  fact("tests", std::to_string(results.tests.size()));
  fact("requests", std::to_string(results.requests()));
  fact("failures", std::to_string(results.failures()));
  fact("transport errors", std::to_string(results.errors()));
  fact("skipped", std::to_string(results.skipped()));
  fact("advisories", std::to_string(results.advisories()));
  if (results.baselined) {
    fact("known failures (baseline)", std::to_string(results.known()));
    fact("fixed since the baseline", std::to_string(results.fixed.size()));
  }
  fact("not exercised", std::to_string(results.not_exercised()));
  const CoverageSummary coverage = summarise_coverage(results);
  if (coverage.measured()) fact("schema coverage", percent_text(coverage.percent()));
  if (results.interrupted) fact("note", "interrupted: this report covers what ran");
  out += "</dl>\n</header>\n<main>\n";

  out +=
      "<section class=\"charts\">\n<figure><h2>Failures by check</h2><svg id=\"by-check\" "
      "role=\"img\" aria-label=\"failures by check\"></svg>\n<figcaption>Each bar: the "
      "failures one check found, over every operation and test.</figcaption></figure>\n"
      "<figure><h2>Tests by operation</h2><svg id=\"by-operation\" role=\"img\" "
      "aria-label=\"tests by operation and outcome\"></svg>\n<figcaption>Each bar: the tests "
      "(phases) of one operation, by outcome.</figcaption>\n<ul class=\"legend\">"
      "<li><span class=\"swatch failure\"></span>failed</li>"
      "<li><span class=\"swatch error\"></span>transport errors</li>"
      "<li><span class=\"swatch skipped\"></span>skipped</li>"
      "<li><span class=\"swatch passed\"></span>passed</li></ul></figure>\n</section>\n";

  auto options = [&](const std::set<std::string>& values, const char* all) {
    std::string html = "<option value=\"\">" + std::string(all) + "</option>";
    for (const auto& v : values) html += "<option value=\"" + h(v) + "\">" + h(v) + "</option>";
    return html;
  };
  out += "<section class=\"filters\">\n<label>check <select id=\"filter-check\">" +
         options(checks, "all checks") + "</select></label>\n<label>operation <select " +
         "id=\"filter-operation\">" + options(operations, "all operations") +
         "</select></label>\n<label>status <select id=\"filter-status\">" +
         options({"failure", "error", "skipped", "passed"}, "all") + "</select></label>\n" +
         "</section>\n";

  out += "<section id=\"failures\">\n<h2>Failures</h2>\n";
  const std::vector<FailureGroup> groups = group_failures(results);
  if (!groups.empty()) {
    out += "<p>" + std::to_string(results.failures()) + " failures in " +
           std::to_string(groups.size()) +
           " groups (one operation, check, pointer, status and reason each).</p>\n";
  }
  int shown = 0;
  auto card = [&](const TestRecord& t, const engine::FailureRecord& f, const char* status,
                  const FailureGroup* group) {
    ++shown;
    out += "<article class=\"failure\" data-filterable data-check=\"" + h(f.check) +
           "\" data-operation=\"" + h(t.suite) + "\" data-status=\"" + status + "\">\n";
    out += "<h3><span class=\"check\">" + h(f.check) + "</span> — " + h(t.suite);
    if (group != nullptr && group->failures.size() > 1) {
      out +=
          " <span class=\"count\">" + std::to_string(group->failures.size()) + " failures</span>";
    }
    out += "</h3>\n<p class=\"message\">" + h(f.message) + "</p>\n<dl>\n";
    out += "<dt>found in</dt><dd>" + h(group != nullptr ? group->tests() : t.name) + "</dd>\n";
    if (!f.pointer.empty()) out += "<dt>pointer</dt><dd>" + h(f.pointer) + "</dd>\n";
    if (!f.schema_location.empty()) {
      out += "<dt>schema</dt><dd>" + h(f.schema_location) + "</dd>\n";
    }
    out += "<dt>status</dt><dd>" + (f.status ? std::to_string(f.status) : std::string("none")) +
           "</dd>\n";
    if (!f.case_summary.empty()) out += "<dt>case</dt><dd>" + h(f.case_summary) + "</dd>\n";
    if (f.seed) {
      out +=
          "<dt>seed</dt><dd>" + std::to_string(f.seed) + (f.shrunk ? " (shrunk)" : "") + "</dd>\n";
    }
    out += "</dl>\n<pre class=\"curl\">" + h(f.curl) + "</pre>\n";
    if (!f.response.empty()) out += "<pre class=\"response\">" + h(f.response) + "</pre>\n";
    if (auto again = reproduce_line(t, results.command, results.seed); !again.empty()) {
      out += "<p class=\"reproduce\">reproduce: <code>" + h(again) + "</code></p>\n";
    }
    if (group != nullptr && group->failures.size() > 1) {
      out += "<details class=\"others\"><summary>the other " +
             std::to_string(group->failures.size() - 1) + "</summary><ul>\n";
      for (const FailureRef& other : group->failures) {
        if (other.failure == &f) continue;
        out += "<li>" + h(other.test->name) + ": " + h(other.failure->message) + "<pre>" +
               h(other.failure->curl) + "</pre></li>\n";
      }
      out += "</ul></details>\n";
    }
    out += "</article>\n";
  };
  for (const FailureGroup& group : groups) {
    const FailureRef& first = group.failures.front();
    card(*first.test, *first.failure, "failure", &group);
  }
  for (const auto& t : results.tests) {
    for (const auto& f : t.result.errors) card(t, f, "error", nullptr);
  }
  if (shown == 0) out += "<p id=\"no-failures\">No failures.</p>\n";
  out += "</section>\n";

  // Expectations from Vast.ai's rules the description does not state: shown, never failing.
  std::string advisories;
  for (const auto& t : results.tests) {
    for (const auto& f : t.result.advisories) {
      advisories += "<article class=\"advisory\"><h3><span class=\"check\">" + h(f.check) +
                    "</span> — " + h(t.suite) + "." + h(t.name) + "</h3>\n<p class=\"message\">" +
                    h(f.message) + "</p>\n<pre class=\"curl\">" + h(f.curl) +
                    "</pre>\n</article>\n";
    }
  }
  if (!advisories.empty()) {
    out += "<section id=\"advisories\">\n<h2>Advisories</h2>\n" + advisories + "</section>\n";
  }

  // A baseline's known failures, and those it knew that this run no longer found.
  if (results.baselined) {
    out += "<section id=\"baseline\">\n<h2>Known failures (in the baseline)</h2>\n";
    const std::vector<FailureGroup> known = group_failures(results, true);
    if (known.empty()) out += "<p>None found.</p>\n";
    if (!known.empty()) {
      out +=
          "<table>\n<thead><tr><th>operation</th><th>check</th><th>pointer</th><th>status</th>"
          "<th>failures</th><th>first</th></tr></thead>\n<tbody>\n";
      for (const FailureGroup& g : known) {
        out += "<tr><td>" + h(g.suite) + "</td><td>" + h(g.check) + "</td><td>" + h(g.pointer) +
               "</td><td class=\"num\">" + std::to_string(g.status) + "</td><td class=\"num\">" +
               std::to_string(g.failures.size()) + "</td><td>" +
               h(g.failures.front().failure->message) + "</td></tr>\n";
      }
      out += "</tbody>\n</table>\n";
    }
    out += "<h2 id=\"fixed\">Fixed since the baseline</h2>\n";
    if (results.fixed.empty()) out += "<p>None.</p>\n";
    if (!results.fixed.empty()) {
      out += "<ul>\n";
      for (const KnownFailure& f : results.fixed) {
        out += "<li>" + h(f.operation) + " — " + h(f.check) + " at " +
               h(f.pointer.empty() ? "-" : f.pointer) + ", status " + std::to_string(f.status) +
               ": " + h(f.example) + "</li>\n";
      }
      out += "</ul>\n";
    }
    out += "</section>\n";
  }

  // Every test, failures first.
  if (coverage.measured()) out += coverage_section(coverage);

  std::vector<const TestRecord*> ordered;
  for (const auto& t : results.tests) ordered.push_back(&t);
  auto rank = [](const TestRecord* t) {
    auto s = status_of(*t);
    return s == "failure" ? 0 : s == "error" ? 1 : s == "skipped" ? 2 : 3;
  };
  std::stable_sort(ordered.begin(), ordered.end(),
                   [&](auto* a, auto* b) { return rank(a) < rank(b); });
  out +=
      "<section id=\"tests\">\n<h2>Tests</h2>\n<table>\n<thead><tr><th>operation</th><th>"
      "test</th><th>status</th><th>requests</th><th>valid</th><th>invalid</th><th>failures</th>"
      "<th>time</th><th>note</th>"
      "</tr></thead>\n<tbody>\n";
  for (const auto* t : ordered) {
    std::string status = status_of(*t);
    std::string failing_checks;
    for (const auto& f : t->result.failures)
      failing_checks += (failing_checks.empty() ? "" : " ") + f.check;
    out += "<tr data-filterable data-operation=\"" + h(t->suite) + "\" data-status=\"" + status +
           "\" data-checks=\"" + h(failing_checks) + "\"><td>" + h(t->suite) + "</td><td>" +
           h(t->name) + "</td><td><span class=\"badge " + status + "\">" + status +
           "</span></td><td class=\"num\">" + std::to_string(t->result.sent) +
           "</td><td class=\"num\">" + std::to_string(t->result.valid_sent) +
           "</td><td class=\"num\">" + std::to_string(t->result.invalid_sent) +
           "</td><td class=\"num\">" + std::to_string(t->result.failures.size()) +
           "</td><td class=\"num\">" + duration_text(t->result.seconds) + "</td><td>" +
           h(note_of(*t)) + "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n</section>\n</main>\n";
  out += "<script type=\"application/json\" id=\"run-data\">" +
         script_safe(data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) +
         "</script>\n<script>" + kScript + "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace conform::report
