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
  // `origins`, when given, gets each copy's node handle.
  std::vector<GraphNode> snapshot(std::vector<CUgraphNode>* origins = nullptr) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<GraphNode>> nodes_;
};

class GraphExec {
 public:
  // `origins[i]` is the graph node that nodes[i] was copied from.
  GraphExec(std::vector<GraphNode> nodes, std::vector<CUgraphNode> origins)
      : nodes_(std::move(nodes)), origins_(std::move(origins)) {}
  CUresult launch(Driver& d, Context& ctx, const std::shared_ptr<Stream>& s) const;
  // cuGraphExec{Kernel,Memset,Memcpy}NodeSetParams and
  // cuGraphExecNodeSetParams: later launches run the node copied from
  // `origin` with `node`'s parameters. CUDA_ERROR_INVALID_VALUE when
  // `origin` is no node of this graph of `node`'s type (nodes captured from
  // a stream as work of another kind included).
  CUresult set_node(CUgraphNode origin, const GraphNode& node);
  // cuGraphExecUpdate: `nodes` (a snapshot of another graph, `origins` its
  // node handles) pair with this executable's nodes in order. They must be
  // as many, of the same types, with the same dependencies (by position);
  // then later launches run their parameters. Otherwise nothing changes,
  // `info` (when given) says why, and the answer is
  // CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE.
  CUresult update(const std::vector<GraphNode>& nodes, const std::vector<CUgraphNode>& origins,
                  CUgraphExecUpdateResultInfo* info);

 private:
  mutable std::mutex mu_;  // updates against launches
  std::vector<GraphNode> nodes_;
  const std::vector<CUgraphNode> origins_;
};

}  // namespace cudasim
