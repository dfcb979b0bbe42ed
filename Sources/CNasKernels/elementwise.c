#include "nas_kernels.h"

#include <stdint.h>
#include <string.h>

/* Elementwise and reduction loops of the layers. Swift compiles for baseline x86-64 (SSE2),
   where these loops do not vectorize well; here each is cloned for AVX-512, AVX2 and baseline
   and the loader picks the clone for the CPU it runs on. */
/* No fused multiply-adds: every clone must round exactly alike, so results do not depend on
   the CPU a session is replayed on. */
#pragma clang fp contract(off)

/* A fake-quant's straight-through factor for an output y it quantized: 1 inside [qa, qb] (its
   nas_fake_quant_range), 0 outside; qa = -inf, qb = +inf (no fake-quant) make it 1 always, and
   g * 1 is g exactly. The gradient is multiplied by it, as nas_fake_quant_gradient does. */
#define NAS_INSIDE(y, qa, qb) (((y) < (qa) || (y) > (qb)) ? 0.0f : 1.0f)

#if defined(__x86_64__) && defined(__clang__)
#define NAS_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NAS_CLONES
#endif

NAS_CLONES
void nas_relu_forward(const float *restrict x, float *restrict y, long n, float cap) {
    for (long i = 0; i < n; i++) {
        float v = x[i] > 0 ? x[i] : 0;
        y[i] = v < cap ? v : cap;
    }
}

NAS_CLONES
void nas_relu_backward(const float *restrict x, const float *restrict g, float *restrict d, long n, float cap) {
    for (long i = 0; i < n; i++) d[i] = (x[i] > 0 && x[i] < cap) ? g[i] : 0;
}

NAS_CLONES
void nas_add(float *restrict y, const float *restrict x, long n, float lo, float hi) {
    for (long i = 0; i < n; i++) {
        float v = y[i] + x[i];
        v = v > lo ? v : lo;
        y[i] = v < hi ? v : hi;
    }
}

NAS_CLONES
void nas_clamp_gradient(float *restrict d, const float *restrict g, const float *restrict y, long n, float lo, float hi,
                        float qa, float qb) {
    for (long i = 0; i < n; i++) d[i] = (y[i] > lo && y[i] < hi) ? g[i] * NAS_INSIDE(y[i], qa, qb) : 0;
}

NAS_CLONES
void nas_maxpool_forward(const float *restrict x, int W, int C, int KH, int KW, int stride_h, int stride_w,
                         int OH, int OW, float *restrict y, int *restrict argmax) {
    for (int oy = 0; oy < OH; oy++) {
        for (int ox = 0; ox < OW; ox++) {
            float *out = y + ((long)oy * OW + ox) * C;
            int *arg = argmax ? argmax + ((long)oy * OW + ox) * C : 0;
            const int first = (oy * stride_h * W + ox * stride_w) * C;
            for (int c = 0; c < C; c++) out[c] = x[first + c];
            if (arg) for (int c = 0; c < C; c++) arg[c] = first + c;
            for (int ky = 0; ky < KH; ky++) {
                for (int kx = 0; kx < KW; kx++) {
                    if (ky == 0 && kx == 0) continue;
                    const int at = ((oy * stride_h + ky) * W + ox * stride_w + kx) * C;
                    const float *src = x + at;
                    if (arg) {
                        for (int c = 0; c < C; c++) {
                            int better = src[c] > out[c];
                            out[c] = better ? src[c] : out[c];
                            arg[c] = better ? at + c : arg[c];
                        }
                    } else {
                        for (int c = 0; c < C; c++) out[c] = src[c] > out[c] ? src[c] : out[c];
                    }
                }
            }
        }
    }
}

/* The per-channel reductions below run over one block of at most NAS_CHANNEL_BLOCK channels at
   a time, with that block's running float sums in local arrays of constant size, which the
   compiler keeps in registers across the rows. Sums kept in an array of C (a runtime size) stayed
   in memory: every row's add waited on the store of the row before (load, add, store per row;
   the store was 77% of nas_bias_gradient_channels' time, 8% of a 2-thread ResNet-8 step). Each
   channel's sum is the same chain as before, row after row, flushed at the same rows, so the
   blocks change no bit; a block reads one 64-byte line of each 16-channel row group, so the
   blocks together read each line once, as one pass would. */
enum { NAS_CHANNEL_BLOCK = 16 };
#define NAS_BLOCKS(C, BODY)                                                          \
    do {                                                                             \
        int c0_ = 0;                                                                 \
        for (; c0_ + NAS_CHANNEL_BLOCK <= (C); c0_ += NAS_CHANNEL_BLOCK) BODY(c0_, NAS_CHANNEL_BLOCK); \
        if (c0_ < (C)) BODY(c0_, (C) - c0_);                                         \
    } while (0)

static inline __attribute__((always_inline)) void moments_block(const float *restrict x, long rows, int C, long phase, int last,
                                                                 float *restrict s_, float *restrict q_, double *restrict sum,
                                                                 double *restrict square, int cb, int w) {
    float s[NAS_CHANNEL_BLOCK], q[NAS_CHANNEL_BLOCK];
    for (int j = 0; j < w; j++) {
        s[j] = phase == 0 ? 0 : s_[cb + j];
        q[j] = phase == 0 ? 0 : q_[cb + j];
    }
    for (long r = 0; r < rows; r++) {
        const float *row = x + r * C + cb;
        for (int j = 0; j < w; j++) {
            s[j] += row[j];
            q[j] += row[j] * row[j];
        }
        if (((phase + r) & 255) == 255 || (last && r == rows - 1)) {
            for (int j = 0; j < w; j++) {
                sum[cb + j] += s[j];
                square[cb + j] += q[j];
                s[j] = q[j] = 0;
            }
        }
    }
    for (int j = 0; j < w; j++) {
        s_[cb + j] = s[j];
        q_[cb + j] = q[j];
    }
}

/* nas_channel_moments (below) of one run of rows handed over in consecutive pieces, e.g. a convolution's
   output block by block while each block is in cache: `phase` is the piece's first row within
   the run (0 starts it and clears s, q, the float partials kept between pieces), `last` says the
   piece ends the run. Flushing at the same rows as one call over the whole run, it rounds
   exactly as that call does, so the statistics do not depend on how the run was cut. */
NAS_CLONES
void nas_channel_moments_resume(const float *restrict x, long rows, int C, long phase, int last, float *restrict s,
                                float *restrict q, double *restrict sum, double *restrict square) {
#define NAS_MOMENTS_BLOCK(cb, w) moments_block(x, rows, C, phase, last, s, q, sum, square, cb, w)
    NAS_BLOCKS(C, NAS_MOMENTS_BLOCK);
#undef NAS_MOMENTS_BLOCK
}

/* Per-channel sum and sum of squares of rows x C values, added into double accumulators
   after every 256 rows so float rounding stays small. */
void nas_channel_moments(const float *restrict x, long rows, int C, double *restrict sum, double *restrict square) {
    float s[C], q[C];
    nas_channel_moments_resume(x, rows, C, 0, 1, s, q, sum, square);
}

/* The batch norm's backward sums of g and g * xhat, per channel block; with `y` (non-NULL), of
   the masked gradient of a fused ReLU/ReLU6 (nas_channel_dot_masked). Inlined with y a constant
   NULL, nas_channel_dot's loop has no mask. */
static inline __attribute__((always_inline)) void dot_block(const float *restrict g, const float *restrict x,
                                                             const float *restrict mean, const float *restrict inv,
                                                             const float *restrict y, float lo, float hi, float qa, float qb,
                                                             long rows, int C, double *restrict sum_g, double *restrict sum_gh,
                                                             int cb, int w) {
    float s[NAS_CHANNEL_BLOCK], q[NAS_CHANNEL_BLOCK];
    for (int j = 0; j < w; j++) s[j] = q[j] = 0;
    for (long r = 0; r < rows; r++) {
        const float *gr = g + r * C + cb, *xr = x + r * C + cb, *yr = y ? y + r * C + cb : 0;
        for (int j = 0; j < w; j++) {
            float h = (xr[j] - mean[cb + j]) * inv[cb + j];
            float gv = !yr ? gr[j] : (yr[j] > lo && yr[j] < hi) ? gr[j] * NAS_INSIDE(yr[j], qa, qb) : 0;
            s[j] += gv;
            q[j] += gv * h;
        }
        if ((r & 255) == 255 || r == rows - 1) {
            for (int j = 0; j < w; j++) {
                sum_g[cb + j] += s[j];
                sum_gh[cb + j] += q[j];
                s[j] = q[j] = 0;
            }
        }
    }
}

/* The same for the batch-norm backward pass: sums of g and of g * xhat. xhat = (x - mean) * inv
   is recomputed from the layer's input, exactly as the forward pass computed it, instead of
   being stored: one tensor less to write and keep per batch norm. */
NAS_CLONES
void nas_channel_dot(const float *restrict g, const float *restrict x, const float *restrict mean,
                     const float *restrict inv, long rows, int C, double *restrict sum_g, double *restrict sum_gh) {
#define NAS_DOT_BLOCK(cb, w) dot_block(g, x, mean, inv, 0, 0, 0, 0, 0, rows, C, sum_g, sum_gh, cb, w)
    NAS_BLOCKS(C, NAS_DOT_BLOCK);
#undef NAS_DOT_BLOCK
}

/* y = clamp(x * scale + shift, lo, hi) per channel (a fused ReLU/ReLU6, or +-inf for none). */
NAS_CLONES
void nas_channel_affine(const float *restrict x, long rows, int C, const float *restrict scale,
                        const float *restrict shift, float *restrict y, float lo, float hi) {
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * C;
        float *yr = y + r * C;
        for (int c = 0; c < C; c++) {
            float v = xr[c] * scale[c] + shift[c];
            v = v > lo ? v : lo;
            yr[c] = v < hi ? v : hi;
        }
    }
}

/* Batch-norm input gradient: dx = k * (m * g - sum_g - xhat * sum_gh) per channel. */
NAS_CLONES
void nas_bn_input_gradient(const float *restrict g, const float *restrict x, const float *restrict mean,
                           const float *restrict inv, long rows, int C, float m,
                           const float *restrict k, const float *restrict sum_g, const float *restrict sum_gh,
                           float *restrict dx) {
    for (long r = 0; r < rows; r++) {
        const float *gr = g + r * C, *xr = x + r * C;
        float *out = dx + r * C;
        for (int c = 0; c < C; c++) {
            float h = (xr[c] - mean[c]) * inv[c];
            out[c] = k[c] * (m * gr[c] - sum_g[c] - h * sum_gh[c]);
        }
    }
}

/* The batch-norm backward sums and input gradient with a fused ReLU/ReLU6: the incoming gradient
   counts only where the clamped output y was strictly inside (lo, hi), times the straight-through
   factor of a fake-quant of y (NAS_INSIDE; +-inf when none follows). */
NAS_CLONES
void nas_channel_dot_masked(const float *restrict g, const float *restrict x, const float *restrict mean,
                            const float *restrict inv, const float *restrict y, float lo, float hi, float qa, float qb,
                            long rows, int C, double *restrict sum_g, double *restrict sum_gh) {
#define NAS_DOT_MASKED_BLOCK(cb, w) dot_block(g, x, mean, inv, y, lo, hi, qa, qb, rows, C, sum_g, sum_gh, cb, w)
    NAS_BLOCKS(C, NAS_DOT_MASKED_BLOCK);
#undef NAS_DOT_MASKED_BLOCK
}

NAS_CLONES
void nas_bn_input_gradient_masked(const float *restrict g, const float *restrict x, const float *restrict mean,
                                  const float *restrict inv, const float *restrict y, float lo, float hi, float qa,
                                  float qb, long rows, int C, float m, const float *restrict k, const float *restrict sum_g,
                                  const float *restrict sum_gh, float *restrict dx) {
    for (long r = 0; r < rows; r++) {
        const float *gr = g + r * C, *xr = x + r * C, *yr = y + r * C;
        float *out = dx + r * C;
        for (int c = 0; c < C; c++) {
            float h = (xr[c] - mean[c]) * inv[c];
            float gv = (yr[c] > lo && yr[c] < hi) ? gr[c] * NAS_INSIDE(yr[c], qa, qb) : 0;
            out[c] = k[c] * (m * gv - sum_g[c] - h * sum_gh[c]);
        }
    }
}

/* Smallest and largest of n values (n > 0), in eight independent lanes of one vector each; min
   and max are exact, so the grouping changes nothing. Written with vector types because the
   same loop over two float[8] arrays came out as shuffles and blends (clang reversed the lanes
   at every step): four times slower than this, a third of fine-tuning's fake-quant time.
   Each lane keeps v where v < l (C has no vector ?:, so as a bit select), which is minps's
   own rule: a NaN input is skipped exactly as the scalar loop skips it. */
typedef float nas_f32x8 __attribute__((vector_size(32)));
typedef int nas_i32x8 __attribute__((vector_size(32)));

NAS_CLONES
void nas_min_max(const float *restrict x, long n, float *restrict lo, float *restrict hi) {
    nas_f32x8 l, h;
    for (int j = 0; j < 8; j++) l[j] = h[j] = x[0];
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        nas_f32x8 v;
        __builtin_memcpy(&v, x + i, sizeof v);
        nas_i32x8 below = v < l, above = v > h; /* all-ones lanes where the comparison holds */
        l = (nas_f32x8)(((nas_i32x8)v & below) | ((nas_i32x8)l & ~below));
        h = (nas_f32x8)(((nas_i32x8)v & above) | ((nas_i32x8)h & ~above));
    }
    float a = l[0], b = h[0];
    for (; i < n; i++) { /* the tail joins lane 0 first, then the lanes meet in order */
        a = x[i] < a ? x[i] : a;
        b = x[i] > b ? x[i] : b;
    }
    for (int j = 1; j < 8; j++) {
        a = l[j] < a ? l[j] : a;
        b = h[j] > b ? h[j] : b;
    }
    *lo = a;
    *hi = b;
}

/* Simulated int8: q = round(x / scale) + zero (half away from zero, as Swift's rounded());
   y = (clamp(q, -128, 127) - zero) * scale. */
NAS_CLONES
void nas_fake_quant(const float *restrict x, float *restrict y, long n, float scale, float zero) {
    for (long i = 0; i < n; i++) {
        float q = __builtin_roundf(x[i] / scale) + zero;
        float c = q > -128.0f ? q : -128.0f;
        c = c < 127.0f ? c : 127.0f;
        y[i] = (c - zero) * scale;
    }
}

/* Symmetric per-output-channel weight quantization, returned dequantized (NasCompress's
   fakeQuantize): w is rows x C (the output channel is the last axis of every weight tensor),
   scale[c] = max|w[., c]| / levels (1 for an all-zero channel), out = clamp(round(w / scale),
   -levels, levels) * scale, rounding half away from zero like Swift's rounded(). Fine-tuning
   runs this on every weight of the model before every step; `scale` is C floats of scratch. */
NAS_CLONES
void nas_fake_quant_weights(const float *restrict w, long rows, int C, float levels, float *restrict scale,
                            float *restrict out) {
    for (int c = 0; c < C; c++) scale[c] = 0;
    for (long r = 0; r < rows; r++) {
        const float *wr = w + r * C;
        for (int c = 0; c < C; c++) {
            float a = __builtin_fabsf(wr[c]);
            scale[c] = a > scale[c] ? a : scale[c];
        }
    }
    for (int c = 0; c < C; c++) scale[c] = scale[c] > 0 ? scale[c] / levels : 1;
    for (long r = 0; r < rows; r++) {
        const float *wr = w + r * C;
        float *o = out + r * C;
        for (int c = 0; c < C; c++) {
            float q = __builtin_roundf(wr[c] / scale[c]);
            q = q > -levels ? q : -levels;
            q = q < levels ? q : levels;
            o[c] = q * scale[c];
        }
    }
}

/* Whether x lies inside the int8 grid of `scale` and `zero` as nas_fake_quant rounds it:
   round(x / scale) + zero within [-128, 127]; true for NaN, which no comparison excludes. */
static inline int nas_inside_grid(float x, float scale, float zero) {
    float q = __builtin_roundf(x / scale) + zero;
    return !(q < -128.0f || q > 127.0f);
}

/* Floats in their numeric order as integers: -inf ... -0 = +0 = 0 ... +inf. */
static int32_t nas_float_order(float x) {
    uint32_t bits;
    __builtin_memcpy(&bits, &x, sizeof bits);
    return (bits >> 31) ? -(int32_t)(bits & 0x7fffffffu) : (int32_t)bits;
}

static float nas_float_at_order(int32_t key) {
    uint32_t bits = key < 0 ? ((uint32_t)(-key) | 0x80000000u) : (uint32_t)key;
    float x;
    __builtin_memcpy(&x, &bits, sizeof x);
    return x;
}

/* x / scale (scale > 0), rounding and adding the zero point are each monotone in x, so the
   inputs inside the grid form one interval of floats, [lo, hi], which holds 0 (the zero
   point is itself on the grid). Both ends are found by bisection over the floats' order with
   nas_inside_grid itself, so `lo <= x && x <= hi` is that test, bit for bit, for every x
   (NaN aside, which nas_fake_quant_gradient keeps as the test does). */
void nas_fake_quant_range(float scale, float zero, float *restrict lo, float *restrict hi) {
    int32_t outside = nas_float_order(-__builtin_inff()), inside = 0;
    while (inside - outside > 1) {
        int32_t mid = outside + (inside - outside) / 2;
        if (nas_inside_grid(nas_float_at_order(mid), scale, zero)) inside = mid; else outside = mid;
    }
    *lo = nas_float_at_order(inside);
    inside = 0;
    outside = nas_float_order(__builtin_inff());
    while (outside - inside > 1) {
        int32_t mid = inside + (outside - inside) / 2;
        if (nas_inside_grid(nas_float_at_order(mid), scale, zero)) inside = mid; else outside = mid;
    }
    *hi = nas_float_at_order(inside);
}

/* FakeQuant's gradient (straight through inside the range): d = g * m with m = 1 where x lies
   in [lo, hi] (nas_fake_quant_range of the forward's grid, so exactly where round(x / scale) +
   zero was within [-128, 127]), else 0; recomputed from x, not stored, and without the
   division the grid test costs. */
NAS_CLONES
void nas_fake_quant_gradient(const float *restrict x, const float *restrict g, float *restrict d, long n, float lo,
                             float hi) {
    for (long i = 0; i < n; i++) d[i] = g[i] * NAS_INSIDE(x[i], lo, hi);
}

/* y = clamp(y + b, lo, hi) per channel over rows x C values; b may be NULL (clamp only). The
   add and the clamp are the separate bias pass and ReLU they replace, in the same order. */
NAS_CLONES
void nas_add_bias(float *restrict y, const float *restrict b, long rows, int C, float lo, float hi) {
    for (long r = 0; r < rows; r++) {
        float *yr = y + r * C;
        for (int c = 0; c < C; c++) {
            float v = b ? yr[c] + b[c] : yr[c];
            v = v > lo ? v : lo;
            yr[c] = v < hi ? v : hi;
        }
    }
}

/* db[c] += g[r, c] for r = 0, 1, ... in order, for channels c0 ..< c1 of C: one float sum per
   channel, row after row (the channels vectorize; the order of each channel's sum is the
   sequential one, so threads may split a bias gradient by channel). */
static inline __attribute__((always_inline)) void bias_block(const float *restrict g, long rows, int C, float *restrict db,
                                                              int cb, int w) {
    float s[NAS_CHANNEL_BLOCK];
    for (int j = 0; j < w; j++) s[j] = db[cb + j];
    for (long r = 0; r < rows; r++) {
        const float *gr = g + r * C + cb;
        for (int j = 0; j < w; j++) s[j] += gr[j];
    }
    for (int j = 0; j < w; j++) db[cb + j] = s[j];
}

NAS_CLONES
void nas_bias_gradient_channels(const float *restrict g, long rows, int C, int c0, int c1, float *restrict db) {
#define NAS_BIAS_BLOCK(cb, w) bias_block(g, rows, C, db, c0 + (cb), w)
    NAS_BLOCKS(c1 - c0, NAS_BIAS_BLOCK);
#undef NAS_BIAS_BLOCK
}

/* dst = clamp(src + b, lo, hi) per channel over rows x C values (b NULL: clamp only): copies a
   convolution's output out of a scratch layout with its bias and fused ReLU, in one pass. */
NAS_CLONES
void nas_copy_bias(float *restrict dst, const float *restrict src, long rows, int C, const float *restrict b, float lo, float hi) {
    for (long r = 0; r < rows; r++) {
        const float *sr = src + r * C;
        float *dr = dst + r * C;
        for (int c = 0; c < C; c++) {
            float v = b ? sr[c] + b[c] : sr[c];
            v = v > lo ? v : lo;
            dr[c] = v < hi ? v : hi;
        }
    }
}

/* Max-pooling backward for one sample: dx[argmax[i]] += g[i] for i = 0, 1, ... in order. */
void nas_maxpool_backward(const float *restrict g, const int *restrict argmax, long n, float *restrict dx) {
    for (long i = 0; i < n; i++) dx[argmax[i]] += g[i];
}

/* The sums first, then the mask, as the two separate passes compute them: a position that two
   overlapping windows share gets its whole sum masked (masking it twice changes nothing). The
   mask is read off the pooled values, which are the maxima themselves, in order, instead of
   gathering them from the pooled input; and it is computed without branches, since whether a
   pooled ReLU output is zero is a coin toss on real data (a branchy, gathering first version
   cost more than the two separate passes). */
void nas_maxpool_backward_masked(const float *restrict g, const int *restrict argmax, long n,
                                 const float *restrict pooled, float lo, float hi, float *restrict dx) {
    for (long i = 0; i < n; i++) dx[argmax[i]] += g[i];
    for (long i = 0; i < n; i++) {
        const float v = pooled[i];
        const uint32_t keep = 0u - (uint32_t)((v > lo) & (v < hi));
        uint32_t bits;
        memcpy(&bits, dx + argmax[i], sizeof bits);
        bits &= keep;
        memcpy(dx + argmax[i], &bits, sizeof bits);
    }
}
