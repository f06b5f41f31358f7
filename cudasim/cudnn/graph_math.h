// The arithmetic of cudasim's graph engine: the pointwise ops of a
// GraphRecord over fp32 tensors, as a pure function.
#pragma once

#include "graph_record.h"

namespace cudasim::dnn {

// One element of a pointwise function; a and c are the already scaled inputs
// (c is ignored by unary functions). RELU is cuDNN's default: lower clip 0.
float pointwise(PointwiseFn fn, float a, float c);

// Whether `in` can feed an op producing `out`: the same rank, and each
// dimension equal to out's or 1 (broadcast).
bool broadcasts_to(const GraphTensor& in, const GraphTensor& out);

// Runs every op of the record, in order, on the memory its tensors point at.
void run_graph(const GraphRecord& record);

}  // namespace cudasim::dnn
