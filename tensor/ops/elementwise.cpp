// Elementwise ops: add, sub, mul, div (broadcasting), scale, and pointwise functions
// (exp, log, sqrt, erf, tanh, relu). The fused ops (softmax, layer_norm, gelu, cross_entropy)
// are tested against "composite twins" built from these.
//
// Broadcasting and gradients: if a [3, 1] was broadcast to out [3, 4], each a[i] was used 4
// times, so its gradient is the sum of the 4 upstream gradients: da[i] += Σ_j dout[i, j].
// The BroadcastIndex that read a in forward tells backward where each dout element goes.
#include <cmath>
#include <functional>

#include "tensor/autograd.h"
#include "tensor/error.h"
#include "tensor/ops.h"
#include "tensor/ops/broadcast.h"
#include "tensor/ops/parallel.h"

namespace bertlab {

using detail::BroadcastIndex;

namespace {

// out[i] = f(a[ia(i)], b[ib(i)]) over the broadcast shape.
template <typename F>
Tensor broadcast_binary(const Tensor& a, const Tensor& b, const char* op_name, F f) {
  const Shape out_shape = broadcast_shapes(a.shape(), b.shape(), op_name);
  Tensor out = Tensor::empty(out_shape);
  const BroadcastIndex ia(a.shape(), out_shape), ib(b.shape(), out_shape);
  const float *pa = a.data(), *pb = b.data();
  float* po = out.data();
  const bool same_shape = ia.is_identity() && ib.is_identity();  // residual adds: a loop the compiler vectorizes
  detail::parallel_chunks(out.numel(), [&](int64_t begin, int64_t count) {
    if (same_shape)
      for (int64_t i = begin; i < begin + count; ++i) po[i] = f(pa[i], pb[i]);
    else
      for (int64_t i = begin; i < begin + count; ++i) po[i] = f(pa[ia(i)], pb[ib(i)]);
  });
  return out;
}

// x.grad[ix(i)] += g(i) for every output element i: sums over broadcast dimensions. Without
// broadcasting each element has its own slot and the loop is shared among the cores; with it,
// several i add into one slot, in order, on one core.
template <typename G>
void accumulate_broadcast(const Tensor& x, const Shape& out_shape, G g) {
  if (!x.requires_grad()) return;
  const BroadcastIndex ix(x.shape(), out_shape);
  const int64_t n = numel(out_shape);
  if (ix.is_identity()) {
    const Tensor::GradBuffer dx = x.grad_buffer();
    detail::parallel_chunks(n, [&](int64_t begin, int64_t count) {
      float* d = dx.add_into(begin, count);
      for (int64_t i = 0; i < count; ++i) d[i] += g(begin + i);
    });
  } else {
    float* dx = x.grad_data();
    for (int64_t i = 0; i < n; ++i) dx[ix(i)] += g(i);
  }
}

}  // namespace

// ---- add: out = a + b ---------------------------------------------------------------------
// d(out)/da = 1, d(out)/db = 1  =>  da += dout, db += dout (summed over broadcast dims).
Tensor add(const Tensor& a, const Tensor& b) {
  Tensor out = broadcast_binary(a, b, "add", std::plus<float>());
  return record(out, "add", {a, b}, [a, b](const Tensor& out, const Tensor& dout) {
    const float* g = dout.data();
    accumulate_broadcast(a, out.shape(), [g](int64_t i) { return g[i]; });
    accumulate_broadcast(b, out.shape(), [g](int64_t i) { return g[i]; });
  });
}

// ---- sub: out = a - b ---------------------------------------------------------------------
// da += dout, db -= dout.
Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor out = broadcast_binary(a, b, "sub", std::minus<float>());
  return record(out, "sub", {a, b}, [a, b](const Tensor& out, const Tensor& dout) {
    const float* g = dout.data();
    accumulate_broadcast(a, out.shape(), [g](int64_t i) { return g[i]; });
    accumulate_broadcast(b, out.shape(), [g](int64_t i) { return -g[i]; });
  });
}

// ---- mul: out = a * b ---------------------------------------------------------------------
// d(out)/da = b, d(out)/db = a  =>  da += dout * b, db += dout * a.   Saves a and b.
Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = broadcast_binary(a, b, "mul", std::multiplies<float>());
  return record(out, "mul", {a, b}, [a, b](const Tensor& out, const Tensor& dout) {
    const float *g = dout.data(), *pa = a.data(), *pb = b.data();
    const BroadcastIndex ia(a.shape(), out.shape()), ib(b.shape(), out.shape());
    accumulate_broadcast(a, out.shape(), [&](int64_t i) { return g[i] * pb[ib(i)]; });
    accumulate_broadcast(b, out.shape(), [&](int64_t i) { return g[i] * pa[ia(i)]; });
  });
}

// ---- div: out = a / b ----------------------------------------------------------------------
// d(out)/da = 1/b, d(out)/db = -a/b²  =>  da += dout / b, db -= dout · a / b².
Tensor div(const Tensor& a, const Tensor& b) {
  Tensor out = broadcast_binary(a, b, "div", std::divides<float>());
  return record(out, "div", {a, b}, [a, b](const Tensor& out, const Tensor& dout) {
    const float *g = dout.data(), *pa = a.data(), *pb = b.data();
    const BroadcastIndex ia(a.shape(), out.shape()), ib(b.shape(), out.shape());
    accumulate_broadcast(a, out.shape(), [&](int64_t i) { return g[i] / pb[ib(i)]; });
    accumulate_broadcast(b, out.shape(), [&](int64_t i) { return -g[i] * pa[ia(i)] / (pb[ib(i)] * pb[ib(i)]); });
  });
}

namespace {

// out[i] = f(x[i]); backward: dx[i] += dout[i] * df(x[i], out[i]).
template <typename F, typename DF>
Tensor unary(const Tensor& x, const char* op_name, F f, DF df) {
  Tensor out = Tensor::empty(x.shape());
  const float* px = x.data();
  float* po = out.data();
  const int64_t n = x.numel();
  detail::parallel_chunks(n, [&](int64_t begin, int64_t count) {
    for (int64_t i = begin; i < begin + count; ++i) po[i] = f(px[i]);
  });
  return record(out, op_name, {x}, [x, df, n](const Tensor& out, const Tensor& dout) {
    const float *px = x.data(), *py = out.data(), *g = dout.data();
    const Tensor::GradBuffer dx = x.grad_buffer();
    detail::parallel_chunks(n, [&](int64_t begin, int64_t count) {
      float* d = dx.add_into(begin, count);
      for (int64_t i = 0; i < count; ++i) d[i] += g[begin + i] * df(px[begin + i], py[begin + i]);
    });
  });
}

}  // namespace

// ---- scale: out = s * x;  dx += s * dout ----------------------------------------------------
Tensor scale(const Tensor& x, float s) {
  return unary(x, "scale", [s](float v) { return s * v; }, [s](float, float) { return s; });
}

// ---- exp: out = eˣ;  d/dx eˣ = eˣ = out -----------------------------------------------------
Tensor exp(const Tensor& x) {
  return unary(x, "exp", [](float v) { return std::exp(v); }, [](float, float y) { return y; });
}

// ---- log: out = ln x;  d/dx ln x = 1/x --------------------------------------------------------
Tensor log(const Tensor& x) {
  return unary(x, "log", [](float v) { return std::log(v); }, [](float v, float) { return 1.0f / v; });
}

// ---- sqrt: out = √x;  d/dx √x = 1 / (2√x) = 1 / (2·out) ----------------------------------------
Tensor sqrt(const Tensor& x) {
  return unary(x, "sqrt", [](float v) { return std::sqrt(v); }, [](float, float y) { return 0.5f / y; });
}

// ---- erf: d/dx erf(x) = 2/√π · exp(-x²) -------------------------------------------------------
Tensor erf(const Tensor& x) {
  return unary(x, "erf", [](float v) { return std::erf(v); },
               [](float v, float) { return 1.1283791670955126f * std::exp(-v * v); });
}

// ---- tanh: out = tanh(x);  d/dx tanh(x) = 1 - tanh²(x) = 1 - out², so only out is needed ----
Tensor tanh(const Tensor& x) {
  return unary(x, "tanh", [](float v) { return std::tanh(v); }, [](float, float y) { return 1.0f - y * y; });
}

// ---- relu: out = max(x, 0);  d/dx = 1 where x > 0, else 0 -----------------------------------
Tensor relu(const Tensor& x) {
  return unary(x, "relu", [](float v) { return v > 0.0f ? v : 0.0f; },
               [](float v, float) { return v > 0.0f ? 1.0f : 0.0f; });
}

}  // namespace bertlab
