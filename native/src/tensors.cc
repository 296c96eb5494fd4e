// Tensor creation from typed arrays, export to typed arrays, metadata, and autograd entry points.
#include "common.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/function.h>

#include <cstring>

namespace semiseg {

namespace {

at::Tensor& HandleArg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (info.Length() <= i) ThrowTorchError(info.Env(), fn, "missing tensor argument");
  return TensorArg(info[i], fn, "self");
}

std::vector<int64_t> ShapeArg(Napi::Env env, const Napi::Value& v, const char* fn) {
  if (!v.IsArray()) ThrowTorchError(env, fn, "shape must be an array of non-negative integers");
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int64_t> shape(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value e = a.Get(i);
    const double d = e.IsNumber() ? e.As<Napi::Number>().DoubleValue() : -1;
    if (!(d >= 0) || d != static_cast<double>(static_cast<int64_t>(d))) {
      ThrowTorchError(env, fn, "shape must be an array of non-negative integers");
    }
    shape[i] = static_cast<int64_t>(d);
  }
  return shape;
}

at::ScalarType ArrayDType(napi_typedarray_type t, bool* ok) {
  *ok = true;
  switch (t) {
    case napi_float32_array: return at::kFloat;
    case napi_float64_array: return at::kDouble;
    case napi_bigint64_array: return at::kLong;
    case napi_int32_array: return at::kInt;
    case napi_int16_array: return at::kShort;
    case napi_int8_array: return at::kChar;
    case napi_uint8_array: return at::kByte;
    default: *ok = false; return at::kFloat;
  }
}

// fromArray(typedArray, shape, dtype?, device?) -> handle. Copies the data. float16/bfloat16 are
// made from a Float32Array; bool from a Uint8Array (non-zero is true).
Napi::Value FromArray(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "fromArray", [&]() -> Napi::Value {
    if (info.Length() < 2 || !info[0].IsTypedArray()) {
      ThrowTorchError(env, "fromArray", "expects a typed array and a shape");
    }
    Napi::TypedArray arr = info[0].As<Napi::TypedArray>();
    const std::vector<int64_t> shape = ShapeArg(env, info[1], "fromArray");
    bool ok = false;
    const at::ScalarType srcType = ArrayDType(arr.TypedArrayType(), &ok);
    if (!ok) ThrowTorchError(env, "fromArray", "unsupported typed array (use Float32/64, BigInt64, Int32/16/8, Uint8)");
    int64_t numel = 1;
    for (int64_t s : shape) numel *= s;
    if (static_cast<int64_t>(arr.ElementLength()) != numel) {
      ThrowTorchError(env, "fromArray",
                      "data has " + std::to_string(arr.ElementLength()) + " elements but the shape needs " +
                          std::to_string(numel));
    }
    at::ScalarType dtype = srcType;
    if (info.Length() > 2 && info[2].IsString()) dtype = ParseDType(info[2].As<Napi::String>(), "fromArray");
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(srcType));
    if (numel > 0) {
      const uint8_t* base = static_cast<const uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
      std::memcpy(t.data_ptr(), base, arr.ByteLength());
    }
    if (dtype != srcType) t = t.to(dtype);
    if (info.Length() > 3 && info[3].IsString()) {
      const std::string dev = info[3].As<Napi::String>();
      if (dev != "cpu") t = t.to(ParseDevice(dev, "fromArray"));
    }
    return WrapTensor(env, std::move(t));
  });
}

// fromBytes(bytes: Uint8Array, dtype: string, numel) -> 1-D tensor of `numel` elements whose
// little-endian raw bytes are `bytes` (any dtype, float16 and bfloat16 included).
Napi::Value FromBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "fromBytes", [&]() -> Napi::Value {
    if (info.Length() < 3 || !info[0].IsTypedArray() || !info[1].IsString() || !info[2].IsNumber()) {
      ThrowTorchError(env, "fromBytes", "expects (bytes: Uint8Array, dtype: string, numel: number)");
    }
    Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
    const at::ScalarType dtype = ParseDType(info[1].As<Napi::String>(), "fromBytes");
    const int64_t numel = info[2].As<Napi::Number>().Int64Value();
    at::Tensor t = at::empty({numel}, at::TensorOptions().dtype(dtype));
    const size_t need = static_cast<size_t>(numel) * t.element_size();
    if (numel < 0 || bytes.ElementLength() != need) {
      ThrowTorchError(env, "fromBytes",
                      "expected " + std::to_string(need) + " bytes, got " + std::to_string(bytes.ElementLength()));
    }
    if (need > 0) std::memcpy(t.data_ptr(), bytes.Data(), need);
    return WrapTensor(env, std::move(t));
  });
}

template <typename T, typename ArrayT>
Napi::Value CopyOut(Napi::Env env, const at::Tensor& t, napi_typedarray_type kind) {
  const size_t n = static_cast<size_t>(t.numel());
  Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, n * sizeof(T));
  if (n > 0) std::memcpy(buf.Data(), t.data_ptr(), n * sizeof(T));
  return Napi::TypedArrayOf<T>::New(env, n, buf, 0, kind);
}

// toArray(handle) -> a typed array copy in C order. float16/bfloat16 come back as Float32Array,
// bool as Uint8Array (0/1); CUDA tensors are copied to the host first.
Napi::Value ToArray(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "toArray", [&]() -> Napi::Value {
    at::Tensor t = HandleArg(info, 0, "toArray").detach();
    if (!t.device().is_cpu()) t = t.to(at::kCPU);
    switch (t.scalar_type()) {
      case at::kHalf:
      case at::kBFloat16: t = t.to(at::kFloat); break;
      case at::kBool: t = t.to(at::kByte); break;
      default: break;
    }
    t = t.contiguous();
    switch (t.scalar_type()) {
      case at::kFloat: return CopyOut<float, Napi::Float32Array>(env, t, napi_float32_array);
      case at::kDouble: return CopyOut<double, Napi::Float64Array>(env, t, napi_float64_array);
      case at::kLong: return CopyOut<int64_t, Napi::BigInt64Array>(env, t, napi_bigint64_array);
      case at::kInt: return CopyOut<int32_t, Napi::Int32Array>(env, t, napi_int32_array);
      case at::kShort: return CopyOut<int16_t, Napi::Int16Array>(env, t, napi_int16_array);
      case at::kChar: return CopyOut<int8_t, Napi::Int8Array>(env, t, napi_int8_array);
      case at::kByte: return CopyOut<uint8_t, Napi::Uint8Array>(env, t, napi_uint8_array);
      default: ThrowTorchError(env, "toArray", "cannot export dtype " + DTypeName(t.scalar_type()));
    }
  });
}

Napi::Value Shape(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "shape", [&]() -> Napi::Value {
    const at::Tensor& t = HandleArg(info, 0, "shape");
    const auto sizes = t.sizes();
    Napi::Array out = Napi::Array::New(env, sizes.size());
    for (size_t i = 0; i < sizes.size(); ++i) out.Set(static_cast<uint32_t>(i), static_cast<double>(sizes[i]));
    return out;
  });
}

Napi::Value Dtype(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "dtype", [&]() -> Napi::Value {
    return Napi::String::New(env, DTypeName(HandleArg(info, 0, "dtype").scalar_type()));
  });
}

Napi::Value Device(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "device", [&]() -> Napi::Value {
    return Napi::String::New(env, HandleArg(info, 0, "device").device().str());
  });
}

Napi::Value Item(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "item", [&]() -> Napi::Value {
    const at::Tensor& t = HandleArg(info, 0, "item");
    if (t.numel() != 1) {
      ThrowTorchError(env, "item", "a tensor with " + std::to_string(t.numel()) + " elements cannot be one number");
    }
    const c10::Scalar s = t.item();
    if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
    return Napi::Number::New(env, s.toDouble());
  });
}

Napi::Value Meta(const Napi::CallbackInfo& info) {
  // meta(handle) -> [numel, requiresGrad, isLeaf, gradFnName|null, isContiguous]
  Napi::Env env = info.Env();
  return Guard(env, "meta", [&]() -> Napi::Value {
    const at::Tensor& t = HandleArg(info, 0, "meta");
    Napi::Array out = Napi::Array::New(env, 5);
    out.Set(0u, static_cast<double>(t.numel()));
    out.Set(1u, t.requires_grad());
    out.Set(2u, t.is_leaf());
    if (t.grad_fn()) {
      out.Set(3u, Napi::String::New(env, t.grad_fn()->name()));
    } else {
      out.Set(3u, env.Null());
    }
    out.Set(4u, t.is_contiguous());
    return out;
  });
}

Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "requiresGrad_", [&]() -> Napi::Value {
    at::Tensor& t = HandleArg(info, 0, "requiresGrad_");
    t.requires_grad_(info.Length() > 1 && info[1].ToBoolean().Value());
    return env.Undefined();
  });
}

// backward(handle, gradHandle|null, retainGraph, createGraph)
Napi::Value Backward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "backward", [&]() -> Napi::Value {
    at::Tensor& t = HandleArg(info, 0, "backward");
    at::Tensor grad;
    if (info.Length() > 1 && info[1].IsNumber()) grad = TensorArg(info[1], "backward", "gradient");
    c10::optional<bool> retain;
    if (info.Length() > 2 && info[2].IsBoolean()) retain = info[2].As<Napi::Boolean>().Value();
    const bool create = info.Length() > 3 && info[3].ToBoolean().Value();
    t.backward(grad, retain, create);
    return env.Undefined();
  });
}

// grad(handle) -> handle of the accumulated gradient (a new handle sharing storage), or null.
Napi::Value Grad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "grad", [&]() -> Napi::Value { return WrapTensor(env, HandleArg(info, 0, "grad").grad()); });
}

// setGrad(handle, gradHandle|null)
Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "setGrad", [&]() -> Napi::Value {
    at::Tensor& t = HandleArg(info, 0, "setGrad");
    if (info.Length() > 1 && info[1].IsNumber()) {
      t.mutable_grad() = TensorArg(info[1], "setGrad", "grad");
    } else {
      t.mutable_grad() = at::Tensor();
    }
    return env.Undefined();
  });
}

// zeroGrad(handle, setToNone): zeroes the gradient in place, or drops it.
Napi::Value ZeroGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "zeroGrad", [&]() -> Napi::Value {
    at::Tensor& t = HandleArg(info, 0, "zeroGrad");
    at::Tensor& g = t.mutable_grad();
    if (g.defined()) {
      if (info.Length() > 1 && info[1].ToBoolean().Value()) {
        g = at::Tensor();
      } else {
        if (g.grad_fn()) {
          g = g.detach();
        } else {
          g.requires_grad_(false);
        }
        g.zero_();
      }
    }
    return env.Undefined();
  });
}

// dispose(handle) -> true when a live tensor was freed, false when it was already disposed.
Napi::Value Dispose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) return Napi::Boolean::New(env, false);
  return Napi::Boolean::New(env, Handles().Release(info[0].As<Napi::Number>().DoubleValue()));
}

Napi::Value IsLive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) return Napi::Boolean::New(env, false);
  return Napi::Boolean::New(env, Handles().Find(info[0].As<Napi::Number>().DoubleValue()) != nullptr);
}

Napi::Value LiveCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(Handles().Live()));
}

// nbytes(handle): bytes of the tensor's elements (numel * element size).
Napi::Value NBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "nbytes", [&]() -> Napi::Value {
    const at::Tensor& t = HandleArg(info, 0, "nbytes");
    return Napi::Number::New(env, static_cast<double>(t.numel() * t.element_size()));
  });
}

}  // namespace

void RegisterTensors(Napi::Env env, Napi::Object exports) {
  exports.Set("fromArray", Napi::Function::New(env, FromArray, "fromArray"));
  exports.Set("fromBytes", Napi::Function::New(env, FromBytes, "fromBytes"));
  exports.Set("toArray", Napi::Function::New(env, ToArray, "toArray"));
  exports.Set("shape", Napi::Function::New(env, Shape, "shape"));
  exports.Set("dtype", Napi::Function::New(env, Dtype, "dtype"));
  exports.Set("device", Napi::Function::New(env, Device, "device"));
  exports.Set("item", Napi::Function::New(env, Item, "item"));
  exports.Set("meta", Napi::Function::New(env, Meta, "meta"));
  exports.Set("setRequiresGrad", Napi::Function::New(env, SetRequiresGrad, "setRequiresGrad"));
  exports.Set("backward", Napi::Function::New(env, Backward, "backward"));
  exports.Set("grad", Napi::Function::New(env, Grad, "grad"));
  exports.Set("setGrad", Napi::Function::New(env, SetGrad, "setGrad"));
  exports.Set("zeroGrad", Napi::Function::New(env, ZeroGrad, "zeroGrad"));
  exports.Set("dispose", Napi::Function::New(env, Dispose, "dispose"));
  exports.Set("isLive", Napi::Function::New(env, IsLive, "isLive"));
  exports.Set("liveCount", Napi::Function::New(env, LiveCount, "liveCount"));
  exports.Set("nbytes", Napi::Function::New(env, NBytes, "nbytes"));
}

}  // namespace semiseg
