// conform's HTTP layer alone: the mock's server answering every request with the bytes of one
// file, with no routing, validation or state. bench/mock-vs-prism runs it beside the mock and
// nginx, so that what the server costs and what the mock's own work costs are seen apart.
//   http_floor PORT THREADS FILE [CONTENT-TYPE]
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "conform/http/server.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: http_floor PORT THREADS FILE [CONTENT-TYPE]\n";
    return 2;
  }
  std::ifstream in(argv[3], std::ios::binary);
  if (!in) {
    std::cerr << "http_floor: cannot read " << argv[3] << "\n";
    return 2;
  }
  const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string type = argc > 4 ? argv[4] : "application/json";
  using conform::http::HttpResponse;
  conform::http::HttpServer server(
      conform::http::HttpLimits{},
      [&](const conform::http::HttpRequest&) {
        HttpResponse response;
        response.headers.emplace_back("Content-Type", type);
        response.body = body;
        return response;
      },
      [](int status, const std::string& why) {
        HttpResponse response;
        response.status = status;
        response.body = why;
        return response;
      });
  std::string why;
  auto port = server.bind("127.0.0.1", std::stoi(argv[1]), why);
  if (!port) {
    std::cerr << "http_floor: " << why << "\n";
    return 3;
  }
  server.serve(static_cast<unsigned>(std::stoul(argv[2])));
}
