// node_helpers.h: small pieces shared by node implementations.
#pragma once

#include <string>

#include "nodes/node.h"

namespace amp {

// output_channels() for nodes whose output has the channels of their single input port.
inline uint32_t same_channels_as_input(const uint32_t *input_channels, uint32_t input_count,
                                       std::string &error) {
    if (input_count < 1 || input_channels[0] == 0) {
        error = "input \"in\" has no channels";
        return 0;
    }
    return input_channels[0];
}

} // namespace amp
