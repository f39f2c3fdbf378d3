# FWSCAN_SANITIZE="address;undefined" instruments every target.
if(FWSCAN_SANITIZE)
  string(REPLACE ";" "," _fwscan_san "${FWSCAN_SANITIZE}")
  add_compile_options(-fsanitize=${_fwscan_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_fwscan_san})
endif()
