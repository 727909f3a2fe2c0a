// sine_block.h: a block of sin(2 pi phi) at a constant phase increment, the oscillators' hot
// loop. Written for the vectoriser: restrict output, an induction phase, no branches.
#pragma once

#include <cstdint>

#include "dsp/sin2pi.h"

namespace amp::dsp {

// out[f] = amplitude * sin2pi(phase + (f + 1) * increment) for f < frames; returns the phase
// after the last frame. Bit-identical to advancing the phase one frame at a time.
Phase sine_block(Phase phase, Phase increment, double amplitude, double *__restrict out,
                 uint32_t frames);

// Fewer frames than this take sine_frames' inline scalar loop (the vector loop's setup and the
// call cost more than the frames themselves).
constexpr uint32_t kShortSineFrames = 4;

// sine_block for any count: the same operations per frame (no contraction, no reassociation:
// CMakeLists.txt), so the same bits whichever loop runs them.
inline Phase sine_frames(Phase phase, Phase increment, double amplitude, double *__restrict out,
                         uint32_t frames) {
    if (frames >= kShortSineFrames) return sine_block(phase, increment, amplitude, out, frames);
    for (uint32_t f = 0; f < frames; ++f) {
        phase += increment;
        out[f] = amplitude * sin2pi(phase);
    }
    return phase;
}

} // namespace amp::dsp
