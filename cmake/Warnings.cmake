# fwscan_set_warnings(target): the project's warning set, -Werror with FWSCAN_WERROR=ON.
function(fwscan_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                         -Wold-style-cast -Wcast-align -Wimplicit-fallthrough)
  if(FWSCAN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
