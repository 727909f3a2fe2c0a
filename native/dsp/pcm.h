// pcm.h: conversion between planar double samples and interleaved little-endian PCM bytes
// (the sample formats of WAV files), with optional TPDF dither for integer formats. The
// contract (scaling, rounding, clipping, refusal of non-finite samples, the dither's noise as a
// pure function of seed, frame and channel) is stated with amp_pcm_encode in amp_native.h.
#pragma once

#include <cstdint>

namespace amp::dsp {

enum class PcmFormat : uint32_t { S16 = 0, S24 = 1, S32 = 2, F32 = 3, F64 = 4, U8 = 5 };

// Bytes per sample; 0 for a value outside PcmFormat.
uint32_t pcm_bytes(uint32_t format);

struct PcmEncodeResult {
    bool ok = true;               // false: a sample was not encodable, nothing written
    uint64_t clipped = 0;         // integer formats: samples with |x| > 1
    uint64_t first_bad_lane = 0;  // when !ok: channel of the first refused sample
    uint64_t first_bad_frame = 0; // when !ok: its frame
};

// Encodes frames x channels samples (row c at data + c * lane_stride) into out, which holds
// frames * channels * pcm_bytes(format) bytes. Checks every sample before writing any byte.
PcmEncodeResult pcm_encode(const double *data, uint64_t lane_stride, uint32_t channels,
                           uint64_t frames, PcmFormat format, bool dither, uint64_t seed,
                           uint64_t start_frame, uint8_t *out);

// Decodes frames x channels interleaved samples into planar rows (row c at out + c * stride).
void pcm_decode(const uint8_t *bytes, uint32_t channels, uint64_t frames, PcmFormat format,
                double *out, uint64_t lane_stride);

} // namespace amp::dsp
