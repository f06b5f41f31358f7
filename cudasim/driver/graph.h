// CUDA graphs, explicitly built or captured: kernel, memcpy, memset, host and
// empty nodes with their dependencies. An instantiated graph is a snapshot of its nodes; a
// launch enqueues them on the stream in an order where each node follows its
// dependencies (stream order then gives every dependency edge).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "cuda_api.h"
#include "launch.h"
#include "stream.h"

namespace cudasim {

class Context;
class Driver;
struct Function;

struct GraphNode {
  CUgraphNodeType type = CU_GRAPH_NODE_TYPE_EMPTY;
  std::vector<const GraphNode*> deps;
  // Kernel nodes: the parameters were copied when the node was added.
  Function* function = nullptr;
  bool by_kern = false;  // made with `kern` alone (`func` null), and read back so
  cudasimLaunch dims{};
  std::shared_ptr<ParamBlock> params;
  CUDA_MEMSET_NODE_PARAMS memset{};
  // Checked when the node is added, and again at each launch (the memory it
  // names may have been unmapped or freed since).
  CUDA_MEMCPY3D memcpy{};
  CUDA_HOST_NODE_PARAMS host{};
  // Other work captured from a stream (host functions, stream-ordered
  // frees, ...): run as it was issued.
  std::shared_ptr<const Op> op;
};

class Graph {
 public:
  // Dependencies must be nodes of this graph (CUDA_ERROR_INVALID_VALUE).
  CUresult add(std::unique_ptr<GraphNode> node, const CUgraphNode* deps, std::size_t ndeps,
               CUgraphNode* out);
  bool owns(const void* node) const;
  std::vector<CUgraphNode> nodes() const;
  // Copies of the nodes, each after its dependencies (insertion order, since
  // a node's dependencies exist before it).
  std::vector<GraphNode> snapshot() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<GraphNode>> nodes_;
};

class GraphExec {
 public:
  explicit GraphExec(std::vector<GraphNode> nodes) : nodes_(std::move(nodes)) {}
  CUresult launch(Driver& d, Context& ctx, const std::shared_ptr<Stream>& s) const;

 private:
  std::vector<GraphNode> nodes_;
};

}  // namespace cudasim
