# gpuswap and cudasim need only the CUDA *headers*: driver, runtime, cuBLAS,
# cuDNN. Look where the CUDA toolkit and Debian put them; fail with one
# sentence when they are missing.
set(_cuda_hint_dirs
    $ENV{CUDA_HOME}/include $ENV{CUDA_PATH}/include /usr/local/cuda/include
    /usr/local/cuda/targets/x86_64-linux/include /usr/include)
find_path(GPUSWAP_CUDA_INCLUDE_DIR NAMES cuda.h cuda_runtime_api.h HINTS ${_cuda_hint_dirs})
find_path(GPUSWAP_CUBLAS_INCLUDE_DIR NAMES cublas_v2.h HINTS ${_cuda_hint_dirs})
find_path(GPUSWAP_CUDNN_INCLUDE_DIR NAMES cudnn.h HINTS ${_cuda_hint_dirs} /usr/include/x86_64-linux-gnu)
foreach(_var GPUSWAP_CUDA_INCLUDE_DIR GPUSWAP_CUBLAS_INCLUDE_DIR GPUSWAP_CUDNN_INCLUDE_DIR)
  if(NOT ${_var})
    message(FATAL_ERROR
      "gpuswap needs the CUDA headers (cuda.h, cuda_runtime_api.h, cublas_v2.h, cudnn.h): "
      "install the CUDA toolkit 12.4 or newer with cuDNN 9 (for example the Debian packages "
      "cuda-toolkit and cudnn9-cuda-12 from NVIDIA's repository) or set CUDA_HOME to where it is installed.")
  endif()
endforeach()

# An interface target that only adds the include directories: nothing links
# against NVIDIA's libraries (the real ones are found at run time, or are cudasim).
add_library(gpuswap_cuda_headers INTERFACE)
add_library(gpuswap::cuda_headers ALIAS gpuswap_cuda_headers)
target_include_directories(gpuswap_cuda_headers SYSTEM INTERFACE
  ${GPUSWAP_CUDA_INCLUDE_DIR} ${GPUSWAP_CUBLAS_INCLUDE_DIR} ${GPUSWAP_CUDNN_INCLUDE_DIR})
