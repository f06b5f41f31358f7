// CUDA graphs built node by node (stream capture is in api_stream.cpp).
#include <cstring>

#include "api_common.h"
#include "copy.h"
#include "fill.h"
#include "graph.h"

using namespace cudasim;

namespace {

CUresult find_graph(CUgraph h, Driver** d, std::shared_ptr<Graph>* g) {
  if (CUresult rc = get_driver(d); rc != CUDA_SUCCESS) return rc;
  *g = (*d)->graphs.find(h);
  return *g ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

// The node a handle names, if any graph holds it.
GraphNode* find_node(Driver* d, CUgraphNode h) {
  GraphNode* found = nullptr;
  d->graphs.for_each([&](const std::shared_ptr<Graph>& g) {
    if (found == nullptr && g->owns(h)) found = reinterpret_cast<GraphNode*>(h);
  });
  return found;
}

// A kernel node from CUDA_KERNEL_NODE_PARAMS (either version), checked as
// cuLaunchKernel checks its arguments; its parameters are copied.
template <typename Params>
CUresult make_kernel_node(Driver* d, const Params& p, GraphNode* out) {
  bool by_kern = false;
  CUfunction func = p.func;
  if constexpr (requires { p.kern; }) {
    by_kern = p.func == nullptr;
    if (by_kern) func = reinterpret_cast<CUfunction>(p.kern);
  }
  // A CUfunction or a CUkernel, as for cuLaunchKernel.
  Function* f = d->function(func, Accept::kEither);
  if (f == nullptr) return CUDA_ERROR_INVALID_VALUE;
  const cudasimLaunch dims{{p.gridDimX, p.gridDimY, p.gridDimZ},
                           {p.blockDimX, p.blockDimY, p.blockDimZ},
                           p.sharedMemBytes};
  if (CUresult rc = check_launch_dims(dims.grid.x, dims.grid.y, dims.grid.z, dims.block.x,
                                      dims.block.y, dims.block.z, dims.sharedMemBytes);
      rc != CUDA_SUCCESS) {
    return rc;
  }
  std::unique_ptr<ParamBlock> block;
  if (CUresult rc = ParamBlock::build(*f->kernel, p.kernelParams, p.extra, &block);
      rc != CUDA_SUCCESS)
    return rc;
  out->type = CU_GRAPH_NODE_TYPE_KERNEL;
  out->function = f;
  out->by_kern = by_kern;
  out->dims = dims;
  out->params = std::move(block);
  return CUDA_SUCCESS;
}

template <typename Params>
CUresult add_kernel_node(CUgraphNode* ph, CUgraph hg, const CUgraphNode* deps, size_t n,
                         const Params* p) {
  Driver* d = nullptr;
  std::shared_ptr<Graph> g;
  if (CUresult rc = find_graph(hg, &d, &g); rc != CUDA_SUCCESS) return rc;
  if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
  auto node = std::make_unique<GraphNode>();
  if (CUresult rc = make_kernel_node(d, *p, node.get()); rc != CUDA_SUCCESS) return rc;
  return g->add(std::move(node), deps, n, ph);
}

// A memset node, its parameters checked as cuMemsetD2D32 checks its own.
CUresult make_memset_node(Driver* d, const CUDA_MEMSET_NODE_PARAMS& p, CUcontext ctx,
                          GraphNode* out) {
  if (ctx != nullptr && d->context(ctx) == nullptr) return CUDA_ERROR_INVALID_VALUE;
  Op probe;  // validates the parameters now, as CUDA does
  if (CUresult rc =
          make_fill_op(*d, p.dst, p.pitch, p.value, p.elementSize, p.width, p.height, &probe);
      rc != CUDA_SUCCESS) {
    return rc;
  }
  out->type = CU_GRAPH_NODE_TYPE_MEMSET;
  out->memset = p;
  return CUDA_SUCCESS;
}

// A memcpy node, its parameters checked as cuMemcpy3D checks its own.
CUresult make_memcpy_node(Driver* d, const CUDA_MEMCPY3D& p, CUcontext ctx, GraphNode* out) {
  if (ctx != nullptr && d->context(ctx) == nullptr) return CUDA_ERROR_INVALID_VALUE;
  CopyPlan probe;  // validates the parameters now, as CUDA does
  if (CUresult rc = plan_copy(*d, p, &probe); rc != CUDA_SUCCESS) return rc;
  out->type = CU_GRAPH_NODE_TYPE_MEMCPY;
  out->memcpy = p;
  return CUDA_SUCCESS;
}

// The executable graph `h`'s copy of `node` takes what `make` builds.
template <typename Make>
CUresult exec_set_node(CUgraphExec h, CUgraphNode node, const Make& make) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  auto exec = d->graph_execs.find(h);
  if (!exec) return CUDA_ERROR_INVALID_VALUE;
  GraphNode updated;
  if (CUresult rc = make(d, &updated); rc != CUDA_SUCCESS) return rc;
  return exec->set_node(node, updated);
}

template <typename Params>
CUresult exec_set_kernel_node(CUgraphExec h, CUgraphNode node, const Params* p) {
  if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
  return exec_set_node(h, node, [&](Driver* d, GraphNode* out) {
    return make_kernel_node(d, *p, out);
  });
}

// cuGraphExecNodeSetParams: kernel, memset and memcpy nodes (the kinds
// cudasim's graphs hold parameters for).
CUresult exec_set_any_node(CUgraphExec h, CUgraphNode node, const CUgraphNodeParams* p) {
  if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
  return exec_set_node(h, node, [&](Driver* d, GraphNode* out) -> CUresult {
    switch (enum_value(p->type)) {
      case CU_GRAPH_NODE_TYPE_KERNEL:
        return make_kernel_node(d, p->kernel, out);
      case CU_GRAPH_NODE_TYPE_MEMSET: {
        const CUDA_MEMSET_NODE_PARAMS_v2& m = p->memset;
        return make_memset_node(
            d, CUDA_MEMSET_NODE_PARAMS{m.dst, m.pitch, m.value, m.elementSize, m.width, m.height},
            m.ctx, out);
      }
      case CU_GRAPH_NODE_TYPE_MEMCPY:
        if (p->memcpy.flags != 0 || p->memcpy.reserved != 0) return CUDA_ERROR_INVALID_VALUE;
        return make_memcpy_node(d, p->memcpy.copyParams, p->memcpy.copyCtx, out);
      default:
        return CUDA_ERROR_NOT_SUPPORTED;
    }
  });
}

template <typename Params>
CUresult kernel_node_params(CUgraphNode h, Params* p) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
  GraphNode* n = find_node(d, h);
  if (n == nullptr || n->type != CU_GRAPH_NODE_TYPE_KERNEL) return CUDA_ERROR_INVALID_VALUE;
  std::memset(p, 0, sizeof *p);
  // The handle the node was made with, of either kind and in the field it
  // came in: what NVIDIA's driver answers for a node made from a CUkernel was
  // not observed, and a reader that assumes a CUfunction in `func` should
  // fail here rather than only on a GPU.
  if constexpr (requires { p->kern; }) {
    if (n->by_kern) {
      p->kern = reinterpret_cast<CUkernel>(n->function);
    } else {
      p->func = reinterpret_cast<CUfunction>(n->function);
    }
  } else {
    p->func = reinterpret_cast<CUfunction>(n->function);
  }
  p->gridDimX = n->dims.grid.x;
  p->gridDimY = n->dims.grid.y;
  p->gridDimZ = n->dims.grid.z;
  p->blockDimX = n->dims.block.x;
  p->blockDimY = n->dims.block.y;
  p->blockDimZ = n->dims.block.z;
  p->sharedMemBytes = n->dims.sharedMemBytes;
  p->kernelParams = n->params->args();  // the node's own copy, as CUDA returns it
  p->extra = nullptr;
  return CUDA_SUCCESS;
}

CUresult instantiate(CUgraphExec* out, CUgraph hg) {
  Driver* d = nullptr;
  std::shared_ptr<Graph> g;
  if (out == nullptr) return CUDA_ERROR_INVALID_VALUE;
  if (CUresult rc = find_graph(hg, &d, &g); rc != CUDA_SUCCESS) return rc;
  std::vector<CUgraphNode> origins;
  std::vector<GraphNode> nodes = g->snapshot(&origins);
  auto exec = std::make_shared<GraphExec>(std::move(nodes), std::move(origins));
  d->graph_execs.add(exec);
  *out = reinterpret_cast<CUgraphExec>(exec.get());
  return CUDA_SUCCESS;
}

CUresult exec_update(CUgraphExec h, CUgraph hg, CUgraphExecUpdateResultInfo* info) {
  Driver* d = nullptr;
  std::shared_ptr<Graph> g;
  if (CUresult rc = find_graph(hg, &d, &g); rc != CUDA_SUCCESS) return rc;
  auto exec = d->graph_execs.find(h);
  if (!exec) return CUDA_ERROR_INVALID_VALUE;
  std::vector<CUgraphNode> origins;
  const std::vector<GraphNode> nodes = g->snapshot(&origins);
  return exec->update(nodes, origins, info);
}

CUresult graph_launch(CUgraphExec h, CUstream hs, bool pt) {
  Driver* d = nullptr;
  Context* ctx = nullptr;
  std::shared_ptr<Stream> s;
  if (CUresult rc = get_stream(hs, pt, &d, &ctx, &s); rc != CUDA_SUCCESS) return rc;
  auto exec = d->graph_execs.find(h);
  if (!exec) return CUDA_ERROR_INVALID_VALUE;
  return exec->launch(*d, *ctx, s);
}

// The parameters a node of `type` keeps in `member`, for the *GetParams calls.
template <typename Params>
CUresult node_params(CUgraphNode h, CUgraphNodeType type, Params GraphNode::*member, Params* out) {
  Driver* d = nullptr;
  if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
  GraphNode* n = find_node(d, h);
  if (n == nullptr || out == nullptr || n->type != type) return CUDA_ERROR_INVALID_VALUE;
  *out = n->*member;
  return CUDA_SUCCESS;
}

}  // namespace

CUDASIM_API CUresult cuGraphCreate(CUgraph* phGraph, unsigned int flags) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    if (phGraph == nullptr || flags != 0) return CUDA_ERROR_INVALID_VALUE;
    auto g = std::make_shared<Graph>();
    d->graphs.add(g);
    *phGraph = reinterpret_cast<CUgraph>(g.get());
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuGraphDestroy(CUgraph hGraph) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    return d->graphs.remove(hGraph) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
  });
}

CUDASIM_API CUresult cuGraphAddKernelNode_v2(CUgraphNode* ph, CUgraph g, const CUgraphNode* deps,
                                             size_t n, const CUDA_KERNEL_NODE_PARAMS* p) {
  return api([&] { return add_kernel_node(ph, g, deps, n, p); });
}

CUDASIM_API CUresult cuGraphAddKernelNode(CUgraphNode* ph, CUgraph g, const CUgraphNode* deps,
                                          size_t n, const CUDA_KERNEL_NODE_PARAMS_v1* p) {
  return api([&] { return add_kernel_node(ph, g, deps, n, p); });
}

CUDASIM_API CUresult cuGraphExecKernelNodeSetParams_v2(CUgraphExec h, CUgraphNode node,
                                                       const CUDA_KERNEL_NODE_PARAMS* p) {
  return api([&] { return exec_set_kernel_node(h, node, p); });
}

CUDASIM_API CUresult cuGraphExecKernelNodeSetParams(CUgraphExec h, CUgraphNode node,
                                                    const CUDA_KERNEL_NODE_PARAMS_v1* p) {
  return api([&] { return exec_set_kernel_node(h, node, p); });
}

CUDASIM_API CUresult cuGraphExecUpdate_v2(CUgraphExec h, CUgraph g,
                                          CUgraphExecUpdateResultInfo* info) {
  return api([&] { return exec_update(h, g, info); });
}

// The CUDA 10.2-11.x ABI: the error node and the result as two out-parameters.
CUDASIM_API CUresult cuGraphExecUpdate(CUgraphExec h, CUgraph g, CUgraphNode* error_node,
                                       CUgraphExecUpdateResult* result) {
  return api([&] {
    if (error_node == nullptr || result == nullptr) return CUDA_ERROR_INVALID_VALUE;
    CUgraphExecUpdateResultInfo info{};
    const CUresult rc = exec_update(h, g, &info);
    *error_node = info.errorNode;
    *result = info.result;
    return rc;
  });
}

CUDASIM_API CUresult cuGraphKernelNodeGetParams_v2(CUgraphNode h, CUDA_KERNEL_NODE_PARAMS* p) {
  return api([&] { return kernel_node_params(h, p); });
}
CUDASIM_API CUresult cuGraphKernelNodeGetParams(CUgraphNode h, CUDA_KERNEL_NODE_PARAMS_v1* p) {
  return api([&] { return kernel_node_params(h, p); });
}

CUDASIM_API CUresult cuGraphAddMemsetNode(CUgraphNode* ph, CUgraph hg, const CUgraphNode* deps,
                                          size_t n, const CUDA_MEMSET_NODE_PARAMS* p,
                                          CUcontext ctx) {
  return api([&] {
    Driver* d = nullptr;
    std::shared_ptr<Graph> g;
    if (CUresult rc = find_graph(hg, &d, &g); rc != CUDA_SUCCESS) return rc;
    if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
    auto node = std::make_unique<GraphNode>();
    if (CUresult rc = make_memset_node(d, *p, ctx, node.get()); rc != CUDA_SUCCESS) return rc;
    return g->add(std::move(node), deps, n, ph);
  });
}

CUDASIM_API CUresult cuGraphMemsetNodeGetParams(CUgraphNode h, CUDA_MEMSET_NODE_PARAMS* p) {
  return api([&] { return node_params(h, CU_GRAPH_NODE_TYPE_MEMSET, &GraphNode::memset, p); });
}

CUDASIM_API CUresult cuGraphAddMemcpyNode(CUgraphNode* ph, CUgraph hg, const CUgraphNode* deps,
                                          size_t n, const CUDA_MEMCPY3D* p, CUcontext ctx) {
  return api([&] {
    Driver* d = nullptr;
    std::shared_ptr<Graph> g;
    if (CUresult rc = find_graph(hg, &d, &g); rc != CUDA_SUCCESS) return rc;
    if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
    auto node = std::make_unique<GraphNode>();
    if (CUresult rc = make_memcpy_node(d, *p, ctx, node.get()); rc != CUDA_SUCCESS) return rc;
    return g->add(std::move(node), deps, n, ph);
  });
}

CUDASIM_API CUresult cuGraphExecMemsetNodeSetParams(CUgraphExec h, CUgraphNode node,
                                                    const CUDA_MEMSET_NODE_PARAMS* p,
                                                    CUcontext ctx) {
  return api([&] {
    if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
    return exec_set_node(h, node, [&](Driver* d, GraphNode* out) {
      return make_memset_node(d, *p, ctx, out);
    });
  });
}

CUDASIM_API CUresult cuGraphExecMemcpyNodeSetParams(CUgraphExec h, CUgraphNode node,
                                                    const CUDA_MEMCPY3D* p, CUcontext ctx) {
  return api([&] {
    if (p == nullptr) return CUDA_ERROR_INVALID_VALUE;
    return exec_set_node(h, node, [&](Driver* d, GraphNode* out) {
      return make_memcpy_node(d, *p, ctx, out);
    });
  });
}

CUDASIM_API CUresult cuGraphExecNodeSetParams(CUgraphExec h, CUgraphNode node,
                                              CUgraphNodeParams* p) {
  return api([&] { return exec_set_any_node(h, node, p); });
}

CUDASIM_API CUresult cuGraphMemcpyNodeGetParams(CUgraphNode h, CUDA_MEMCPY3D* p) {
  return api([&] { return node_params(h, CU_GRAPH_NODE_TYPE_MEMCPY, &GraphNode::memcpy, p); });
}

CUDASIM_API CUresult cuGraphAddHostNode(CUgraphNode* ph, CUgraph hg, const CUgraphNode* deps,
                                        size_t n, const CUDA_HOST_NODE_PARAMS* p) {
  return api([&] {
    Driver* d = nullptr;
    std::shared_ptr<Graph> g;
    if (CUresult rc = find_graph(hg, &d, &g); rc != CUDA_SUCCESS) return rc;
    if (p == nullptr || p->fn == nullptr) return CUDA_ERROR_INVALID_VALUE;
    auto node = std::make_unique<GraphNode>();
    node->type = CU_GRAPH_NODE_TYPE_HOST;
    node->host = *p;
    return g->add(std::move(node), deps, n, ph);
  });
}

CUDASIM_API CUresult cuGraphAddEmptyNode(CUgraphNode* ph, CUgraph hg, const CUgraphNode* deps,
                                         size_t n) {
  return api([&] {
    Driver* d = nullptr;
    std::shared_ptr<Graph> g;
    if (CUresult rc = find_graph(hg, &d, &g); rc != CUDA_SUCCESS) return rc;
    return g->add(std::make_unique<GraphNode>(), deps, n, ph);
  });
}

CUDASIM_API CUresult cuGraphGetNodes(CUgraph hg, CUgraphNode* nodes, size_t* numNodes) {
  return api([&] {
    Driver* d = nullptr;
    std::shared_ptr<Graph> g;
    if (CUresult rc = find_graph(hg, &d, &g); rc != CUDA_SUCCESS) return rc;
    if (numNodes == nullptr) return CUDA_ERROR_INVALID_VALUE;
    const auto all = g->nodes();
    if (nodes == nullptr) {
      *numNodes = all.size();
      return CUDA_SUCCESS;
    }
    const size_t k = std::min(*numNodes, all.size());
    for (size_t i = 0; i < k; ++i) nodes[i] = all[i];
    for (size_t i = k; i < *numNodes; ++i) nodes[i] = nullptr;
    *numNodes = k;
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuGraphNodeGetType(CUgraphNode h, CUgraphNodeType* type) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    GraphNode* n = find_node(d, h);
    if (n == nullptr || type == nullptr) return CUDA_ERROR_INVALID_VALUE;
    *type = n->type;
    return CUDA_SUCCESS;
  });
}

CUDASIM_API CUresult cuGraphInstantiateWithFlags(CUgraphExec* phGraphExec, CUgraph hGraph,
                                                 unsigned long long flags) {
  return api([&] {
    if (flags != 0 && flags != CUDA_GRAPH_INSTANTIATE_FLAG_AUTO_FREE_ON_LAUNCH)
      return CUDA_ERROR_INVALID_VALUE;
    return instantiate(phGraphExec, hGraph);
  });
}

CUDASIM_API CUresult cuGraphInstantiate(CUgraphExec* phGraphExec, CUgraph hGraph,
                                        CUgraphNode* phErrorNode, char* logBuffer,
                                        size_t bufferSize) {
  return api([&] {
    if (phErrorNode != nullptr) *phErrorNode = nullptr;
    if (logBuffer != nullptr && bufferSize > 0) logBuffer[0] = '\0';
    return instantiate(phGraphExec, hGraph);
  });
}

CUDASIM_API CUresult cuGraphInstantiate_v2(CUgraphExec* phGraphExec, CUgraph hGraph,
                                           CUgraphNode* phErrorNode, char* logBuffer,
                                           size_t bufferSize) {
  return cuGraphInstantiate(phGraphExec, hGraph, phErrorNode, logBuffer, bufferSize);
}

CUDASIM_API CUresult cuGraphLaunch(CUgraphExec hGraphExec, CUstream hStream) {
  return api([&] { return graph_launch(hGraphExec, hStream, false); });
}
CUDASIM_API CUresult cuGraphLaunch_ptsz(CUgraphExec hGraphExec, CUstream hStream) {
  return api([&] { return graph_launch(hGraphExec, hStream, true); });
}

CUDASIM_API CUresult cuGraphExecDestroy(CUgraphExec hGraphExec) {
  return api([&] {
    Driver* d = nullptr;
    if (CUresult rc = get_driver(&d); rc != CUDA_SUCCESS) return rc;
    return d->graph_execs.remove(hGraphExec) ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
  });
}
