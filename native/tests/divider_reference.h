// divider_reference.h: the FFT divider's specification (docs/fft-divider.md) evaluated directly
// for the tests, independently of the node: long-double direct DFTs of every frame over the full
// W-bin spectrum, the multipliers built per bin (negative frequencies mirrored), overlap-add
// with w / dsq. One lane; per-frame settings come from functions of the frame's last sample.
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <functional>
#include <string>
#include <vector>

namespace divider_reference {

using Complex = std::complex<long double>;

struct Frame { // settings in force at a frame's last sample t_m
    double lower = 0.0, upper = 1.0, intensity = 1.0, phase = 0.0, eps = 1e-9;
    double d_re = 1.0, d_im = 0.0; // the constant divisor when `divisor` is empty
};

inline std::vector<double> window(const char *name, int n) {
    std::vector<double> w(static_cast<size_t>(n));
    const long double pi = 3.141592653589793238462643383279502884L;
    for (int j = 0; j < n; ++j) {
        const long double x = 2 * pi * j / n;
        const std::string kind = name;
        if (kind == "hann") w[j] = static_cast<double>(0.5L - 0.5L * std::cos(x));
        if (kind == "hamming") w[j] = static_cast<double>(0.54L - 0.46L * std::cos(x));
        if (kind == "blackman")
            w[j] = static_cast<double>(0.42L - 0.5L * std::cos(x) + 0.08L * std::cos(2 * x));
        if (kind == "rect") w[j] = 1.0;
    }
    return w;
}

inline std::vector<Complex> dft(const std::vector<long double> &x) {
    const size_t n = x.size();
    const long double pi = 3.141592653589793238462643383279502884L;
    std::vector<Complex> out(n);
    for (size_t k = 0; k < n; ++k) {
        Complex sum = 0;
        for (size_t j = 0; j < n; ++j)
            sum += x[j] * std::polar(1.0L, -2 * pi * static_cast<long double>((j * k) % n) / n);
        out[k] = sum;
    }
    return out;
}

// Real part of the inverse DFT.
inline std::vector<long double> idft_real(const std::vector<Complex> &y) {
    const size_t n = y.size();
    const long double pi = 3.141592653589793238462643383279502884L;
    std::vector<long double> out(n);
    for (size_t j = 0; j < n; ++j) {
        Complex sum = 0;
        for (size_t k = 0; k < n; ++k)
            sum += y[k] * std::polar(1.0L, 2 * pi * static_cast<long double>((j * k) % n) / n);
        out[j] = sum.real() / n;
    }
    return out;
}

// The node's output for input x (and divisor signal d, or empty), N = x.size() frames.
inline std::vector<double> divide(const std::vector<double> &x, const std::vector<double> &d,
                                  const char *window_name, int W, int H,
                                  const std::function<Frame(int t)> &settings) {
    const int N = static_cast<int>(x.size());
    const std::vector<double> w = window(window_name, W);
    std::vector<long double> dsq(static_cast<size_t>(H), 0.0L);
    for (int j = 0; j < W; ++j) dsq[j % H] += static_cast<long double>(w[j]) * w[j];
    std::vector<long double> y(static_cast<size_t>(N), 0.0L);
    for (int t = H - 1; t < N; t += H) { // every frame's last sample t_m
        const Frame s = settings(t);
        std::vector<long double> xs(W), ds(W);
        for (int j = 0; j < W; ++j) {
            const int i = t - W + 1 + j;
            xs[j] = i >= 0 ? static_cast<long double>(x[i]) * w[j] : 0.0L;
            ds[j] = i >= 0 && !d.empty() ? static_cast<long double>(d[i]) * w[j] : 0.0L;
        }
        const std::vector<Complex> X = dft(xs);
        const std::vector<Complex> D = d.empty() ? std::vector<Complex>() : dft(ds);
        std::vector<Complex> Y(W);
        for (int k = 0; k < W; ++k) {
            const int m = k <= W / 2 ? k : W - k; // the positive-frequency bin it mirrors
            const long double nu = static_cast<long double>(m) / (W / 2.0L);
            const bool inside = nu >= s.lower && nu <= s.upper;
            const long double g =
                std::max<long double>(inside ? s.intensity : 1.0L - s.intensity, 1e-6L);
            const Complex dk = d.empty() ? Complex(s.d_re, s.d_im) : D[m];
            const Complex q = std::conj(dk) / std::max<long double>(std::norm(dk), s.eps);
            Complex mult = q * g * std::polar(1.0L, static_cast<long double>(s.phase));
            if (k > W / 2) mult = std::conj(mult);
            if (k == 0 || 2 * k == W) mult = mult.real(); // a real bin keeps Re(multiplier)
            Y[k] = X[k] * mult;
        }
        const std::vector<long double> q = idft_real(Y);
        for (int j = 0; j < W && t + j < N; ++j) y[t + j] += q[j] * w[j] / dsq[j % H];
    }
    return std::vector<double>(y.begin(), y.end());
}

} // namespace divider_reference
