# speedup package configuration: find_package(speedup [version] [COMPONENTS Fortran Legacy])
#   speedup::speedup         libspeedup.so + speedup.h                    (C, C++, anything)
#   speedup::speedup_static  libspeedup.a + speedup.h, with the system libraries it needs
#   speedup::fortran         libspeedup_fortran.a + the modules `speedup`, `speedup_c` (and
#                            `speedup_legacy` with the Legacy component)  (Fortran)
# Components: Fortran (the modules were built: SPEEDUP_FORTRAN) and Legacy (the legacy
# routines speedup_legacy_* and speedup_legacy.h are in the library: SPEEDUP_LEGACY).

####### Expanded from @PACKAGE_INIT@ by configure_package_config_file() #######
####### Any changes to this file will be overwritten by the next CMake run ####
####### The input file was speedupConfig.cmake.in                            ########

get_filename_component(PACKAGE_PREFIX_DIR "${CMAKE_CURRENT_LIST_DIR}/../../../" ABSOLUTE)

macro(set_and_check _var _file)
  set(${_var} "${_file}")
  if(NOT EXISTS "${_file}")
    message(FATAL_ERROR "File or directory ${_file} referenced by variable ${_var} does not exist !")
  endif()
endmacro()

macro(check_required_components _NAME)
  foreach(comp ${${_NAME}_FIND_COMPONENTS})
    if(NOT ${_NAME}_${comp}_FOUND)
      if(${_NAME}_FIND_REQUIRED_${comp})
        set(${_NAME}_FOUND FALSE)
      endif()
    endif()
  endforeach()
endmacro()

####################################################################################

set(speedup_C_FOUND TRUE)
set(speedup_Fortran_FOUND OFF)
set(speedup_Legacy_FOUND OFF)

if(NOT TARGET speedup::speedup)
  add_library(speedup::speedup SHARED IMPORTED)
  set_target_properties(speedup::speedup PROPERTIES
    IMPORTED_LOCATION "${PACKAGE_PREFIX_DIR}/lib/libspeedup.so.0.1.0"
    IMPORTED_SONAME "libspeedup.so.0"
    INTERFACE_INCLUDE_DIRECTORIES "${PACKAGE_PREFIX_DIR}/include")
endif()
if(NOT TARGET speedup::speedup_static)
  add_library(speedup::speedup_static STATIC IMPORTED)
  set_target_properties(speedup::speedup_static PROPERTIES
    IMPORTED_LOCATION "${PACKAGE_PREFIX_DIR}/lib/libspeedup.a"
    INTERFACE_LINK_LIBRARIES "gcc_s util rt pthread m dl c"
    INTERFACE_INCLUDE_DIRECTORIES "${PACKAGE_PREFIX_DIR}/include")
  # A list in a string: CMake separates the libraries by ';'.
  get_target_property(_speedup_deps speedup::speedup_static INTERFACE_LINK_LIBRARIES)
  string(REPLACE " " ";" _speedup_deps "${_speedup_deps}")
  set_target_properties(speedup::speedup_static PROPERTIES
    INTERFACE_LINK_LIBRARIES "${_speedup_deps}")
  unset(_speedup_deps)
endif()

if(speedup_Fortran_FOUND)
  # The Fortran modules were compiled by  ;
  # their .mod files are only readable by a compatible compiler.
  include("${CMAKE_CURRENT_LIST_DIR}/speedupFortranTargets.cmake")
  set(speedup_Fortran_COMPILER " ")
endif()

check_required_components(speedup)
