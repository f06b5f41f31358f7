// CUDA graphs and the regions their launches touch. A kernel node's
// parameters are decoded as a launch's are; a memset or memcpy node touches
// every region a byte of its device ranges falls in. What each node of an
// executable graph touches is read off the graph when it is instantiated and
// kept per node, so that a node given new parameters later
// (cuGraphExec*NodeSetParams, cuGraphExecNodeSetParams) replaces its own
// set; cuGraphExecUpdate reads the other graph's nodes in their place. Each
// launch of the executable graph makes the union resident, in write mode,
// like one kernel launch (prepare_graph).
#pragma once

#include "cuda_api.h"  // first: neutralises cuda.h's versioned-name macros
#include "gpuswap/runtime/runtime.h"

namespace gpuswap::interpose {

// cuGraphInstantiate*: what `graph`'s nodes touch becomes `exec`'s.
void record_graph(runtime::Runtime& rt, CUgraphExec exec, CUgraph graph) noexcept;
// cuGraphExecUpdate succeeded: `exec` now runs `graph`'s parameters.
void update_graph(runtime::Runtime& rt, CUgraphExec exec, CUgraph graph) noexcept;
// A node of `exec` (named by the node of the graph it was instantiated
// from) given new parameters, by the node-specific setters and by
// cuGraphExecNodeSetParams.
void set_graph_node(runtime::Runtime& rt, CUgraphExec exec, CUgraphNode node,
                    const CUDA_KERNEL_NODE_PARAMS& params) noexcept;
void set_graph_node(runtime::Runtime& rt, CUgraphExec exec, CUgraphNode node,
                    const CUDA_MEMSET_NODE_PARAMS& params) noexcept;
void set_graph_node(runtime::Runtime& rt, CUgraphExec exec, CUgraphNode node,
                    const CUDA_MEMCPY3D& params) noexcept;
void set_graph_node(runtime::Runtime& rt, CUgraphExec exec, CUgraphNode node,
                    const CUgraphNodeParams& params) noexcept;
// cuGraphExecDestroy.
void forget_graph(CUgraphExec exec) noexcept;
// cuGraphLaunch: makes everything `exec` touches resident and pinned for
// `guard`. CUDA's error when that is impossible, else CUDA_SUCCESS (also for
// a graph instantiated before the runtime started, launched unchecked).
CUresult prepare_graph(runtime::Runtime& rt, CUgraphExec exec, CUstream stream,
                       runtime::PinGuard* guard) noexcept;

}  // namespace gpuswap::interpose
