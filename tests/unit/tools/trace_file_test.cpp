#include "trace_file.h"

#include <gtest/gtest.h>

#include <sstream>

#include "trace_test_support.h"

namespace gpuswap::tools {
namespace {

using runtime::TraceKind;

TraceReadResult read(const std::string& text) {
  std::istringstream in(text);
  return read_trace(in, "t.jsonl");
}

const std::string kHeader = R"({"gpuswap_trace":1,"pid":1,"start":2})"
                            "\n";

TEST(TraceFile, BadFilesGiveAnErrorWithTheLine) {
  const struct {
    std::string text;
    std::string error;
  } cases[] = {
      {"", "t.jsonl: empty file, not a gpuswap trace"},
      {"hello\n", "t.jsonl:1: not JSON"},
      {R"({"pid":1})"
       "\n",
       "t.jsonl:1: not a gpuswap trace"},
      {R"({"gpuswap_trace":2,"pid":1,"start":2})"
       "\n",
       "t.jsonl:1: trace format version 2"},
      {kHeader + R"({"t":1,"ev":"teleport"})"
                 "\n",
       "t.jsonl:2: unknown record kind \"teleport\""},
      {kHeader + "\n" +
           R"({"t":1,"ev":"evict","reason":"whim"})"
           "\n",
       "t.jsonl:3: unknown reason \"whim\""},
      {kHeader + R"({"ev":"evict"})"
                 "\n",
       "t.jsonl:2: missing \"t\""},
      {kHeader + R"({"t":-4,"ev":"evict"})"
                 "\n",
       "t.jsonl:2: \"t\" is not a non-negative"},
      {kHeader + R"({"t":1,"ev":"op","name":"k","stream":0})"
                 "\n",
       "t.jsonl:2: op record without"},
      {kHeader + "[1]\n", "t.jsonl:2: not a JSON object"},
      {kHeader + "{\"t\":1,\"ev\"\n" +
           R"({"t":1,"ev":"evict"})"
           "\n",
       "t.jsonl:2: not JSON"},
  };
  for (const auto& c : cases) {
    const TraceReadResult r = read(c.text);
    EXPECT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error.rfind(c.error, 0), 0u) << "got: " << r.error << "\nwant: " << c.error;
  }
}

TEST(TraceFile, ALastLineCutShortIsLeftOutAndFlagged) {
  const TraceReadResult r = read(kHeader +
                                 R"({"t":1,"ev":"evict","region":3,"bytes":8,"dur":1})"
                                 "\n" +
                                 R"({"t":2,"ev":"rest)");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.trace.truncated);
  ASSERT_EQ(r.trace.events.size(), 1u);
  EXPECT_EQ(r.trace.events[0].region, 3u);
  EXPECT_FALSE(r.trace.end.has_value());
}

TEST(TraceFile, ContinuationRecordsExtendTheirOp) {
  const TraceReadResult r =
      read(kHeader +
           R"({"t":1,"ev":"op","name":"k","stream":5,"regions":[1,2]})"
           "\n" +
           R"({"t":1,"ev":"op","name":"g","stream":6,"regions":[9]})"
           "\n" +
           R"({"t":1,"ev":"op","name":"k","stream":5,"regions":[3],"cont":true})"
           "\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.trace.events.size(), 2u);
  EXPECT_EQ(r.trace.events[0].regions, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(r.trace.events[1].regions, (std::vector<std::uint64_t>{9}));
}

TEST(TraceFile, MissingFileIsAnError) {
  const TraceReadResult r = read_trace_file("/nonexistent/dir/trace.jsonl");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace gpuswap::tools
