// cudasim implementation of kernels.h: each kernel is a host function that
// walks the whole grid, registered with cudasim's driver under the module
// "train_cnn" and bound to a host symbol in cudasim's runtime, then launched
// through cudaLaunchKernel exactly like nvcc-generated host code launches.
#include <dlfcn.h>

#include <cmath>
#include <cstdint>

#include "cudasim/kernel.h"
#include "kernels.h"

namespace train_cnn {
namespace {

constexpr const char* kModule = "train_cnn";
constexpr unsigned kThreads = 256;

// The addresses cudaLaunchKernel receives. nvcc uses each kernel's host stub;
// any distinct host address serves, and objects guarantee distinct addresses.
char softmax_xent_symbol;
char mean_loss_symbol;
char sgd_symbol;

unsigned blocks_for(int count) {
  return static_cast<unsigned>((static_cast<long long>(count) + kThreads - 1) / kThreads);
}

std::uint64_t threads_of(const cudasimLaunch* launch) {
  return std::uint64_t{launch->grid.x} * launch->block.x;
}

void softmax_xent(const cudasimLaunch* launch, void** args) {
  const auto* logits = cudasim::arg<const float*>(args, 0);
  const auto* labels = cudasim::arg<const std::int32_t*>(args, 1);
  auto* dlogits = cudasim::arg<float*>(args, 2);
  auto* sample_loss = cudasim::arg<float*>(args, 3);
  const int batch = cudasim::arg<int>(args, 4);
  const int classes = cudasim::arg<int>(args, 5);
  const std::uint64_t threads = threads_of(launch);
  for (std::uint64_t t = 0; t < threads && t < static_cast<std::uint64_t>(batch); ++t) {
    const int n = static_cast<int>(t);
    const float* row = logits + static_cast<std::size_t>(n) * classes;
    float* grad = dlogits + static_cast<std::size_t>(n) * classes;
    const int label = labels[n];
    float max = row[0];
    for (int j = 1; j < classes; ++j) max = row[j] > max ? row[j] : max;
    float sum = 0.0f;
    for (int j = 0; j < classes; ++j) sum = sum + std::exp(row[j] - max);
    sample_loss[n] = std::log(sum) - (row[label] - max);
    const float inv_batch = 1.0f / static_cast<float>(batch);
    for (int j = 0; j < classes; ++j) {
      const float p = std::exp(row[j] - max) / sum;
      grad[j] = (p - (j == label ? 1.0f : 0.0f)) * inv_batch;
    }
  }
}

void mean_loss(const cudasimLaunch* launch, void** args) {
  if (threads_of(launch) == 0) return;
  const auto* sample_loss = cudasim::arg<const float*>(args, 0);
  auto* loss = cudasim::arg<float*>(args, 1);
  const int batch = cudasim::arg<int>(args, 2);
  float sum = 0.0f;
  for (int n = 0; n < batch; ++n) sum = sum + sample_loss[n];
  loss[0] = sum / static_cast<float>(batch);
}

void sgd(const cudasimLaunch* launch, void** args) {
  auto* param = cudasim::arg<float*>(args, 0);
  const auto* grad = cudasim::arg<const float*>(args, 1);
  const float lr = cudasim::arg<float>(args, 2);
  const int count = cudasim::arg<int>(args, 3);
  const std::uint64_t threads = threads_of(launch);
  for (std::uint64_t i = 0; i < threads && i < static_cast<std::uint64_t>(count); ++i) {
    const float step = lr * grad[i];
    param[i] = param[i] - step;
  }
}

template <typename... Params>
bool add_kernel(cudasimRegisterKernel_t register_kernel, cudasimRegisterFunction_t bind,
                const void* symbol, const char* name, cudasimKernelFn fn, std::string& why) {
  using Layout = cudasim::ParamLayout<Params...>;
  if (const int status = register_kernel(kModule, name, fn, Layout::count, Layout::offsets.data(),
                                         Layout::sizes.data());
      status != 0) {
    why = std::string("cudasimRegisterKernel(") + name + ") returned " + std::to_string(status);
    return false;
  }
  if (const int status = bind(symbol, kModule, name); status != 0) {
    why = std::string("cudasimRegisterFunction(") + name + ") returned " + std::to_string(status);
    return false;
  }
  return true;
}

cudaError_t launch(const void* symbol, unsigned blocks, void** args, cudaStream_t stream) {
  return cudaLaunchKernel(symbol, dim3(blocks), dim3(kThreads), args, 0, stream);
}

}  // namespace

bool prepare_kernels(std::string& why) {
  // The driver exports cudasimRegisterKernel, the runtime cudasimRegisterFunction;
  // both are found at run time so that this program links like any CUDA program.
  void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (driver == nullptr) {
    why = std::string("cannot load libcuda.so.1: ") + dlerror();
    return false;
  }
  const auto register_kernel =
      reinterpret_cast<cudasimRegisterKernel_t>(dlsym(driver, "cudasimRegisterKernel"));
  const auto bind =
      reinterpret_cast<cudasimRegisterFunction_t>(dlsym(RTLD_DEFAULT, "cudasimRegisterFunction"));
  if (register_kernel == nullptr || bind == nullptr) {
    why =
        "this build runs on cudasim only (libcuda.so.1 or libcudart.so.13 lacks the cudasim "
        "kernel entry points); use train_cnn_gpu on a real GPU";
    return false;
  }
  return add_kernel<const float*, const std::int32_t*, float*, float*, int, int>(
             register_kernel, bind, &softmax_xent_symbol, "softmax_xent", softmax_xent, why) &&
         add_kernel<const float*, float*, int>(register_kernel, bind, &mean_loss_symbol,
                                               "mean_loss", mean_loss, why) &&
         add_kernel<float*, const float*, float, int>(register_kernel, bind, &sgd_symbol, "sgd",
                                                      sgd, why);
}

cudaError_t launch_softmax_xent(const float* logits, const std::int32_t* labels, float* dlogits,
                                float* sample_loss, int batch, int classes, cudaStream_t stream) {
  void* args[] = {&logits, &labels, &dlogits, &sample_loss, &batch, &classes};
  return launch(&softmax_xent_symbol, blocks_for(batch), args, stream);
}

cudaError_t launch_mean_loss(const float* sample_loss, float* loss, int batch,
                             cudaStream_t stream) {
  void* args[] = {&sample_loss, &loss, &batch};
  return cudaLaunchKernel(&mean_loss_symbol, dim3(1), dim3(1), args, 0, stream);
}

cudaError_t launch_sgd(float* param, const float* grad, float lr, int count, cudaStream_t stream) {
  void* args[] = {&param, &grad, &lr, &count};
  return launch(&sgd_symbol, blocks_for(count), args, stream);
}

}  // namespace train_cnn
