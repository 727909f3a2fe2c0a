// butterflies.h: the small DFTs (radix 2, 3, 4, 5, 8) of the Stockham stages, written once over a
// lane type that is either a double or a GCC vector of doubles. Vector operations are element-wise
// IEEE operations (no contraction: the build uses -ffp-contract=off), so every lane type gives the
// same bits as the scalar code, whatever instructions -march selects (AVX-512, AVX2, SSE2, none).
#pragma once

#include <cstddef>
#include <cstring>

namespace amp::dsp::fft {

typedef double V4 __attribute__((vector_size(32)));
typedef double V8 __attribute__((vector_size(64)));

// amp_shuffle(a, [b,] index vector): GCC's __builtin_shuffle. Clang (the fuzz build,
// scripts/fuzz.sh) has no such builtin; there it is the same element moves written out, which
// clang turns into shuffles. Pure data movement: results are bit-identical either way.
#if defined(__clang__)
template <class V, class I>
inline V amp_shuffle(V a, V b, I index) {
    constexpr int n = sizeof(V) / sizeof(double);
    V out{};
    for (int k = 0; k < n; ++k) {
        const long long i = index[k] & (2 * n - 1);
        out[k] = i < n ? a[i] : b[i - n];
    }
    return out;
}
template <class V, class I>
inline V amp_shuffle(V a, I index) {
    constexpr int n = sizeof(V) / sizeof(double);
    V out{};
    for (int k = 0; k < n; ++k) out[k] = a[index[k] & (n - 1)];
    return out;
}
#else
#define amp_shuffle __builtin_shuffle
#endif

template <class V>
struct Lanes;
template <>
struct Lanes<double> {
    static constexpr std::size_t width = 1;
    static double load(const double *p) { return *p; }
    static void store(double *p, double v) { *p = v; }
    static double splat(double x) { return x; }
};
template <>
struct Lanes<V4> {
    static constexpr std::size_t width = 4;
    static V4 load(const double *p) {
        V4 v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    static void store(double *p, V4 v) { std::memcpy(p, &v, sizeof v); }
    static V4 splat(double x) { return V4{x, x, x, x}; }
};
template <>
struct Lanes<V8> {
    static constexpr std::size_t width = 8;
    static V8 load(const double *p) {
        V8 v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    static void store(double *p, V8 v) { std::memcpy(p, &v, sizeof v); }
    static V8 splat(double x) { return V8{x, x, x, x, x, x, x, x}; }
};

typedef long long Index4 __attribute__((vector_size(32)));
typedef long long Index8 __attribute__((vector_size(64)));

// out[2t] = re[t], out[2t + 1] = im[t] for every lane t.
inline void store_pair(double *out, double re, double im) {
    out[0] = re;
    out[1] = im;
}
inline void store_pair(double *out, V4 re, V4 im) {
    Lanes<V4>::store(out, amp_shuffle(re, im, Index4{0, 4, 1, 5}));
    Lanes<V4>::store(out + 4, amp_shuffle(re, im, Index4{2, 6, 3, 7}));
}
inline void store_pair(double *out, V8 re, V8 im) {
    Lanes<V8>::store(out, amp_shuffle(re, im, Index8{0, 8, 1, 9, 2, 10, 3, 11}));
    Lanes<V8>::store(out + 8, amp_shuffle(re, im, Index8{4, 12, 5, 13, 6, 14, 7, 15}));
}

template <class V>
struct Cx {
    V re, im;
};
template <class V>
inline Cx<V> operator+(Cx<V> a, Cx<V> b) {
    return {a.re + b.re, a.im + b.im};
}
template <class V>
inline Cx<V> operator-(Cx<V> a, Cx<V> b) {
    return {a.re - b.re, a.im - b.im};
}
// a * (wr + i wi)
template <class V>
inline Cx<V> rotate(Cx<V> a, V wr, V wi) {
    return {a.re * wr - a.im * wi, a.re * wi + a.im * wr};
}
// -i a and +i a
template <class V>
inline Cx<V> times_minus_i(Cx<V> a) {
    return {a.im, -a.re};
}
template <class V>
inline Cx<V> times_plus_i(Cx<V> a) {
    return {-a.im, a.re};
}

// cos and sin of 2 pi / 5 and 4 pi / 5, and 1 / sqrt(2), sqrt(3) / 2, correctly rounded.
constexpr double kCos1Of5 = 0.30901699437494742410;
constexpr double kCos2Of5 = -0.80901699437494742410;
constexpr double kSin1Of5 = 0.95105651629515357212;
constexpr double kSin2Of5 = 0.58778525229247312917;
constexpr double kSqrtHalf = 0.70710678118654752440;
constexpr double kSqrt3Half = 0.86602540378443864676;

// y = forward DFT of a (R points), y_j = sum_k a_k exp(-2 pi i j k / R).
template <int R, class V>
inline void small_dft(const Cx<V> *a, Cx<V> *y) {
    if constexpr (R == 2) {
        y[0] = a[0] + a[1];
        y[1] = a[0] - a[1];
    } else if constexpr (R == 3) {
        const Cx<V> t1 = a[1] + a[2], t2 = a[1] - a[2];
        y[0] = a[0] + t1;
        const Cx<V> m1 = {a[0].re - t1.re * 0.5, a[0].im - t1.im * 0.5};
        const Cx<V> m2 = {t2.im * kSqrt3Half, -(t2.re * kSqrt3Half)}; // -i (sqrt3/2) t2
        y[1] = m1 + m2;
        y[2] = m1 - m2;
    } else if constexpr (R == 4) {
        const Cx<V> t0 = a[0] + a[2], t1 = a[0] - a[2], t2 = a[1] + a[3],
                    t3 = times_minus_i(a[1] - a[3]);
        y[0] = t0 + t2;
        y[2] = t0 - t2;
        y[1] = t1 + t3;
        y[3] = t1 - t3;
    } else if constexpr (R == 5) {
        const Cx<V> t1 = a[1] + a[4], t2 = a[2] + a[3], t3 = a[1] - a[4], t4 = a[2] - a[3];
        y[0] = a[0] + t1 + t2;
        const Cx<V> b1 = {a[0].re + t1.re * kCos1Of5 + t2.re * kCos2Of5,
                          a[0].im + t1.im * kCos1Of5 + t2.im * kCos2Of5};
        const Cx<V> b2 = {a[0].re + t1.re * kCos2Of5 + t2.re * kCos1Of5,
                          a[0].im + t1.im * kCos2Of5 + t2.im * kCos1Of5};
        // -i d1 and -i d2 with d1 = s1 t3 + s2 t4, d2 = s2 t3 - s1 t4
        const Cx<V> d1 = {t3.re * kSin1Of5 + t4.re * kSin2Of5, t3.im * kSin1Of5 + t4.im * kSin2Of5};
        const Cx<V> d2 = {t3.re * kSin2Of5 - t4.re * kSin1Of5, t3.im * kSin2Of5 - t4.im * kSin1Of5};
        y[1] = b1 + times_minus_i(d1);
        y[4] = b1 - times_minus_i(d1);
        y[2] = b2 + times_minus_i(d2);
        y[3] = b2 - times_minus_i(d2);
    } else if constexpr (R == 8) {
        Cx<V> even[4] = {a[0], a[2], a[4], a[6]}, odd[4] = {a[1], a[3], a[5], a[7]};
        Cx<V> e[4], o[4];
        small_dft<4>(even, e);
        small_dft<4>(odd, o);
        // o_k * exp(-2 pi i k / 8) for k = 1, 2, 3
        const Cx<V> o1 = {(o[1].re + o[1].im) * kSqrtHalf, (o[1].im - o[1].re) * kSqrtHalf};
        const Cx<V> o2 = times_minus_i(o[2]);
        const Cx<V> o3 = {(o[3].im - o[3].re) * kSqrtHalf, -((o[3].re + o[3].im) * kSqrtHalf)};
        y[0] = e[0] + o[0];
        y[4] = e[0] - o[0];
        y[1] = e[1] + o1;
        y[5] = e[1] - o1;
        y[2] = e[2] + o2;
        y[6] = e[2] - o2;
        y[3] = e[3] + o3;
        y[7] = e[3] - o3;
    } else {
        static_assert(R == 2, "radix 2, 3, 4, 5 or 8");
    }
}

} // namespace amp::dsp::fft
