// Tensor arithmetic of cuDNN's legacy API in fp32, as pure functions.
#pragma once

#include "tensor_shape.h"

namespace cudasim::dnn {

// cudnnAddTensor's rule: each dimension of a equals c's or is 1 (broadcast).
bool add_tensor_shapes_valid(const Tensor4d& a, const Tensor4d& c);

// c = alpha * a + beta * c, with a broadcast over its size-1 dimensions.
void add_tensor(float alpha, const Tensor4d& a, const float* ad, float beta, const Tensor4d& c,
                float* cd);

// db (1 x C x 1 x 1) = alpha * sum over n, h, w of dy + beta * db.
bool bias_gradient_shapes_valid(const Tensor4d& dy, const Tensor4d& db);
void bias_gradient(float alpha, const Tensor4d& dy, const float* dyd, float beta,
                   const Tensor4d& db, float* dbd);

}  // namespace cudasim::dnn
