// biquad_design.cpp: the RBJ cookbook formulas of biquad_design.h.
#include "dsp/biquad_design.h"

#include <cmath>

namespace amp::dsp {
namespace {

// v clamped to [lo, hi]; NaN gives lo.
double clamp(double v, double lo, double hi) { return v > lo ? (v < hi ? v : hi) : lo; }

} // namespace

BiquadCoefficients design_biquad(BiquadType type, double frequency, double q, double gain_db,
                                 double sample_rate) {
    const double relative =
        clamp(frequency / sample_rate, kBiquadMinRelativeFrequency, kBiquadMaxRelativeFrequency);
    const double w0 = 2.0 * M_PI * relative;
    const double cw = std::cos(w0), sw = std::sin(w0);
    const double alpha = sw / (2.0 * clamp(q, kBiquadMinQ, kBiquadMaxQ));
    const double a = std::pow(10.0, clamp(gain_db, -kBiquadMaxGainDb, kBiquadMaxGainDb) / 40.0);
    double b0 = 1.0, b1 = 0.0, b2 = 0.0, a0 = 1.0 + alpha, a1 = -2.0 * cw, a2 = 1.0 - alpha;
    switch (type) {
    case BiquadType::Lowpass:
        b0 = (1.0 - cw) / 2.0;
        b1 = 1.0 - cw;
        b2 = b0;
        break;
    case BiquadType::Highpass:
        b0 = (1.0 + cw) / 2.0;
        b1 = -(1.0 + cw);
        b2 = b0;
        break;
    case BiquadType::Bandpass:
        b0 = alpha;
        b1 = 0.0;
        b2 = -alpha;
        break;
    case BiquadType::Notch:
        b0 = 1.0;
        b1 = -2.0 * cw;
        b2 = 1.0;
        break;
    case BiquadType::Peaking:
        b0 = 1.0 + alpha * a;
        b1 = -2.0 * cw;
        b2 = 1.0 - alpha * a;
        a0 = 1.0 + alpha / a;
        a2 = 1.0 - alpha / a;
        break;
    case BiquadType::Lowshelf: {
        const double s = 2.0 * std::sqrt(a) * alpha;
        b0 = a * ((a + 1.0) - (a - 1.0) * cw + s);
        b1 = 2.0 * a * ((a - 1.0) - (a + 1.0) * cw);
        b2 = a * ((a + 1.0) - (a - 1.0) * cw - s);
        a0 = (a + 1.0) + (a - 1.0) * cw + s;
        a1 = -2.0 * ((a - 1.0) + (a + 1.0) * cw);
        a2 = (a + 1.0) + (a - 1.0) * cw - s;
        break;
    }
    case BiquadType::Highshelf: {
        const double s = 2.0 * std::sqrt(a) * alpha;
        b0 = a * ((a + 1.0) + (a - 1.0) * cw + s);
        b1 = -2.0 * a * ((a - 1.0) + (a + 1.0) * cw);
        b2 = a * ((a + 1.0) + (a - 1.0) * cw - s);
        a0 = (a + 1.0) - (a - 1.0) * cw + s;
        a1 = 2.0 * ((a - 1.0) - (a + 1.0) * cw);
        a2 = (a + 1.0) - (a - 1.0) * cw - s;
        break;
    }
    }
    BiquadCoefficients c;
    c.b0 = b0 / a0;
    c.b1 = b1 / a0;
    c.b2 = b2 / a0;
    c.a1 = a1 / a0;
    c.a2 = a2 / a0;
    return c;
}

} // namespace amp::dsp
