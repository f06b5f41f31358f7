#include "json_value.h"

#include <gtest/gtest.h>

namespace gpuswap::tools {
namespace {

TEST(JsonValue, ParsesNestedValuesAndKeepsLargeIntegersExact) {
  const JsonParseResult r = parse_json(
      R"( {"a": [1, 2.5, -3, true, false, null], "big": 18446744073709551615,
           "s": "q\"\\\n\u00e9", "o": {"x": {}}} )");
  ASSERT_TRUE(r.ok()) << r.error;
  const JsonValue& v = r.value;
  ASSERT_TRUE(v.is_object());
  const JsonValue::Array& a = v.find("a")->as_array();
  ASSERT_EQ(a.size(), 6u);
  EXPECT_EQ(a[0].as_integer(), 1u);
  EXPECT_DOUBLE_EQ(a[1].as_number(), 2.5);
  EXPECT_FALSE(a[2].is_integer());
  EXPECT_DOUBLE_EQ(a[2].as_number(), -3.0);
  EXPECT_TRUE(a[3].as_bool());
  EXPECT_FALSE(a[4].as_bool());
  EXPECT_TRUE(a[5].is_null());
  EXPECT_EQ(v.find("big")->as_integer(), 18446744073709551615ull);
  EXPECT_EQ(v.find("s")->as_string(), "q\"\\\n\xc3\xa9");
  EXPECT_TRUE(v.find("o")->find("x")->is_object());
  EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(JsonValue, RejectsMalformedText) {
  for (const char* text : {"", "{", "{\"a\":}", "[1,]", "{\"a\":1,}", "\"open", "tru", "1 2",
                           "{\"a\" 1}", "[1 2]", "-", "{a:1}", "\"\\x\""}) {
    EXPECT_FALSE(parse_json(text).ok()) << text;
  }
}

TEST(JsonValue, QuoteRoundTrips) {
  const std::string text = "tab\there \"quoted\" back\\slash \x01";
  const JsonParseResult r = parse_json(json_quote(text));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.as_string(), text);
}

}  // namespace
}  // namespace gpuswap::tools
