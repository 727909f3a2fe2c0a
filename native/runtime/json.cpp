// json.cpp: recursive-descent JSON reader; see json.h.
#include "runtime/json.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace amp {

namespace {

constexpr int kMaxDepth = 64;

class Parser {
  public:
    explicit Parser(const std::string &text) : text_(text) {}

    bool parse(JsonValue &out, std::string &error) {
        skip_space();
        if (!value(out, 0)) {
            error = error_;
            return false;
        }
        skip_space();
        if (pos_ != text_.size()) {
            fail("unexpected text after the JSON value");
            error = error_;
            return false;
        }
        return true;
    }

  private:
    const std::string &text_;
    size_t pos_ = 0;
    std::string error_;

    bool fail(const std::string &what) {
        size_t line = 1, column = 1;
        for (size_t i = 0; i < pos_ && i < text_.size(); ++i) {
            if (text_[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        std::ostringstream message;
        message << "line " << line << ", column " << column << ": " << what;
        error_ = message.str();
        return false;
    }

    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                       text_[pos_] == '\n' || text_[pos_] == '\r'))
            ++pos_;
    }

    bool literal(const char *word) {
        size_t n = 0;
        while (word[n] != '\0') ++n;
        if (text_.compare(pos_, n, word) != 0) return fail("invalid literal");
        pos_ += n;
        return true;
    }

    bool value(JsonValue &out, int depth) {
        if (depth > kMaxDepth) return fail("nesting deeper than 64 levels");
        if (pos_ >= text_.size()) return fail("unexpected end of input");
        const char c = text_[pos_];
        switch (c) {
        case '{': return object(out, depth);
        case '[': return array(out, depth);
        case '"': out.type = JsonValue::Type::String; return string(out.string);
        case 't':
            out.type = JsonValue::Type::Boolean;
            out.boolean = true;
            return literal("true");
        case 'f':
            out.type = JsonValue::Type::Boolean;
            out.boolean = false;
            return literal("false");
        case 'n': out.type = JsonValue::Type::Null; return literal("null");
        default:
            if (c == '-' || (c >= '0' && c <= '9')) return number(out);
            return fail(std::string("unexpected character '") + c + "'");
        }
    }

    bool object(JsonValue &out, int depth) {
        out.type = JsonValue::Type::Object;
        ++pos_;
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == '}') {
            ++pos_;
            return true;
        }
        for (;;) {
            skip_space();
            if (pos_ >= text_.size() || text_[pos_] != '"') return fail("expected a string key");
            std::string key;
            if (!string(key)) return false;
            if (out.find(key) != nullptr) return fail("duplicate key \"" + key + "\"");
            skip_space();
            if (pos_ >= text_.size() || text_[pos_] != ':') return fail("expected ':'");
            ++pos_;
            skip_space();
            JsonValue member;
            if (!value(member, depth + 1)) return false;
            out.members.emplace_back(std::move(key), std::move(member));
            skip_space();
            if (pos_ < text_.size() && text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (pos_ < text_.size() && text_[pos_] == '}') {
                ++pos_;
                return true;
            }
            return fail("expected ',' or '}'");
        }
    }

    bool array(JsonValue &out, int depth) {
        out.type = JsonValue::Type::Array;
        ++pos_;
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == ']') {
            ++pos_;
            return true;
        }
        for (;;) {
            skip_space();
            JsonValue element;
            if (!value(element, depth + 1)) return false;
            out.array.push_back(std::move(element));
            skip_space();
            if (pos_ < text_.size() && text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (pos_ < text_.size() && text_[pos_] == ']') {
                ++pos_;
                return true;
            }
            return fail("expected ',' or ']'");
        }
    }

    static void append_utf8(std::string &out, unsigned long code) {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        }
    }

    bool hex4(unsigned long &code) {
        if (pos_ + 4 > text_.size()) return fail("truncated \\u escape");
        code = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = text_[pos_++];
            code <<= 4;
            if (h >= '0' && h <= '9')
                code |= static_cast<unsigned long>(h - '0');
            else if (h >= 'a' && h <= 'f')
                code |= static_cast<unsigned long>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                code |= static_cast<unsigned long>(h - 'A' + 10);
            else
                return fail("invalid \\u escape");
        }
        return true;
    }

    bool string(std::string &out) {
        ++pos_; // opening quote
        out.clear();
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (c == '"') return true;
            if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= text_.size()) break;
            const char e = text_[pos_++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned long code = 0;
                if (!hex4(code)) return false;
                if (code >= 0xD800 && code <= 0xDBFF) {
                    unsigned long low = 0;
                    if (pos_ + 2 > text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u')
                        return fail("unpaired surrogate in \\u escape");
                    pos_ += 2;
                    if (!hex4(low)) return false;
                    if (low < 0xDC00 || low > 0xDFFF) return fail("invalid surrogate pair");
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                }
                // Names and texts reach C strings (the ABI's const char *): a NUL would cut
                // them silently, so it is refused here.
                if (code == 0) return fail("strings must not contain the NUL character (\\u0000)");
                append_utf8(out, code);
                break;
            }
            default: return fail(std::string("invalid escape '\\") + e + "'");
            }
        }
        return fail("unterminated string");
    }

    bool number(JsonValue &out) {
        const size_t start = pos_;
        if (text_[pos_] == '-') ++pos_;
        if (pos_ >= text_.size()) return fail("invalid number");
        if (text_[pos_] == '0') {
            ++pos_;
        } else if (text_[pos_] >= '1' && text_[pos_] <= '9') {
            while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
        } else {
            return fail("invalid number");
        }
        if (pos_ < text_.size() && text_[pos_] == '.') {
            ++pos_;
            if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9')
                return fail("invalid number: digits expected after '.'");
            while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
        }
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
            if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9')
                return fail("invalid number: digits expected in exponent");
            while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
        }
        const std::string token = text_.substr(start, pos_ - start);
        out.type = JsonValue::Type::Number;
        out.number = std::strtod(token.c_str(), nullptr);
        if (!std::isfinite(out.number)) return fail("number out of double range: " + token);
        return true;
    }
};

} // namespace

const JsonValue *JsonValue::find(const std::string &key) const {
    if (type != Type::Object) return nullptr;
    for (const auto &member : members)
        if (member.first == key) return &member.second;
    return nullptr;
}

const char *JsonValue::type_name(Type t) {
    switch (t) {
    case Type::Null: return "null";
    case Type::Boolean: return "boolean";
    case Type::Number: return "number";
    case Type::String: return "string";
    case Type::Array: return "array";
    case Type::Object: return "object";
    }
    return "unknown";
}

std::string JsonValue::describe() const {
    std::ostringstream out;
    switch (type) {
    case Type::Null: return "null";
    case Type::Boolean: return boolean ? "true" : "false";
    case Type::Number:
        out.precision(17);
        out << number;
        return out.str();
    case Type::String: {
        std::string shown = string.size() > 40 ? string.substr(0, 40) + "..." : string;
        return "\"" + shown + "\"";
    }
    case Type::Array: return "an array of " + std::to_string(array.size());
    case Type::Object: return "an object";
    }
    return "?";
}

bool parse_json(const std::string &text, JsonValue &out, std::string &error) {
    out = JsonValue();
    Parser parser(text);
    return parser.parse(out, error);
}

} // namespace amp

namespace amp {

std::string json_quote(const std::string &text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                static const char *hex = "0123456789abcdef";
                out += "\\u00";
                out += hex[(c >> 4) & 0xF];
                out += hex[c & 0xF];
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

} // namespace amp
