file(REMOVE_RECURSE
  "CMakeFiles/test_capi.dir/tests/c/test_capi.c.o"
  "CMakeFiles/test_capi.dir/tests/c/test_capi.c.o.d"
  "test_capi"
  "test_capi.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_capi.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
