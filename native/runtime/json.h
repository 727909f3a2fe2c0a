// json.h: a small strict JSON reader (RFC 8259) for graph descriptions and params_json.
// Parsing happens at creation time only, never while rendering.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace amp {

class JsonValue {
  public:
    enum class Type { Null, Boolean, Number, String, Array, Object };

    Type type = Type::Null;
    bool boolean = false;
    double number = 0.0;
    std::string string;
    std::vector<JsonValue> array;
    // Object members in document order (keys are unique: duplicates are a parse error).
    std::vector<std::pair<std::string, JsonValue>> members;

    bool is_null() const { return type == Type::Null; }
    bool is_bool() const { return type == Type::Boolean; }
    bool is_number() const { return type == Type::Number; }
    bool is_string() const { return type == Type::String; }
    bool is_array() const { return type == Type::Array; }
    bool is_object() const { return type == Type::Object; }
    // Member lookup; nullptr when absent or when this is not an object.
    const JsonValue *find(const std::string &key) const;
    // A short rendering of the value for error messages (strings quoted, long values cut).
    std::string describe() const;
    static const char *type_name(Type type);
};

// Parses `text`; on failure returns false and sets `error` to "line L, column C: what".
bool parse_json(const std::string &text, JsonValue &out, std::string &error);

} // namespace amp

namespace amp {
// `text` as a JSON string literal, quotes included.
std::string json_quote(const std::string &text);
} // namespace amp
