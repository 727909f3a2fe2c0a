// link_fifo.h: the FIFO of one delayed link (an edge delay, a node's declared-delay padding,
// latency compensation, or all three), a slice of the runtime's arena.
//
// Frame x of the producer's stream lives at ring index (x + delay) mod capacity, capacity =
// delay + block, so every frame in [t - delay, t + block) has its own slot. push() stores the
// producer's block [t, t + n); pull() copies [t - delay, t - delay + n) into `staging`, which
// consumers read like any output buffer. Frames before 0 read as zeros. A pull may run before
// the push of the same block only when n <= delay (a link that closes a feedback loop).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace amp {

struct LinkFifo {
    double *ring = nullptr;    // lanes x capacity
    double *staging = nullptr; // lanes x block
    size_t capacity = 0;
    size_t block = 0;
    uint32_t delay = 0;
    uint32_t lanes = 0;

    void clear() {
        std::fill(ring, ring + lanes * capacity, 0.0);
        std::fill(staging, staging + lanes * block, 0.0);
    }

    // Stores frames [t, t + n) of every lane; lane l starts at source + l * source_stride.
    void push(const double *source, size_t source_stride, uint64_t t, uint32_t n) {
        const size_t at = static_cast<size_t>((t + delay) % capacity);
        const size_t first = std::min<size_t>(n, capacity - at);
        for (uint32_t lane = 0; lane < lanes; ++lane) {
            const double *from = source + lane * source_stride;
            double *to = ring + lane * capacity;
            std::copy(from, from + first, to + at);
            std::copy(from + first, from + n, to);
        }
    }

    // Copies frames [t - delay, t - delay + n) of every lane to staging (lane stride: block).
    void pull(uint64_t t, uint32_t n) {
        const size_t at = static_cast<size_t>(t % capacity);
        const size_t first = std::min<size_t>(n, capacity - at);
        for (uint32_t lane = 0; lane < lanes; ++lane) {
            const double *from = ring + lane * capacity;
            double *to = staging + lane * block;
            std::copy(from + at, from + at + first, to);
            std::copy(from, from + (n - first), to + first);
        }
    }
};

} // namespace amp
