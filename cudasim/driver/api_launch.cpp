// Modules, libraries, functions and kernel launches, plus cudasim's kernel
// registration entry points (kernel.h).
//
// Which handles each call takes (function.h). Observed on NVIDIA's driver 580
// (CUDA 13.0): cuFuncGetParamInfo and cuFuncGetName take only a CUfunction,
// cuKernelGetParamInfo and cuKernelGetName only a CUkernel (the other kind is
// CUDA_ERROR_INVALID_HANDLE), and cuLaunchKernel runs either. The other launch
// calls and graph kernel nodes take either too, as CUDA documents. The calls
// whose answer to the other kind was not observed (cuFuncGetAttribute,
// cuFuncSetAttribute, cuFuncSetCacheConfig, the occupancy calls,
// cuKernelGetFunction) take either, so that no program that works on a GPU
// fails here.
#include <algorithm>
#include <cstring>

#include "api_common.h"
#include "launch.h"

#pragma GCC visibility push(default)
#include "cudasim/kernel.h"
#pragma GCC visibility pop

using namespace cudasim;

namespace {

CUresult load_module(const void* image, bool library, Module** out) {
  std::string name;
  if (image == nullptr) return CUDA_ERROR_INVALID_VALUE;
  if (!ModuleRegistry::instance().image_module(image, &name)) return CUDA_ERROR_INVALID_IMAGE;
  auto m = std::make_shared<Module>();
  m->name = name;
  m->library = library;
  Driver* d = Driver::get();
  d->modules.add(m);
  *out = m.get();
  return CUDA_SUCCESS;
}

CUresult module_load(CUmodule* mod, const void* image) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
  if (mod == nullptr) return CUDA_ERROR_INVALID_VALUE;
  Module* m = nullptr;
  if (CUresult rc = load_module(image, false, &m); rc != CUDA_SUCCESS) return rc;
  *mod = reinterpret_cast<CUmodule>(m);
  return CUDA_SUCCESS;
}

CUresult unload(const void* h, bool library) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  auto m = d->modules.find(h);
  if (!m || m->library != library) return CUDA_ERROR_INVALID_HANDLE;
  d->modules.remove(h);
  d->remove_functions_of(m.get());
  // The Function objects stay allocated (work in flight may name them); the
  // handles are no longer valid.
  static std::mutex mu;
  static std::vector<std::shared_ptr<Module>>* keep = new std::vector<std::shared_ptr<Module>>;
  std::lock_guard lock(mu);
  keep->push_back(std::move(m));
  return CUDA_SUCCESS;
}

CUresult get_function(const void* hmod, bool library, const char* name, Function** out) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  if (out == nullptr || name == nullptr) return CUDA_ERROR_INVALID_VALUE;
  auto m = d->modules.find(hmod);
  if (!m || m->library != library) return CUDA_ERROR_INVALID_HANDLE;
  const KernelInfo* k = ModuleRegistry::instance().find(m->name, name);
  if (k == nullptr) return CUDA_ERROR_NOT_FOUND;
  std::lock_guard lock(m->mu);
  auto& f = m->functions[name];
  if (!f) {
    f = std::make_unique<Function>(k, m.get(),
                                   library ? FunctionKind::kKernel : FunctionKind::kFunction);
    d->add_function(f.get());
  }
  *out = f.get();
  return CUDA_SUCCESS;
}

CUresult param_info(const void* h, Accept accept, size_t index, size_t* offset, size_t* size) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  Function* f = d->function(h, accept);
  if (f == nullptr) return CUDA_ERROR_INVALID_HANDLE;
  if (index >= f->kernel->sizes.size()) return CUDA_ERROR_INVALID_VALUE;
  if (offset != nullptr) *offset = f->kernel->offsets[index];
  if (size != nullptr) *size = f->kernel->sizes[index];
  return CUDA_SUCCESS;
}

CUresult launch(CUfunction fh, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                unsigned bz, unsigned shared, CUstream h, void** params, void** extra, bool pt) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(h, pt, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  Function* f = d->function(fh, Accept::kEither);
  if (f == nullptr) return CUDA_ERROR_INVALID_HANDLE;
  if (CUresult rc = check_launch_dims(gx, gy, gz, bx, by, bz, shared); rc != CUDA_SUCCESS)
    return rc;
  std::unique_ptr<ParamBlock> block;
  if (CUresult rc = ParamBlock::build(*f->kernel, params, extra, &block); rc != CUDA_SUCCESS)
    return rc;
  const cudasimLaunch dims{{gx, gy, gz}, {bx, by, bz}, shared};
  std::shared_ptr<ParamBlock> copied = std::move(block);
  if (ctx->captured(*s)) {
    // A captured launch becomes a kernel node (its parameters readable with
    // cuGraphKernelNodeGetParams, as in CUDA).
    auto node = std::make_unique<GraphNode>();
    node->type = CU_GRAPH_NODE_TYPE_KERNEL;
    node->function = f;
    node->dims = dims;
    node->params = copied;
    CUresult rc = CUDA_SUCCESS;
    if (ctx->capture(*s, node, &rc)) return rc;
  }
  return submit(ctx, s, make_kernel_op(*f->kernel, dims, std::move(copied)), false);
}

CUresult launch_ex(const CUlaunchConfig* c, CUfunction f, void** params, void** extra, bool pt) {
  if (c == nullptr) return CUDA_ERROR_INVALID_VALUE;
  if (c->numAttrs > 0 && c->attrs == nullptr) return CUDA_ERROR_INVALID_VALUE;
  return launch(f, c->gridDimX, c->gridDimY, c->gridDimZ, c->blockDimX, c->blockDimY, c->blockDimZ,
                c->sharedMemBytes, c->hStream, params, extra, pt);
}

}  // namespace

CUDASIM_API CUresult cuModuleLoadData(CUmodule* module, const void* image) {
  return api([&] { return module_load(module, image); });
}

CUDASIM_API CUresult cuModuleLoadDataEx(CUmodule* module, const void* image,
                                        unsigned int numOptions, CUjit_option* options,
                                        void** optionValues) {
  return api([&] {
    if (numOptions > 0 && (options == nullptr || optionValues == nullptr))
      return CUDA_ERROR_INVALID_VALUE;
    return module_load(module, image);
  });
}

CUDASIM_API CUresult cuModuleUnload(CUmodule hmod) {
  return api([&] { return unload(hmod, false); });
}

CUDASIM_API CUresult cuModuleGetFunction(CUfunction* hfunc, CUmodule hmod, const char* name) {
  return api([&] {
    Function* f = nullptr;
    CUresult rc = get_function(hmod, false, name, &f);
    if (rc == CUDA_SUCCESS) *hfunc = reinterpret_cast<CUfunction>(f);
    return rc;
  });
}

CUDASIM_API CUresult cuFuncGetParamInfo(CUfunction func, size_t paramIndex, size_t* paramOffset,
                                        size_t* paramSize) {
  return api(
      [&] { return param_info(func, Accept::kFunction, paramIndex, paramOffset, paramSize); });
}

CUDASIM_API CUresult cuKernelGetParamInfo(CUkernel kernel, size_t paramIndex, size_t* paramOffset,
                                          size_t* paramSize) {
  return api(
      [&] { return param_info(kernel, Accept::kKernel, paramIndex, paramOffset, paramSize); });
}

static CUresult get_name(const void* h, Accept accept, const char** name) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  if (name == nullptr) return CUDA_ERROR_INVALID_VALUE;
  Function* f = d->function(h, accept);
  if (f == nullptr) return CUDA_ERROR_INVALID_HANDLE;
  *name = f->kernel->name.c_str();
  return CUDA_SUCCESS;
}

CUDASIM_API CUresult cuFuncGetName(const char** name, CUfunction hfunc) {
  return api([&] { return get_name(hfunc, Accept::kFunction, name); });
}
CUDASIM_API CUresult cuKernelGetName(const char** name, CUkernel hfunc) {
  return api([&] { return get_name(hfunc, Accept::kKernel, name); });
}

CUDASIM_API CUresult cuFuncGetAttribute(int* pi, CUfunction_attribute attrib, CUfunction hfunc) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (pi == nullptr) return CUDA_ERROR_INVALID_VALUE;
    if (d->function(hfunc, Accept::kEither) == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    const int a = enum_value(attrib);
    switch (a) {
      case CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK:
        *pi = 1024;
        break;
      case CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES:
        *pi = 49152;
        break;
      case CU_FUNC_ATTRIBUTE_PTX_VERSION:
      case CU_FUNC_ATTRIBUTE_BINARY_VERSION:
        *pi = 90;
        break;
      case CU_FUNC_ATTRIBUTE_NUM_REGS:
        *pi = 32;
        break;
      default:
        if (a < 0 || a >= CU_FUNC_ATTRIBUTE_MAX) return CUDA_ERROR_INVALID_VALUE;
        *pi = 0;
    }
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuFuncSetAttribute(CUfunction hfunc, CUfunction_attribute attrib, int value) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (d->function(hfunc, Accept::kEither) == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    if (enum_value(attrib) < 0 || enum_value(attrib) >= CU_FUNC_ATTRIBUTE_MAX || value < 0)
      return CUDA_ERROR_INVALID_VALUE;
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuFuncSetCacheConfig(CUfunction hfunc, CUfunc_cache config) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    (void)config;
    return d->function(hfunc, Accept::kEither) != nullptr ? CUDA_SUCCESS
                                                          : CUDA_ERROR_INVALID_HANDLE;
  });
}

CUDASIM_API CUresult cuLibraryLoadData(CUlibrary* library, const void* code,
                                       CUjit_option* jitOptions, void** jitOptionsValues,
                                       unsigned int numJitOptions, CUlibraryOption* libraryOptions,
                                       void** libraryOptionValues, unsigned int numLibraryOptions) {
  return api([&] {
    (void)jitOptions;
    (void)jitOptionsValues;
    (void)numJitOptions;
    (void)libraryOptions;
    (void)libraryOptionValues;
    (void)numLibraryOptions;
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (library == nullptr) return CUDA_ERROR_INVALID_VALUE;
    Module* m = nullptr;
    if (CUresult rc = load_module(code, true, &m); rc != CUDA_SUCCESS) return rc;
    *library = reinterpret_cast<CUlibrary>(m);
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuLibraryUnload(CUlibrary library) {
  return api([&] { return unload(library, true); });
}

CUDASIM_API CUresult cuLibraryGetKernel(CUkernel* pKernel, CUlibrary library, const char* name) {
  return api([&] {
    Function* f = nullptr;
    CUresult rc = get_function(library, true, name, &f);
    if (rc == CUDA_SUCCESS) *pKernel = reinterpret_cast<CUkernel>(f);
    return rc;
  });
}

CUDASIM_API CUresult cuLibraryGetModule(CUmodule* pMod, CUlibrary library) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    if (pMod == nullptr) return CUDA_ERROR_INVALID_VALUE;
    auto lib = d->modules.find(library);
    if (!lib || !lib->library) return CUDA_ERROR_INVALID_HANDLE;
    Module* m = nullptr;
    if (CUresult rc = load_module(ModuleRegistry::instance().image(lib->name.c_str()), false, &m);
        rc != CUDA_SUCCESS) {
      return rc;
    }
    *pMod = reinterpret_cast<CUmodule>(m);
    return CUDA_SUCCESS;
  });
}

// A CUkernel belongs to no context; its CUfunction in the current context is
// a handle of its own, the same at every call. Given a CUfunction (not
// observed on a GPU), it answers with that function.
CUDASIM_API CUresult cuKernelGetFunction(CUfunction* pFunc, CUkernel kernel) {
  return api([&] {
    Driver* d = nullptr;
    Context* ctx = nullptr;
    if (CUresult rc = get_context(&d, &ctx); rc != CUDA_SUCCESS) return rc;
    if (pFunc == nullptr) return CUDA_ERROR_INVALID_VALUE;
    Function* f = d->function(kernel, Accept::kEither);
    if (f == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    if (f->kind == FunctionKind::kKernel) f = d->function_in(*f, ctx);
    *pFunc = reinterpret_cast<CUfunction>(f);
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuLaunchKernel(CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz,
                                    unsigned int bx, unsigned int by, unsigned int bz,
                                    unsigned int shared, CUstream h, void** kernelParams,
                                    void** extra) {
  return api(
      [&] { return launch(f, gx, gy, gz, bx, by, bz, shared, h, kernelParams, extra, false); });
}
CUDASIM_API CUresult cuLaunchKernel_ptsz(CUfunction f, unsigned int gx, unsigned int gy,
                                         unsigned int gz, unsigned int bx, unsigned int by,
                                         unsigned int bz, unsigned int shared, CUstream h,
                                         void** kernelParams, void** extra) {
  return api(
      [&] { return launch(f, gx, gy, gz, bx, by, bz, shared, h, kernelParams, extra, true); });
}
CUDASIM_API CUresult cuLaunchKernelEx(const CUlaunchConfig* config, CUfunction f,
                                      void** kernelParams, void** extra) {
  return api([&] { return launch_ex(config, f, kernelParams, extra, false); });
}
CUDASIM_API CUresult cuLaunchKernelEx_ptsz(const CUlaunchConfig* config, CUfunction f,
                                           void** kernelParams, void** extra) {
  return api([&] { return launch_ex(config, f, kernelParams, extra, true); });
}
CUDASIM_API CUresult cuLaunchCooperativeKernel(CUfunction f, unsigned int gx, unsigned int gy,
                                               unsigned int gz, unsigned int bx, unsigned int by,
                                               unsigned int bz, unsigned int shared, CUstream h,
                                               void** kernelParams) {
  return api(
      [&] { return launch(f, gx, gy, gz, bx, by, bz, shared, h, kernelParams, nullptr, false); });
}
CUDASIM_API CUresult cuLaunchCooperativeKernel_ptsz(CUfunction f, unsigned int gx, unsigned int gy,
                                                    unsigned int gz, unsigned int bx,
                                                    unsigned int by, unsigned int bz,
                                                    unsigned int shared, CUstream h,
                                                    void** kernelParams) {
  return api(
      [&] { return launch(f, gx, gy, gz, bx, by, bz, shared, h, kernelParams, nullptr, true); });
}

extern "C" CUDASIM_EXPORT int cudasimRegisterKernel(const char* module, const char* name,
                                                    cudasimKernelFn fn, unsigned int nparams,
                                                    const size_t* paramOffsets,
                                                    const size_t* paramSizes) {
  try {
    return ModuleRegistry::instance().register_kernel(module, name, fn, nparams, paramOffsets,
                                                      paramSizes);
  } catch (...) {
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
}

extern "C" CUDASIM_EXPORT const void* cudasimModuleImage(const char* module) {
  try {
    return ModuleRegistry::instance().image(module);
  } catch (...) {
    // kernel.h promises a non-NULL pointer; without memory there is no better answer.
    static const char fallback = 0;
    return &fallback;
  }
}

// ---- Occupancy -------------------------------------------------------------------
// The emulated SM holds up to 2048 threads in up to 32 blocks; registers and
// shared memory never limit it further.

namespace {

CUresult max_active_blocks(int* numBlocks, CUfunction func, int blockSize) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  if (numBlocks == nullptr || blockSize <= 0 || blockSize > 1024) return CUDA_ERROR_INVALID_VALUE;
  if (d->function(func, Accept::kEither) == nullptr) return CUDA_ERROR_INVALID_HANDLE;
  *numBlocks = std::min(32, 2048 / blockSize);
  return CUDA_SUCCESS;
}

}  // namespace

CUDASIM_API CUresult cuOccupancyMaxActiveBlocksPerMultiprocessor(int* numBlocks, CUfunction func,
                                                                 int blockSize,
                                                                 size_t dynamicSMemSize) {
  return api([&] {
    (void)dynamicSMemSize;
    return max_active_blocks(numBlocks, func, blockSize);
  });
}

CUDASIM_API CUresult cuOccupancyMaxActiveBlocksPerMultiprocessorWithFlags(
    int* numBlocks, CUfunction func, int blockSize, size_t dynamicSMemSize, unsigned int flags) {
  return api([&] {
    (void)dynamicSMemSize;
    if (flags & ~CU_OCCUPANCY_DISABLE_CACHING_OVERRIDE) return CUDA_ERROR_INVALID_VALUE;
    return max_active_blocks(numBlocks, func, blockSize);
  });
}

CUDASIM_API CUresult cuOccupancyMaxPotentialBlockSize(int* minGridSize, int* blockSize,
                                                      CUfunction func,
                                                      CUoccupancyB2DSize blockSizeToDynamicSMemSize,
                                                      size_t dynamicSMemSize, int blockSizeLimit) {
  return api([&] {
    (void)blockSizeToDynamicSMemSize;
    (void)dynamicSMemSize;
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (minGridSize == nullptr || blockSize == nullptr || blockSizeLimit < 0)
      return CUDA_ERROR_INVALID_VALUE;
    if (d->function(func, Accept::kEither) == nullptr) return CUDA_ERROR_INVALID_HANDLE;
    const int block = blockSizeLimit == 0 ? 1024 : std::min(1024, blockSizeLimit);
    *blockSize = block;
    *minGridSize = 132 * std::min(32, 2048 / block);
    return CUDA_SUCCESS;
  });
}
