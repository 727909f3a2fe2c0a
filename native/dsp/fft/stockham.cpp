// stockham.cpp: mixed-radix (2, 3, 4, 5, 8) Stockham autosort DFT for n = 2^a 3^b 5^c.
//
// Stage i (radix R, current length L = R * m, stride s = n / L) reads src[q + s (p + k m)] and
// writes dst[q + s (R p + j)] = (DFT_R of the k-sequence)_j * exp(-2 pi i j p / L), for q < s,
// p < m, j, k < R (decimation in frequency). Stages ping-pong between the output and the work
// array, so no bit reversal pass is needed. The inner loop over q is contiguous and runs on
// 8- or 4-lane vectors when s allows; the first stage (s = 1) runs on vectors over p instead and
// transposes its radix-4 outputs while storing. Twiddles are precomputed per stage.
#include <cstdint>
#include <vector>

#include "dsp/fft/butterflies.h"
#include "dsp/fft/split_dft.h"
#include "dsp/fft/twiddle.h"

namespace amp::dsp::fft {
namespace {

struct Stage {
    int radix;
    std::size_t m, s;
    std::vector<double> tw_re, tw_im; // [(j - 1) m + p] = exp(-2 pi i j p / (radix m))
};

// Stage over vectors along q (s a multiple of the lane width); Twiddled false when m == 1.
template <int R, class V, bool Twiddled>
void stage_q(const Stage &st, const double *sr, const double *si, double *dr, double *di) {
    const std::size_t m = st.m, s = st.s;
    for (std::size_t p = 0; p < m; ++p) {
        V wr[R], wi[R];
        if constexpr (Twiddled)
            for (int j = 1; j < R; ++j) {
                wr[j] = Lanes<V>::splat(st.tw_re[(j - 1) * m + p]);
                wi[j] = Lanes<V>::splat(st.tw_im[(j - 1) * m + p]);
            }
        for (std::size_t q = 0; q < s; q += Lanes<V>::width) {
            Cx<V> a[R], y[R];
            for (int k = 0; k < R; ++k) {
                a[k].re = Lanes<V>::load(sr + q + s * (p + k * m));
                a[k].im = Lanes<V>::load(si + q + s * (p + k * m));
            }
            small_dft<R>(a, y);
            for (int j = 0; j < R; ++j) {
                Cx<V> out = y[j];
                if constexpr (Twiddled)
                    if (j > 0) out = rotate(out, wr[j], wi[j]);
                Lanes<V>::store(dr + q + s * (R * p + j), out.re);
                Lanes<V>::store(di + q + s * (R * p + j), out.im);
            }
        }
    }
}

typedef long long I4 __attribute__((vector_size(32)));

// Rows y0..y3 (lanes t) to columns: out[4 t + j] = y_j[t].
inline void store_transposed(double *out, V4 y0, V4 y1, V4 y2, V4 y3) {
    const V4 lo01 = __builtin_shuffle(y0, y1, I4{0, 4, 1, 5});
    const V4 hi01 = __builtin_shuffle(y0, y1, I4{2, 6, 3, 7});
    const V4 lo23 = __builtin_shuffle(y2, y3, I4{0, 4, 1, 5});
    const V4 hi23 = __builtin_shuffle(y2, y3, I4{2, 6, 3, 7});
    Lanes<V4>::store(out, __builtin_shuffle(lo01, lo23, I4{0, 1, 4, 5}));
    Lanes<V4>::store(out + 4, __builtin_shuffle(lo01, lo23, I4{2, 3, 6, 7}));
    Lanes<V4>::store(out + 8, __builtin_shuffle(hi01, hi23, I4{0, 1, 4, 5}));
    Lanes<V4>::store(out + 12, __builtin_shuffle(hi01, hi23, I4{2, 3, 6, 7}));
}

// First radix-4 stage (s = 1, m a multiple of 4) over 4-lane vectors along p.
void stage_first_radix4(const Stage &st, const double *sr, const double *si, double *dr,
                        double *di) {
    const std::size_t m = st.m;
    for (std::size_t p = 0; p < m; p += 4) {
        Cx<V4> a[4], y[4];
        for (std::size_t k = 0; k < 4; ++k) {
            a[k].re = Lanes<V4>::load(sr + p + k * m);
            a[k].im = Lanes<V4>::load(si + p + k * m);
        }
        small_dft<4>(a, y);
        for (std::size_t j = 1; j < 4; ++j)
            y[j] = rotate(y[j], Lanes<V4>::load(st.tw_re.data() + (j - 1) * m + p),
                          Lanes<V4>::load(st.tw_im.data() + (j - 1) * m + p));
        store_transposed(dr + 4 * p, y[0].re, y[1].re, y[2].re, y[3].re);
        store_transposed(di + 4 * p, y[0].im, y[1].im, y[2].im, y[3].im);
    }
}

template <int R>
void run_radix(const Stage &st, const double *sr, const double *si, double *dr, double *di,
               bool vectors) {
    if (!vectors) {
        if (st.m == 1) return stage_q<R, double, false>(st, sr, si, dr, di);
        return stage_q<R, double, true>(st, sr, si, dr, di);
    }
    if (st.m == 1) {
        if (st.s % 8 == 0) return stage_q<R, V8, false>(st, sr, si, dr, di);
        if (st.s % 4 == 0) return stage_q<R, V4, false>(st, sr, si, dr, di);
        return stage_q<R, double, false>(st, sr, si, dr, di);
    }
    if (st.s % 8 == 0) return stage_q<R, V8, true>(st, sr, si, dr, di);
    if (st.s % 4 == 0) return stage_q<R, V4, true>(st, sr, si, dr, di);
    if constexpr (R == 4)
        if (st.s == 1 && st.m % 4 == 0) return stage_first_radix4(st, sr, si, dr, di);
    stage_q<R, double, true>(st, sr, si, dr, di);
}

void run_stage(const Stage &st, const double *sr, const double *si, double *dr, double *di,
               bool vectors) {
    switch (st.radix) {
    case 2: return run_radix<2>(st, sr, si, dr, di, vectors);
    case 3: return run_radix<3>(st, sr, si, dr, di, vectors);
    case 4: return run_radix<4>(st, sr, si, dr, di, vectors);
    case 5: return run_radix<5>(st, sr, si, dr, di, vectors);
    default: return run_radix<8>(st, sr, si, dr, di, vectors);
    }
}

// Radices in stage order: a radix 4 first (its stride-1 stage has the vectorised transpose),
// then radix 8 (fewest passes), the remaining power of two as 4, 4x4 or 2, then 3s and 5s.
std::vector<int> choose_radices(std::size_t n) {
    std::size_t twos = 0;
    while (n % 2 == 0) n /= 2, ++twos;
    std::vector<int> radices;
    if (twos >= 2) radices.push_back(4), twos -= 2;
    while (twos >= 3 && !(twos == 4)) radices.push_back(8), twos -= 3;
    if (twos == 4) radices.push_back(4), radices.push_back(4), twos = 0;
    if (twos == 2) radices.push_back(4), twos = 0;
    if (twos == 1) radices.push_back(2), twos = 0;
    while (n % 3 == 0) radices.push_back(3), n /= 3;
    while (n % 5 == 0) radices.push_back(5), n /= 5;
    return radices;
}

class Stockham final : public SplitDft {
  public:
    Stockham(std::size_t n, bool vectors) : SplitDft(n), vectors_(vectors) {
        std::size_t s = 1;
        for (int radix : choose_radices(n)) {
            Stage st;
            st.radix = radix;
            st.s = s;
            st.m = n / s / static_cast<std::size_t>(radix);
            const std::size_t length = n / s;
            if (st.m > 1) {
                st.tw_re.resize((radix - 1) * st.m);
                st.tw_im.resize((radix - 1) * st.m);
                for (std::size_t j = 1; j < static_cast<std::size_t>(radix); ++j)
                    for (std::size_t p = 0; p < st.m; ++p)
                        unit_root(j * p, length, &st.tw_re[(j - 1) * st.m + p],
                                  &st.tw_im[(j - 1) * st.m + p]);
            }
            stages_.push_back(std::move(st));
            s *= static_cast<std::size_t>(radix);
        }
    }
    std::size_t work_doubles() const override { return 2 * size(); }
    void forward(const double *in_re, const double *in_im, double *out_re, double *out_im,
                 double *work) const override {
        const std::size_t n = size(), count = stages_.size();
        if (count == 0) {
            out_re[0] = in_re[0];
            out_im[0] = in_im[0];
            return;
        }
        const double *sr = in_re, *si = in_im;
        for (std::size_t i = 0; i < count; ++i) {
            // The last stage writes out; earlier ones alternate so that holds.
            const bool to_out = (count - 1 - i) % 2 == 0;
            double *dr = to_out ? out_re : work, *di = to_out ? out_im : work + n;
            run_stage(stages_[i], sr, si, dr, di, vectors_);
            sr = dr;
            si = di;
        }
    }

  private:
    bool vectors_;
    std::vector<Stage> stages_;
};

} // namespace

bool is_smooth(std::size_t n) {
    if (n == 0) return false;
    for (std::size_t f : {2u, 3u, 5u})
        while (n % f == 0) n /= f;
    return n == 1;
}

std::unique_ptr<SplitDft> make_stockham(std::size_t n, bool vectors) {
    return std::make_unique<Stockham>(n, vectors);
}

std::unique_ptr<SplitDft> make_split_dft(std::size_t n) {
    return is_smooth(n) ? make_stockham(n) : make_bluestein(n);
}

} // namespace amp::dsp::fft
