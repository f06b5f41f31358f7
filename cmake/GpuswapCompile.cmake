# Warnings are errors for every target of the project.
add_compile_options(-Wall -Wextra -Wpedantic -Werror -Wno-missing-field-initializers)
# GCC 12 at -O3 (Release) reports std::string concatenation as an overlapping
# memcpy (GCC bug 105651, fixed in 13); the warning is false, and a Release
# build must not fail on it.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
endif()

if(GPUSWAP_SANITIZE)
  add_compile_options(-fsanitize=${GPUSWAP_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${GPUSWAP_SANITIZE})
endif()

# Adds every immediate sub-directory of the current source directory that has
# a CMakeLists.txt, so that a new test or example folder needs no edit above it.
function(gpuswap_add_subdirectories)
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/*)
  list(SORT children)
  foreach(child IN LISTS children)
    if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/${child} AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${child}/CMakeLists.txt)
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()

# gpuswap_preload_list(<var> [library...]): an LD_PRELOAD value for tests
# that preload the given libraries. In a sanitizer build those libraries need
# the sanitizer's runtime loaded first, so it leads the list (and is the whole
# list when no library is given).
function(gpuswap_preload_list var)
  set(entries ${ARGN})
  foreach(sanitizer address thread)
    if(GPUSWAP_SANITIZE MATCHES "${sanitizer}")
      string(REPLACE "address" "asan" runtime_name "${sanitizer}")
      string(REPLACE "thread" "tsan" runtime_name "${runtime_name}")
      execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=lib${runtime_name}.so
        OUTPUT_VARIABLE sanitizer_runtime OUTPUT_STRIP_TRAILING_WHITESPACE)
      list(PREPEND entries "${sanitizer_runtime}")
    endif()
  endforeach()
  list(JOIN entries ":" joined)
  set(${var} "${joined}" PARENT_SCOPE)
endfunction()
