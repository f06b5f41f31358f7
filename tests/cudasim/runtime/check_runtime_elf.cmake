# Checks libcudart.so.13's linking as NVIDIA ships it: no DT_NEEDED on the
# driver (it is reached through dlopen), the real soname, and every exported
# function versioned libcudart.so.13.
#   cmake -DREADELF=<readelf> -DLIBRARY=<libcudart.so.13> -P check_runtime_elf.cmake
cmake_minimum_required(VERSION 3.25)
execute_process(COMMAND ${READELF} -d -W ${LIBRARY} OUTPUT_VARIABLE dynamic RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "readelf -d failed on ${LIBRARY}")
endif()
if(dynamic MATCHES "NEEDED[^\n]*libcuda\\.so")
  message(FATAL_ERROR "libcudart links the driver: ${CMAKE_MATCH_0}")
endif()
if(NOT dynamic MATCHES "SONAME[^\n]*\\[libcudart\\.so\\.13\\]")
  message(FATAL_ERROR "libcudart's soname is not libcudart.so.13")
endif()

execute_process(COMMAND ${READELF} --dyn-syms -W ${LIBRARY} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "readelf --dyn-syms failed on ${LIBRARY}")
endif()
string(REPLACE "\n" ";" lines "${symbols}")
set(exported "")
foreach(line IN LISTS lines)
  # Num: Value Size Type Bind Vis Ndx Name -- defined global functions only.
  if(line MATCHES "FUNC +GLOBAL +DEFAULT +[0-9]+ +([^ ]+)$")
    set(name ${CMAKE_MATCH_1})
    if(NOT name MATCHES "^(cuda|cudasim)[A-Za-z0-9_]*@@libcudart\\.so\\.13$")
      message(FATAL_ERROR "exported without the libcudart.so.13 version or outside the CUDA runtime API: ${name}")
    endif()
    list(APPEND exported ${name})
  endif()
endforeach()
foreach(required cudaMalloc cudaFree cudaMemcpy cudaMemcpyAsync cudaLaunchKernel
                 cudaGetFuncBySymbol cudaStreamCreate cudaEventRecord cudaGetLastError
                 cudaPointerGetAttributes cudasimRegisterFunction)
  if(NOT "${required}@@libcudart.so.13" IN_LIST exported)
    message(FATAL_ERROR "${required}@@libcudart.so.13 is not exported")
  endif()
endforeach()
list(LENGTH exported count)
message(STATUS "libcudart.so.13: ${count} versioned exports, no driver dependency")
