# The log and trace code must not export spdlog or fmt symbols, nor depend on
# their shared libraries: either would bind to an application's own copies.
# Nor may it bring a global constructor into the preloaded library (the
# compilers name those _GLOBAL__sub_I_<file>).
# Run as: cmake -DLIBRARY=<so> -DNM=<nm> -DREADELF=<readelf> -P this-file
execute_process(COMMAND ${NM} -D --defined-only -C ${LIBRARY}
  OUTPUT_VARIABLE exported RESULT_VARIABLE nm_result)
if(NOT nm_result EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${LIBRARY}")
endif()
if(NOT exported MATCHES "gpuswap_trace_probe")
  message(FATAL_ERROR "the probe's own function is not exported; the check would prove nothing:\n${exported}")
endif()
string(REGEX MATCHALL "[^\n]*(spdlog|fmt::|gpuswap::)[^\n]*" leaked "${exported}")
if(leaked)
  message(FATAL_ERROR "exported symbols that must stay hidden:\n${leaked}")
endif()
execute_process(COMMAND ${READELF} -d ${LIBRARY} OUTPUT_VARIABLE dynamic)
if(dynamic MATCHES "libspdlog|libfmt")
  message(FATAL_ERROR "${LIBRARY} needs a shared spdlog or fmt:\n${dynamic}")
endif()
execute_process(COMMAND ${NM} ${LIBRARY} OUTPUT_VARIABLE all_symbols)
string(REGEX MATCHALL "_GLOBAL__sub_I_[A-Za-z0-9_.]*" constructors "${all_symbols}")
if(constructors)
  message(FATAL_ERROR "global constructors in ${LIBRARY}: ${constructors}")
endif()
message(STATUS "no spdlog, fmt or gpuswap symbols exported; no shared spdlog/fmt needed; no global constructors")
