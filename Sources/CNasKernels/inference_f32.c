/* Batched float inference kernels: the folded float reference (NasQuant's FoldedNetwork) run on
   many samples at once. Every output is summed in exactly the order the scalar Swift reference
   uses (taps in (ky, kx, ci) order, padding skipped, one rounding per multiply and per add), so
   results are bit-identical to it; vectorization runs across output channels, never across the
   terms of one sum. Contraction into FMA would change the roundings, so it is off here. */

#include "nas_kernels.h"

#include <string.h>

#pragma STDC FP_CONTRACT OFF
#ifdef __clang__
#pragma clang fp contract(off)
#endif

#if defined(__x86_64__) || defined(__i386__)
#define NAS_X86 1
#endif

/* Swift's max(v, 0) and min(m, 6) (`y >= x ? y : x` and `y < x ? y : x`), NaN included. */
static inline float activate(float v, int activation) {
    if (activation == NAS_ACTIVATION_NONE) return v;
    float m = 0.0f >= v ? 0.0f : v;
    if (activation == NAS_ACTIVATION_RELU) return m;
    return 6.0f < m ? 6.0f : m;
}

/* The kernels' bodies are written once as always-inlined functions and instantiated twice:
   plainly (the portable path) and inside target("avx2") wrappers, where the compiler
   vectorizes the channel loops with 256-bit registers. */
#define NAS_INLINE static inline __attribute__((always_inline))

NAS_INLINE void conv_body(const float *x, long count, const nas_conv_shape *s, const float *w, const float *bias,
                          int activation, float *y, float *acc) {
    /* A local copy: stores through y and acc could alias *s, which would keep loops uncountable. */
    const nas_conv_shape shape = *s;
    s = &shape;
    const int gc = s->c / s->groups, goc = s->oc / s->groups;
    const long in_size = (long)s->h * s->w * s->c, out_size = (long)s->oh * s->ow * s->oc;
    const int depthwise = gc == 1 && goc == 1;
    for (long n = 0; n < count; n++) {
        const float *xs = x + n * in_size;
        float *ys = y + n * out_size;
        for (int oy = 0; oy < s->oh; oy++) {
            for (int ox = 0; ox < s->ow; ox++) {
                float *out = ys + ((long)oy * s->ow + ox) * s->oc;
                if (depthwise) {
                    /* One input channel per output channel: vectorize across channels. */
                    for (int o = 0; o < s->oc; o++) acc[o] = 0.0f;
                    for (int ky = 0; ky < s->kh; ky++) {
                        const int iy = oy * s->stride - s->pad_h + ky;
                        if (iy < 0 || iy >= s->h) continue;
                        for (int kx = 0; kx < s->kw; kx++) {
                            const int ix = ox * s->stride - s->pad_w + kx;
                            if (ix < 0 || ix >= s->w) continue;
                            const float *xr = xs + ((long)iy * s->w + ix) * s->c;
                            const float *wr = w + (long)(ky * s->kw + kx) * s->oc;
                            for (int o = 0; o < s->oc; o++) acc[o] += xr[o] * wr[o];
                        }
                    }
                    for (int o = 0; o < s->oc; o++) out[o] = activate(acc[o] + bias[o], activation);
                    continue;
                }
                for (int g = 0; g < s->groups; g++) {
                    for (int o = 0; o < goc; o++) acc[o] = 0.0f;
                    for (int ky = 0; ky < s->kh; ky++) {
                        const int iy = oy * s->stride - s->pad_h + ky;
                        if (iy < 0 || iy >= s->h) continue;
                        for (int kx = 0; kx < s->kw; kx++) {
                            const int ix = ox * s->stride - s->pad_w + kx;
                            if (ix < 0 || ix >= s->w) continue;
                            const float *xr = xs + ((long)iy * s->w + ix) * s->c + (long)g * gc;
                            const float *wr = w + (long)(ky * s->kw + kx) * gc * s->oc + (long)g * goc;
                            for (int i = 0; i < gc; i++) {
                                const float xv = xr[i];
                                const float *wi = wr + (long)i * s->oc;
                                for (int o = 0; o < goc; o++) acc[o] += xv * wi[o];
                            }
                        }
                    }
                    for (int o = 0; o < goc; o++) out[g * goc + o] = activate(acc[o] + bias[g * goc + o], activation);
                }
            }
        }
    }
}

/* Four samples at a time share each weight row; each output still sums from its bias in input order. */
NAS_INLINE void dense_body(const float *x, long count, int features, int outputs, const float *w, const float *bias,
                           int activation, float *y, float *acc) {
    long n = 0;
    for (; n + 4 <= count; n += 4) {
        float *a0 = acc, *a1 = acc + outputs, *a2 = acc + 2 * outputs, *a3 = acc + 3 * outputs;
        const float *x0 = x + n * features, *x1 = x0 + features, *x2 = x1 + features, *x3 = x2 + features;
        for (int o = 0; o < outputs; o++) a0[o] = a1[o] = a2[o] = a3[o] = bias[o];
        for (int i = 0; i < features; i++) {
            const float *wi = w + (long)i * outputs;
            const float v0 = x0[i], v1 = x1[i], v2 = x2[i], v3 = x3[i];
            for (int o = 0; o < outputs; o++) {
                a0[o] += v0 * wi[o];
                a1[o] += v1 * wi[o];
                a2[o] += v2 * wi[o];
                a3[o] += v3 * wi[o];
            }
        }
        for (int r = 0; r < 4; r++)
            for (int o = 0; o < outputs; o++) y[(n + r) * outputs + o] = activate(acc[r * outputs + o], activation);
    }
    for (; n < count; n++) {
        const float *xs = x + n * features;
        for (int o = 0; o < outputs; o++) acc[o] = bias[o];
        for (int i = 0; i < features; i++) {
            const float *wi = w + (long)i * outputs;
            const float v = xs[i];
            for (int o = 0; o < outputs; o++) acc[o] += v * wi[o];
        }
        for (int o = 0; o < outputs; o++) y[n * outputs + o] = activate(acc[o], activation);
    }
}

static void conv_portable(const float *x, long count, const nas_conv_shape *s, const float *w, const float *bias,
                          int activation, float *y, float *acc) {
    conv_body(x, count, s, w, bias, activation, y, acc);
}

static void dense_portable(const float *x, long count, int features, int outputs, const float *w, const float *bias,
                           int activation, float *y, float *acc) {
    dense_body(x, count, features, outputs, w, bias, activation, y, acc);
}

#ifdef NAS_X86
#include <immintrin.h>

/* activate() on 8 lanes: the same comparisons, so NaN and -0 come out the same. */
__attribute__((target("avx2")))
static inline __m256 activate8(__m256 v, int activation) {
    if (activation == NAS_ACTIVATION_NONE) return v;
    const __m256 zero = _mm256_setzero_ps();
    const __m256 m = _mm256_blendv_ps(v, zero, _mm256_cmp_ps(zero, v, _CMP_GE_OQ));
    if (activation == NAS_ACTIVATION_RELU) return m;
    const __m256 six = _mm256_set1_ps(6.0f);
    return _mm256_blendv_ps(m, six, _mm256_cmp_ps(six, m, _CMP_LT_OQ));
}

/* One output position's channels o0 .. o0 + 8 * NV of group g, accumulators in registers
   across every tap: each lane is one output's sum, in the reference's tap order.
   x_step is how far an input channel moves per lane block (0: one input value for all lanes,
   as in a grouped convolution; 8: a depthwise convolution's lanes read their own channels). */
#define NAS_CONV_BLOCK(NV)                                                                                        \
    do {                                                                                                            \
        __m256 a[NV];                                                                                               \
        for (int j = 0; j < NV; j++) a[j] = _mm256_setzero_ps();                                                    \
        for (int ky = 0; ky < s->kh; ky++) {                                                                        \
            const int iy = oy * s->stride - s->pad_h + ky;                                                          \
            if (iy < 0 || iy >= s->h) continue;                                                                     \
            for (int kx = 0; kx < s->kw; kx++) {                                                                    \
                const int ix = ox * s->stride - s->pad_w + kx;                                                      \
                if (ix < 0 || ix >= s->w) continue;                                                                 \
                const float *xr = xs + ((long)iy * s->w + ix) * s->c;                                               \
                if (depthwise) {                                                                                    \
                    const float *wr = w + (long)(ky * s->kw + kx) * s->oc + o0;                                     \
                    for (int j = 0; j < NV; j++)                                                                    \
                        a[j] = _mm256_add_ps(a[j], _mm256_mul_ps(_mm256_loadu_ps(xr + o0 + 8 * j),                  \
                                                                 _mm256_loadu_ps(wr + 8 * j)));                     \
                } else {                                                                                            \
                    const float *xg = xr + (long)g * gc;                                                            \
                    const float *wr = w + (long)(ky * s->kw + kx) * gc * s->oc + (long)g * goc + o0;                \
                    for (int i = 0; i < gc; i++) {                                                                  \
                        const __m256 xv = _mm256_set1_ps(xg[i]);                                                    \
                        const float *wi = wr + (long)i * s->oc;                                                     \
                        for (int j = 0; j < NV; j++)                                                                \
                            a[j] = _mm256_add_ps(a[j], _mm256_mul_ps(xv, _mm256_loadu_ps(wi + 8 * j)));             \
                    }                                                                                               \
                }                                                                                                   \
            }                                                                                                       \
        }                                                                                                           \
        for (int j = 0; j < NV; j++)                                                                                \
            _mm256_storeu_ps(out + o0 + 8 * j,                                                                      \
                             activate8(_mm256_add_ps(a[j], _mm256_loadu_ps(bias + (long)g * goc + o0 + 8 * j)),    \
                                       activation));                                                                \
    } while (0)

/* P output positions side by side (ox + Q0 .. ox + Q0 + P - 1 of row oy, every tap of each inside the
   image in x), channels o0 .. o0 + 8 * NV of group g: P times the independent sums of
   NAS_CONV_BLOCK, so the adds no longer wait on each other (one position's one or two vectors
   of sums were a chain of dependent adds, and the float scoring of a trial half of its cost),
   and each weight vector is loaded once for the P positions. Every lane's sum is the same
   chain, in the same tap order, as in NAS_CONV_BLOCK. */
#define NAS_CONV_POSITIONS(NV, P, Q0)                                                                               \
    do {                                                                                                            \
        __m256 a[P][NV];                                                                                            \
        for (int q = 0; q < P; q++)                                                                                 \
            for (int j = 0; j < NV; j++) a[q][j] = _mm256_setzero_ps();                                             \
        for (int ky = 0; ky < s->kh; ky++) {                                                                        \
            const int iy = oy * s->stride - s->pad_h + ky;                                                          \
            if (iy < 0 || iy >= s->h) continue;                                                                     \
            for (int kx = 0; kx < s->kw; kx++) {                                                                    \
                const float *xr = xs + ((long)iy * s->w + (ox + Q0) * s->stride - s->pad_w + kx) * s->c;           \
                const long step = (long)s->stride * s->c;                                                           \
                if (depthwise) {                                                                                    \
                    const float *wr = w + (long)(ky * s->kw + kx) * s->oc + o0;                                     \
                    for (int j = 0; j < NV; j++) {                                                                  \
                        const __m256 wv = _mm256_loadu_ps(wr + 8 * j);                                              \
                        for (int q = 0; q < P; q++)                                                                 \
                            a[q][j] = _mm256_add_ps(a[q][j], _mm256_mul_ps(_mm256_loadu_ps(xr + q * step + o0 + 8 * j), wv)); \
                    }                                                                                               \
                } else {                                                                                            \
                    const float *xg = xr + (long)g * gc;                                                            \
                    const float *wr = w + (long)(ky * s->kw + kx) * gc * s->oc + (long)g * goc + o0;                \
                    for (int i = 0; i < gc; i++) {                                                                  \
                        const float *wi = wr + (long)i * s->oc;                                                     \
                        __m256 wv[NV];                                                                              \
                        for (int j = 0; j < NV; j++) wv[j] = _mm256_loadu_ps(wi + 8 * j);                           \
                        for (int q = 0; q < P; q++) {                                                               \
                            const __m256 xv = _mm256_set1_ps(xg[q * step + i]);                                     \
                            for (int j = 0; j < NV; j++) a[q][j] = _mm256_add_ps(a[q][j], _mm256_mul_ps(xv, wv[j])); \
                        }                                                                                           \
                    }                                                                                               \
                }                                                                                                   \
            }                                                                                                       \
        }                                                                                                           \
        for (int q = 0; q < P; q++)                                                                                 \
            for (int j = 0; j < NV; j++)                                                                            \
                _mm256_storeu_ps(out + (Q0 + q) * s->oc + o0 + 8 * j,                                               \
                                 activate8(_mm256_add_ps(a[q][j], _mm256_loadu_ps(bias + (long)g * goc + o0 + 8 * j)), \
                                           activation));                                                            \
    } while (0)

/* Positions handled side by side by NAS_CONV_POSITIONS: 8 vectors of sums at most. */
enum { NAS_CONV_SIDE_BY_SIDE = 4 };

__attribute__((target("avx2")))
static void conv_avx2(const float *x, long count, const nas_conv_shape *s, const float *w, const float *bias,
                      int activation, float *y, float *acc) {
    const nas_conv_shape shape = *s;
    s = &shape;
    const int gc = s->c / s->groups, goc = s->oc / s->groups;
    const int depthwise = gc == 1 && goc == 1;
    /* Depthwise: all channels form one block of lanes; otherwise each group's channels do. */
    const int lanes = depthwise ? s->oc : goc, groups = depthwise ? 1 : s->groups;
    const long in_size = (long)s->h * s->w * s->c, out_size = (long)s->oh * s->ow * s->oc;
    for (long n = 0; n < count; n++) {
        const float *xs = x + n * in_size;
        for (int oy = 0; oy < s->oh; oy++) {
            for (int ox = 0; ox < s->ow; ox++) {
                float *position = y + n * out_size + ((long)oy * s->ow + ox) * s->oc;
                /* Whole vectors of lanes and P positions whose taps all lie inside in x: side by side. */
                const int P = NAS_CONV_SIDE_BY_SIDE;
                if (lanes % 8 == 0 && lanes <= 32 && ox + P <= s->ow && ox * s->stride - s->pad_w >= 0 &&
                    (ox + P - 1) * s->stride - s->pad_w + s->kw <= s->w) {
                    for (int g = 0; g < groups; g++) {
                        float *out = position + (long)g * goc;
                        const int o0 = 0;
                        switch (lanes / 8) {
                        case 1: NAS_CONV_POSITIONS(1, NAS_CONV_SIDE_BY_SIDE, 0); break;
                        case 2: NAS_CONV_POSITIONS(2, NAS_CONV_SIDE_BY_SIDE, 0); break;
                        /* 3 or 4 vectors: two pairs of positions. */
                        case 3: NAS_CONV_POSITIONS(3, 2, 0); NAS_CONV_POSITIONS(3, 2, 2); break;
                        default: NAS_CONV_POSITIONS(4, 2, 0); NAS_CONV_POSITIONS(4, 2, 2); break;
                        }
                    }
                    ox += P - 1;
                    continue;
                }
                for (int g = 0; g < groups; g++) {
                    float *out = position + (long)g * goc;
                    int o0 = 0;
                    for (; o0 + 32 <= lanes; o0 += 32) NAS_CONV_BLOCK(4);
                    /* One block for what is left of whole vectors, so the taps are walked once more at most. */
                    if (lanes - o0 >= 24) {
                        NAS_CONV_BLOCK(3);
                        o0 += 24;
                    } else if (lanes - o0 >= 16) {
                        NAS_CONV_BLOCK(2);
                        o0 += 16;
                    } else if (lanes - o0 >= 8) {
                        NAS_CONV_BLOCK(1);
                        o0 += 8;
                    }
                    if (o0 == lanes) continue;
                    /* The last lanes < 8: the scalar sums, same order. */
                    for (int o = o0; o < lanes; o++) acc[o] = 0.0f;
                    for (int ky = 0; ky < s->kh; ky++) {
                        const int iy = oy * s->stride - s->pad_h + ky;
                        if (iy < 0 || iy >= s->h) continue;
                        for (int kx = 0; kx < s->kw; kx++) {
                            const int ix = ox * s->stride - s->pad_w + kx;
                            if (ix < 0 || ix >= s->w) continue;
                            const float *xr = xs + ((long)iy * s->w + ix) * s->c;
                            if (depthwise) {
                                const float *wr = w + (long)(ky * s->kw + kx) * s->oc;
                                for (int o = o0; o < lanes; o++) acc[o] += xr[o] * wr[o];
                            } else {
                                const float *wr = w + (long)(ky * s->kw + kx) * gc * s->oc + (long)g * goc;
                                for (int i = 0; i < gc; i++) {
                                    const float xv = xr[(long)g * gc + i];
                                    for (int o = o0; o < lanes; o++) acc[o] += xv * wr[(long)i * s->oc + o];
                                }
                            }
                        }
                    }
                    for (int o = o0; o < lanes; o++) out[o] = activate(acc[o] + bias[(long)g * goc + o], activation);
                }
            }
        }
    }
}

__attribute__((target("avx2")))
static void dense_avx2(const float *x, long count, int features, int outputs, const float *w, const float *bias,
                       int activation, float *y, float *acc) {
    dense_body(x, count, features, outputs, w, bias, activation, y, acc);
}
#endif

long nas_conv_f32_scratch(const nas_conv_shape *s) { return s->oc; }

void nas_conv_f32(const float *x, long count, const nas_conv_shape *s, const float *w, const float *bias,
                  int activation, float *y, float *scratch) {
#ifdef NAS_X86
    if (nas_inference_vectorized()) {
        conv_avx2(x, count, s, w, bias, activation, y, scratch);
        return;
    }
#endif
    conv_portable(x, count, s, w, bias, activation, y, scratch);
}

long nas_dense_f32_scratch(int outputs) { return 4L * outputs; }

void nas_dense_f32(const float *x, long count, int features, int outputs, const float *w, const float *bias,
                   int activation, float *y, float *scratch) {
#ifdef NAS_X86
    if (nas_inference_vectorized()) {
        dense_avx2(x, count, features, outputs, w, bias, activation, y, scratch);
        return;
    }
#endif
    dense_portable(x, count, features, outputs, w, bias, activation, y, scratch);
}

void nas_pool_f32(const float *x, long count, const nas_pool_shape *s, int max, int activation, float *y) {
    const nas_pool_shape shape = *s;
    s = &shape;
    const long in_size = (long)s->h * s->w * s->c, out_size = (long)s->oh * s->ow * s->c;
    const float taps = (float)(s->window_h * s->window_w);
    for (long n = 0; n < count; n++) {
        const float *xs = x + n * in_size;
        float *ys = y + n * out_size;
        for (int oy = 0; oy < s->oh; oy++) {
            for (int ox = 0; ox < s->ow; ox++) {
                float *out = ys + ((long)oy * s->ow + ox) * s->c;
                for (int ch = 0; ch < s->c; ch++) {
                    /* Swift's Sequence.max() keeps the first of equal values; the average sums from 0. */
                    float r = max ? xs[((long)(oy * s->stride_h) * s->w + ox * s->stride_w) * s->c + ch] : 0.0f;
                    for (int ky = 0; ky < s->window_h; ky++) {
                        for (int kx = 0; kx < s->window_w; kx++) {
                            const float v = xs[((long)(oy * s->stride_h + ky) * s->w + ox * s->stride_w + kx) * s->c + ch];
                            if (max) {
                                if (r < v) r = v;
                            } else {
                                r += v;
                            }
                        }
                    }
                    out[ch] = activate(max ? r : r / taps, activation);
                }
            }
        }
    }
}

void nas_mean_f32(const float *x, long count, int positions, int channels, int activation, float *y) {
    for (long n = 0; n < count; n++) {
        const float *xs = x + n * (long)positions * channels;
        for (int ch = 0; ch < channels; ch++) {
            float sum = 0.0f;
            for (int p = 0; p < positions; p++) sum += xs[(long)p * channels + ch];
            y[n * channels + ch] = activate(sum / (float)positions, activation);
        }
    }
}

void nas_add_f32(const float *a, const float *b, long n, int activation, float *y) {
    for (long i = 0; i < n; i++) y[i] = activate(a[i] + b[i], activation);
}

void nas_mul_f32(const float *a, const float *b, long count, long size, int channels, int activation, float *y) {
    for (long n = 0; n < count; n++) {
        const float *as = a + n * size, *bs = b + n * channels;
        float *ys = y + n * size;
        for (long i = 0; i < size; i++) ys[i] = activate(as[i] * bs[i % channels], activation);
    }
}

void nas_range_f32(const float *x, long n, float *lo, float *hi) {
    /* Swift.min(lo, v) and Swift.max(hi, v): NaN never enters either. */
    float l = *lo, h = *hi;
    for (long i = 0; i < n; i++) {
        const float v = x[i];
        l = v < l ? v : l;
        h = v >= h ? v : h;
    }
    *lo = l;
    *hi = h;
}
