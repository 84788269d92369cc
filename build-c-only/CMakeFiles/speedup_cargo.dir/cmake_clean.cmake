file(REMOVE_RECURSE
  "/work/main/target/cmake-no-legacy/release/libspeedup.a"
  "/work/main/target/cmake-no-legacy/release/libspeedup.so"
  "CMakeFiles/speedup_cargo"
)

# Per-language clean rules from dependency scanning.
foreach(lang )
  include(CMakeFiles/speedup_cargo.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
