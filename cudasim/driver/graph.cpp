#include "graph.h"

#include <algorithm>

#include "context.h"
#include "copy.h"
#include "driver.h"
#include "fill.h"

namespace cudasim {

CUresult Graph::add(std::unique_ptr<GraphNode> node, const CUgraphNode* deps, std::size_t ndeps,
                    CUgraphNode* out) {
  if (out == nullptr || (ndeps > 0 && deps == nullptr)) return CUDA_ERROR_INVALID_VALUE;
  std::lock_guard lock(mu_);
  for (std::size_t i = 0; i < ndeps; ++i) {
    const auto* dep = reinterpret_cast<const GraphNode*>(deps[i]);
    const bool mine =
        std::any_of(nodes_.begin(), nodes_.end(), [&](const auto& n) { return n.get() == dep; });
    if (!mine) return CUDA_ERROR_INVALID_VALUE;
    node->deps.push_back(dep);
  }
  *out = reinterpret_cast<CUgraphNode>(node.get());
  nodes_.push_back(std::move(node));
  return CUDA_SUCCESS;
}

bool Graph::owns(const void* node) const {
  std::lock_guard lock(mu_);
  return std::any_of(nodes_.begin(), nodes_.end(), [&](const auto& n) { return n.get() == node; });
}

std::vector<CUgraphNode> Graph::nodes() const {
  std::lock_guard lock(mu_);
  std::vector<CUgraphNode> out;
  for (const auto& n : nodes_) out.push_back(reinterpret_cast<CUgraphNode>(n.get()));
  return out;
}

std::vector<GraphNode> Graph::snapshot(std::vector<CUgraphNode>* origins) const {
  std::lock_guard lock(mu_);
  std::vector<GraphNode> out;
  for (const auto& n : nodes_) {
    out.push_back(*n);
    if (origins != nullptr) origins->push_back(reinterpret_cast<CUgraphNode>(n.get()));
  }
  return out;
}

CUresult GraphExec::set_node(CUgraphNode origin, const GraphNode& node) {
  std::lock_guard lock(mu_);
  for (std::size_t i = 0; i < origins_.size(); ++i) {
    if (origins_[i] != origin) continue;
    GraphNode& n = nodes_[i];
    if (n.type != node.type || n.op) return CUDA_ERROR_INVALID_VALUE;
    n.function = node.function;
    n.by_kern = node.by_kern;
    n.dims = node.dims;
    n.params = node.params;
    n.memset = node.memset;
    n.memcpy = node.memcpy;
    return CUDA_SUCCESS;
  }
  return CUDA_ERROR_INVALID_VALUE;
}

CUresult GraphExec::update(const std::vector<GraphNode>& nodes,
                           const std::vector<CUgraphNode>& origins,
                           CUgraphExecUpdateResultInfo* info) {
  std::lock_guard lock(mu_);
  const auto answer = [&](CUgraphExecUpdateResult result, CUgraphNode node) {
    if (info != nullptr) *info = CUgraphExecUpdateResultInfo{result, node, nullptr};
    return result == CU_GRAPH_EXEC_UPDATE_SUCCESS ? CUDA_SUCCESS
                                                  : CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE;
  };
  if (nodes.size() != nodes_.size()) {
    return answer(CU_GRAPH_EXEC_UPDATE_ERROR_TOPOLOGY_CHANGED, nullptr);
  }
  // A node's dependencies as positions in its own graph's node list.
  const auto positions = [](const GraphNode& n, const std::vector<CUgraphNode>& handles) {
    std::vector<std::size_t> out;
    for (const GraphNode* dep : n.deps) {
      const auto at = std::find(handles.begin(), handles.end(),
                                reinterpret_cast<CUgraphNode>(const_cast<GraphNode*>(dep)));
      out.push_back(static_cast<std::size_t>(at - handles.begin()));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const GraphNode& now = nodes_[i];
    const GraphNode& next = nodes[i];
    if (now.type != next.type || (now.op != nullptr) != (next.op != nullptr)) {
      return answer(CU_GRAPH_EXEC_UPDATE_ERROR_NODE_TYPE_CHANGED, origins[i]);
    }
    if (positions(now, origins_) != positions(next, origins)) {
      return answer(CU_GRAPH_EXEC_UPDATE_ERROR_TOPOLOGY_CHANGED, origins[i]);
    }
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    GraphNode& n = nodes_[i];
    const GraphNode& next = nodes[i];
    n.function = next.function;
    n.by_kern = next.by_kern;
    n.dims = next.dims;
    n.params = next.params;
    n.memset = next.memset;
    n.memcpy = next.memcpy;
    n.host = next.host;
    n.op = next.op;
  }
  return answer(CU_GRAPH_EXEC_UPDATE_SUCCESS, nullptr);
}

CUresult GraphExec::launch(Driver& d, Context& ctx, const std::shared_ptr<Stream>& s) const {
  std::lock_guard lock(mu_);
  // Build every operation first, so that a bad node enqueues nothing.
  std::vector<Op> ops;
  for (const GraphNode& n : nodes_) {
    if (n.op) {
      ops.push_back(*n.op);
      continue;
    }
    Op op;
    switch (n.type) {
      case CU_GRAPH_NODE_TYPE_KERNEL:
        op = make_kernel_op(*n.function->kernel, n.dims, n.params);
        break;
      case CU_GRAPH_NODE_TYPE_MEMSET:
        if (CUresult rc = make_fill_op(d, n.memset.dst, n.memset.pitch, n.memset.value,
                                       n.memset.elementSize, n.memset.width, n.memset.height, &op);
            rc != CUDA_SUCCESS) {
          return rc;
        }
        break;
      case CU_GRAPH_NODE_TYPE_MEMCPY: {
        CopyPlan plan;
        if (CUresult rc = plan_copy(d, n.memcpy, &plan); rc != CUDA_SUCCESS) return rc;
        if (plan.segments.empty()) continue;
        op = make_copy_op(d, ctx, std::move(plan));
        break;
      }
      case CU_GRAPH_NODE_TYPE_HOST:
        op.label = "host function";
        op.host = [fn = n.host.fn, user = n.host.userData](CUresult status) {
          if (status == CUDA_SUCCESS) fn(user);
        };
        break;
      default:
        continue;
    }
    if (op.work || op.host) ops.push_back(std::move(op));
  }
  for (Op& op : ops) ctx.enqueue(s, std::move(op));
  return CUDA_SUCCESS;
}

}  // namespace cudasim
