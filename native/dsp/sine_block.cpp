// sine_block.cpp: see sine_block.h. Built twice by the compiler (AVX2 and baseline) with
// run-time dispatch; both clones compute the same bits (no fused multiply-add anywhere).
#include "dsp/sine_block.h"

namespace amp::dsp {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
Phase sine_block(Phase phase, Phase increment, double amplitude, double *__restrict out,
                 uint32_t frames) {
    for (uint32_t f = 0; f < frames; ++f) {
        phase += increment;
        out[f] = amplitude * sin2pi(phase);
    }
    return phase;
}

} // namespace amp::dsp
