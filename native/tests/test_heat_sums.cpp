// test_heat_sums.cpp: the heat model's per-frame curve (runtime/heat.h heat_curve_for_batch),
// which keeps 32 frames in vector registers and reads the channels in groups of 64, equals the
// plain loop (each channel's squares added to the frame's sum in signal and channel order, then
// times the conductance plus the work) bit for bit: for 0 to 130 channels over several signals,
// frame counts around the 32-frame step, broadcast batches and gathered rows.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "runtime/heat.h"
#include "test_support.h"

namespace {

// The plain loop the curve must equal.
void reference_curve(const amp::HeatModel &model, const amp::TensorView *signals, uint32_t count,
                     uint32_t b, uint32_t frames, double *heat) {
    bool first = true;
    for (uint32_t s = 0; s < count; ++s)
        for (uint32_t c = 0; c < signals[s].channels; ++c) {
            const double *x = signals[s].row(b, c);
            for (uint32_t f = 0; f < frames; ++f)
                heat[f] = first ? x[f] * x[f] : heat[f] + x[f] * x[f];
            first = false;
        }
    if (first)
        for (uint32_t f = 0; f < frames; ++f) heat[f] = 0.0;
    for (uint32_t f = 0; f < frames; ++f) heat[f] = heat[f] * model.conductance + model.work;
}

// Test values (not exactly representable sums: the order of additions shows in the bits).
double value(uint32_t i) { return std::sin(0.37 * i + 0.1) * (1.0 + 1e-3 * (i % 17)); }

bool same_bits(const std::vector<double> &a, const std::vector<double> &b, uint32_t n) {
    return std::memcmp(a.data(), b.data(), n * sizeof(double)) == 0;
}

} // namespace

TEST(the_curve_equals_the_plain_loop_for_any_channel_and_frame_count) {
    const amp::HeatModel model{1.0 / 3.0, 0.125};
    const uint32_t batches = 2;
    for (uint32_t channels : {0u, 1u, 3u, 32u, 64u, 65u, 130u}) {
        for (uint32_t frames : {1u, 31u, 32u, 33u, 100u, 512u}) {
            // Two signals: `channels` split as (c1, channels - c1), one dense, batches x c x
            // frames.
            const uint32_t c1 = channels / 3;
            std::vector<double> a(static_cast<size_t>(batches) * c1 * frames),
                b(static_cast<size_t>(batches) * (channels - c1) * frames);
            for (size_t i = 0; i < a.size(); ++i) a[i] = value(static_cast<uint32_t>(i));
            for (size_t i = 0; i < b.size(); ++i) b[i] = value(static_cast<uint32_t>(i + 7919));
            std::vector<amp::TensorView> signals;
            if (c1 > 0) signals.push_back({a.data(), batches, c1, frames, 0, nullptr});
            if (channels > c1)
                signals.push_back({b.data(), batches, channels - c1, frames, 0, nullptr});
            const auto count = static_cast<uint32_t>(signals.size());
            for (uint32_t lane = 0; lane < batches; ++lane) {
                std::vector<double> got(frames, -1.0), want(frames, -2.0);
                amp::heat_curve_for_batch(model, signals.data(), count, lane, frames, got.data());
                reference_curve(model, signals.data(), count, lane, frames, want.data());
                CHECK(same_bits(got, want, frames));
            }
        }
    }
}

TEST(broadcast_batches_and_gathered_rows_read_the_same_rows_as_the_plain_loop) {
    const amp::HeatModel model{0.5, 0.0};
    const uint32_t frames = 77, channels = 40;
    std::vector<double> data(static_cast<size_t>(channels) * frames);
    for (size_t i = 0; i < data.size(); ++i) data[i] = value(static_cast<uint32_t>(i * 3));
    // One batch broadcast over 3 (stride 0 in batches), and the same rows gathered in reverse.
    const amp::TensorView broadcast{data.data(), 1, channels, frames, 0, nullptr};
    std::vector<const double *> rows(channels);
    for (uint32_t c = 0; c < channels; ++c)
        rows[c] = data.data() + static_cast<size_t>(channels - 1 - c) * frames;
    const amp::TensorView gathered{data.data(), 1, channels, frames, 0, rows.data()};
    for (const amp::TensorView *view : {&broadcast, &gathered})
        for (uint32_t lane = 0; lane < 3; ++lane) {
            std::vector<double> got(frames), want(frames);
            amp::heat_curve_for_batch(model, view, 1, lane, frames, got.data());
            reference_curve(model, view, 1, lane, frames, want.data());
            CHECK(same_bits(got, want, frames));
        }
}

// accumulate_rows_heat (the curve's sums without writing it) equals heat_curve_for_batch then
// accumulate_heat, bit for bit: 1 to kFusedHeatRows rows, frame counts around the 8-frame lanes,
// starting positions that are not a multiple of 8.
TEST(fused_row_sums_equal_the_written_curves_sums) {
    const amp::HeatModel model{1.0 / 3.0, 0.125};
    for (uint32_t channels = 1; channels <= amp::kFusedHeatRows; ++channels)
        for (uint32_t frames : {1u, 7u, 8u, 9u, 31u, 100u, 512u})
            for (uint64_t position : {0ull, 3ull, 13ull}) {
                std::vector<double> data(static_cast<size_t>(channels) * frames);
                for (size_t i = 0; i < data.size(); ++i) data[i] = value(static_cast<uint32_t>(i));
                const amp::TensorView view{data.data(), 1, channels, frames, 0, nullptr};
                std::vector<const double *> rows(channels);
                for (uint32_t c = 0; c < channels; ++c) rows[c] = view.row(0, c);
                std::vector<double> curve(frames);
                amp::heat_curve_for_batch(model, &view, 1, 0, frames, curve.data());
                std::vector<double> want(amp::kHeatLanes, 0.25), got(amp::kHeatLanes, 0.25);
                amp::accumulate_heat(want.data(), position, curve.data(), frames);
                amp::accumulate_rows_heat(got.data(), position, model, rows.data(), channels,
                                          frames);
                CHECK(same_bits(got, want, amp::kHeatLanes));
            }
}

AMP_TEST_MAIN()

TEST(rows_given_as_squares_give_the_plain_loops_bits) {
    // Rows every lane reads alike are squared once (GraphRuntime::square_shared_rows) and the
    // curve reads their squares: any subset of rows, the first included, gives the same bits.
    const amp::HeatModel model{1.0 / 3.0, 0.125};
    for (uint32_t channels : {1u, 2u, 33u, 70u}) {
        for (uint32_t frames : {1u, 33u, 100u}) {
            std::vector<double> data(static_cast<size_t>(2) * channels * frames);
            for (size_t i = 0; i < data.size(); ++i) data[i] = value(static_cast<uint32_t>(i));
            const amp::TensorView view{data.data(), 2, channels, frames, 0, nullptr};
            for (uint32_t every : {1u, 2u, 3u}) {
                // Rows c with c % every == 0 given as squares of lane 0's row.
                std::vector<std::vector<double>> squares(channels);
                std::vector<const double *> table(channels, nullptr);
                for (uint32_t c = 0; c < channels; c += every) {
                    const double *x = view.row(0, c);
                    squares[c].resize(frames);
                    for (uint32_t f = 0; f < frames; ++f) squares[c][f] = x[f] * x[f];
                    table[c] = squares[c].data();
                }
                std::vector<double> got(frames, -1.0), want(frames, -2.0);
                amp::heat_curve_for_batch(model, &view, 1, 0, frames, got.data(), table.data());
                reference_curve(model, &view, 1, 0, frames, want.data());
                CHECK(same_bits(got, want, frames));
            }
        }
    }
}
