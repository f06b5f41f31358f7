// Exports a swap trace to the Chrome trace-event format (JSON object form),
// which Perfetto and chrome://tracing open: transfers as duration events on
// "evict" and "restore" tracks, stalls and scheduler waits on their own
// tracks, the rest as instant events, and a "resident bytes" counter when the
// trace has the allocations it is derived from.
#pragma once

#include <string>

#include "trace_file.h"

namespace gpuswap::tools {

std::string to_chrome_trace(const TraceFile& trace);

}  // namespace gpuswap::tools
