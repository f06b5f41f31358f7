#include "trainer.h"

#include "caching_allocator.h"
#include "plain_allocator.h"

namespace train_cnn {
namespace {

std::unique_ptr<DeviceAllocator> make_allocator(bool caching, DeviceUsage& usage) {
  if (caching) return std::make_unique<CachingAllocator>(usage);
  return std::make_unique<PlainAllocator>(usage);
}

UniqueHandle<void*, cudaFreeHost> pinned(std::size_t bytes) {
  void* ptr = nullptr;
  check_cuda(cudaMallocHost(&ptr, bytes), "cudaMallocHost", bytes);
  return UniqueHandle<void*, cudaFreeHost>(ptr);
}

// The context first: creating it is where a missing or broken device shows.
CudaContext create_context(DeviceUsage& usage) {
  CudaContext ctx = CudaContext::create();
  usage.sample();
  return ctx;
}

}  // namespace

Trainer::Trainer(const Options& options)
    : options_(options),
      ctx_(create_context(usage_)),
      allocator_(make_allocator(options.caching_allocator, usage_)),
      init_rng_(options.seed),
      network_(ctx_, *allocator_, options_, init_rng_),
      loss_(ctx_, *allocator_, options.batch, options.classes),
      sgd_(network_.parameters(), options.lr),
      data_(BatchShape{options.batch, options.channels, options.image, options.classes},
            options.seed),
      host_images_(pinned(data_.image_floats() * sizeof(float))),
      host_labels_(pinned(options.batch * sizeof(std::int32_t))) {}

Trainer::~Trainer() {
  // Work may still be queued when a failure unwinds a step; let it finish
  // before the tensors it uses are freed.
  cudaStreamSynchronize(ctx_.stream.get());
}

float Trainer::step(int step) {
  const cudaStream_t stream = ctx_.stream.get();
  auto* images = static_cast<float*>(host_images_.get());
  auto* labels = static_cast<std::int32_t*>(host_labels_.get());
  data_.fill(step, images, labels);

  const std::size_t image_bytes = data_.image_floats() * sizeof(float);
  const std::size_t label_bytes = options_.batch * sizeof(std::int32_t);
  images_ = DeviceBuffer(*allocator_, image_bytes);
  labels_ = DeviceBuffer(*allocator_, label_bytes);
  check_cuda(cudaMemcpyAsync(images_.get(), images, image_bytes, cudaMemcpyHostToDevice, stream),
             "cudaMemcpyAsync");
  check_cuda(cudaMemcpyAsync(labels_.get(), labels, label_bytes, cudaMemcpyHostToDevice, stream),
             "cudaMemcpyAsync");

  const float* logits = network_.forward(images_.f32());
  const float* dlogits =
      loss_.forward_backward(logits, static_cast<const std::int32_t*>(labels_.get()));
  network_.backward(dlogits);
  sgd_.step(stream);
  check_cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  usage_.sample();

  network_.end_step();
  loss_.end_step();
  labels_ = DeviceBuffer();
  images_ = DeviceBuffer();
  return loss_.loss();
}

}  // namespace train_cnn
