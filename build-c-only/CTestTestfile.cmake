# CMake generated Testfile for 
# Source directory: /work/main
# Build directory: /work/main/build-c-only
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test([=[c_door]=] "/work/main/build-c-only/test_capi")
set_tests_properties([=[c_door]=] PROPERTIES  WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;145;add_test;/work/main/CMakeLists.txt;0;")
add_test([=[c_symbols]=] "/usr/bin/bash" "tests/check_symbols.sh" "/work/main/target/cmake-no-legacy/release/libspeedup.so" "--no-legacy")
set_tests_properties([=[c_symbols]=] PROPERTIES  WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/CMakeLists.txt;157;add_test;/work/main/CMakeLists.txt;0;")
