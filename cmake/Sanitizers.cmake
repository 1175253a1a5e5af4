# CONFORM_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer.
option(CONFORM_SANITIZE "Build with ASan and UBSan" OFF)
# The fuzz targets need every library instrumented for coverage as well as checked.
if(CONFORM_BUILD_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
if(CONFORM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
