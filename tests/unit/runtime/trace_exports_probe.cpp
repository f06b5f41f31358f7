// A shared object built like libgpuswap.so from the runtime's log and trace
// code; trace_exports_check.cmake inspects what it exports and needs.
#include "gpuswap/runtime/log.h"
#include "gpuswap/runtime/trace_writer.h"

extern "C" __attribute__((visibility("default"))) int gpuswap_trace_probe(const char* path) {
  using namespace gpuswap;
  runtime::log::warn(runtime::log::Subsystem::runtime, "probe {} {}", path, 1.5);
  runtime::TraceWriter writer(config::TraceConfig{path, config::TraceLevel::full});
  runtime::TraceEvent event;
  event.kind = runtime::TraceKind::evict;
  writer.emit(event);
  return writer.enabled() ? 0 : 1;
}
