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

} // namespace amp::dsp
