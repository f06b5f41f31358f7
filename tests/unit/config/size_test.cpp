#include "gpuswap/config/size.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace gpuswap::config {
namespace {

constexpr std::uint64_t kMiB = 1ull << 20;
constexpr std::uint64_t kGiB = 1ull << 30;

std::uint64_t bytes_of(std::string_view text) {
  const auto size = parse_size(text);
  EXPECT_TRUE(size.has_value()) << text;
  if (!size) return 0;
  EXPECT_FALSE(size->is_percent()) << text;
  return size->byte_count();
}

TEST(Size, BinaryUnitsArePowersOf1024) {
  EXPECT_EQ(bytes_of("7B"), 7u);
  EXPECT_EQ(bytes_of("3KiB"), 3ull * 1024);
  EXPECT_EQ(bytes_of("512MiB"), 512 * kMiB);
  EXPECT_EQ(bytes_of("12GiB"), 12 * kGiB);
  EXPECT_EQ(bytes_of("2TiB"), 2048 * kGiB);
}

TEST(Size, DecimalUnitsArePowersOf1000) {
  EXPECT_EQ(bytes_of("3KB"), 3000u);
  EXPECT_EQ(bytes_of("3kB"), 3000u);
  EXPECT_EQ(bytes_of("5MB"), 5'000'000u);
  EXPECT_EQ(bytes_of("12GB"), 12'000'000'000u);
  EXPECT_EQ(bytes_of("1TB"), 1'000'000'000'000u);
}

TEST(Size, PlainNumberIsBytes) {
  EXPECT_EQ(bytes_of("4096"), 4096u);
  EXPECT_EQ(bytes_of("0"), 0u);
  EXPECT_EQ(bytes_of("18446744073709551615"), std::numeric_limits<std::uint64_t>::max());
}

TEST(Size, FractionsRoundDownToWholeBytes) {
  EXPECT_EQ(bytes_of("1.5GiB"), kGiB + kGiB / 2);
  EXPECT_EQ(bytes_of("1.5GB"), 1'500'000'000u);
  EXPECT_EQ(bytes_of("0.25MiB"), kMiB / 4);
  EXPECT_EQ(bytes_of("1.0001KB"), 1000u);  // 1000.1 bytes
  EXPECT_EQ(bytes_of("0.1KiB"), 102u);     // 102.4 bytes
}

TEST(Size, BlanksAroundAndBeforeTheUnitAreAccepted) {
  EXPECT_EQ(bytes_of(" 512 MiB "), 512 * kMiB);
}

TEST(Size, Percentages) {
  const auto seventy = parse_size("70%");
  ASSERT_TRUE(seventy);
  ASSERT_TRUE(seventy->is_percent());
  EXPECT_DOUBLE_EQ(seventy->percent_value(), 70.0);
  EXPECT_EQ(seventy->resolve(1000), 700u);
  const auto fraction = parse_size("12.5%");
  ASSERT_TRUE(fraction);
  EXPECT_EQ(fraction->resolve(8 * kGiB), kGiB);
  EXPECT_EQ(parse_size("33%")->resolve(10), 3u);  // rounds down
  EXPECT_EQ(parse_size("250%")->resolve(4), 10u);
  EXPECT_EQ(parse_size("200%")->resolve(std::numeric_limits<std::uint64_t>::max()),
            std::numeric_limits<std::uint64_t>::max());
}

TEST(Size, AbsoluteSizesIgnoreTheBase) {
  EXPECT_EQ(parse_size("2MiB")->resolve(12345), 2 * kMiB);
}

TEST(Size, RejectsMalformedText) {
  for (const char* bad : {"",
                          " ",
                          "MiB",
                          "12GB!",
                          "-1MiB",
                          "+5MiB",
                          "1e3",
                          "1.5",
                          "1.MiB",
                          ".5MiB",
                          "12 G",
                          "12M",
                          "12mib",
                          "12GiBs",
                          "0x10",
                          "5 %%",
                          "%",
                          "ten MiB",
                          "1,5GiB",
                          "18446744073709551616",
                          "20000000TiB",
                          "-5%"}) {
    EXPECT_FALSE(parse_size(bad).has_value()) << '"' << bad << '"';
  }
}

TEST(Size, ToStringIsExactAndRoundTrips) {
  EXPECT_EQ(format_bytes(2 * kMiB), "2MiB");
  EXPECT_EQ(format_bytes(1536ull * 1024), "1536KiB");
  EXPECT_EQ(format_bytes(100), "100B");
  EXPECT_EQ(format_bytes(0), "0B");
  EXPECT_EQ(format_bytes(3072 * kGiB), "3TiB");
  EXPECT_EQ(to_string(Size::percent(70)), "70%");
  EXPECT_EQ(to_string(Size::percent(12.5)), "12.5%");
  for (const Size size : {Size::bytes(12 * kGiB), Size::bytes(12345), Size::bytes(1536ull * 1024),
                          Size::percent(12.5), Size::percent(100)}) {
    EXPECT_EQ(parse_size(to_string(size)), size) << to_string(size);
  }
}

}  // namespace
}  // namespace gpuswap::config
