// stockham.cpp: mixed-radix (2, 3, 4, 5, 8) Stockham autosort DFT for n = 2^a 3^b 5^c.
//
// Stage i (radix R, current length L = R * m, stride s = n / L) reads src[q + s (p + k m)] and
// writes dst[q + s (R p + j)] = (DFT_R of the k-sequence)_j * exp(-2 pi i j p / L), for q < s,
// p < m, j, k < R (decimation in frequency). Stages ping-pong between two work buffers and the
// last one writes the output, so no bit reversal pass is needed. The inner loop over q is
// contiguous and runs on 8- or 4-lane vectors when s allows; the first stage (s = 1) runs on
// vectors over p instead, reads interleaved input directly when given it, and transposes its
// radix-4/8 outputs while storing. Twiddles are precomputed per stage. Where the R input streams
// of a stage would be a multiple of 4 KiB apart (power-of-two sizes), the work buffers are padded
// by a cache line per stream, which keeps them out of one L1 set (this halved the time of 2^15).
#include <cstdint>
#include <vector>

#include "dsp/fft/butterflies.h"
#include "dsp/fft/interleave.h"
#include "dsp/fft/split_dft.h"
#include "dsp/fft/twiddle.h"

namespace amp::dsp::fft {
namespace {

struct Stage {
    int radix;
    std::size_t m, s;
    std::vector<double> tw_re, tw_im; // [(j - 1) m + p] = exp(-2 pi i j p / (radix m))
    // Padding of the intermediate buffers (see Stockham): the input's k-th stream starts
    // k * read_pad doubles late; outputs for p go write_pad * (p / next_m) doubles late.
    std::size_t read_pad = 0, write_pad = 0, next_m = 1;
};

// Stage over vectors along q (s a multiple of the lane width); Twiddled false when m == 1.
template <int R, class V, bool Twiddled>
void stage_q(const Stage &st, const double *sr, const double *si, double *dr, double *di) {
    const std::size_t m = st.m, s = st.s;
    for (std::size_t p = 0; p < m; ++p) {
        const std::size_t skew = st.write_pad * (p / st.next_m);
        V wr[R], wi[R];
        if constexpr (Twiddled)
            for (int j = 1; j < R; ++j) {
                wr[j] = Lanes<V>::splat(st.tw_re[(j - 1) * m + p]);
                wi[j] = Lanes<V>::splat(st.tw_im[(j - 1) * m + p]);
            }
        for (std::size_t q = 0; q < s; q += Lanes<V>::width) {
            Cx<V> a[R], y[R];
            for (int k = 0; k < R; ++k) {
                a[k].re = Lanes<V>::load(sr + q + s * (p + k * m) + k * st.read_pad);
                a[k].im = Lanes<V>::load(si + q + s * (p + k * m) + k * st.read_pad);
            }
            small_dft<R>(a, y);
            for (int j = 0; j < R; ++j) {
                Cx<V> out = y[j];
                if constexpr (Twiddled)
                    if (j > 0) out = rotate(out, wr[j], wi[j]);
                Lanes<V>::store(dr + q + s * (R * p + j) + skew, out.re);
                Lanes<V>::store(di + q + s * (R * p + j) + skew, out.im);
            }
        }
    }
}

// Where the last stage writes when the caller wants interleaved output: out[2i], out[2i + 1]
// (exchanged when swap is set), each multiplied by scale when scaled.
struct Sink {
    double *interleaved = nullptr;
    bool swap = false, scaled = false;
    double scale = 1.0;
};

// The last stage (m = 1) writing interleaved output.
template <int R, class V>
void stage_last_interleaved(const Stage &st, const double *sr, const double *si, const Sink &sink) {
    const std::size_t s = st.s;
    for (std::size_t q = 0; q < s; q += Lanes<V>::width) {
        Cx<V> a[R], y[R];
        for (int k = 0; k < R; ++k) {
            a[k].re = Lanes<V>::load(sr + q + s * k + k * st.read_pad);
            a[k].im = Lanes<V>::load(si + q + s * k + k * st.read_pad);
        }
        small_dft<R>(a, y);
        for (int j = 0; j < R; ++j) {
            V re = sink.swap ? y[j].im : y[j].re, im = sink.swap ? y[j].re : y[j].im;
            if (sink.scaled) {
                re = re * sink.scale;
                im = im * sink.scale;
            }
            store_pair(sink.interleaved + 2 * (q + s * j), re, im);
        }
    }
}

template <int R>
void run_last_interleaved(const Stage &st, const double *sr, const double *si, const Sink &sink,
                          bool vectors) {
    if (vectors && st.s % 8 == 0) return stage_last_interleaved<R, V8>(st, sr, si, sink);
    if (vectors && st.s % 4 == 0) return stage_last_interleaved<R, V4>(st, sr, si, sink);
    stage_last_interleaved<R, double>(st, sr, si, sink);
}

void run_last_stage(const Stage &st, const double *sr, const double *si, const Sink &sink,
                    bool vectors) {
    switch (st.radix) {
    case 2: return run_last_interleaved<2>(st, sr, si, sink, vectors);
    case 3: return run_last_interleaved<3>(st, sr, si, sink, vectors);
    case 4: return run_last_interleaved<4>(st, sr, si, sink, vectors);
    case 5: return run_last_interleaved<5>(st, sr, si, sink, vectors);
    default: return run_last_interleaved<8>(st, sr, si, sink, vectors);
    }
}

typedef long long I4 __attribute__((vector_size(32)));

// Rows y0..y3 (lanes t) to columns: out[stride t + j] = y_j[t] for j, t < 4.
inline void store_transposed(double *out, std::size_t stride, V4 y0, V4 y1, V4 y2, V4 y3) {
    const V4 lo01 = amp_shuffle(y0, y1, I4{0, 4, 1, 5});
    const V4 hi01 = amp_shuffle(y0, y1, I4{2, 6, 3, 7});
    const V4 lo23 = amp_shuffle(y2, y3, I4{0, 4, 1, 5});
    const V4 hi23 = amp_shuffle(y2, y3, I4{2, 6, 3, 7});
    Lanes<V4>::store(out, amp_shuffle(lo01, lo23, I4{0, 1, 4, 5}));
    Lanes<V4>::store(out + stride, amp_shuffle(lo01, lo23, I4{2, 3, 6, 7}));
    Lanes<V4>::store(out + 2 * stride, amp_shuffle(hi01, hi23, I4{0, 1, 4, 5}));
    Lanes<V4>::store(out + 3 * stride, amp_shuffle(hi01, hi23, I4{2, 3, 6, 7}));
}

// Where the first stage reads: split arrays, or interleaved complex (with real and imaginary
// parts swapped when swap is set, for the unscaled inverse).
struct Source {
    const double *re = nullptr, *im = nullptr, *interleaved = nullptr;
    bool swap = false;
};

// First stage (s = 1, radix 4 or 8, m a multiple of 4) on 4-lane vectors along p; the radix-R
// outputs of 4 consecutive p are transposed while stored.
template <int R, bool Interleaved>
void stage_first(const Stage &st, const Source &src, double *dr, double *di) {
    typedef long long Pick __attribute__((vector_size(32)));
    const std::size_t m = st.m;
    for (std::size_t p = 0; p < m; p += 4) {
        Cx<V4> a[R], y[R];
        for (std::size_t k = 0; k < R; ++k) {
            if constexpr (Interleaved) {
                const double *at = src.interleaved + 2 * (p + k * m);
                const V4 lo = Lanes<V4>::load(at), hi = Lanes<V4>::load(at + 4);
                const V4 even = amp_shuffle(lo, hi, Pick{0, 2, 4, 6});
                const V4 odd = amp_shuffle(lo, hi, Pick{1, 3, 5, 7});
                a[k].re = src.swap ? odd : even;
                a[k].im = src.swap ? even : odd;
            } else {
                a[k].re = Lanes<V4>::load(src.re + p + k * m);
                a[k].im = Lanes<V4>::load(src.im + p + k * m);
            }
        }
        small_dft<R>(a, y);
        for (std::size_t j = 1; j < R; ++j)
            y[j] = rotate(y[j], Lanes<V4>::load(st.tw_re.data() + (j - 1) * m + p),
                          Lanes<V4>::load(st.tw_im.data() + (j - 1) * m + p));
        const std::size_t at = R * p + st.write_pad * (p / st.next_m);
        for (std::size_t j = 0; j < R; j += 4) {
            store_transposed(dr + at + j, R, y[j].re, y[j + 1].re, y[j + 2].re, y[j + 3].re);
            store_transposed(di + at + j, R, y[j].im, y[j + 1].im, y[j + 2].im, y[j + 3].im);
        }
    }
}

bool has_vector_first_stage(const Stage &st) {
    return st.s == 1 && (st.radix == 4 || st.radix == 8) && st.m % 4 == 0;
}

void run_first_stage(const Stage &st, const Source &src, double *dr, double *di) {
    if (st.radix == 4)
        return src.interleaved ? stage_first<4, true>(st, src, dr, di)
                               : stage_first<4, false>(st, src, dr, di);
    return src.interleaved ? stage_first<8, true>(st, src, dr, di)
                           : stage_first<8, false>(st, src, dr, di);
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

// Radices in stage order: a radix 8 (or 4) first (its stride-1 stage has the vectorised
// transpose), then radix 8 (fewest passes), the remaining power of two as 4, 4x4 or 2, then 3s
// and 5s.
std::vector<int> choose_radices(std::size_t n) {
    std::size_t twos = 0;
    while (n % 2 == 0) n /= 2, ++twos;
    std::vector<int> radices;
    if (twos >= 5)
        radices.push_back(8), twos -= 3;
    else if (twos >= 2)
        radices.push_back(4), twos -= 2;
    while (twos >= 3 && twos != 4) radices.push_back(8), twos -= 3;
    if (twos == 4)
        radices.push_back(4), radices.push_back(4);
    else if (twos == 2)
        radices.push_back(4);
    else if (twos == 1)
        radices.push_back(2);
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
        // The buffer between stages b - 1 and b is read in radix_b streams n / radix_b doubles
        // apart; when that is a multiple of 4 KiB they would all fall in one L1 set (8 ways),
        // so each stream is pushed one cache line further than the previous one.
        for (std::size_t b = 1; b < stages_.size(); ++b) {
            Stage &reader = stages_[b], &writer = stages_[b - 1];
            const std::size_t stride = n / static_cast<std::size_t>(reader.radix);
            const bool transposed = vectors_ && b == 1 && has_vector_first_stage(writer);
            const bool fits = !transposed || reader.m % 4 == 0; // 4 p per transposed store
            const std::size_t pad = stride % 512 == 0 && fits ? kLine : 0;
            reader.read_pad = pad;
            writer.write_pad = pad;
            writer.next_m = reader.m;
        }
        span_ = n + 8 * kLine + kSkew;
    }
    // Two intermediate buffers, each a real and an imaginary part of span_ doubles.
    std::size_t work_doubles() const override { return 4 * span_; }
    void forward(const double *in_re, const double *in_im, double *out_re, double *out_im,
                 double *work) const override {
        Source src;
        src.re = in_re;
        src.im = in_im;
        run(src, out_re, out_im, work);
    }
    void forward_interleaved(const double *in, bool swap, double *out_re, double *out_im,
                             double *work) const override {
        Source src;
        src.interleaved = in;
        src.swap = swap;
        run(src, out_re, out_im, work);
    }
    void transform_interleaved(const double *in, double *out, bool inverse, double scale,
                               double *work) const override {
        Source src;
        src.interleaved = in;
        src.swap = inverse;
        Sink sink;
        sink.interleaved = out;
        sink.swap = inverse;
        sink.scaled = scale != 1.0;
        sink.scale = scale;
        run(src, nullptr, nullptr, work, &sink);
    }

  private:
    // Doubles in a cache line; extra offset of the imaginary part of a buffer from its real part
    // (not a multiple of 4 KiB, so that the two parts use different L1 sets).
    static constexpr std::size_t kLine = 8, kSkew = 40;

    // Writes out_re/out_im, or the interleaved sink when one is given.
    void run(Source src, double *out_re, double *out_im, double *work,
             const Sink *sink = nullptr) const {
        const std::size_t n = size(), count = stages_.size();
        double *buffer_re[2] = {work, work + 2 * span_},
               *buffer_im[2] = {work + span_, work + 3 * span_};
        const bool fused = vectors_ && count > 0 && has_vector_first_stage(stages_[0]);
        if (src.interleaved != nullptr && !fused) {
            // Split into buffer 1, which the first stage reads and never writes.
            double *re = buffer_re[1], *im = buffer_im[1];
            if (src.swap)
                deinterleave(src.interleaved, im, re, n);
            else
                deinterleave(src.interleaved, re, im, n);
            src = Source{re, im, nullptr, false};
        }
        if (count == 0) {
            if (sink != nullptr) {
                const double re = sink->swap ? src.im[0] : src.re[0];
                const double im = sink->swap ? src.re[0] : src.im[0];
                sink->interleaved[0] = sink->scaled ? re * sink->scale : re;
                sink->interleaved[1] = sink->scaled ? im * sink->scale : im;
                return;
            }
            out_re[0] = src.re[0];
            out_im[0] = src.im[0];
            return;
        }
        // Stage i writes buffer i % 2, the last stage writes out.
        const double *sr = src.re, *si = src.im;
        for (std::size_t i = 0; i < count; ++i) {
            const bool last = i + 1 == count;
            if (last && sink != nullptr) {
                run_last_stage(stages_[i], sr, si, *sink, vectors_);
                return;
            }
            double *dr = last ? out_re : buffer_re[i % 2], *di = last ? out_im : buffer_im[i % 2];
            if (i == 0 && fused)
                run_first_stage(stages_[0], src, dr, di);
            else
                run_stage(stages_[i], sr, si, dr, di, vectors_);
            sr = dr;
            si = di;
        }
    }

    bool vectors_;
    std::vector<Stage> stages_;
    std::size_t span_ = 0;
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
