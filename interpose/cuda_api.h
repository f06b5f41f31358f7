// The CUDA, cuDNN and cuBLAS headers as the shim needs them. Include this,
// never cuda.h directly: cuda.h #defines some unversioned names to their
// newest ABI (cuGetProcAddress -> cuGetProcAddress_v2), and the shim names
// (and exports) both ABIs, so those macros are removed.
#pragma once

#include <cublas_v2.h>
#include <cuda.h>
#include <cudnn.h>

#undef cuGetProcAddress
#undef cuMemcpyBatchAsync
#undef cuMemcpy3DBatchAsync
#undef cuGraphExecUpdate

// Entry points the real driver exports whose prototypes cuda.h keeps behind
// __CUDA_API_VERSION_INTERNAL, and C prototypes cuBLAS overloads for C++.
// They are declared only so that their C types can be named (decltype);
// nothing defines them.

namespace gpuswap::interpose::abi {

// cuGetProcAddress before CUDA 12.0: no symbolStatus out-parameter.
CUresult cuGetProcAddress_v1(const char* symbol, void** pfn, int cudaVersion, cuuint64_t flags);

// The CUDA 12.8 batch copies, with the failIdx out-parameter 13.0 dropped.
CUresult cuMemcpyBatchAsync_v1(CUdeviceptr* dsts, CUdeviceptr* srcs, size_t* sizes, size_t count,
                               CUmemcpyAttributes* attrs, size_t* attrsIdxs, size_t numAttrs,
                               size_t* failIdx, CUstream hStream);
CUresult cuMemcpy3DBatchAsync_v1(size_t numOps, CUDA_MEMCPY3D_BATCH_OP* opList, size_t* failIdx,
                                 unsigned long long flags, CUstream hStream);

// cuGraphExecUpdate before CUDA 12.0: the error node and the result as two
// out-parameters.
CUresult cuGraphExecUpdate_v1(CUgraphExec hGraphExec, CUgraph hGraph, CUgraphNode* hErrorNode_out,
                              CUgraphExecUpdateResult* updateResult_out);

// cublas_api.h adds C++ overloads of these two (old cudaDataType compute
// types), so decltype(::cublasGemmEx) is ambiguous; these are the C ABI.
cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa,
                            cublasOperation_t transb, int m, int n, int k, const void* alpha,
                            const void* A, cudaDataType Atype, int lda, const void* B,
                            cudaDataType Btype, int ldb, const void* beta, void* C,
                            cudaDataType Ctype, int ldc, cublasComputeType_t computeType,
                            cublasGemmAlgo_t algo);
cublasStatus_t cublasGemmBatchedEx(cublasHandle_t handle, cublasOperation_t transa,
                                   cublasOperation_t transb, int m, int n, int k, const void* alpha,
                                   const void* const Aarray[], cudaDataType Atype, int lda,
                                   const void* const Barray[], cudaDataType Btype, int ldb,
                                   const void* beta, void* const Carray[], cudaDataType Ctype,
                                   int ldc, int batchCount, cublasComputeType_t computeType,
                                   cublasGemmAlgo_t algo);

}  // namespace gpuswap::interpose::abi
