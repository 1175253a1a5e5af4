# Every dependency comes from a Debian package (scripts/setup installs them); nothing is downloaded.
find_package(nlohmann_json 3.10 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
# cpp-httplib: the tests' local servers and clients only.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# Boost.Asio and Boost.Beast (header-only): the mock's HTTP server.
find_package(Boost 1.74 REQUIRED)
find_package(Threads REQUIRED)
find_package(CURL REQUIRED)

# valijson is header-only and ships no CMake package.
find_path(VALIJSON_INCLUDE_DIR valijson/validator.hpp REQUIRED)
add_library(valijson INTERFACE IMPORTED)
target_include_directories(valijson SYSTEM INTERFACE "${VALIJSON_INCLUDE_DIR}")
# Without this valijson calls abort() on a malformed schema instead of throwing.
target_compile_definitions(valijson INTERFACE VALIJSON_USE_EXCEPTIONS=1)

# Property-based generation and shrinking: the gen module is built on it.
find_package(rapidcheck REQUIRED)

# GoogleTest is also the runner of `conform run`, not only of the project's tests.
find_package(GTest REQUIRED)
if(CONFORM_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
