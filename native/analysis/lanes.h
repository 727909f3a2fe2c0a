// lanes.h: the selected lanes of a planar (batch, channel, frame) signal, and their checks.
#pragma once

#include <cstdint>

namespace amp::analysis {

struct LaneSet {
    const double *data = nullptr; // batches x channels x frames, planar
    uint32_t batches = 0, channels = 0;
    uint64_t frames = 0;
    const uint32_t *lanes = nullptr; // selected lanes, each b * channels + c
    uint32_t count = 0;
    const double *lane(uint32_t i) const { return data + uint64_t{lanes[i]} * frames; }
};

// Throws amp::AmpFailure (AMP_ERR_INVALID_ARGUMENT, stage "analysis") naming the argument: no
// data, an empty signal (frames == 0), no lane selected, a lane index out of range.
void check_lanes(const LaneSet &set);

// Throws naming the batch, channel and frame of the first NaN or Inf sample of a selected lane.
void check_finite(const LaneSet &set);

} // namespace amp::analysis
