// window_rows.h: whether a parameter row is constant over a backward window, for adjoints
// that hoist per-frame work (a filter design, a phase increment) out of their frame loops.
//
// A graph backward pass hands nodes their recorded parameters as per-frame rows (frame stride
// 1 for any window longer than one frame), so "constant over the window" is a property of the
// values, not of the view: a row is constant when every frame has the same bits as frame 0
// (bits, not ==, so -0 / +0 and NaN rows take the per-frame path). A hoisted computation from
// frame 0 then gives the same bits as the per-frame one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace amp {

inline bool row_is_constant(const double *row, size_t frame_stride, uint32_t frames) noexcept {
    if (frame_stride == 0 || frames <= 1) return true;
    if (frame_stride == 1) // frame f equals frame f + 1 for every f: libc's vectorised compare
        return std::memcmp(row, row + 1, (static_cast<size_t>(frames) - 1) * sizeof(double)) == 0;
    uint64_t first = 0;
    std::memcpy(&first, row, sizeof first);
    for (uint32_t f = 1; f < frames; ++f) {
        uint64_t bits = 0;
        std::memcpy(&bits, row + static_cast<size_t>(f) * frame_stride, sizeof bits);
        if (bits != first) return false;
    }
    return true;
}

} // namespace amp
