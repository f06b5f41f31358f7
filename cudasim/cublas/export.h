// Entry points of libcublas.so.13 (everything else stays hidden).
#pragma once

#define CUDASIM_CUBLAS_EXPORT extern "C" __attribute__((visibility("default")))
