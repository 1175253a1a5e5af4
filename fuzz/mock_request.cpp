// A request to the mock, as bytes: "METHOD PATH?QUERY\nName: value\n...\n\nBODY". Routed and read
// as the mock reads every request (parameters, cookies, body by media type), against the
// project's description.
#include <cstdint>
#include <string>
#include <string_view>

#include "conform/core/text.hpp"
#include "conform/gen/request_reading.hpp"
#include "conform/schema/spec_schemas.hpp"
#include "conform/spec/router.hpp"
#include "conform/spec/spec.hpp"

namespace {

const conform::spec::Spec& description() {
  static const conform::spec::Spec spec =
      conform::spec::Spec::load(CONFORM_SOURCE_DIR "/spec/openapi.json");
  return spec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const conform::schema::SpecSchemas schemas(description());
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t head_end = input.find("\n\n");
  std::string_view head = input.substr(0, head_end);
  std::string body =
      head_end == std::string_view::npos ? "" : std::string(input.substr(head_end + 2));
  std::size_t line_end = head.find('\n');
  std::string_view request_line = head.substr(0, line_end);
  std::size_t space = request_line.find(' ');
  if (space == std::string_view::npos) return 0;
  std::string method = conform::core::ascii_upper(std::string(request_line.substr(0, space)));
  std::string_view target = request_line.substr(space + 1);
  std::size_t question = target.find('?');
  std::string path(target.substr(0, question));
  conform::gen::ReceivedRequest request;
  if (question != std::string_view::npos) {
    request.query = conform::gen::decode_query(target.substr(question + 1));
  }
  for (std::size_t at = line_end; at != std::string_view::npos && at < head.size();) {
    std::size_t next = head.find('\n', at + 1);
    std::string_view line =
        head.substr(at + 1, next == std::string_view::npos ? next : next - at - 1);
    at = next;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name = conform::core::ascii_lower(std::string(line.substr(0, colon)));
    std::string value(line.substr(colon + 1));
    if (name == "content-type") request.content_type = value;
    if (name == "cookie") request.cookies = conform::gen::decode_cookies(value);
    request.headers[name] = value;
  }
  request.body = std::move(body);
  auto route = description().router().route(method, path);
  if (route.operation == nullptr) return 0;
  for (const auto& [name, value] : route.raw_path_values) request.path_values[name] = value;
  conform::gen::read_request(*route.operation, schemas, request);
  return 0;
}
