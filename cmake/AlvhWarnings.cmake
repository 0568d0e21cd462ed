# Build flags shared by every alvh target, carried by an INTERFACE target so that installed
# consumers inherit nothing surprising (it only adds flags inside this build).
add_library(alvh_build_flags INTERFACE)
if(ALVH_NATIVE)
  target_compile_options(alvh_build_flags INTERFACE $<BUILD_INTERFACE:-march=native>)
endif()
if(ALVH_SANITIZE)
  target_compile_options(alvh_build_flags INTERFACE
    $<BUILD_INTERFACE:-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer>)
  target_link_options(alvh_build_flags INTERFACE
    $<BUILD_INTERFACE:-fsanitize=address,undefined -fno-sanitize-recover=undefined>)
endif()

# Warnings: -Wall -Wextra -Wpedantic -Wconversion -Wshadow. -Wsign-conversion is left out: it
# fires on every size_t/ptrdiff_t index in span-based hot loops without finding real bugs there.
function(alvh_set_warnings tgt)
  get_target_property(type ${tgt} TYPE)
  if(NOT type STREQUAL "INTERFACE_LIBRARY")
    target_compile_options(${tgt} PRIVATE -Wall -Wextra -Wpedantic -Wconversion -Wshadow)
  endif()
endfunction()
