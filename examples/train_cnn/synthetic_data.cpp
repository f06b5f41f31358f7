#include "synthetic_data.h"

#include "lcg.h"

namespace train_cnn {

std::size_t SyntheticData::image_floats() const {
  return static_cast<std::size_t>(shape_.batch) * shape_.channels * shape_.image * shape_.image;
}

void SyntheticData::fill(int step, float* images, std::int32_t* labels) const {
  Lcg rng(seed_ * 1000003ull + static_cast<std::uint64_t>(step));
  const int plane = shape_.image * shape_.image;
  const int bands = shape_.classes < shape_.image ? shape_.classes : shape_.image;
  for (int n = 0; n < shape_.batch; ++n) {
    const int label = static_cast<int>(rng.next() % static_cast<std::uint32_t>(shape_.classes));
    labels[n] = label;
    const int signal_channel = label % shape_.channels;
    float* sample = images + static_cast<std::size_t>(n) * shape_.channels * plane;
    for (int c = 0; c < shape_.channels; ++c) {
      for (int y = 0; y < shape_.image; ++y) {
        // Rows are split into `bands` bands; the label's band is lit.
        const bool lit = c == signal_channel && y * bands / shape_.image == label % bands;
        for (int x = 0; x < shape_.image; ++x) {
          const float noise = 0.2f * rng.symmetric();
          sample[(c * shape_.image + y) * shape_.image + x] = lit ? noise + 1.0f : noise;
        }
      }
    }
  }
}

}  // namespace train_cnn
