// test_param_requirements.cpp: parameters with a declared requirement (ParamSpec::requirement):
// the oscillator's quality needs oversample > 1, the resampler's quality needs up != down. Given
// without it they are refused naming the node, the parameter, the condition and the values that
// fail it; presets supply them only where they have an effect; the catalogue lists the rule.
#include <string>

#include "node_harness.h"
#include "runtime/json.h"

using amp_test::expect_bad_params;
using amp_test::run_node;

TEST(oscillator_quality_needs_oversampling) {
    expect_bad_params("oscillator", "{\"quality\":\"best\"}",
                      {"node \"victim\" (oscillator)", "parameter \"quality\"",
                       "requires oversample > 1", "got oversample 1"},
                      __LINE__);
    expect_bad_params("oscillator", "{\"quality\":\"fast\",\"oversample\":1}",
                      {"parameter \"quality\"", "requires oversample > 1", "got oversample 1"},
                      __LINE__);
    CHECK_EQ(
        run_node("oscillator", "{\"quality\":\"best\",\"oversample\":2}", {}, {}, 1, 64).status,
        AMP_OK);
    CHECK_EQ(run_node("oscillator", "{\"oversample\":1}", {}, {}, 1, 64).status, AMP_OK);
}

TEST(resampler_quality_needs_a_conversion) {
    expect_bad_params("resampler", "{\"quality\":\"linear\"}",
                      {"node \"victim\" (resampler)", "parameter \"quality\"",
                       "requires up != down", "got up 1, down 1"},
                      __LINE__);
    expect_bad_params("resampler", "{\"up\":3,\"down\":3,\"quality\":\"best\"}",
                      {"parameter \"quality\"", "requires up != down", "got up 3, down 3"},
                      __LINE__);
    const amp_test::Tensor x = amp_test::noise(1, 1, 64, 5);
    CHECK_EQ(
        run_node("resampler", "{\"up\":2,\"down\":4,\"quality\":\"best\"}", {x}, {}, 1, 64).status,
        AMP_OK);
    // Without quality, up = down is the identity and accepted.
    CHECK_EQ(run_node("resampler", "{\"up\":3,\"down\":3}", {x}, {}, 1, 64).status, AMP_OK);
}

TEST(a_preset_quality_is_dropped_when_params_json_turns_oversampling_off) {
    // warm-saw sets oversample 4 and quality fast; oversample 1 given explicitly wins and the
    // preset's quality, which would have no effect, is dropped: the output is the plain 1x saw.
    const auto preset =
        run_node("oscillator", "{\"preset\":\"warm-saw\",\"oversample\":1}", {}, {}, 1, 500);
    const auto spelled =
        run_node("oscillator", "{\"waveform\":\"saw\",\"driver\":\"polyblep\",\"amplitude\":0.4}",
                 {}, {}, 1, 500);
    CHECK_EQ(preset.status, AMP_OK);
    CHECK(!preset.out.data.empty() && preset.out.data == spelled.out.data);
    // A preset whose own values fail the requirement is refused, naming the preset's member.
    expect_bad_params(
        "oscillator",
        "{\"preset\":\"{\\\"waveform\\\":\\\"saw\\\",\\\"quality\\\":\\\"best\\\"}\"}",
        {"parameter \"preset.quality\"", "requires oversample > 1", "got oversample 1"}, __LINE__);
    // The same preset with oversampling given explicitly applies its quality.
    CHECK_EQ(run_node("oscillator",
                      "{\"preset\":\"{\\\"quality\\\":\\\"best\\\"}\",\"oversample\":4}", {}, {}, 1,
                      64)
                 .status,
             AMP_OK);
}

TEST(every_shipped_preset_configures_on_its_own) {
    for (const char *name : {"warm-saw", "clean-square", "pwm-lead", "soft-triangle",
                             "integrated-square", "naive-saw"}) {
        const auto run =
            run_node("oscillator", std::string("{\"preset\":\"") + name + "\"}", {}, {}, 1, 64);
        if (run.status != AMP_OK) std::printf("  preset %s: status %d\n", name, run.status);
        CHECK_EQ(run.status, AMP_OK);
    }
}

TEST(the_catalogue_lists_each_requirement) {
    amp::JsonValue root;
    std::string error;
    CHECK(amp::parse_json(amp_node_catalog_json(), root, error));
    int found = 0;
    for (const amp::JsonValue &node : root.find("nodes")->array)
        for (const amp::JsonValue &param : node.find("params")->array) {
            const amp::JsonValue *rule = param.find("requires");
            if (rule == nullptr) continue;
            const std::string where = node.find("type")->string + "." + param.find("name")->string;
            const std::string text = rule->find("text")->string;
            if (where == "oscillator.quality") {
                CHECK(text == "oversample > 1");
                CHECK(rule->find("key")->string == "oversample");
                CHECK(rule->find("relation")->string == ">");
                CHECK_EQ(rule->find("bound")->number, 1.0);
                ++found;
            } else if (where == "resampler.quality") {
                CHECK(text == "up != down");
                CHECK(rule->find("other")->string == "down");
                ++found;
            } else {
                std::printf("  unexpected requirement on %s: %s\n", where.c_str(), text.c_str());
            }
            CHECK(!rule->find("why")->string.empty());
            // The condition reads a numeric, enum or boolean parameter of the node, or the
            // oversampling factor of a node that oversamples.
            for (const char *member : {"key", "other"}) {
                const amp::JsonValue *key = rule->find(member);
                if (key == nullptr) continue;
                bool known = key->string == "oversample" && node.find("oversamples")->boolean;
                for (const amp::JsonValue &other : node.find("params")->array) {
                    const std::string &kind = other.find("kind")->string;
                    known = known || (other.find("name")->string == key->string && kind != "text" &&
                                      kind != "list" && kind != "names");
                }
                if (!known)
                    std::printf("  %s: unknown key %s\n", where.c_str(), key->string.c_str());
                CHECK(known);
            }
        }
    CHECK_EQ(found, 2);
}

AMP_TEST_MAIN()
