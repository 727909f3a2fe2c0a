// pcm.cpp: see pcm.h. Integer scale 2^(bits-1): x -> floor(x * 2^(bits-1) + d + 1/2) clipped to
// [-2^(bits-1), 2^(bits-1) - 1], d the TPDF dither in (-1, 1) LSB (0 without dither); reading
// divides by 2^(bits-1) (8-bit: (byte - 128) / 128).
#include "dsp/pcm.h"

#include <cfloat>
#include <cmath>
#include <cstring>

namespace amp::dsp {

namespace {

// splitmix64's finaliser: a bijective mix of 64 bits.
uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// TPDF noise in LSB for (seed, frame, channel): the difference of two uniforms in (0, 1) drawn
// from the two halves of one hash, so it lies in (-1, 1) with a triangular density.
double tpdf(uint64_t seed, uint64_t frame, uint32_t channel) {
    const uint64_t h = mix64(seed ^ mix64(frame * 0x9e3779b97f4a7c15ull + channel));
    const double scale = 1.0 / 4294967296.0;
    const double u1 = (static_cast<double>(h >> 32) + 0.5) * scale;
    const double u2 = (static_cast<double>(h & 0xffffffffull) + 0.5) * scale;
    return u1 - u2;
}

void put_le(uint8_t *out, uint64_t value, uint32_t bytes) {
    for (uint32_t k = 0; k < bytes; ++k) out[k] = static_cast<uint8_t>(value >> (8 * k));
}

uint64_t get_le(const uint8_t *in, uint32_t bytes) {
    uint64_t value = 0;
    for (uint32_t k = 0; k < bytes; ++k) value |= static_cast<uint64_t>(in[k]) << (8 * k);
    return value;
}

uint32_t int_bits(PcmFormat format) {
    switch (format) {
    case PcmFormat::S16: return 16;
    case PcmFormat::S24: return 24;
    case PcmFormat::S32: return 32;
    case PcmFormat::U8: return 8;
    default: return 0;
    }
}

} // namespace

uint32_t pcm_bytes(uint32_t format) {
    switch (static_cast<PcmFormat>(format)) {
    case PcmFormat::S16: return 2;
    case PcmFormat::S24: return 3;
    case PcmFormat::S32: return 4;
    case PcmFormat::F32: return 4;
    case PcmFormat::F64: return 8;
    case PcmFormat::U8: return 1;
    }
    return 0;
}

PcmEncodeResult pcm_encode(const double *data, uint64_t lane_stride, uint32_t channels,
                           uint64_t frames, PcmFormat format, bool dither, uint64_t seed,
                           uint64_t start_frame, uint8_t *out) {
    PcmEncodeResult result;
    const double limit = format == PcmFormat::F32 ? static_cast<double>(FLT_MAX) : DBL_MAX;
    for (uint32_t c = 0; c < channels; ++c) {
        const double *row = data + c * lane_stride;
        for (uint64_t f = 0; f < frames; ++f) {
            const double x = row[f];
            if (!(std::fabs(x) <= limit)) { // NaN fails every comparison
                result.ok = false;
                result.first_bad_lane = c;
                result.first_bad_frame = f;
                return result;
            }
            if (std::fabs(x) > 1.0) ++result.clipped;
        }
    }
    const uint32_t width = pcm_bytes(static_cast<uint32_t>(format));
    const uint64_t frame_bytes = static_cast<uint64_t>(width) * channels;
    const uint32_t bits = int_bits(format);
    if (bits == 0) {
        result.clipped = 0;
        for (uint32_t c = 0; c < channels; ++c) {
            const double *row = data + c * lane_stride;
            uint8_t *dst = out + static_cast<uint64_t>(c) * width;
            for (uint64_t f = 0; f < frames; ++f, dst += frame_bytes) {
                if (format == PcmFormat::F32) {
                    const float v = static_cast<float>(row[f]);
                    uint32_t u = 0;
                    std::memcpy(&u, &v, sizeof u);
                    put_le(dst, u, 4);
                } else {
                    uint64_t u = 0;
                    std::memcpy(&u, &row[f], sizeof u);
                    put_le(dst, u, 8);
                }
            }
        }
        return result;
    }
    const double scale = std::ldexp(1.0, static_cast<int>(bits) - 1);
    const double lo = -scale, hi = scale - 1.0;
    for (uint32_t c = 0; c < channels; ++c) {
        const double *row = data + c * lane_stride;
        uint8_t *dst = out + static_cast<uint64_t>(c) * width;
        for (uint64_t f = 0; f < frames; ++f, dst += frame_bytes) {
            double v = row[f] * scale;
            if (dither) v += tpdf(seed, start_frame + f, c);
            v = std::floor(v + 0.5);
            v = v < lo ? lo : (v > hi ? hi : v);
            const int64_t q = static_cast<int64_t>(v);
            put_le(dst, static_cast<uint64_t>(q), width);
        }
    }
    return result;
}

void pcm_decode(const uint8_t *bytes, uint32_t channels, uint64_t frames, PcmFormat format,
                double *out, uint64_t lane_stride) {
    const uint32_t width = pcm_bytes(static_cast<uint32_t>(format));
    const uint64_t frame_bytes = static_cast<uint64_t>(width) * channels;
    const uint32_t bits = int_bits(format);
    for (uint32_t c = 0; c < channels; ++c) {
        double *row = out + c * lane_stride;
        const uint8_t *src = bytes + static_cast<uint64_t>(c) * width;
        if (format == PcmFormat::F32) {
            for (uint64_t f = 0; f < frames; ++f, src += frame_bytes) {
                const uint32_t u = static_cast<uint32_t>(get_le(src, 4));
                float v = 0.0f;
                std::memcpy(&v, &u, sizeof v);
                row[f] = static_cast<double>(v);
            }
        } else if (format == PcmFormat::F64) {
            for (uint64_t f = 0; f < frames; ++f, src += frame_bytes) {
                const uint64_t u = get_le(src, 8);
                std::memcpy(&row[f], &u, sizeof u);
            }
        } else if (format == PcmFormat::U8) {
            for (uint64_t f = 0; f < frames; ++f, src += frame_bytes)
                row[f] = (static_cast<double>(src[0]) - 128.0) / 128.0;
        } else {
            const double scale = std::ldexp(1.0, static_cast<int>(bits) - 1);
            const uint32_t shift = 64 - bits;
            for (uint64_t f = 0; f < frames; ++f, src += frame_bytes) {
                // Sign-extend: move the sample's top bit to bit 63, then shift back arithmetically.
                const int64_t q = static_cast<int64_t>(get_le(src, width) << shift) >> shift;
                row[f] = static_cast<double>(q) / scale;
            }
        }
    }
}

} // namespace amp::dsp
