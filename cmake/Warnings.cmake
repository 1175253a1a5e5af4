# Warnings applied to project code only (third-party headers are included as system headers).
add_library(conform_warnings INTERFACE)
target_compile_options(conform_warnings INTERFACE -Wall -Wextra -Werror -Wpedantic -Wshadow
                                                  -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion)
# GCC 12 reports false -Wrestrict positives inside std::string at -O3 (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(conform_warnings INTERFACE -Wno-restrict)
endif()
# With the sanitizers GCC's flow analysis reports uninitialised members inside libstdc++'s
# <regex> and <functional> that are not; the warning stays on in every other build.
if(CONFORM_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(conform_warnings INTERFACE -Wno-maybe-uninitialized)
endif()
