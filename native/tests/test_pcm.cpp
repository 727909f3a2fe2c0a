// test_pcm.cpp: amp_pcm_encode / amp_pcm_decode. Exact bytes against values worked out by hand
// (scale 2^(bits-1), round half up, clip), float formats bit-exact, TPDF dither within +-1 LSB,
// triangular and reproducible block by block, non-finite samples refused with nothing written.
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "test_support.h"

namespace {

int64_t read_int(const uint8_t *p, uint32_t bytes) {
    uint64_t u = 0;
    for (uint32_t k = 0; k < bytes; ++k) u |= static_cast<uint64_t>(p[k]) << (8 * k);
    const uint32_t shift = 64 - 8 * bytes;
    return static_cast<int64_t>(u << shift) >> shift;
}

} // namespace

TEST(integer_formats_scale_round_and_clip_interleaved) {
    // Two channels, three frames, planar.
    const double planar[6] = {0.0, 0.5, -1.0, 1.0, -0.25, 2.0};
    std::vector<uint8_t> out(6 * 2, 0xee);
    AmpPcmEncodeInfo info{};
    CHECK_EQ(amp_pcm_encode(planar, 3, 2, 3, AMP_PCM_S16, 0, 0, 0, out.data(), out.size(), &info),
             AMP_OK);
    // Interleaved: (0, 1) (0.5, -0.25) (-1, 2) -> 0, 32767 (1.0 clipped), 16384, -8192, -32768,
    // 32767.
    const int64_t expected[6] = {0, 32767, 16384, -8192, -32768, 32767};
    for (int i = 0; i < 6; ++i) CHECK_EQ(read_int(out.data() + 2 * i, 2), expected[i]);
    CHECK_EQ(info.clipped, uint64_t{1}); // only |x| > 1 counts
    std::vector<uint8_t> s24(6 * 3);
    CHECK_EQ(amp_pcm_encode(planar, 3, 2, 3, AMP_PCM_S24, 0, 0, 0, s24.data(), s24.size(), nullptr),
             AMP_OK);
    CHECK_EQ(read_int(s24.data() + 3 * 2, 3), int64_t{4194304});
    CHECK_EQ(read_int(s24.data() + 3 * 4, 3), int64_t{-8388608});
    const double tiny[1] = {1.5 / 32768.0}; // 1.5 LSB rounds half up to 2
    CHECK_EQ(amp_pcm_encode(tiny, 1, 1, 1, AMP_PCM_S16, 0, 0, 0, out.data(), 2, nullptr), AMP_OK);
    CHECK_EQ(read_int(out.data(), 2), int64_t{2});
}

TEST(decoding_inverts_encoding_on_the_grid_and_floats_are_exact) {
    std::vector<double> planar(2 * 50);
    for (size_t i = 0; i < planar.size(); ++i)
        planar[i] = std::ldexp(static_cast<double>(static_cast<int>(i) - 50), -6);
    for (uint32_t format : {AMP_PCM_S16, AMP_PCM_S24, AMP_PCM_S32, AMP_PCM_F32, AMP_PCM_F64}) {
        std::vector<uint8_t> bytes(planar.size() * amp_pcm_bytes(format));
        CHECK_EQ(amp_pcm_encode(planar.data(), 50, 2, 50, format, 0, 0, 0, bytes.data(),
                                bytes.size(), nullptr),
                 AMP_OK);
        std::vector<double> back(planar.size(), -9.0);
        CHECK_EQ(amp_pcm_decode(bytes.data(), bytes.size(), 2, 50, format, back.data(), 50),
                 AMP_OK);
        for (size_t i = 0; i < planar.size(); ++i) CHECK_EQ(back[i], planar[i]);
    }
    const double third[1] = {1.0 / 3.0};
    uint8_t f32[4];
    CHECK_EQ(amp_pcm_encode(third, 1, 1, 1, AMP_PCM_F32, 0, 0, 0, f32, 4, nullptr), AMP_OK);
    double back = 0.0;
    CHECK_EQ(amp_pcm_decode(f32, 4, 1, 1, AMP_PCM_F32, &back, 1), AMP_OK);
    CHECK_EQ(back, static_cast<double>(static_cast<float>(1.0 / 3.0)));
    const uint8_t u8[3] = {0, 128, 255};
    double eight[3];
    CHECK_EQ(amp_pcm_decode(u8, 3, 1, 3, AMP_PCM_U8, eight, 3), AMP_OK);
    CHECK_EQ(eight[0], -1.0);
    CHECK_EQ(eight[1], 0.0);
    CHECK_EQ(eight[2], 127.0 / 128.0);
}

TEST(tpdf_dither_is_triangular_within_one_lsb_and_block_invariant) {
    const uint64_t frames = 200000;
    std::vector<double> planar(frames, 0.25 / 32768.0); // a quarter LSB
    std::vector<uint8_t> whole(frames * 2), pieces(frames * 2);
    CHECK_EQ(amp_pcm_encode(planar.data(), frames, 1, frames, AMP_PCM_S16, 1, 42, 0, whole.data(),
                            whole.size(), nullptr),
             AMP_OK);
    for (uint64_t start = 0; start < frames; start += 777) {
        const uint64_t n = std::min<uint64_t>(777, frames - start);
        CHECK_EQ(amp_pcm_encode(planar.data() + start, n, 1, n, AMP_PCM_S16, 1, 42, start,
                                pieces.data() + 2 * start, 2 * n, nullptr),
                 AMP_OK);
    }
    CHECK(whole == pieces);
    // x = 0.25 LSB plus d in (-1, 1): quantised to -1, 0 or 1 with probabilities
    // P(d < -0.75) = 0.03125, P(d >= 0.25) = 0.28125, the rest 0.6875 (triangular density).
    double counts[3] = {0, 0, 0};
    double mean = 0.0;
    for (uint64_t f = 0; f < frames; ++f) {
        const int64_t q = read_int(whole.data() + 2 * f, 2);
        CHECK(q >= -1 && q <= 1);
        counts[q + 1] += 1.0;
        mean += static_cast<double>(q);
    }
    CHECK_NEAR(counts[0] / frames, 0.03125, 0.003);
    CHECK_NEAR(counts[2] / frames, 0.28125, 0.005);
    CHECK_NEAR(mean / frames, 0.25, 0.01); // TPDF keeps the mean: no bias
    std::vector<uint8_t> other(frames * 2);
    CHECK_EQ(amp_pcm_encode(planar.data(), frames, 1, frames, AMP_PCM_S16, 1, 43, 0, other.data(),
                            other.size(), nullptr),
             AMP_OK);
    CHECK(other != whole); // the seed matters
}

TEST(non_finite_samples_are_refused_and_nothing_is_written) {
    for (double bad : {std::nan(""), std::numeric_limits<double>::infinity(), 1e300}) {
        const double planar[4] = {0.1, 0.2, 0.3, bad};
        std::vector<uint8_t> out(4 * 4, 0xab);
        AmpPcmEncodeInfo info{};
        const uint32_t format = bad == 1e300 ? AMP_PCM_F32 : AMP_PCM_S24;
        CHECK_EQ(amp_pcm_encode(planar, 2, 2, 2, format, 0, 0, 0, out.data(), out.size(), &info),
                 AMP_ERR_INVALID_ARGUMENT);
        CHECK_EQ(info.first_nonfinite, uint64_t{3});
        for (uint8_t byte : out) CHECK_EQ(byte, 0xab);
    }
    const double ok[2] = {0.0, 0.0};
    uint8_t small[3];
    CHECK_EQ(amp_pcm_encode(ok, 2, 1, 2, AMP_PCM_S16, 0, 0, 0, small, 3, nullptr),
             AMP_ERR_SHAPE_MISMATCH);
    CHECK_EQ(amp_pcm_encode(ok, 2, 1, 2, 99, 0, 0, 0, small, 3, nullptr), AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(amp_pcm_encode(ok, 2, 1, 2, AMP_PCM_U8, 0, 0, 0, small, 3, nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(amp_pcm_bytes(AMP_PCM_S24), 3u);
    CHECK_EQ(amp_pcm_bytes(17), 0u);
}

AMP_TEST_MAIN()
