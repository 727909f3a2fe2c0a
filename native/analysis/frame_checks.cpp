// frame_checks.cpp: see frame_checks.h.
#include "analysis/frame_checks.h"

#include <string>

#include "amp_native.h"
#include "runtime/errors.h"

namespace amp::analysis {

uint64_t check_frames(const Plan &plan, const LaneSet &set) {
    check_lanes(set);
    const uint64_t frames = plan.valid_frames(set.frames);
    if (frames == 0)
        throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "analysis", "",
                         "analysis option \"size\" expects an integer in [2, " +
                             std::to_string(set.frames) + "] (at most the signal's " +
                             std::to_string(set.frames) + " frames), got " +
                             std::to_string(plan.size()));
    check_finite(set);
    return frames;
}

} // namespace amp::analysis
