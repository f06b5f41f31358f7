// Entry points of libcudnn.so.9 (everything else stays hidden).
#pragma once

#define CUDASIM_CUDNN_EXPORT extern "C" __attribute__((visibility("default")))
