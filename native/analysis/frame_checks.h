// frame_checks.h: checks shared by the frame-based analyses (spectrum, peaks, spectrogram, band
// energy): lanes selected and finite, and a signal at least one frame long.
#pragma once

#include <cstdint>

#include "analysis/lanes.h"
#include "analysis/plan.h"

namespace amp::analysis {

// Checks the lanes and their samples; returns the plan's valid frames over the signal (>= 1),
// or throws naming "size" and the signal length when the frame is longer than the signal.
uint64_t check_frames(const Plan &plan, const LaneSet &set);

} // namespace amp::analysis
