// node_helpers.h: small pieces shared by node implementations.
#pragma once

#include <cstring>
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

// Snapshot helpers: copy `count` values to / from a byte cursor and advance it. `values` may be
// null when count is 0 (an empty vector's data()): memcpy may not be given null, so nothing is
// copied then.
// T must have no padding (spell it out as zeroed members): a snapshot of the same state must
// always be the same bytes (the conformance suite's `snapshot` property compares two).
template <typename T>
unsigned char *save_values(unsigned char *to, const T *values, size_t count) {
    if (count == 0) return to;
    std::memcpy(to, values, count * sizeof(T));
    return to + count * sizeof(T);
}
template <typename T>
const unsigned char *load_values(const unsigned char *from, T *values, size_t count) {
    if (count == 0) return from;
    std::memcpy(values, from, count * sizeof(T));
    return from + count * sizeof(T);
}

} // namespace amp
