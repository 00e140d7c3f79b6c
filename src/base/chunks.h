// Joining what a chunked computation kept per chunk (ThreadPool::ParallelChunks, link's pair
// sinks) into one vector, in chunk order.
#pragma once

#include <iterator>
#include <vector>

namespace popreg {

// Moves every chunk's elements, in chunk order, to the end of `out`, and frees each chunk once
// it is moved, so that the memory of the chunks is given back as the output fills.
template <typename T>
void AppendChunks(std::vector<std::vector<T>>& chunks, std::vector<T>& out) {
  size_t total = out.size();
  for (const std::vector<T>& c : chunks) total += c.size();
  out.reserve(total);
  for (std::vector<T>& c : chunks) {
    out.insert(out.end(), std::make_move_iterator(c.begin()), std::make_move_iterator(c.end()));
    std::vector<T>().swap(c);
  }
}

// AppendChunks into a new vector.
template <typename T>
std::vector<T> JoinChunks(std::vector<std::vector<T>>& chunks) {
  std::vector<T> out;
  AppendChunks(chunks, out);
  return out;
}

}  // namespace popreg
