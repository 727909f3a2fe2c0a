// sine_block.cpp: see sine_block.h.
#include "dsp/sine_block.h"

namespace amp::dsp {

Phase sine_block(Phase phase, Phase increment, double amplitude, double *__restrict out,
                 uint32_t frames) {
    for (uint32_t f = 0; f < frames; ++f) {
        phase += increment;
        out[f] = amplitude * sin2pi(phase);
    }
    return phase;
}

} // namespace amp::dsp
