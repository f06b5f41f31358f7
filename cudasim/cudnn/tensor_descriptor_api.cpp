// Tensor descriptors: 4-d, in NCHW or NHWC or with explicit strides.
#include <cudnn.h>

#include <algorithm>
#include <new>

#include "descriptors.h"
#include "export.h"

namespace {

using cudasim::dnn::Tensor4d;

bool dims_positive(int n, int c, int h, int w) {
  return n > 0 && c > 0 && h > 0 && w > 0;
}

cudnnStatus_t store(cudnnTensorDescriptor_t d, cudnnDataType_t type, const Tensor4d& shape) {
  if (d == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (!dims_positive(shape.n, shape.c, shape.h, shape.w)) return CUDNN_STATUS_BAD_PARAM;
  if (shape.ns <= 0 || shape.cs <= 0 || shape.hs <= 0 || shape.ws <= 0) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  d->set = true;
  d->type = type;
  d->shape = shape;
  return CUDNN_STATUS_SUCCESS;
}

}  // namespace

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnCreateTensorDescriptor(cudnnTensorDescriptor_t* desc) {
  if (desc == nullptr) return CUDNN_STATUS_BAD_PARAM;
  *desc = new (std::nothrow) cudnnTensorStruct;
  return *desc != nullptr ? CUDNN_STATUS_SUCCESS
                          : CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t desc) {
  delete desc;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t desc,
                                                              cudnnTensorFormat_t format,
                                                              cudnnDataType_t dataType, int n,
                                                              int c, int h, int w) {
  if (!dims_positive(n, c, h, w)) return CUDNN_STATUS_BAD_PARAM;
  switch (format) {
    case CUDNN_TENSOR_NCHW:
      return store(desc, dataType, cudasim::dnn::packed_nchw(n, c, h, w));
    case CUDNN_TENSOR_NHWC:
      return store(desc, dataType, cudasim::dnn::packed_nhwc(n, c, h, w));
    case CUDNN_TENSOR_NCHW_VECT_C:
      return CUDNN_STATUS_NOT_SUPPORTED;
  }
  return CUDNN_STATUS_BAD_PARAM;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnSetTensor4dDescriptorEx(cudnnTensorDescriptor_t desc,
                                                                cudnnDataType_t dataType, int n,
                                                                int c, int h, int w, int nStride,
                                                                int cStride, int hStride,
                                                                int wStride) {
  return store(desc, dataType, Tensor4d{n, c, h, w, nStride, cStride, hStride, wStride});
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnSetTensorNdDescriptor(cudnnTensorDescriptor_t desc,
                                                              cudnnDataType_t dataType, int nbDims,
                                                              const int dimA[],
                                                              const int strideA[]) {
  if (desc == nullptr || dimA == nullptr || strideA == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (nbDims < 3 || nbDims > CUDNN_DIM_MAX) return CUDNN_STATUS_BAD_PARAM;
  // A 3-d tensor is a 4-d one with a unit W (cuDNN treats it so).
  if (nbDims == 3) {
    return store(desc, dataType,
                 Tensor4d{dimA[0], dimA[1], dimA[2], 1, strideA[0], strideA[1], strideA[2], 1});
  }
  if (nbDims != 4) return CUDNN_STATUS_NOT_SUPPORTED;
  return store(
      desc, dataType,
      Tensor4d{dimA[0], dimA[1], dimA[2], dimA[3], strideA[0], strideA[1], strideA[2], strideA[3]});
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetTensor4dDescriptor(const cudnnTensorDescriptor_t desc,
                                                              cudnnDataType_t* dataType, int* n,
                                                              int* c, int* h, int* w, int* nStride,
                                                              int* cStride, int* hStride,
                                                              int* wStride) {
  if (desc == nullptr || !desc->set) return CUDNN_STATUS_BAD_PARAM;
  if (dataType == nullptr || n == nullptr || c == nullptr || h == nullptr || w == nullptr ||
      nStride == nullptr || cStride == nullptr || hStride == nullptr || wStride == nullptr) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  const Tensor4d& s = desc->shape;
  *dataType = desc->type;
  *n = s.n;
  *c = s.c;
  *h = s.h;
  *w = s.w;
  *nStride = static_cast<int>(s.ns);
  *cStride = static_cast<int>(s.cs);
  *hStride = static_cast<int>(s.hs);
  *wStride = static_cast<int>(s.ws);
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetTensorNdDescriptor(const cudnnTensorDescriptor_t desc,
                                                              int nbDimsRequested,
                                                              cudnnDataType_t* dataType,
                                                              int* nbDims, int dimA[],
                                                              int strideA[]) {
  if (desc == nullptr || !desc->set || dataType == nullptr || nbDims == nullptr) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  if (nbDimsRequested < 0) return CUDNN_STATUS_BAD_PARAM;
  const Tensor4d& s = desc->shape;
  const int dims[4] = {s.n, s.c, s.h, s.w};
  const int strides[4] = {static_cast<int>(s.ns), static_cast<int>(s.cs), static_cast<int>(s.hs),
                          static_cast<int>(s.ws)};
  *dataType = desc->type;
  *nbDims = 4;
  const int count = std::min(nbDimsRequested, 4);
  if (count > 0 && (dimA == nullptr || strideA == nullptr)) return CUDNN_STATUS_BAD_PARAM;
  for (int i = 0; i < count; ++i) {
    dimA[i] = dims[i];
    strideA[i] = strides[i];
  }
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetTensorSizeInBytes(const cudnnTensorDescriptor_t desc,
                                                             size_t* size) {
  if (desc == nullptr || !desc->set || size == nullptr) return CUDNN_STATUS_BAD_PARAM;
  if (desc->type != CUDNN_DATA_FLOAT) return CUDNN_STATUS_NOT_SUPPORTED;
  const Tensor4d& s = desc->shape;
  *size = (static_cast<size_t>(s.at(s.n - 1, s.c - 1, s.h - 1, s.w - 1)) + 1) * sizeof(float);
  return CUDNN_STATUS_SUCCESS;
}
