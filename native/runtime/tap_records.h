// tap_records.h: where a tap's records fall in the stream (TapLayout): record r at stream frame
// phase + r * period. Pure integer arithmetic shared by the arena, the executor and the C API.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nodes/node.h"

namespace amp {

// Records at stream frames in [0, end): the frames f < end with f >= phase and
// (f - phase) % period == 0.
inline uint64_t tap_records_before(const TapLayout &layout, uint64_t end) {
    return end <= layout.phase ? 0 : (end - layout.phase - 1) / layout.period + 1;
}

// Records in the stream frames [start, start + frames).
inline uint64_t tap_records_in(const TapLayout &layout, uint64_t start, uint64_t frames) {
    return tap_records_before(layout, start + frames) - tap_records_before(layout, start);
}

// The most records any block of at most `block` frames holds: ceil(block / period).
inline size_t tap_block_records(const TapLayout &layout, size_t block) {
    return (block + layout.period - 1) / layout.period;
}

} // namespace amp
