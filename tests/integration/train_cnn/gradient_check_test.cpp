// The trainer's backward pass against finite differences: every gradient the
// network computes (conv weights and biases through two blocks, classifier
// weights and bias) must match (L(w + h) - L(w - h)) / 2h of the loss the
// forward pass computes. A wrong transpose, operand or scale in any backward
// call shows here even when training would still limp downhill.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "cuda_check.h"
#include "cuda_handles.h"
#include "device_usage.h"
#include "kernels.h"
#include "network.h"
#include "plain_allocator.h"
#include "softmax_cross_entropy.h"
#include "synthetic_data.h"

namespace train_cnn {
namespace {

class GradientCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    ASSERT_TRUE(prepare_kernels(why)) << why;
    options_.batch = 3;
    options_.image = 8;
    options_.channels = 2;
    options_.classes = 4;
    options_.widths = {3, 4};
  }

  Options options_;
};

float read(const float* device) {
  float value = 0;
  check_cuda(cudaMemcpy(&value, device, sizeof value, cudaMemcpyDeviceToHost), "cudaMemcpy");
  return value;
}

void write(float* device, float value) {
  check_cuda(cudaMemcpy(device, &value, sizeof value, cudaMemcpyHostToDevice), "cudaMemcpy");
}

TEST_F(GradientCheck, BackwardMatchesFiniteDifferences) {
  CudaContext ctx = CudaContext::create();
  DeviceUsage usage;
  PlainAllocator allocator(usage);
  Lcg rng(11);
  Network network(ctx, allocator, options_, rng);
  SoftmaxCrossEntropy loss(ctx, allocator, options_.batch, options_.classes);

  const SyntheticData data(
      BatchShape{options_.batch, options_.channels, options_.image, options_.classes}, 5);
  std::vector<float> images(data.image_floats());
  std::vector<std::int32_t> labels(options_.batch);
  data.fill(0, images.data(), labels.data());
  DeviceBuffer device_images(allocator, images.size() * sizeof(float));
  DeviceBuffer device_labels(allocator, labels.size() * sizeof(std::int32_t));
  check_cuda(
      cudaMemcpy(device_images.get(), images.data(), device_images.bytes(), cudaMemcpyHostToDevice),
      "cudaMemcpy");
  check_cuda(
      cudaMemcpy(device_labels.get(), labels.data(), device_labels.bytes(), cudaMemcpyHostToDevice),
      "cudaMemcpy");
  const auto* label_ptr = static_cast<const std::int32_t*>(device_labels.get());

  // One pass; with `backward` the parameter gradients are filled too.
  auto pass = [&](bool backward) {
    const float* dlogits = loss.forward_backward(network.forward(device_images.f32()), label_ptr);
    if (backward) network.backward(dlogits);
    check_cuda(cudaStreamSynchronize(ctx.stream.get()), "cudaStreamSynchronize");
    network.end_step();
    loss.end_step();
    return loss.loss();
  };

  const float base = pass(true);
  ASSERT_TRUE(std::isfinite(base));
  const std::vector<Parameter> parameters = network.parameters();
  ASSERT_EQ(parameters.size(), 6u);  // two conv blocks and the classifier, weight and bias each

  std::vector<std::vector<float>> analytic;
  for (const Parameter& p : parameters) {
    std::vector<float> grad(p.count);
    check_cuda(cudaMemcpy(grad.data(), p.grad, grad.size() * sizeof(float), cudaMemcpyDeviceToHost),
               "cudaMemcpy");
    analytic.push_back(std::move(grad));
  }

  constexpr float kStep = 1e-3f;
  int checked = 0;
  int mismatched = 0;
  double largest = 0;
  for (std::size_t t = 0; t < parameters.size(); ++t) {
    const Parameter& p = parameters[t];
    for (int i = 0; i < p.count; ++i) {
      float* at = p.value + i;
      const float original = read(at);
      write(at, original + kStep);
      const float up = pass(false);
      write(at, original - kStep);
      const float down = pass(false);
      write(at, original);
      const double numeric = (static_cast<double>(up) - down) / (2.0 * kStep);
      const double expected = analytic[t][i];
      largest = std::max(largest, std::abs(expected));
      // A ReLU or max-pool switch inside +-h can spoil a single difference;
      // tolerate a few, never a systematic error.
      if (std::abs(numeric - expected) > 2e-3 + 0.05 * std::abs(expected)) {
        ++mismatched;
        std::printf("parameter %zu[%d]: analytic %.6g, numeric %.6g\n", t, i, expected, numeric);
      }
      ++checked;
    }
  }
  EXPECT_GT(largest, 1e-2) << "gradients vanish: the check would prove nothing";
  EXPECT_LE(mismatched, checked / 50) << mismatched << " of " << checked << " differ";
}

}  // namespace
}  // namespace train_cnn
