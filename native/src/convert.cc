// Schema-driven conversion between JS values and c10::IValue, and dtype/device spellings.
#include "convert.h"

#include <ATen/core/jit_type.h>
#include <c10/core/Layout.h>
#include <c10/core/MemoryFormat.h>

#include <cmath>

namespace semiseg {

namespace {

struct DTypeSpelling {
  const char* name;
  at::ScalarType type;
};

constexpr DTypeSpelling kDTypes[] = {
    {"float32", at::kFloat}, {"float64", at::kDouble}, {"float16", at::kHalf},  {"bfloat16", at::kBFloat16},
    {"int64", at::kLong},    {"int32", at::kInt},      {"int16", at::kShort},   {"int8", at::kChar},
    {"uint8", at::kByte},    {"bool", at::kBool},      {"complex64", at::kComplexFloat},
    {"complex128", at::kComplexDouble},
};

[[noreturn]] void ArgError(const Napi::Value& v, const std::string& context, const ArgSpec& spec,
                           const std::string& what) {
  ThrowTorchError(v.Env(), context, "argument '" + spec.name + "' (" + spec.type + ") " + what);
}

std::string JsTypeName(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "boolean";
    case napi_number: return "number";
    case napi_string: return "string";
    case napi_bigint: return "bigint";
    case napi_object: return v.IsArray() ? "array" : "object";
    default: return "value";
  }
}

int64_t ToInt(const Napi::Value& v, const std::string& context, const ArgSpec& spec) {
  if (v.IsNumber()) {
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d) || std::floor(d) != d) ArgError(v, context, spec, "expects an integer, got " + std::to_string(d));
    return static_cast<int64_t>(d);
  }
  if (v.IsBigInt()) {
    bool lossless = true;
    const int64_t i = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) ArgError(v, context, spec, "bigint does not fit in int64");
    return i;
  }
  ArgError(v, context, spec, "expects an integer, got " + JsTypeName(v));
}

c10::Scalar ToScalar(const Napi::Value& v, const std::string& context, const ArgSpec& spec) {
  if (v.IsNumber()) {
    // An integral JS number is an int Scalar (as Python's `2`), anything else a float Scalar.
    const double d = v.As<Napi::Number>().DoubleValue();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9007199254740992.0) {
      return c10::Scalar(static_cast<int64_t>(d));
    }
    return c10::Scalar(d);
  }
  if (v.IsBoolean()) return c10::Scalar(v.As<Napi::Boolean>().Value());
  if (v.IsBigInt()) return c10::Scalar(ToInt(v, context, spec));
  ArgError(v, context, spec, "expects a number, got " + JsTypeName(v));
}

Napi::Array ExpectArray(const Napi::Value& v, const std::string& context, const ArgSpec& spec) {
  if (!v.IsArray()) ArgError(v, context, spec, "expects an array, got " + JsTypeName(v));
  return v.As<Napi::Array>();
}

at::Tensor ToTensor(const Napi::Value& v, const std::string& context, const ArgSpec& spec) {
  if (!v.IsNumber()) ArgError(v, context, spec, "expects a Tensor, got " + JsTypeName(v));
  at::Tensor* t = Handles().Find(v.As<Napi::Number>().DoubleValue());
  if (t == nullptr) ArgError(v, context, spec, "is a disposed tensor");
  return *t;
}

c10::MemoryFormat ParseMemoryFormat(const Napi::Value& v, const std::string& context, const ArgSpec& spec) {
  const std::string s = v.As<Napi::String>().Utf8Value();
  if (s == "contiguous") return c10::MemoryFormat::Contiguous;
  if (s == "preserve") return c10::MemoryFormat::Preserve;
  if (s == "channels_last") return c10::MemoryFormat::ChannelsLast;
  if (s == "channels_last_3d") return c10::MemoryFormat::ChannelsLast3d;
  ArgError(v, context, spec, "expects contiguous, preserve, channels_last or channels_last_3d, got '" + s + "'");
}

}  // namespace

std::string DTypeName(at::ScalarType type) {
  for (const auto& d : kDTypes) {
    if (d.type == type) return d.name;
  }
  return c10::toString(type);
}

at::ScalarType ParseDType(const std::string& name, const std::string& context) {
  for (const auto& d : kDTypes) {
    if (name == d.name) return d.type;
  }
  throw std::invalid_argument("unknown dtype '" + name +
                              "' (expected float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8 "
                              "or bool)" + (context.empty() ? "" : ""));
}

c10::Device ParseDevice(const std::string& name, const std::string& context) {
  try {
    return c10::Device(name);
  } catch (const c10::Error&) {
    throw std::invalid_argument("unknown device '" + name + "' (expected cpu, cuda or cuda:N)");
  }
}

// The schema's own spelling of an argument type: "int[3]", "Tensor?", "SymInt[]", "ScalarType?".
std::string TypeSpelling(const c10::Argument& arg) {
  c10::TypePtr t = arg.real_type();
  std::string suffix;
  if (auto opt = t->cast<c10::OptionalType>()) {
    suffix = "?";
    t = opt->getElementType();
  }
  std::string base;
  if (auto list = t->cast<c10::ListType>()) {
    const c10::TypePtr elem = list->getElementType();
    std::string e = elem->kind() == c10::TypeKind::OptionalType
                        ? elem->expectRef<c10::OptionalType>().getElementType()->str() + "?"
                        : elem->str();
    base = e + "[" + (arg.N() ? std::to_string(*arg.N()) : "") + "]";
  } else {
    base = t->str();
  }
  return base + suffix;
}

ArgSpec MakeArgSpec(const c10::Argument& arg) {
  ArgSpec spec;
  spec.name = arg.name();
  spec.type = TypeSpelling(arg);
  spec.kwargOnly = arg.kwarg_only();
  spec.defaultValue = arg.default_value();
  if (arg.N()) spec.fixedSize = *arg.N();
  c10::TypePtr t = arg.real_type();
  if (auto opt = t->cast<c10::OptionalType>()) {
    spec.optional = true;
    t = opt->getElementType();
  }
  switch (t->kind()) {
    case c10::TypeKind::TensorType: spec.kind = ArgKind::Tensor; break;
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType: spec.kind = ArgKind::Int; break;
    case c10::TypeKind::FloatType: spec.kind = ArgKind::Float; break;
    case c10::TypeKind::BoolType: spec.kind = ArgKind::Bool; break;
    case c10::TypeKind::NumberType: spec.kind = ArgKind::Scalar; break;
    case c10::TypeKind::StringType: spec.kind = ArgKind::Str; break;
    case c10::TypeKind::ScalarTypeType: spec.kind = ArgKind::ScalarType; break;
    case c10::TypeKind::LayoutType: spec.kind = ArgKind::Layout; break;
    case c10::TypeKind::MemoryFormatType: spec.kind = ArgKind::MemoryFormat; break;
    case c10::TypeKind::DeviceObjType: spec.kind = ArgKind::Device; break;
    case c10::TypeKind::GeneratorType: spec.kind = ArgKind::Generator; break;
    case c10::TypeKind::ListType: {
      c10::TypePtr elem = t->expectRef<c10::ListType>().getElementType();
      switch (elem->kind()) {
        case c10::TypeKind::IntType:
        case c10::TypeKind::SymIntType: spec.kind = ArgKind::IntList; break;
        case c10::TypeKind::FloatType: spec.kind = ArgKind::FloatList; break;
        case c10::TypeKind::BoolType: spec.kind = ArgKind::BoolList; break;
        case c10::TypeKind::TensorType: spec.kind = ArgKind::TensorList; break;
        case c10::TypeKind::OptionalType:
          if (elem->expectRef<c10::OptionalType>().getElementType()->kind() == c10::TypeKind::TensorType) {
            spec.kind = ArgKind::OptTensorList;
          }
          break;
        default: break;
      }
      break;
    }
    default: break;
  }
  return spec;
}

c10::IValue ToIValue(const Napi::Value& v, const ArgSpec& spec, const std::string& context) {
  if (v.IsUndefined()) {
    if (spec.defaultValue) return *spec.defaultValue;
    if (spec.optional) return c10::IValue();
    ArgError(v, context, spec, "is required");
  }
  if (v.IsNull()) {
    if (spec.optional) return c10::IValue();
    ArgError(v, context, spec, "cannot be null");
  }
  switch (spec.kind) {
    case ArgKind::Tensor: return ToTensor(v, context, spec);
    case ArgKind::Int: return ToInt(v, context, spec);
    case ArgKind::Float:
      if (!v.IsNumber()) ArgError(v, context, spec, "expects a number, got " + JsTypeName(v));
      return v.As<Napi::Number>().DoubleValue();
    case ArgKind::Bool:
      if (!v.IsBoolean()) ArgError(v, context, spec, "expects a boolean, got " + JsTypeName(v));
      return v.As<Napi::Boolean>().Value();
    case ArgKind::Scalar: return ToScalar(v, context, spec);
    case ArgKind::Str:
      if (!v.IsString()) ArgError(v, context, spec, "expects a string, got " + JsTypeName(v));
      return v.As<Napi::String>().Utf8Value();
    case ArgKind::IntList: {
      c10::List<int64_t> list;
      if (v.IsNumber() || v.IsBigInt()) {
        // A single number broadcasts to int[N] (as `padding=1` in Python).
        const int64_t x = ToInt(v, context, spec);
        const int64_t n = spec.fixedSize > 0 ? spec.fixedSize : 1;
        for (int64_t i = 0; i < n; ++i) list.push_back(x);
        return list;
      }
      Napi::Array a = ExpectArray(v, context, spec);
      const uint32_t n = a.Length();
      if (spec.fixedSize > 1 && n != static_cast<uint32_t>(spec.fixedSize) && n != 1) {
        ArgError(v, context, spec, "expects " + std::to_string(spec.fixedSize) + " integers, got " + std::to_string(n));
      }
      list.reserve(n);
      for (uint32_t i = 0; i < n; ++i) list.push_back(ToInt(a.Get(i), context, spec));
      return list;
    }
    case ArgKind::FloatList: {
      Napi::Array a = ExpectArray(v, context, spec);
      c10::List<double> list;
      for (uint32_t i = 0; i < a.Length(); ++i) {
        Napi::Value e = a.Get(i);
        if (!e.IsNumber()) ArgError(v, context, spec, "expects an array of numbers");
        list.push_back(e.As<Napi::Number>().DoubleValue());
      }
      return list;
    }
    case ArgKind::BoolList: {
      Napi::Array a = ExpectArray(v, context, spec);
      if (spec.fixedSize > 0 && a.Length() != static_cast<uint32_t>(spec.fixedSize)) {
        ArgError(v, context, spec, "expects " + std::to_string(spec.fixedSize) + " booleans");
      }
      c10::List<bool> list;
      for (uint32_t i = 0; i < a.Length(); ++i) {
        Napi::Value e = a.Get(i);
        if (!e.IsBoolean()) ArgError(v, context, spec, "expects an array of booleans");
        list.push_back(e.As<Napi::Boolean>().Value());
      }
      // bool[N] is boxed as std::array<bool, N>, which the stack carries as a bool list.
      return list;
    }
    case ArgKind::TensorList: {
      Napi::Array a = ExpectArray(v, context, spec);
      c10::List<at::Tensor> list;
      list.reserve(a.Length());
      for (uint32_t i = 0; i < a.Length(); ++i) list.push_back(ToTensor(a.Get(i), context, spec));
      return list;
    }
    case ArgKind::OptTensorList: {
      Napi::Array a = ExpectArray(v, context, spec);
      c10::List<c10::optional<at::Tensor>> list;
      for (uint32_t i = 0; i < a.Length(); ++i) {
        Napi::Value e = a.Get(i);
        if (e.IsNull() || e.IsUndefined()) {
          list.push_back(c10::nullopt);
        } else {
          list.push_back(ToTensor(e, context, spec));
        }
      }
      return list;
    }
    case ArgKind::ScalarType:
      if (v.IsString()) return static_cast<int64_t>(ParseDType(v.As<Napi::String>().Utf8Value(), context));
      return ToInt(v, context, spec);
    case ArgKind::Layout:
      if (v.IsString()) {
        if (v.As<Napi::String>().Utf8Value() != "strided") ArgError(v, context, spec, "supports only 'strided'");
        return static_cast<int64_t>(c10::kStrided);
      }
      return ToInt(v, context, spec);
    case ArgKind::MemoryFormat:
      if (v.IsString()) return static_cast<int64_t>(ParseMemoryFormat(v, context, spec));
      return ToInt(v, context, spec);
    case ArgKind::Device:
      if (!v.IsString()) ArgError(v, context, spec, "expects a device string such as 'cpu' or 'cuda:0'");
      return ParseDevice(v.As<Napi::String>().Utf8Value(), context);
    case ArgKind::Generator: ArgError(v, context, spec, "accepts only null (the default generator)");
    case ArgKind::Unsupported: break;
  }
  ArgError(v, context, spec, "has a type the addon does not convert");
}

Napi::Value FromIValue(Napi::Env env, const c10::IValue& value) {
  if (value.isTensor()) return WrapTensor(env, value.toTensor());
  if (value.isNone()) return env.Null();
  if (value.isInt()) return Napi::Number::New(env, static_cast<double>(value.toInt()));
  if (value.isDouble()) return Napi::Number::New(env, value.toDouble());
  if (value.isBool()) return Napi::Boolean::New(env, value.toBool());
  if (value.isString()) return Napi::String::New(env, value.toStringRef());
  if (value.isTensorList()) {
    auto list = value.toTensorList();
    Napi::Array out = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) out.Set(static_cast<uint32_t>(i), WrapTensor(env, list.get(i)));
    return out;
  }
  if (value.isTuple()) {
    const auto& elems = value.toTupleRef().elements();
    Napi::Array out = Napi::Array::New(env, elems.size());
    for (size_t i = 0; i < elems.size(); ++i) out.Set(static_cast<uint32_t>(i), FromIValue(env, elems[i]));
    return out;
  }
  if (value.isList()) {
    auto list = value.toListRef();
    Napi::Array out = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) out.Set(static_cast<uint32_t>(i), FromIValue(env, list[i]));
    return out;
  }
  if (value.isScalar()) {
    const c10::Scalar s = value.toScalar();
    if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
    return Napi::Number::New(env, s.toDouble());
  }
  throw std::runtime_error("cannot convert a returned " + value.tagKind() + " to JS");
}

}  // namespace semiseg
