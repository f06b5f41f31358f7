// How a finalized graph runs on cudasim's engine: the record its kernel reads
// (data pointers still empty) and where each tensor's memory comes from, a
// variant-pack pointer or a slice of the workspace (virtual tensors).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "backend_operation_graph.h"
#include "graph_record.h"

namespace cudasim::dnn::backend {

struct GraphLayout {
  struct Slot {
    std::int64_t uid = 0;
    bool is_virtual = false;
    std::int64_t alignment = 1;
    std::size_t workspace_offset = 0;  // virtual tensors only
  };
  GraphRecord record;
  std::vector<Slot> slots;  // one per record tensor, same index
  // The record at the head, then each virtual tensor: never 0.
  std::size_t workspace_bytes = 0;
};

// NOT_SUPPORTED_* for graphs beyond the engine (not fp32, too many ops or
// tensors); otherwise SUCCESS and the layout.
cudnnStatus_t lay_out(const GraphValue& graph, GraphLayout* layout);

}  // namespace cudasim::dnn::backend
