#include "conform/runner/run_setup.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "conform/checks/checks.hpp"
#include "conform/core/error.hpp"
#include "conform/core/text.hpp"
#include "conform/engine/engine.hpp"
#include "conform/runner/interrupt.hpp"

namespace conform::runner {

std::optional<double> duration_seconds(const std::string& text) {
  if (text.empty() || text.size() > 32) return std::nullopt;
  double unit = 1;
  std::string number = text;
  switch (text.back()) {
    case 's':
      number.pop_back();
      break;
    case 'm':
      unit = 60;
      number.pop_back();
      break;
    case 'h':
      unit = 3600;
      number.pop_back();
      break;
    default:
      break;
  }
  if (number.empty() || number.find_first_not_of("0123456789.") != std::string::npos) {
    return std::nullopt;
  }
  char* end = nullptr;
  const double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !(value > 0) || value * unit > 366.0 * 86400) {
    return std::nullopt;
  }
  return value * unit;
}

std::set<std::string> chosen_checks(const RunConfig& options) {
  std::set<std::string> chosen;
  if (options.checks.empty()) {
    for (const auto& c : checks::catalogue()) {
      if (c.phase == "permissions") continue;  // the permission suite decides for itself
      if (c.name == "max_response_time" && options.max_response_time <= 0) continue;
      chosen.emplace(c.name);
    }
    return chosen;
  }
  for (const auto& name : options.checks) {
    if (!checks::is_check_name(name)) {
      std::vector<std::string> names;
      for (const auto& c : checks::catalogue()) names.emplace_back(c.name);
      core::fail_input("run.unknown_check", "", "",
                       "--checks: '" + name + "' is not a check" + core::did_you_mean(name, names) +
                           " (see docs/checks.md)");
    }
    chosen.insert(name);
  }
  return chosen;
}

std::vector<std::string> all_phases() {
  std::vector<std::string> all = engine::phase_names();
  all.insert(all.end(), {"scenarios", "permissions"});
  return all;
}

std::set<std::string> chosen_phases(const RunConfig& options) {
  const auto all = all_phases();
  if (options.phases.empty()) return {all.begin(), all.end()};
  std::set<std::string> chosen;
  for (const auto& name : options.phases) {
    if (std::find(all.begin(), all.end(), name) == all.end()) {
      std::string names;
      for (const auto& phase : all) names += (names.empty() ? "" : ", ") + phase;
      core::fail_input("run.unknown_phase", "", "",
                       "--phases: '" + name + "' is not a phase" + core::did_you_mean(name, all) +
                           " (" + names + ")");
    }
    chosen.insert(name);
  }
  return chosen;
}

void require_reachable(transport::Transport& transport, double wait_seconds) {
  transport::Outgoing probe;
  probe.request.method = "GET";
  probe.request.path = "/";
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(wait_seconds));
  auto exchange = transport.send(probe);
  while (!exchange.response && exchange.problem == transport::Problem::refused &&
         std::chrono::steady_clock::now() < deadline && !interrupted().load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    exchange = transport.send(probe);
  }
  if (interrupted().load()) {
    throw core::Error(core::ExitCode::interrupted,
                      {core::Severity::error, "run.interrupted", "", "",
                       "interrupted while waiting for the target; nothing was tested"});
  }
  if (exchange.response) return;
  switch (exchange.problem) {
    case transport::Problem::refused:
    case transport::Problem::timeout:
    case transport::Problem::tls:
      throw core::Error(core::ExitCode::unreachable,
                        {core::Severity::error, "run.unreachable", "", "",
                         transport.redact("the target " + transport.options().base_url +
                                          " cannot be reached: " + exchange.detail)});
    default:
      return;  // it answered something; the checks will say what
  }
}

std::vector<transport::ExtraHeader> extra_headers(const RunConfig& options) {
  std::set<std::string> secret = {
      "authorization", "proxy-authorization", "cookie",        "x-api-key",
      "api-key",       "x-auth-token",        "x-access-token"};
  for (const auto& name : options.secret_headers) secret.insert(core::ascii_lower(name));
  std::vector<transport::ExtraHeader> out;
  for (const auto& text : options.headers) {
    auto colon = text.find(':');
    std::string name = colon == std::string::npos ? "" : core::trim(text.substr(0, colon), " \t");
    if (name.empty() || name.find_first_of(" \t\r\n") != std::string::npos) {
      core::fail_input("run.bad_header", "", "", "--header '" + text + "': expected 'Name: value'");
    }
    std::string raw = core::trim(text.substr(colon + 1), " \t");
    std::string value;
    for (std::size_t i = 0; i < raw.size();) {
      if (raw.compare(i, 2, "${") == 0 && raw.find('}', i) != std::string::npos) {
        std::size_t end = raw.find('}', i);
        std::string variable = raw.substr(i + 2, end - i - 2);
        const char* set = std::getenv(variable.c_str());
        if (set == nullptr) {
          core::fail_input("run.bad_header", "", "",
                           "--header " + name + ": $" + variable + " is not set");
        }
        value += set;
        i = end + 1;
      } else {
        value += raw[i++];
      }
    }
    if (value.find_first_of("\r\n") != std::string::npos) {
      core::fail_input("run.bad_header", "", "",
                       "--header " + name + ": a line break in its value");
    }
    bool hidden = secret.contains(core::ascii_lower(name));
    std::string shown = !hidden ? value : raw.find("${") != std::string::npos ? raw : "[redacted]";
    out.push_back({name, value, shown});
  }
  return out;
}

std::vector<std::string> userinfo_secrets(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  std::size_t start = scheme + 3;
  std::size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? end : end - start);
  auto at = authority.rfind('@');
  if (at == std::string::npos) return {};
  std::string userinfo = authority.substr(0, at);
  std::vector<std::string> secrets{userinfo};
  if (auto colon = userinfo.find(':'); colon != std::string::npos) {
    secrets.push_back(userinfo.substr(colon + 1));
  }
  return secrets;
}

std::string target_url(std::string target, const std::optional<std::string>& base_path,
                       const spec::Spec& spec) {
  while (!target.empty() && target.back() == '/') target.pop_back();
  auto scheme = target.find("://");
  bool has_path = scheme != std::string::npos && target.find('/', scheme + 3) != std::string::npos;
  if (base_path) return target + *base_path;
  return has_path ? target : target + spec.base_path();
}

transport::TransportOptions transport_options(const RunConfig& config, const spec::Spec& spec,
                                              const std::string& token) {
  transport::TransportOptions options;
  options.redactor.add(token, "${CONFORM_TOKEN}");
  for (const std::string& secret : userinfo_secrets(config.target)) {
    options.redactor.add(secret, "[redacted]");
  }
  options.base_url = target_url(config.target, config.base_path, spec);
  options.timeout_seconds = config.timeout;
  options.connect_timeout_seconds = std::min(config.timeout, 10.0);
  options.insecure = config.insecure;
  options.cacert = config.cacert;
  options.max_response_bytes = config.max_response_bytes;
  options.stop = &interrupted();
  options.headers = extra_headers(config);
  options.rate = config.rate;
  options.pacing = config.pace == "declared" ? transport::TransportOptions::Pacing::declared
                   : config.pace == "off"    ? transport::TransportOptions::Pacing::off
                                             : transport::TransportOptions::Pacing::adaptive;
  return options;
}

}  // namespace conform::runner
