#include "gpuswap/runtime/parked_chunks.h"

namespace gpuswap::runtime {

void ParkedChunks::park(CUdeviceptr base, std::vector<ChunkHandle>* chunks) {
  if (chunks == nullptr) return;
  for (std::size_t i = 0; i < chunks->size(); ++i) {
    by_address_[base + i * PagePool::chunk_bytes()] = (*chunks)[i];
  }
  chunks->clear();
}

std::size_t ParkedChunks::adopt(CUdeviceptr base, std::size_t count,
                                std::vector<ChunkHandle>* chunks, std::vector<bool>* adopted) {
  chunks->assign(count, ChunkHandle{});
  adopted->assign(count, false);
  std::size_t found = 0;
  const CUdeviceptr end = base + count * PagePool::chunk_bytes();
  for (auto it = by_address_.lower_bound(base); it != by_address_.end() && it->first < end;) {
    const std::size_t index =
        static_cast<std::size_t>((it->first - base) / PagePool::chunk_bytes());
    (*chunks)[index] = it->second;
    (*adopted)[index] = true;
    ++found;
    it = by_address_.erase(it);
  }
  return found;
}

void ParkedChunks::take_back(std::size_t count, CUdeviceptr avoid_begin, CUdeviceptr avoid_end,
                             std::vector<Parked>* out) {
  for (auto it = by_address_.end(); count > 0 && it != by_address_.begin();) {
    --it;
    if (it->first >= avoid_begin && it->first < avoid_end) continue;
    out->push_back(Parked{it->first, it->second});
    it = by_address_.erase(it);
    --count;
  }
}

}  // namespace gpuswap::runtime
