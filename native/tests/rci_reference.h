// rci_reference.h: an independent reference for the rci node, in long double: the trapezoidal
// rule applied to L di/dt = u - R i - v, C dv/dt = i written as the 2x2 linear solve
//   [1 + hR/2L   h/2L] [i1]   [i0 (1 - hR/2L) - v0 h/2L + h (u0 + u1) / 2L]
//   [ -h/2C       1  ] [v1] = [v0 + h i0 / 2C                              ]
// solved by Cramer's rule (a different arrangement of the same discretisation than the node's).
#pragma once

#include <cstddef>
#include <vector>

namespace rci_reference {

struct Trace {
    std::vector<long double> current; // i[n], amperes
    std::vector<long double> voltage; // v[n] (capacitor), volts
};

inline Trace simulate(const std::vector<double> &u, double resistance, double inductance,
                      double capacitance, double sample_rate) {
    const long double h = 1.0L / sample_rate, R = resistance, L = inductance, C = capacitance;
    const long double a11 = 1 + h * R / (2 * L), a12 = h / (2 * L), a21 = -h / (2 * C), a22 = 1;
    const long double det = a11 * a22 - a12 * a21;
    long double i = 0, v = 0, u0 = 0;
    Trace trace;
    for (double sample : u) {
        const long double u1 = sample;
        const long double r1 =
            i * (1 - h * R / (2 * L)) - v * h / (2 * L) + h * (u0 + u1) / (2 * L);
        const long double r2 = v + h * i / (2 * C);
        const long double i1 = (r1 * a22 - a12 * r2) / det;
        const long double v1 = (a11 * r2 - a21 * r1) / det;
        i = i1;
        v = v1;
        u0 = u1;
        trace.current.push_back(i);
        trace.voltage.push_back(v);
    }
    return trace;
}

} // namespace rci_reference
