# Warnings applied to project code only (third-party headers are included as system headers).
add_library(conform_warnings INTERFACE)
target_compile_options(conform_warnings INTERFACE -Wall -Wextra -Werror -Wpedantic -Wshadow
                                                  -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion)
