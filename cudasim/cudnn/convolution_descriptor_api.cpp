// Convolution descriptors (2-d) and the output shape they give.
#include <cudnn.h>

#include <new>

#include "descriptors.h"
#include "export.h"

CUDASIM_CUDNN_EXPORT cudnnStatus_t
cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor_t* desc) {
  if (desc == nullptr) return CUDNN_STATUS_BAD_PARAM;
  *desc = new (std::nothrow) cudnnConvolutionStruct;
  return *desc != nullptr ? CUDNN_STATUS_SUCCESS
                          : CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t
cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t desc) {
  delete desc;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnSetConvolution2dDescriptor(
    cudnnConvolutionDescriptor_t desc, int pad_h, int pad_w, int u, int v, int dilation_h,
    int dilation_w, cudnnConvolutionMode_t mode, cudnnDataType_t computeType) {
  if (desc == nullptr || pad_h < 0 || pad_w < 0 || u <= 0 || v <= 0 || dilation_h <= 0 ||
      dilation_w <= 0) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  if (mode != CUDNN_CONVOLUTION && mode != CUDNN_CROSS_CORRELATION) return CUDNN_STATUS_BAD_PARAM;
  desc->set = true;
  desc->mode = mode;
  desc->compute_type = computeType;
  desc->params = cudasim::dnn::ConvParams{
      pad_h, pad_w, u, v, dilation_h, dilation_w, mode == CUDNN_CONVOLUTION};
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetConvolution2dDescriptor(
    const cudnnConvolutionDescriptor_t desc, int* pad_h, int* pad_w, int* u, int* v,
    int* dilation_h, int* dilation_w, cudnnConvolutionMode_t* mode, cudnnDataType_t* computeType) {
  if (desc == nullptr || !desc->set || pad_h == nullptr || pad_w == nullptr || u == nullptr ||
      v == nullptr || dilation_h == nullptr || dilation_w == nullptr || mode == nullptr ||
      computeType == nullptr) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  const cudasim::dnn::ConvParams& p = desc->params;
  *pad_h = p.pad_h;
  *pad_w = p.pad_w;
  *u = p.stride_h;
  *v = p.stride_w;
  *dilation_h = p.dilation_h;
  *dilation_w = p.dilation_w;
  *mode = desc->mode;
  *computeType = desc->compute_type;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t desc,
                                                               cudnnMathType_t mathType) {
  if (desc == nullptr) return CUDNN_STATUS_BAD_PARAM;
  switch (mathType) {
    case CUDNN_DEFAULT_MATH:
    case CUDNN_TENSOR_OP_MATH:
    case CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION:
    case CUDNN_FMA_MATH:
      // All compute in fp32 here; kept so that it reads back and is reported.
      desc->math_type = mathType;
      return CUDNN_STATUS_SUCCESS;
  }
  return CUDNN_STATUS_BAD_PARAM;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetConvolutionMathType(cudnnConvolutionDescriptor_t desc,
                                                               cudnnMathType_t* mathType) {
  if (desc == nullptr || mathType == nullptr) return CUDNN_STATUS_BAD_PARAM;
  *mathType = desc->math_type;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnSetConvolutionGroupCount(cudnnConvolutionDescriptor_t desc,
                                                                 int groupCount) {
  if (desc == nullptr || groupCount < 1) return CUDNN_STATUS_BAD_PARAM;
  desc->group_count = groupCount;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetConvolutionGroupCount(cudnnConvolutionDescriptor_t desc,
                                                                 int* groupCount) {
  if (desc == nullptr || groupCount == nullptr) return CUDNN_STATUS_BAD_PARAM;
  *groupCount = desc->group_count;
  return CUDNN_STATUS_SUCCESS;
}

CUDASIM_CUDNN_EXPORT cudnnStatus_t cudnnGetConvolution2dForwardOutputDim(
    const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t inputTensorDesc,
    const cudnnFilterDescriptor_t filterDesc, int* n, int* c, int* h, int* w) {
  if (convDesc == nullptr || !convDesc->set || inputTensorDesc == nullptr ||
      !inputTensorDesc->set || filterDesc == nullptr || !filterDesc->set || n == nullptr ||
      c == nullptr || h == nullptr || w == nullptr) {
    return CUDNN_STATUS_BAD_PARAM;
  }
  const cudasim::dnn::Tensor4d& x = inputTensorDesc->shape;
  const cudasim::dnn::Filter4d& f = filterDesc->shape;
  const cudasim::dnn::ConvParams& p = convDesc->params;
  if (x.c != f.c * convDesc->group_count) return CUDNN_STATUS_BAD_PARAM;
  const int oh = cudasim::dnn::conv_output_size(x.h, p.pad_h, f.h, p.stride_h, p.dilation_h);
  const int ow = cudasim::dnn::conv_output_size(x.w, p.pad_w, f.w, p.stride_w, p.dilation_w);
  if (oh <= 0 || ow <= 0) return CUDNN_STATUS_BAD_PARAM;
  *n = x.n;
  *c = f.n;
  *h = oh;
  *w = ow;
  return CUDNN_STATUS_SUCCESS;
}
