// errors.cpp: building the JS error value from a native status (see errors.h).
#include "errors.h"

#include "addon_data.h"

namespace amp_binding {

namespace {

std::string CopyString(const char *text) {
    return text != nullptr ? std::string(text) : std::string();
}

std::string MessageFor(const ErrorInfo &info, const std::string &code_name) {
    if (!info.detail.empty()) {
        return info.detail;
    }
    std::string message = code_name;
    if (!info.stage.empty()) {
        message += " during " + info.stage;
    }
    if (!info.node.empty()) {
        message += " at node \"" + info.node + "\"";
    }
    return message;
}

// A copy of the view's strings (valid only until the runtime's next failing call).
ErrorInfo FromView(int32_t code, const AmpErrorView &view) {
    ErrorInfo info;
    info.code = code;
    info.stage = CopyString(view.stage);
    info.node = CopyString(view.node);
    info.detail = CopyString(view.detail);
    return info;
}

} // namespace

std::string StatusName(int32_t status) {
    const char *name = amp_status_name(status);
    return name != nullptr ? std::string(name) : std::string("AMP_ERR_UNKNOWN_STATUS");
}

ErrorInfo ReadLastError(const AmpGraphRuntime *runtime) {
    AmpErrorView view{};
    const int32_t code = amp_graph_runtime_last_error(runtime, &view);
    return FromView(code, view);
}

ErrorInfo NodeCallErrorFor(int32_t status, const char *fallback_stage) {
    AmpErrorView view{};
    const int32_t code = amp_run_node_last_error(&view);
    if (code == status) {
        return FromView(code, view);
    }
    ErrorInfo info;
    info.code = status;
    info.stage = fallback_stage;
    return info;
}

ErrorInfo LastErrorFor(const AmpGraphRuntime *runtime, int32_t status, const char *fallback_stage) {
    if (runtime != nullptr) {
        ErrorInfo info = ReadLastError(runtime);
        if (info.code == status) {
            return info;
        }
    }
    ErrorInfo info;
    info.code = status;
    info.stage = fallback_stage;
    return info;
}

ErrorInfo BindingError(const std::string &detail, int32_t code) {
    ErrorInfo info;
    info.code = code;
    info.stage = "binding";
    info.detail = detail;
    return info;
}

Napi::Object ErrorInfoObject(Napi::Env env, const ErrorInfo &info) {
    Napi::Object object = Napi::Object::New(env);
    object.Set("code", Napi::Number::New(env, info.code));
    object.Set("stage", Napi::String::New(env, info.stage));
    object.Set("node", Napi::String::New(env, info.node));
    object.Set("detail", Napi::String::New(env, info.detail));
    return object;
}

Napi::Error MakeAmpError(Napi::Env env, const ErrorInfo &info) {
    const std::string code_name = StatusName(info.code);
    const std::string message = MessageFor(info, code_name);
    AddonData &data = GetAddonData(env);
    if (!data.error_class.IsEmpty()) {
        Napi::Object fields = ErrorInfoObject(env, info);
        fields.Set("codeName", Napi::String::New(env, code_name));
        Napi::Object error = data.error_class.New({Napi::String::New(env, message), fields});
        return Napi::Error(env, error);
    }
    Napi::Error error = Napi::Error::New(env, message);
    error.Set("code", Napi::String::New(env, code_name));
    error.Set("status", Napi::Number::New(env, info.code));
    error.Set("stage", Napi::String::New(env, info.stage));
    error.Set("node", Napi::String::New(env, info.node));
    error.Set("detail", Napi::String::New(env, info.detail));
    return error;
}

} // namespace amp_binding
