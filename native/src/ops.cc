// The generic operator call: any registered operator by schema name and overload, through the
// dispatcher's boxed path (so autograd, every dtype and every device work), with cached handles.
#include "convert.h"

#include <ATen/core/dispatch/Dispatcher.h>

#include <memory>
#include <unordered_map>

namespace semiseg {

namespace {

struct OpEntry {
  c10::OperatorHandle handle;
  std::string fullName;  // "aten::add.Tensor"
  std::vector<ArgSpec> args;
  size_t numReturns = 0;
};

struct OpTable {
  std::vector<std::unique_ptr<OpEntry>> entries;
  std::unordered_map<std::string, uint32_t> byName;
};

OpTable& Ops() {
  static thread_local OpTable table;
  return table;
}

std::string QualifiedName(const std::string& name) {
  return name.find("::") == std::string::npos ? "aten::" + name : name;
}

const OpEntry& ResolveOp(Napi::Env env, const std::string& rawName, const std::string& overload) {
  const std::string name = QualifiedName(rawName);
  const std::string key = overload.empty() ? name : name + "." + overload;
  OpTable& table = Ops();
  auto it = table.byName.find(key);
  if (it != table.byName.end()) return *table.entries[it->second];
  auto handle = c10::Dispatcher::singleton().findSchema({name, overload});
  if (!handle) ThrowTorchError(env, key, "unknown operator (no schema " + key + " in this libtorch)");
  auto entry = std::make_unique<OpEntry>(OpEntry{*handle, key, {}, 0});
  const c10::FunctionSchema& schema = handle->schema();
  for (const c10::Argument& arg : schema.arguments()) entry->args.push_back(MakeArgSpec(arg));
  entry->numReturns = schema.returns().size();
  table.entries.push_back(std::move(entry));
  const uint32_t id = static_cast<uint32_t>(table.entries.size() - 1);
  table.byName.emplace(key, id);
  return *table.entries[id];
}

// opId(name, overload) -> number: resolves and caches an operator; throws for an unknown one.
Napi::Value OpId(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "opId", [&]() -> Napi::Value {
    if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
      ThrowTypeError(env, "opId(name: string, overload: string)");
    }
    const std::string name = info[0].As<Napi::String>();
    const std::string overload = info[1].As<Napi::String>();
    const OpEntry& entry = ResolveOp(env, name, overload);
    return Napi::Number::New(env, static_cast<double>(Ops().byName.at(entry.fullName)));
  });
}

// call(opId, keepResult, ...args): args follow the schema's order (keyword-only ones included);
// undefined takes the default. keepResult 0 discards the returns (in-place ops return their input).
Napi::Value Call(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const size_t argc = info.Length();
  if (argc < 2 || !info[0].IsNumber()) ThrowTypeError(env, "call(opId: number, keepResult: number, ...args)");
  OpTable& table = Ops();
  const uint32_t id = info[0].As<Napi::Number>().Uint32Value();
  if (id >= table.entries.size()) ThrowTypeError(env, "call: unknown operator id " + std::to_string(id));
  const OpEntry& op = *table.entries[id];
  const bool keep = info[1].As<Napi::Number>().Int32Value() != 0;
  const size_t given = argc - 2;
  if (given > op.args.size()) {
    ThrowTorchError(env, op.fullName,
                    "takes " + std::to_string(op.args.size()) + " arguments, got " + std::to_string(given));
  }
  return Guard(env, op.fullName.c_str(), [&]() -> Napi::Value {
    torch::jit::Stack stack;
    stack.reserve(std::max(op.args.size(), op.numReturns));
    const Napi::Value undefined = env.Undefined();
    for (size_t i = 0; i < op.args.size(); ++i) {
      stack.push_back(ToIValue(i < given ? info[i + 2] : undefined, op.args[i], op.fullName));
    }
    op.handle.callBoxed(&stack);
    if (!keep) return env.Undefined();
    if (stack.size() == 1) return FromIValue(env, stack[0]);
    if (stack.empty()) return env.Undefined();
    Napi::Array out = Napi::Array::New(env, stack.size());
    for (size_t i = 0; i < stack.size(); ++i) out.Set(static_cast<uint32_t>(i), FromIValue(env, stack[i]));
    return out;
  });
}

const char* KindName(ArgKind kind) {
  switch (kind) {
    case ArgKind::Tensor: return "Tensor";
    case ArgKind::Int: return "int";
    case ArgKind::Float: return "float";
    case ArgKind::Bool: return "bool";
    case ArgKind::Scalar: return "Scalar";
    case ArgKind::Str: return "str";
    case ArgKind::IntList: return "int[]";
    case ArgKind::FloatList: return "float[]";
    case ArgKind::BoolList: return "bool[]";
    case ArgKind::TensorList: return "Tensor[]";
    case ArgKind::OptTensorList: return "Tensor?[]";
    case ArgKind::ScalarType: return "ScalarType";
    case ArgKind::Layout: return "Layout";
    case ArgKind::MemoryFormat: return "MemoryFormat";
    case ArgKind::Device: return "Device";
    case ArgKind::Generator: return "Generator";
    case ArgKind::Unsupported: break;
  }
  return "unsupported";
}

Napi::Value DefaultToJs(Napi::Env env, const c10::optional<c10::IValue>& value) {
  if (!value) return env.Undefined();
  std::ostringstream os;
  os << *value;
  return Napi::String::New(env, os.str());
}

// describeOp(name, overload) -> { name, overload, schema, args: [...], returns: [...], mutable }
Napi::Value DescribeOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "describeOp", [&]() -> Napi::Value {
    if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
      ThrowTypeError(env, "describeOp(name: string, overload: string)");
    }
    const OpEntry& entry = ResolveOp(env, info[0].As<Napi::String>(), info[1].As<Napi::String>());
    const c10::FunctionSchema& schema = entry.handle.schema();
    Napi::Object out = Napi::Object::New(env);
    out.Set("name", schema.name());
    out.Set("overload", schema.overload_name());
    std::ostringstream os;
    os << schema;
    out.Set("schema", os.str());
    out.Set("mutable", schema.is_mutable());
    Napi::Array args = Napi::Array::New(env, entry.args.size());
    for (size_t i = 0; i < entry.args.size(); ++i) {
      const ArgSpec& a = entry.args[i];
      const c10::Argument& sa = schema.arguments()[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("name", a.name);
      o.Set("type", a.type);
      o.Set("kind", KindName(a.kind));
      o.Set("optional", a.optional);
      o.Set("kwargOnly", a.kwargOnly);
      o.Set("writes", sa.alias_info() != nullptr && sa.alias_info()->isWrite());
      if (a.fixedSize >= 0) o.Set("size", static_cast<double>(a.fixedSize));
      o.Set("default", DefaultToJs(env, a.defaultValue));
      o.Set("hasDefault", a.defaultValue.has_value());
      args.Set(static_cast<uint32_t>(i), o);
    }
    out.Set("args", args);
    Napi::Array returns = Napi::Array::New(env, schema.returns().size());
    for (size_t i = 0; i < schema.returns().size(); ++i) {
      const c10::Argument& r = schema.returns()[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("name", r.name());
      o.Set("type", r.real_type()->annotation_str());
      o.Set("aliasesInput", r.alias_info() != nullptr);
      returns.Set(static_cast<uint32_t>(i), o);
    }
    out.Set("returns", returns);
    return out;
  });
}

// listOps() -> [[name, overload], ...] for every operator registered with the dispatcher.
Napi::Value ListOps(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "listOps", [&]() -> Napi::Value {
    const auto names = c10::Dispatcher::singleton().getAllOpNames();
    Napi::Array out = Napi::Array::New(env, names.size());
    for (size_t i = 0; i < names.size(); ++i) {
      Napi::Array pair = Napi::Array::New(env, 2);
      pair.Set(0u, names[i].name);
      pair.Set(1u, names[i].overload_name);
      out.Set(static_cast<uint32_t>(i), pair);
    }
    return out;
  });
}

}  // namespace

void RegisterOps(Napi::Env env, Napi::Object exports) {
  exports.Set("opId", Napi::Function::New(env, OpId, "opId"));
  exports.Set("call", Napi::Function::New(env, Call, "call"));
  exports.Set("describeOp", Napi::Function::New(env, DescribeOp, "describeOp"));
  exports.Set("listOps", Napi::Function::New(env, ListOps, "listOps"));
}

}  // namespace semiseg
