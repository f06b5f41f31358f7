#include "operands.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace gpuswap::interpose {
namespace {

TEST(ScalarIsZero, ReadsTheValueAtItsOwnWidth) {
  const float f_zero = 0.0f, f_neg_zero = -0.0f, f_one = 1.0f;
  EXPECT_TRUE(scalar_is_zero(&f_zero, Scalar::f32));
  EXPECT_TRUE(scalar_is_zero(&f_neg_zero, Scalar::f32));
  EXPECT_FALSE(scalar_is_zero(&f_one, Scalar::f32));
  // 1.0 as a double has four zero low bytes: read as float it would look zero.
  const double d_one = 1.0, d_zero = 0.0;
  EXPECT_FALSE(scalar_is_zero(&d_one, Scalar::f64));
  EXPECT_TRUE(scalar_is_zero(&d_zero, Scalar::f64));
  const std::uint16_t half_neg_zero = 0x8000, half_one = 0x3c00;
  EXPECT_TRUE(scalar_is_zero(&half_neg_zero, Scalar::f16));
  EXPECT_FALSE(scalar_is_zero(&half_one, Scalar::f16));
  const std::int32_t i_zero = 0, i_two = 2;
  EXPECT_TRUE(scalar_is_zero(&i_zero, Scalar::i32));
  EXPECT_FALSE(scalar_is_zero(&i_two, Scalar::i32));
}

TEST(ScalarIsZero, UnknownOrMissingIsNeverZero) {
  const double zero = 0.0;
  EXPECT_FALSE(scalar_is_zero(&zero, Scalar::unknown));
  EXPECT_FALSE(scalar_is_zero(nullptr, Scalar::f32));
  EXPECT_EQ(output_access(&zero, Scalar::unknown), Access::write);
  EXPECT_EQ(output_access(&zero, Scalar::f64), Access::overwrite);
}

TEST(Operands, DropsNullPointersAndStopsAtCapacity) {
  Operands ops;
  ops.add(nullptr, 16, Access::read);
  EXPECT_TRUE(ops.items().empty());
  int storage[Operands::kCapacity + 2] = {};
  for (int& slot : storage) ops.add(&slot, sizeof(slot), Access::read);
  ASSERT_EQ(ops.items().size(), Operands::kCapacity);
  EXPECT_EQ(ops.items().back().ptr, &storage[Operands::kCapacity - 1]);
  EXPECT_FALSE(ops.indirect());
}

}  // namespace
}  // namespace gpuswap::interpose
