/* Batched int8 inference kernels: NasQuant's IntegerNetwork run on many samples at once, with
   exactly its arithmetic. Products (x - zi) * w are exact in int32 and accumulators wrap modulo
   2^32 like Swift's &+, so any summation order gives the same bits; requantization is
   FixedPointMultiplier.apply (Int64, rounding half away from zero) followed by the op's clamp.

   The weighted ops gather (x - zi) as int16 (0 for padding taps, which the reference skips) and
   multiply with int16 weights packed in pairs along the reduction: AVX2's vpmaddwd sums two
   s16 x s16 products into s32 exactly (|x - zi| <= 255, |w| <= 127), unlike vpmaddubsw, whose
   int16 pair sums saturate. */

#include "nas_kernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NAS_X86 1
#endif

#define NAS_INLINE static inline __attribute__((always_inline))

/* ---- Instruction set ---------------------------------------------------------------------- */

int nas_inference_vectorized(void) {
    /* The same choice as the GEMM (NASBOOK_ISA, nas_kernels_select): AVX-512 machines run the
       AVX2 kernels, "scalar" runs the portable ones. */
    const char *isa = nas_kernels_isa();
    return strcmp(isa, "avx2") == 0 || strcmp(isa, "avx512") == 0;
}

int nas_conv_is_depthwise(const nas_conv_shape *s) { return s->c == s->groups && s->oc == s->groups; }

/* ---- Fixed-point requantization ------------------------------------------------------------- */

/* Swift's smart shifts on Int64: over-shifting gives 0 (left) or the sign (right), never UB. */
static inline int64_t shift_left(int64_t v, int n) { return n >= 64 ? 0 : (int64_t)((uint64_t)v << n); }
static inline int64_t shift_right(int64_t v, int n) { return n >= 64 ? (v < 0 ? -1 : 0) : v >> n; }

/* FixedPointMultiplier.apply: round(x * q31 / 2^(31 - shift)), halves away from zero. Where the
   Swift code would trap on overflow this wraps instead. */
static inline int64_t fixed_apply(int64_t x, int64_t q31, int shift) {
    const int64_t product = (int64_t)((uint64_t)x * (uint64_t)q31);
    const int right = 31 - shift;
    if (right <= 0) return shift_left(product, -right);
    const int64_t half = shift_left(1, right - 1);
    /* product >= 0 ? (product + half) >> right : -((-product + half) >> right), without a branch
       on the sign (which is random, so a branch would mispredict half the time). */
    const uint64_t sign = (uint64_t)(product >> 63); /* 0 or all ones */
    const uint64_t magnitude = ((uint64_t)product ^ sign) - sign;
    const int64_t rounded = shift_right((int64_t)(magnitude + (uint64_t)half), right);
    return (int64_t)(((uint64_t)rounded ^ sign) - sign);
}

/* Swift.min(Swift.max(v, lo), hi). */
static inline int8_t clamp8(int64_t v, const nas_requant *r) {
    v = r->lo >= v ? r->lo : v;
    return (int8_t)(r->hi < v ? r->hi : v);
}

static inline int8_t requantize(int32_t acc, const nas_requant *r, int channel) {
    return clamp8(r->zero_out + fixed_apply(acc, r->q31[channel], r->shift[channel]), r);
}

/* out[o] = requantize(bias[c0 + o] + acc[o]) for o < n (bias NULL: acc is the whole sum). */
static void requantize_row_portable(const int32_t *acc, const int32_t *bias, const nas_requant *r, int c0, int n, int8_t *out) {
    for (int o = 0; o < n; o++)
        out[o] = requantize(bias ? (int32_t)((uint32_t)bias[c0 + o] + (uint32_t)acc[o]) : acc[o], r, c0 + o);
}

#ifdef NAS_X86
/* The same four channels at a time in 64-bit lanes. Exact where every channel's right shift
   (31 - shift) is 1..62 (see requantize_vectorizable): then |acc * q31| + half < 2^63, so the
   magnitude can be shifted logically and the sign put back, as fixed_apply does. */
__attribute__((target("avx2")))
static void requantize_row_avx2(const int32_t *acc, const int32_t *bias, const nas_requant *r, int c0, int n, int8_t *out) {
    const __m256i zero_out = _mm256_set1_epi64x(r->zero_out), lo = _mm256_set1_epi64x(r->lo), hi = _mm256_set1_epi64x(r->hi);
    const __m256i one = _mm256_set1_epi64x(1), zero = _mm256_setzero_si256(), q31_shift = _mm256_set1_epi64x(31);
    const __m256i low_halves = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
    int o = 0;
    for (; o + 4 <= n; o += 4) {
        __m128i a = _mm_loadu_si128((const __m128i *)(acc + o));
        if (bias) a = _mm_add_epi32(a, _mm_loadu_si128((const __m128i *)(bias + c0 + o)));
        const __m256i x = _mm256_cvtepi32_epi64(a);
        const __m256i q = _mm256_loadu_si256((const __m256i *)(r->q31 + c0 + o));
        const __m256i right = _mm256_sub_epi64(q31_shift, _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)(r->shift + c0 + o))));
        const __m256i half = _mm256_sllv_epi64(one, _mm256_sub_epi64(right, one));
        const __m256i product = _mm256_mul_epi32(x, q); /* q31 < 2^31: both factors fit 32 bits */
        const __m256i sign = _mm256_cmpgt_epi64(zero, product);
        const __m256i magnitude = _mm256_sub_epi64(_mm256_xor_si256(product, sign), sign);
        const __m256i rounded = _mm256_srlv_epi64(_mm256_add_epi64(magnitude, half), right);
        __m256i v = _mm256_add_epi64(zero_out, _mm256_sub_epi64(_mm256_xor_si256(rounded, sign), sign));
        v = _mm256_blendv_epi8(v, lo, _mm256_cmpgt_epi64(lo, v));
        v = _mm256_blendv_epi8(v, hi, _mm256_cmpgt_epi64(v, hi));
        const __m128i v32 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(v, low_halves));
        const __m128i v16 = _mm_packs_epi32(v32, v32);
        const int32_t bytes = _mm_cvtsi128_si32(_mm_packs_epi16(v16, v16));
        memcpy(out + o, &bytes, 4);
    }
    requantize_row_portable(acc + o, bias, r, c0 + o, n - o, out + o);
}
#endif

/* Whether requantize_row_avx2 is exact for channels 0 ..< channels. */
static int requantize_vectorizable(const nas_requant *r, int channels) {
    if (!nas_inference_vectorized()) return 0;
    for (int o = 0; o < channels; o++) {
        const int right = 31 - r->shift[o];
        if (right < 1 || right > 62 || r->q31[o] < 0 || r->q31[o] >= (1LL << 31)) return 0;
    }
    return 1;
}

static void requantize_row(const int32_t *acc, const int32_t *bias, const nas_requant *r, int c0, int n, int8_t *out,
                           int vectorized) {
#ifdef NAS_X86
    if (vectorized) {
        requantize_row_avx2(acc, bias, r, c0, n, out);
        return;
    }
#endif
    (void)vectorized;
    requantize_row_portable(acc, bias, r, c0, n, out);
}

/* ---- Weight packing --------------------------------------------------------------------------- */

long nas_packed_weights_size(int depth, int channels, int groups) {
    const int pairs = (depth + 1) / 2, padded = (channels / groups + 7) / 8 * 8;
    return (long)groups * pairs * padded * 2;
}

void nas_pack_weights_s8(const int8_t *w, int depth, int channels, int groups, int16_t *packed) {
    /* w is [depth][channels]: HWIO (depth = kh * kw * channels per group; row k serves every
       group, group g owns columns g * goc ..) or IO. packed is per group [pairs][padded
       channels][2], zero-filled. */
    const int goc = channels / groups, pairs = (depth + 1) / 2, padded = (goc + 7) / 8 * 8;
    memset(packed, 0, (size_t)nas_packed_weights_size(depth, channels, groups) * sizeof(int16_t));
    for (int g = 0; g < groups; g++) {
        int16_t *pg = packed + (long)g * pairs * padded * 2;
        for (int k = 0; k < depth; k++)
            for (int o = 0; o < goc; o++)
                pg[((long)(k / 2) * padded + o) * 2 + (k % 2)] = w[(long)k * channels + g * goc + o];
    }
}

/* ---- int16 GEMM: acc[r][o] = sum_k a[r][k] * b[k][o], wrapping ---------------------------------- */

/* a: rows x (2 * pairs) int16, row-major; b: packed [pairs][padded][2]; acc: rows x padded. */
NAS_INLINE void gemm_portable_body(const int16_t *a, int rows, int pairs, const int16_t *b, int padded, int32_t *acc) {
    for (int r = 0; r < rows; r++) {
        const int16_t *ar = a + (long)r * pairs * 2;
        uint32_t *out = (uint32_t *)(acc + (long)r * padded);
        for (int o = 0; o < padded; o++) out[o] = 0;
        for (int p = 0; p < pairs; p++) {
            const int32_t a0 = ar[2 * p], a1 = ar[2 * p + 1];
            if (a0 == 0 && a1 == 0) continue;
            const int16_t *bp = b + (long)p * padded * 2;
            for (int o = 0; o < padded; o++)
                out[o] += (uint32_t)(a0 * bp[2 * o] + a1 * bp[2 * o + 1]);
        }
    }
}

static void gemm_portable(const int16_t *a, int rows, int pairs, const int16_t *b, int padded, int32_t *acc) {
    gemm_portable_body(a, rows, pairs, b, padded, acc);
}

#ifdef NAS_X86
/* 4 rows x 16 channels per step; the last row block reads rows it then discards (the caller
   pads `a` to a multiple of 4 rows). */
__attribute__((target("avx2")))
static void gemm_avx2(const int16_t *a, int rows, int pairs, const int16_t *b, int padded, int32_t *acc) {
    const long lda = (long)pairs * 2;
    for (int r = 0; r < rows; r += 4) {
        const int16_t *a0 = a + r * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        int o = 0;
        for (; o + 16 <= padded; o += 16) {
            __m256i c00 = _mm256_setzero_si256(), c01 = _mm256_setzero_si256();
            __m256i c10 = _mm256_setzero_si256(), c11 = _mm256_setzero_si256();
            __m256i c20 = _mm256_setzero_si256(), c21 = _mm256_setzero_si256();
            __m256i c30 = _mm256_setzero_si256(), c31 = _mm256_setzero_si256();
            const int16_t *bp = b + (long)o * 2;
            for (int p = 0; p < pairs; p++, bp += (long)padded * 2) {
                const __m256i b0 = _mm256_loadu_si256((const __m256i *)bp);
                const __m256i b1 = _mm256_loadu_si256((const __m256i *)(bp + 16));
                int32_t v;
                memcpy(&v, a0 + 2 * p, 4);
                __m256i x = _mm256_set1_epi32(v);
                c00 = _mm256_add_epi32(c00, _mm256_madd_epi16(x, b0));
                c01 = _mm256_add_epi32(c01, _mm256_madd_epi16(x, b1));
                memcpy(&v, a1 + 2 * p, 4);
                x = _mm256_set1_epi32(v);
                c10 = _mm256_add_epi32(c10, _mm256_madd_epi16(x, b0));
                c11 = _mm256_add_epi32(c11, _mm256_madd_epi16(x, b1));
                memcpy(&v, a2 + 2 * p, 4);
                x = _mm256_set1_epi32(v);
                c20 = _mm256_add_epi32(c20, _mm256_madd_epi16(x, b0));
                c21 = _mm256_add_epi32(c21, _mm256_madd_epi16(x, b1));
                memcpy(&v, a3 + 2 * p, 4);
                x = _mm256_set1_epi32(v);
                c30 = _mm256_add_epi32(c30, _mm256_madd_epi16(x, b0));
                c31 = _mm256_add_epi32(c31, _mm256_madd_epi16(x, b1));
            }
            __m256i rowsv[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
            for (int i = 0; i < 4 && r + i < rows; i++) {
                _mm256_storeu_si256((__m256i *)(acc + (long)(r + i) * padded + o), rowsv[i][0]);
                _mm256_storeu_si256((__m256i *)(acc + (long)(r + i) * padded + o + 8), rowsv[i][1]);
            }
        }
        for (; o < padded; o += 8) {
            __m256i c0 = _mm256_setzero_si256(), c1 = _mm256_setzero_si256();
            __m256i c2 = _mm256_setzero_si256(), c3 = _mm256_setzero_si256();
            const int16_t *bp = b + (long)o * 2;
            for (int p = 0; p < pairs; p++, bp += (long)padded * 2) {
                const __m256i b0 = _mm256_loadu_si256((const __m256i *)bp);
                int32_t v;
                memcpy(&v, a0 + 2 * p, 4);
                c0 = _mm256_add_epi32(c0, _mm256_madd_epi16(_mm256_set1_epi32(v), b0));
                memcpy(&v, a1 + 2 * p, 4);
                c1 = _mm256_add_epi32(c1, _mm256_madd_epi16(_mm256_set1_epi32(v), b0));
                memcpy(&v, a2 + 2 * p, 4);
                c2 = _mm256_add_epi32(c2, _mm256_madd_epi16(_mm256_set1_epi32(v), b0));
                memcpy(&v, a3 + 2 * p, 4);
                c3 = _mm256_add_epi32(c3, _mm256_madd_epi16(_mm256_set1_epi32(v), b0));
            }
            __m256i rowsv[4] = {c0, c1, c2, c3};
            for (int i = 0; i < 4 && r + i < rows; i++)
                _mm256_storeu_si256((__m256i *)(acc + (long)(r + i) * padded + o), rowsv[i]);
        }
    }
}
#endif

static void gemm_s16(const int16_t *a, int rows, int pairs, const int16_t *b, int padded, int32_t *acc) {
#ifdef NAS_X86
    if (nas_inference_vectorized()) {
        gemm_avx2(a, rows, pairs, b, padded, acc);
        return;
    }
#endif
    gemm_portable(a, rows, pairs, b, padded, acc);
}

/* ---- Convolution ---------------------------------------------------------------------------- */

/* Rows of one group's im2col, rounded up to whole 4-row blocks for the AVX2 GEMM. */
static long gather_rows(long rows) { return (rows + 3) / 4 * 4; }

long nas_conv_s8_scratch(const nas_conv_shape *s) {
    /* In int16 units: the gathered rows, then the int32 accumulators (two int16 each), then a
       per-channel int32 row for the depthwise kernel. */
    const int gc = s->c / s->groups, goc = s->oc / s->groups;
    const long depth = (long)s->kh * s->kw * gc, pairs = (depth + 1) / 2, padded = (goc + 7) / 8 * 8;
    const long rows = gather_rows((long)s->oh * s->ow);
    return rows * pairs * 2 + rows * padded * 2 + 2L * s->oc + 16;
}

NAS_INLINE void depthwise_body(const int8_t *xs, const nas_conv_shape *s, int32_t zi, const int16_t *w,
                               const int32_t *bias, const nas_requant *r, int8_t *ys, int32_t *acc, int vectorized) {
    /* w: [kh * kw][oc] int16. One channel per group, so channels are independent lanes. */
    /* Local copies: int8 stores may alias anything, which would keep loops uncountable. */
    const nas_conv_shape shape = *s;
    const nas_requant rq = *r;
    s = &shape;
    r = &rq;
    for (int oy = 0; oy < s->oh; oy++) {
        for (int ox = 0; ox < s->ow; ox++) {
            uint32_t *a = (uint32_t *)acc;
            for (int o = 0; o < s->oc; o++) a[o] = (uint32_t)bias[o];
            for (int ky = 0; ky < s->kh; ky++) {
                const int iy = oy * s->stride - s->pad_h + ky;
                if (iy < 0 || iy >= s->h) continue;
                for (int kx = 0; kx < s->kw; kx++) {
                    const int ix = ox * s->stride - s->pad_w + kx;
                    if (ix < 0 || ix >= s->w) continue;
                    const int8_t *xr = xs + ((long)iy * s->w + ix) * s->c;
                    const int16_t *wr = w + (long)(ky * s->kw + kx) * s->oc;
                    for (int o = 0; o < s->oc; o++) a[o] += (uint32_t)(((int32_t)xr[o] - zi) * (int32_t)wr[o]);
                }
            }
            requantize_row((const int32_t *)a, NULL, r, 0, s->oc, ys + ((long)oy * s->ow + ox) * s->oc, vectorized);
        }
    }
}

static void depthwise_portable(const int8_t *xs, const nas_conv_shape *s, int32_t zi, const int16_t *w,
                               const int32_t *bias, const nas_requant *r, int8_t *ys, int32_t *acc) {
    depthwise_body(xs, s, zi, w, bias, r, ys, acc, 0);
}

#ifdef NAS_X86
__attribute__((target("avx2")))
static void depthwise_avx2(const int8_t *xs, const nas_conv_shape *s, int32_t zi, const int16_t *w,
                           const int32_t *bias, const nas_requant *r, int8_t *ys, int32_t *acc, int vectorized) {
    depthwise_body(xs, s, zi, w, bias, r, ys, acc, vectorized);
}
#endif

void nas_conv_s8(const int8_t *x, long count, const nas_conv_shape *s, int32_t zi, const int16_t *packed,
                 const int32_t *bias, const nas_requant *r, int8_t *y, int16_t *scratch) {
    const nas_conv_shape shape = *s;
    s = &shape;
    const int gc = s->c / s->groups, goc = s->oc / s->groups;
    const long in_size = (long)s->h * s->w * s->c, out_size = (long)s->oh * s->ow * s->oc;
    if (nas_conv_is_depthwise(s)) {
        /* Depthwise: `packed` holds the plain [kh * kw][oc] weights as int16 (nas_pack_weights_s8
           with groups = 1 and depth = kh * kw would pair taps instead). */
        int32_t *acc = (int32_t *)(((uintptr_t)scratch + 15) & ~(uintptr_t)15);
        for (long n = 0; n < count; n++) {
#ifdef NAS_X86
            if (nas_inference_vectorized()) {
                depthwise_avx2(x + n * in_size, s, zi, packed, bias, r, y + n * out_size, acc, requantize_vectorizable(r, s->oc));
                continue;
            }
#endif
            depthwise_portable(x + n * in_size, s, zi, packed, bias, r, y + n * out_size, acc);
        }
        return;
    }
    const int depth = s->kh * s->kw * gc, pairs = (depth + 1) / 2, padded = (goc + 7) / 8 * 8;
    const int vectorized = requantize_vectorizable(r, s->oc);
    const long positions = (long)s->oh * s->ow, rows = gather_rows(positions);
    int16_t *cols = scratch;
    int32_t *acc = (int32_t *)(((uintptr_t)(scratch + rows * pairs * 2) + 15) & ~(uintptr_t)15);
    for (long n = 0; n < count; n++) {
        const int8_t *xs = x + n * in_size;
        int8_t *ys = y + n * out_size;
        for (int g = 0; g < s->groups; g++) {
            /* Gather (x - zi) for this group's taps; padding taps and the odd pair's tail stay 0. */
            memset(cols, 0, (size_t)(rows * pairs * 2) * sizeof(int16_t));
            for (int oy = 0; oy < s->oh; oy++) {
                for (int ox = 0; ox < s->ow; ox++) {
                    int16_t *row = cols + ((long)oy * s->ow + ox) * pairs * 2;
                    for (int ky = 0; ky < s->kh; ky++) {
                        const int iy = oy * s->stride - s->pad_h + ky;
                        if (iy < 0 || iy >= s->h) continue;
                        for (int kx = 0; kx < s->kw; kx++) {
                            const int ix = ox * s->stride - s->pad_w + kx;
                            if (ix < 0 || ix >= s->w) continue;
                            const int8_t *xr = xs + ((long)iy * s->w + ix) * s->c + (long)g * gc;
                            int16_t *dst = row + (long)(ky * s->kw + kx) * gc;
                            for (int i = 0; i < gc; i++) dst[i] = (int16_t)((int32_t)xr[i] - zi);
                        }
                    }
                }
            }
            gemm_s16(cols, (int)positions, pairs, packed + (long)g * pairs * padded * 2, padded, acc);
            for (long p = 0; p < positions; p++)
                requantize_row(acc + p * padded, bias, r, g * goc, goc, ys + p * s->oc + (long)g * goc, vectorized);
        }
    }
}

/* ---- Fully connected -------------------------------------------------------------------------- */

long nas_dense_s8_scratch(long count, int features, int outputs) {
    const long pairs = (features + 1) / 2, padded = (outputs + 7) / 8 * 8, rows = gather_rows(count);
    return rows * pairs * 2 + rows * padded * 2 + 16;
}

void nas_dense_s8(const int8_t *x, long count, int features, int outputs, int32_t zi, const int16_t *packed,
                  const int32_t *bias, const nas_requant *r, int8_t *y, int16_t *scratch) {
    /* All samples are rows of one GEMM, so each weight pair is loaded once per four samples. */
    const int pairs = (features + 1) / 2, padded = (outputs + 7) / 8 * 8;
    const long rows = gather_rows(count);
    int16_t *cols = scratch;
    int32_t *acc = (int32_t *)(((uintptr_t)(scratch + rows * pairs * 2) + 15) & ~(uintptr_t)15);
    memset(cols, 0, (size_t)(rows * pairs * 2) * sizeof(int16_t));
    for (long n = 0; n < count; n++)
        for (int i = 0; i < features; i++) cols[n * pairs * 2 + i] = (int16_t)((int32_t)x[n * features + i] - zi);
    gemm_s16(cols, (int)count, pairs, packed, padded, acc);
    const int vectorized = requantize_vectorizable(r, outputs);
    for (long n = 0; n < count; n++) requantize_row(acc + n * padded, bias, r, 0, outputs, y + n * outputs, vectorized);
}

/* ---- Pooling, mean, element-wise ------------------------------------------------------------ */

void nas_pool_s8(const int8_t *x, long count, const nas_pool_shape *s, int max, int32_t zi, int passthrough,
                 const nas_requant *r, int8_t *y) {
    /* r->q31[0] / r->shift[0]: the rescale (max) or the rescale divided by the window (average). */
    const nas_pool_shape shape = *s;
    s = &shape;
    const long in_size = (long)s->h * s->w * s->c, out_size = (long)s->oh * s->ow * s->c;
    for (long n = 0; n < count; n++) {
        const int8_t *xs = x + n * in_size;
        int8_t *ys = y + n * out_size;
        for (int oy = 0; oy < s->oh; oy++) {
            for (int ox = 0; ox < s->ow; ox++) {
                int8_t *out = ys + ((long)oy * s->ow + ox) * s->c;
                for (int ch = 0; ch < s->c; ch++) {
                    int64_t acc = max ? -128 : 0;
                    for (int ky = 0; ky < s->window_h; ky++) {
                        for (int kx = 0; kx < s->window_w; kx++) {
                            const int64_t v = xs[((long)(oy * s->stride_h + ky) * s->w + ox * s->stride_w + kx) * s->c + ch];
                            if (max) {
                                if (v > acc) acc = v;
                            } else {
                                acc += v - zi;
                            }
                        }
                    }
                    if (max && passthrough) out[ch] = clamp8(acc, r);
                    else out[ch] = clamp8(r->zero_out + fixed_apply(max ? acc - zi : acc, r->q31[0], r->shift[0]), r);
                }
            }
        }
    }
}

void nas_mean_s8(const int8_t *x, long count, int positions, int channels, int32_t zi, const nas_requant *r, int8_t *y) {
    for (long n = 0; n < count; n++) {
        const int8_t *xs = x + n * (long)positions * channels;
        for (int ch = 0; ch < channels; ch++) {
            int64_t sum = 0;
            for (int p = 0; p < positions; p++) sum += (int64_t)xs[(long)p * channels + ch] - zi;
            y[n * channels + ch] = clamp8(r->zero_out + fixed_apply(sum, r->q31[0], r->shift[0]), r);
        }
    }
}

void nas_add_s8(const int8_t *a, const int8_t *b, long n, int32_t za, int32_t zb, const nas_requant *r, int8_t *y) {
    /* r->q31[0..1] / r->shift[0..1]: the two inputs' rescales. */
    for (long i = 0; i < n; i++)
        y[i] = clamp8(r->zero_out + fixed_apply((int64_t)a[i] - za, r->q31[0], r->shift[0])
                          + fixed_apply((int64_t)b[i] - zb, r->q31[1], r->shift[1]), r);
}

void nas_mul_s8(const int8_t *a, const int8_t *b, long count, long size, int channels, int32_t za, int32_t zb,
                const nas_requant *r, int8_t *y) {
    for (long n = 0; n < count; n++) {
        const int8_t *as = a + n * size, *bs = b + n * channels;
        int8_t *ys = y + n * size;
        for (long i = 0; i < size; i++)
            ys[i] = clamp8(r->zero_out + fixed_apply(((int64_t)as[i] - za) * ((int64_t)bs[i % channels] - zb),
                                                     r->q31[0], r->shift[0]), r);
    }
}

void nas_lut_s8(const int8_t *x, long n, const int8_t *table, int8_t *y) {
    for (long i = 0; i < n; i++) y[i] = table[(int)x[i] + 128];
}
