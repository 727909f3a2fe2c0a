// test_adsr.cpp: the adsr envelope's stages against values worked out by hand and, over long
// random gate / trigger sequences, against a reference state machine written here (retriggers
// from every stage, zero-length stages, velocity, both outputs); through it optional ports (gate or
// trigger may be left open; neither is an error) and named outputs
// ("env" = amplitude, "env.reset" = the pulse; unknown names listed), in graphs and in the
// single-node call, block invariance and the catalogue entries.
#include <array>
#include <string>
#include <vector>

#include "node_harness.h"

using amp_test::contains;
using amp_test::render;

namespace {

// At 1000 Hz one ms is one frame: attack 4, hold 2, decay 4 (to 0.5), release 4.
const char *kEnv = R"({"name":"env","type":"adsr","params":{"attack_ms":4,"hold_ms":2,
    "decay_ms":4,"sustain":0.5,"release_ms":4}})";

std::string graph(const std::string &port, const std::string &from, const std::string &extra = "") {
    return std::string(
               R"({"sample_rate":1000,"nodes":[{"name":"one","type":"constant","params":{"value":1}},)") +
           kEnv + R"(,{"name":"out","type":"gain"})" + extra + R"(],
        "edges":[{"from":"one","to":"env","port":")" +
           port + R"("},{"from":")" + from + R"(","to":"out"}],"output":"out"})";
}

void check_lane(const std::vector<double> &got, const std::vector<double> &expected, int line) {
    for (size_t f = 0; f < expected.size(); ++f)
        if (!(std::fabs(got[f] - expected[f]) < 1e-15)) {
            ++amp_test::failures();
            std::printf("  line %d: frame %zu is %.17g, expected %.17g\n", line, f, got[f],
                        expected[f]);
            return;
        }
}

// The reference: the envelope as a function of the frames since its attack started (n) and
// since its release started (j). Stage codes for coverage: 0 idle, 1 attack, 2 hold, 3 decay,
// 4 sustain, 5 release.
struct Reference {
    long a, h, d, r;
    double sustain;
    bool velocity;
    bool active = false, releasing = false, gate_before = false, trigger_before = false;
    long n = 0, j = 0;
    double peak = 1.0, level = 0.0;

    int stage() const {
        if (!active) return 0;
        if (releasing) return 5;
        if (n < a) return 1;
        if (n < a + h) return 2;
        if (n < a + h + d) return 3;
        return 4;
    }
    // One frame: the amplitude and reset outputs; `retriggered_in` gets the stage a new attack
    // interrupted (-1: none).
    std::array<double, 2> step(double gate, double trigger, int &retriggered_in) {
        const bool gate_on = gate > 0.5, trigger_on = trigger > 0.5;
        const bool fire = trigger_on && !trigger_before;
        const bool gate_rise = gate_on && !gate_before && (!active || releasing);
        gate_before = gate_on;
        trigger_before = trigger_on;
        retriggered_in = -1;
        double reset = 0.0;
        if (fire || gate_rise) {
            retriggered_in = stage();
            active = true;
            releasing = false;
            n = 0;
            peak = velocity ? (fire ? trigger : gate) : 1.0;
            reset = 1.0;
        }
        if (active && !releasing) {
            ++n;
            const double top = sustain * peak;
            if (n <= a) {
                level = peak * static_cast<double>(n) / static_cast<double>(a);
            } else if (n <= a + h) {
                level = peak;
            } else if (n <= a + h + d) {
                level =
                    peak + (top - peak) * static_cast<double>(n - a - h) / static_cast<double>(d);
            } else if (gate_on) {
                level = top;
            } else {
                releasing = true;
                j = 0;
            }
        }
        if (releasing) {
            ++j;
            if (j <= r) {
                level = sustain * peak * (1.0 - static_cast<double>(j) / static_cast<double>(r));
            } else {
                active = releasing = false;
            }
        }
        if (!active) level = 0.0;
        return {level, reset};
    }
};

} // namespace

TEST(random_gates_and_triggers_match_the_reference_state_machine) {
    struct Timing {
        long a, h, d, r;
    };
    // At 1000 Hz a frame is a millisecond; zero-length stages in every position.
    const Timing timings[] = {{3, 2, 4, 5}, {0, 2, 4, 5}, {3, 0, 4, 5}, {3, 2, 0, 5},
                              {3, 2, 4, 0}, {0, 0, 0, 3}, {0, 0, 0, 0}, {1, 1, 1, 1}};
    std::array<long, 6> retriggers{};
    for (const Timing &t : timings)
        for (bool velocity : {false, true}) {
            const uint32_t frames = 6000;
            amp_test::Tensor gate{1, 1, frames, std::vector<double>(frames)};
            amp_test::Tensor trigger{1, 1, frames, std::vector<double>(frames)};
            uint64_t seed = 12345 + static_cast<uint64_t>(t.a * 7 + t.h * 5 + t.d * 3 + t.r);
            auto next = [&seed] {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                return static_cast<double>(seed >> 11) / 9007199254740992.0;
            };
            double g = 0.0;
            for (uint32_t f = 0; f < frames; ++f) {
                if (next() < 0.08) g = g > 0.5 ? 0.0 : 0.55 + 0.45 * next();
                gate.data[f] = g;
                trigger.data[f] = next() < 0.05 ? 0.6 + 0.4 * next() : 0.0;
            }
            const std::string params =
                "{\"attack_ms\":" + std::to_string(t.a) + ",\"hold_ms\":" + std::to_string(t.h) +
                ",\"decay_ms\":" + std::to_string(t.d) + ",\"release_ms\":" + std::to_string(t.r) +
                ",\"sustain\":0.6,\"velocity\":" + (velocity ? "true" : "false") + "}";
            const auto run = amp_test::run_node("adsr", params, {gate, trigger}, {}, 1, frames,
                                                {7, 1, 64}, 1000.0);
            CHECK_EQ(run.status, AMP_OK);
            if (run.status != AMP_OK) continue;
            Reference ref{t.a, t.h, t.d, t.r, 0.6, velocity};
            int mismatches = 0;
            for (uint32_t f = 0; f < frames; ++f) {
                int interrupted = -1;
                const auto expected = ref.step(gate.data[f], trigger.data[f], interrupted);
                if (interrupted >= 0) ++retriggers[static_cast<size_t>(interrupted)];
                if (!(std::fabs(run.out.at(0, 0, f) - expected[0]) < 1e-12) ||
                    run.out.at(0, 1, f) != expected[1]) {
                    if (mismatches++ == 0)
                        std::printf("  %s frame %u: got %.17g / %g, expected %.17g / %g\n",
                                    params.c_str(), f, run.out.at(0, 0, f), run.out.at(0, 1, f),
                                    expected[0], expected[1]);
                }
            }
            CHECK_EQ(mismatches, 0);
        }
    // Every stage was interrupted by a new attack somewhere in the runs.
    for (size_t stage = 0; stage < retriggers.size(); ++stage) {
        if (retriggers[stage] == 0) std::printf("  no retrigger from stage %zu\n", stage);
        CHECK(retriggers[stage] > 0);
    }
}

// The render in runs between input crossings (stage by stage) gives the per-frame path's bits:
// one call against frame-by-frame calls and uneven chunks (where a call of one frame is all
// per-frame logic), with held gates and sparse triggers, every stage reached and interrupted.
TEST(runs_between_input_crossings_give_the_per_frame_bits) {
    const uint32_t frames = 48000;
    for (const char *times : {"\"attack_ms\":3,\"hold_ms\":2,\"decay_ms\":4,\"release_ms\":5",
                              "\"attack_ms\":0,\"hold_ms\":0,\"decay_ms\":0,\"release_ms\":3",
                              "\"attack_ms\":7,\"hold_ms\":0,\"decay_ms\":11,\"release_ms\":0"})
        for (const char *velocity : {"false", "true"}) {
            amp_test::Tensor gate{1, 1, frames, std::vector<double>(frames)};
            amp_test::Tensor trigger{1, 1, frames, std::vector<double>(frames)};
            uint64_t seed = 99;
            auto next = [&seed] {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                return static_cast<double>(seed >> 11) / 9007199254740992.0;
            };
            double g = 0.0;
            for (uint32_t f = 0; f < frames; ++f) {
                if (next() < 0.002) g = g > 0.5 ? 0.0 : 0.55 + 0.45 * next();
                gate.data[f] = g;
                trigger.data[f] = next() < 0.001 ? 0.6 + 0.4 * next() : 0.0;
            }
            const std::string params =
                std::string("{") + times + ",\"sustain\":0.6,\"velocity\":" + velocity + "}";
            CHECK(amp_test::block_invariant("adsr", params, {gate, trigger}, {}, 1, frames));
            CHECK(amp_test::block_invariant("adsr", params, {gate}, {}, 1, frames));
        }
}

TEST(a_held_gate_gives_attack_hold_decay_sustain_and_one_reset_pulse) {
    const auto amplitude = render(graph("gate", "env"), 1, 512, 14);
    CHECK_EQ(amplitude.status, AMP_OK);
    CHECK_EQ(amplitude.channels, 1u);
    check_lane(amplitude.samples,
               {0.25, 0.5, 0.75, 1, 1, 1, 0.875, 0.75, 0.625, 0.5, 0.5, 0.5, 0.5, 0.5}, __LINE__);
    const auto named = render(graph("gate", "env.amplitude"), 1, 512, 14);
    CHECK(named.samples == amplitude.samples);
    const auto reset = render(graph("gate", "env.reset"), 1, 512, 14);
    CHECK_EQ(reset.status, AMP_OK);
    check_lane(reset.samples, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, __LINE__);
    // Block invariance, one frame at a time and in uneven calls.
    CHECK(render(graph("gate", "env.reset"), 1, 1, 14).samples == reset.samples);
    CHECK(render(graph("gate", "env"), 1, 3, 14, {5, 1, 8}).samples == amplitude.samples);
}

TEST(a_trigger_alone_gives_attack_hold_decay_release) {
    const auto run = render(graph("trigger", "env"), 1, 512, 16);
    CHECK_EQ(run.status, AMP_OK);
    check_lane(run.samples,
               {0.25, 0.5, 0.75, 1, 1, 1, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125, 0, 0, 0},
               __LINE__);
}

TEST(named_outputs_drive_modulation_edges_too) {
    // out = one * (0 + env.amplitude): the amplitude again.
    const std::string json =
        std::string(
            R"({"sample_rate":1000,"nodes":[{"name":"one","type":"constant","params":{"value":1}},)") +
        kEnv + R"(,{"name":"out","type":"gain","params":{"gain":0}}],
        "edges":[{"from":"one","to":"env","port":"gate"},{"from":"one","to":"out"}],
        "modulations":[{"from":"env.amplitude","to":"out","param":"gain"}],"output":"out"})";
    const auto run = render(json, 1, 512, 6);
    CHECK_EQ(run.status, AMP_OK);
    check_lane(run.samples, {0.25, 0.5, 0.75, 1, 1, 1}, __LINE__);
}

TEST(bad_output_names_and_open_required_ports_are_refused) {
    const auto unknown = render(graph("gate", "env.pulse"), 1, 64, 4);
    CHECK_EQ(unknown.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(unknown.error, "edges[1]: node \"env\" (adsr) has no output \"pulse\"; "
                                  "outputs: \"amplitude\", \"reset\"");
    const auto unnamed = render(graph("gate", "one.reset"), 1, 64, 4);
    CHECK_CONTAINS(unnamed.error,
                   "node \"one\" (constant) has no output \"reset\"; it has one unnamed output");
    // Both optional ports open: the node says which one it needs.
    const std::string open = std::string(R"({"nodes":[)") + kEnv + R"(],"output":"env"})";
    const auto none = render(open, 1, 64, 4);
    CHECK_EQ(none.status, AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(none.error, "node \"env\" (adsr): needs an edge into input \"gate\" or "
                               "\"trigger\"");
    // A required port stays required.
    const auto gain = render(R"({"nodes":[{"name":"g","type":"gain"}],"output":"g"})", 1, 64, 4);
    CHECK_CONTAINS(gain.error, "node \"g\" (gain): input \"in\" has no incoming edge");
}

TEST(the_graph_output_of_a_multi_output_node_is_every_group) {
    const std::string json =
        std::string(
            R"({"sample_rate":1000,"nodes":[{"name":"one","type":"constant","params":{"value":1,"channels":2}},)") +
        kEnv + R"(],"edges":[{"from":"one","to":"env","port":"gate"}],
                             "output":"env"})";
    const auto run = render(json, 2, 512, 3);
    CHECK_EQ(run.status, AMP_OK);
    CHECK_EQ(run.channels, 4u); // amplitude x 2, then reset x 2
    // batch 1, channel 2 (reset of channel 0), frame 0
    CHECK_EQ(run.samples[(1 * 4 + 2) * 3 + 0], 1.0);
    CHECK_EQ(run.samples[(1 * 4 + 1) * 3 + 1], 0.5);
}

TEST(the_single_node_call_leaves_an_optional_port_open) {
    AmpNodeDescriptorView descriptor{
        "env", "adsr", R"({"attack_ms":4,"hold_ms":2,"decay_ms":4,"sustain":0.5,"release_ms":4})"};
    const double trigger[4] = {1, 1, 0, 0};
    // gate left open (null data, 0 channels), trigger connected.
    AmpAudioView views[2] = {{nullptr, 1, 0, 4}, {trigger, 1, 1, 4}};
    AmpNodeInputs inputs{views, 2, nullptr, 0};
    double *out = nullptr;
    int32_t channels = 0;
    void *state = nullptr;
    CHECK_EQ(amp_run_node(&descriptor, &inputs, 1, 0, 4, 1000.0, &out, &channels, &state, nullptr),
             AMP_OK);
    CHECK_EQ(channels, 2);
    if (out != nullptr) {
        check_lane(std::vector<double>(out, out + 8), {0.25, 0.5, 0.75, 1, 1, 0, 0, 0}, __LINE__);
    }
    amp_free(out);
    amp_release_state(state);
}

TEST(the_catalogue_lists_optional_ports_and_named_outputs) {
    const std::string catalog = amp_node_catalog_json();
    CHECK_CONTAINS(catalog, "{\"name\":\"gate\",\"doc\":\"Gate, on above 0.5.\",\"gather\":\"sum\","
                            "\"optional\":true}");
    CHECK_CONTAINS(catalog, "\"outputs\":[{\"name\":\"amplitude\",\"doc\":\"The envelope.\"},"
                            "{\"name\":\"reset\"");
    CHECK_CONTAINS(catalog, "\"gather\":\"sum\",\"optional\":false}],\"outputs\":[]");
}

AMP_TEST_MAIN()
