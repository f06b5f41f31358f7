// Filter descriptors: K x C x R x S in NCHW (KCRS) or NHWC (KRSC) layout.
#include <cudnn.h>

#include <new>

#include "descriptors.h"
#include "export.h"

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnCreateFilterDescriptor(cudnnFilterDescriptor_t* desc) {
  if (desc == nullptr) return CUDNN_STATUS_BAD_PARAM;
  *desc = new (std::nothrow) cudnnFilterStruct;
  return *desc != nullptr ? CUDNN_STATUS_SUCCESS
                          : CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t desc) {
  delete desc;
  return CUDNN_STATUS_SUCCESS;
}

namespace {

// Shared by the 4-d and N-d setters without going through an exported symbol.
cudnnStatus_t set_filter_4d(cudnnFilterDescriptor_t desc, cudnnDataType_t dataType,
                            cudnnTensorFormat_t format, int k, int c, int h, int w) {
  if (desc == nullptr || k <= 0 || c <= 0 || h <= 0 || w <= 0) return CUDNN_STATUS_BAD_PARAM;
  switch (format) {
    case CUDNN_TENSOR_NCHW:
      desc->shape = cudasim::dnn::packed_nchw(k, c, h, w);
      break;
    case CUDNN_TENSOR_NHWC:
      desc->shape = cudasim::dnn::packed_nhwc(k, c, h, w);
      break;
    case CUDNN_TENSOR_NCHW_VECT_C:
      return CUDNN_STATUS_NOT_SUPPORTED;
    default:
      return CUDNN_STATUS_BAD_PARAM;
  }
  desc->set = true;
  desc->type = dataType;
  desc->format = format;
  return CUDNN_STATUS_SUCCESS;
}

}  // namespace

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnSetFilter4dDescriptor(cudnnFilterDescriptor_t desc,
                                                              cudnnDataType_t dataType,
                                                              cudnnTensorFormat_t format, int k,
                                                              int c, int h, int w) {
  return set_filter_4d(desc, dataType, format, k, c, h, w);
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnSetFilterNdDescriptor(cudnnFilterDescriptor_t desc,
                                                              cudnnDataType_t dataType,
                                                              cudnnTensorFormat_t format,
                                                              int nbDims, const int filterDimA[]) {
  if (desc == nullptr || filterDimA == nullptr || nbDims < 3 || nbDims > CUDNN_DIM_MAX) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  if (nbDims != 4) return CUDNN_STATUS_NOT_SUPPORTED;
  return set_filter_4d(desc, dataType, format, filterDimA[0], filterDimA[1], filterDimA[2],
                       filterDimA[3]);
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetFilter4dDescriptor(const cudnnFilterDescriptor_t desc,
                                                              cudnnDataType_t* dataType,
                                                              cudnnTensorFormat_t* format, int* k,
                                                              int* c, int* h, int* w) {
  if (desc == nullptr || !desc->set || dataType == nullptr || format == nullptr || k == nullptr ||
      c == nullptr || h == nullptr || w == nullptr) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  *dataType = desc->type;
  *format = desc->format;
  *k = desc->shape.n;
  *c = desc->shape.c;
  *h = desc->shape.h;
  *w = desc->shape.w;
  return CUDNN_STATUS_SUCCESS;
}
