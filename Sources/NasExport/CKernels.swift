/// The portable C99 kernels of an export: plain loops that reproduce `IntegerNetwork`'s
/// arithmetic bit for bit (int32 accumulators, Q31 multipliers with rounding half away from
/// zero, clamps to the fused activation's range). Convolutions gather their taps into int16
/// columns in the scratch buffer the arena plan gives them, as CMSIS-NN's kernels do, so the
/// arena the cost model reports is the arena these kernels use.
///
/// Weights below 8 bits arrive packed as the cost model counts them: each layer's weights, in
/// the order the kernel reads them, as one little-endian bit stream of `bits`-bit two's
/// complement values ((count * bits + 7) / 8 bytes, no padding between rows). Convolutions and
/// dense layers decode a row, and depthwise convolutions one tap's weights for a run of channels,
/// `NAS_CHUNK` (64) weights at a time into a buffer on the stack, 8 weights (`bits` bytes) per
/// step, and run the same inner loop as on 8-bit weights, which they read in place.
enum CKernels {
    static let header = #"""
/* nas_kernels.h: int8 kernels of a nasbook export (C99, no heap). Generated; do not edit. */
#ifndef NAS_KERNELS_H
#define NAS_KERNELS_H

#include <stdint.h>

/* Zero points and the output clamp (the fused activation's range) of one op. Multipliers
   elsewhere are (q31, right): x * q31 / 2^right rounded, halves away from zero. */
typedef struct {
    int32_t in_zero, out_zero, act_min, act_max;
} nas_quant;

/* bits: the weights' width. 8: one int8_t each; 2..7: packed, see nas_kernels.c. */
typedef struct {
    int h, w, c, oh, ow, oc, kh, kw, stride, pad_h, pad_w, groups, bits;
    nas_quant q;
} nas_conv_params;

typedef struct {
    int h, w, c, oh, ow, size_h, size_w, stride_h, stride_w;
    int32_t q31, right; /* rescale; right == 0: the output shares the input's parameters */
    nas_quant q;
} nas_pool_params;

void nas_conv(const int8_t *in, int8_t *out, int16_t *scratch, const nas_conv_params *p,
              const void *w, const int32_t *bias, const int32_t *q31, const int32_t *right);
void nas_depthwise_conv(const int8_t *in, int8_t *out, int16_t *scratch, const nas_conv_params *p,
                        const void *w, const int32_t *bias, const int32_t *q31, const int32_t *right);
void nas_fully_connected(const int8_t *in, int8_t *out, int features, int channels, const nas_quant *q,
                         const void *w, int bits, const int32_t *bias, const int32_t *q31, const int32_t *right);
void nas_max_pool(const int8_t *in, int8_t *out, const nas_pool_params *p);
void nas_avg_pool(const int8_t *in, int8_t *out, const nas_pool_params *p);
void nas_mean(const int8_t *in, int8_t *out, int positions, int channels, int32_t q31, int32_t right, const nas_quant *q);
void nas_add(const int8_t *a, const int8_t *b, int8_t *out, int n, int32_t a_zero, int32_t a_q31, int32_t a_right,
             int32_t b_zero, int32_t b_q31, int32_t b_right, const nas_quant *q);
void nas_mul(const int8_t *a, const int8_t *b, int8_t *out, int n, int b_count, int32_t a_zero, int32_t b_zero,
             int32_t q31, int32_t right, const nas_quant *q);
void nas_lookup(const int8_t *in, int8_t *out, int n, const int8_t *table);

#endif
"""#

    static let source = #"""
/* nas_kernels.c: int8 kernels of a nasbook export (C99, no heap). Generated; do not edit.
   Each reproduces nasbook's integer inference exactly: int32 accumulators, requantization
   by a Q31 multiplier and a right shift rounding halves away from zero, then a clamp. */
#include "nas_kernels.h"

static int64_t scale(int64_t x, int32_t q31, int32_t right) {
    int64_t product = x * (int64_t)q31, half = (int64_t)1 << (right - 1);
    return product >= 0 ? (product + half) >> right : -((-product + half) >> right);
}

static int8_t clamp(int64_t v, const nas_quant *q) {
    if (v < q->act_min) v = q->act_min;
    if (v > q->act_max) v = q->act_max;
    return (int8_t)v;
}

static int8_t requantize(int64_t x, int32_t q31, int32_t right, const nas_quant *q) {
    return clamp(q->out_zero + scale(x, q31, right), q);
}

/* Weights below 8 bits: a layer's weights as one little-endian bit stream of `bits`-bit two's
   complement values, weight j at bits [j * bits, (j + 1) * bits), rows not padded. */
#define NAS_CHUNK 64

/* Weight j of a packed layer (random access, for strided reads). */
static int32_t packed_weight(const uint8_t *w, int bits, long j) {
    const long bit = j * bits;
    const uint8_t *p = w + (bit >> 3);
    const int shift = (int)(bit & 7);
    const uint32_t sign = (uint32_t)1 << (bits - 1);
    uint32_t v = (uint32_t)p[0] >> shift;
    if (shift + bits > 8) v |= (uint32_t)p[1] << (8 - shift);
    v &= (sign << 1) - 1;
    return (int32_t)(v ^ sign) - (int32_t)sign;
}

/* Decodes `groups` runs of 8 weights, each run `bits` whole bytes, unrolled by hand (called
   with a constant `bits`, so the shifts are constants too). */
#define NAS_FIELD(k) dst[k] = (int8_t)((int32_t)(((uint32_t)(x >> ((k) * bits)) & mask) ^ sign) - (int32_t)sign)
static void unpack_groups(const uint8_t *p, int8_t *dst, int groups, int bits) {
    const uint32_t sign = (uint32_t)1 << (bits - 1), mask = (sign << 1) - 1;
    int g;
    for (g = 0; g < groups; g++, p += bits, dst += 8) {
        uint64_t x = (uint64_t)p[0] | (uint64_t)p[1] << 8;
        switch (bits) {
        case 7: x |= (uint64_t)p[6] << 48; /* fall through */
        case 6: x |= (uint64_t)p[5] << 40; /* fall through */
        case 5: x |= (uint64_t)p[4] << 32; /* fall through */
        case 4: x |= (uint64_t)p[3] << 24; /* fall through */
        case 3: x |= (uint64_t)p[2] << 16; /* fall through */
        default: break;
        }
        NAS_FIELD(0); NAS_FIELD(1); NAS_FIELD(2); NAS_FIELD(3);
        NAS_FIELD(4); NAS_FIELD(5); NAS_FIELD(6); NAS_FIELD(7);
    }
}
#undef NAS_FIELD

/* 4-bit weights, the common case, a byte (two nibbles) at a time: a loop compilers vectorize. */
static void unpack_nibbles(const uint8_t *p, int8_t *dst, int bytes) {
    int j;
    for (j = 0; j < bytes; j++) {
        dst[2 * j] = (int8_t)((int32_t)((p[j] & 15u) ^ 8u) - 8);
        dst[2 * j + 1] = (int8_t)((int32_t)((p[j] >> 4) ^ 8u) - 8);
    }
}

/* Weights [first, first + n) of a layer: in place for 8-bit weights, else decoded into buf
   (n <= NAS_CHUNK): one by one up to a multiple of 8 (which starts on a byte), then 8 at a
   time, then the rest one by one. Reads only the bytes those weights occupy. */
static const int8_t *weight_run(const void *w, int bits, long first, int n, int8_t *buf) {
    const uint8_t *packed = (const uint8_t *)w;
    int i = 0, groups;
    if (bits == 8) return (const int8_t *)w + first;
    for (; i < n && (first + i) % 8 != 0; i++) buf[i] = (int8_t)packed_weight(packed, bits, first + i);
    groups = (n - i) / 8;
    switch (bits) {
    case 2: unpack_groups(packed + (first + i) / 8 * 2, buf + i, groups, 2); break;
    case 3: unpack_groups(packed + (first + i) / 8 * 3, buf + i, groups, 3); break;
    case 4: unpack_nibbles(packed + (first + i) / 2, buf + i, groups * 4); break;
    case 5: unpack_groups(packed + (first + i) / 8 * 5, buf + i, groups, 5); break;
    case 6: unpack_groups(packed + (first + i) / 8 * 6, buf + i, groups, 6); break;
    default: unpack_groups(packed + (first + i) / 8 * 7, buf + i, groups, 7); break;
    }
    for (i += groups * 8; i < n; i++) buf[i] = (int8_t)packed_weight(packed, bits, first + i);
    return buf;
}

/* Gathers the receptive field of output pixel (oy, ox), channels [c0, c0 + gc), as int16
   values minus the input zero point (padding: 0), taps in (ky, kx, channel) order. */
static void gather(const int8_t *in, int16_t *column, const nas_conv_params *p, int oy, int ox, int c0, int gc) {
    int ky, kx, i;
    for (ky = 0; ky < p->kh; ky++) {
        int iy = oy * p->stride - p->pad_h + ky;
        for (kx = 0; kx < p->kw; kx++) {
            int ix = ox * p->stride - p->pad_w + kx;
            int16_t *dst = column + (ky * p->kw + kx) * gc;
            if (iy < 0 || iy >= p->h || ix < 0 || ix >= p->w) {
                for (i = 0; i < gc; i++) dst[i] = 0;
            } else {
                const int8_t *src = in + (iy * p->w + ix) * p->c + c0;
                for (i = 0; i < gc; i++) dst[i] = (int16_t)(src[i] - p->q.in_zero);
            }
        }
    }
}

/* Weights: [oc][kh][kw][c / groups], each row read in runs (the whole row when 8-bit). With
   scratch, two output pixels' columns at a time, each weight run read once for both
   (CMSIS-NN's arm_convolve_s8 scheme); without (1x1, stride 1), straight from the input. */
void nas_conv(const int8_t *in, int8_t *out, int16_t *scratch, const nas_conv_params *p,
              const void *w, const int32_t *bias, const int32_t *q31, const int32_t *right) {
    const int gc = p->c / p->groups, goc = p->oc / p->groups, k = p->kh * p->kw * gc;
    const int pixels = p->oh * p->ow, run = p->bits == 8 ? k : NAS_CHUNK;
    int8_t buf[NAS_CHUNK];
    int pixel, g, o, i, j, start, n;
    if (scratch == 0) {
        for (pixel = 0; pixel < pixels; pixel++) {
            int iy = pixel / p->ow * p->stride - p->pad_h, ix = pixel % p->ow * p->stride - p->pad_w;
            int inside = iy >= 0 && iy < p->h && ix >= 0 && ix < p->w;
            for (o = 0; o < p->oc; o++) {
                int32_t acc = bias[o];
                if (inside) {
                    const int8_t *x = in + (iy * p->w + ix) * p->c + o / goc * gc;
                    for (start = 0; start < gc; start += n) {
                        const int8_t *row;
                        n = gc - start < run ? gc - start : run;
                        row = weight_run(w, p->bits, (long)o * k + start, n, buf);
                        for (i = 0; i < n; i++) acc += (int32_t)(x[start + i] - p->q.in_zero) * row[i];
                    }
                }
                out[pixel * p->oc + o] = requantize(acc, q31[o], right[o], &p->q);
            }
        }
        return;
    }
    for (pixel = 0; pixel < pixels; pixel += 2) {
        const int count = pixels - pixel < 2 ? 1 : 2;
        for (g = 0; g < p->groups; g++) {
            for (j = 0; j < count; j++) gather(in, scratch + j * k, p, (pixel + j) / p->ow, (pixel + j) % p->ow, g * gc, gc);
            for (o = g * goc; o < (g + 1) * goc; o++) {
                int32_t acc0 = bias[o], acc1 = bias[o];
                for (start = 0; start < k; start += n) {
                    const int16_t *col0 = scratch + start, *col1 = scratch + k + start;
                    const int8_t *row;
                    n = k - start < run ? k - start : run;
                    row = weight_run(w, p->bits, (long)o * k + start, n, buf);
                    if (count == 2) {
                        for (i = 0; i < n; i++) {
                            acc0 += (int32_t)col0[i] * row[i];
                            acc1 += (int32_t)col1[i] * row[i];
                        }
                    } else {
                        for (i = 0; i < n; i++) acc0 += (int32_t)col0[i] * row[i];
                    }
                }
                if (count == 2) out[(pixel + 1) * p->oc + o] = requantize(acc1, q31[o], right[o], &p->q);
                out[pixel * p->oc + o] = requantize(acc0, q31[o], right[o], &p->q);
            }
        }
    }
}

/* Weights: [kh][kw][oc], output channel o reads input channel o / (oc / c). The scratch holds
   one pixel's taps for every channel (CMSIS-NN's arm_depthwise_conv_s8_opt buffer); channels
   are accumulated NAS_CHUNK at a time, each tap's weights for them read as one run. */
void nas_depthwise_conv(const int8_t *in, int8_t *out, int16_t *scratch, const nas_conv_params *p,
                        const void *w, const int32_t *bias, const int32_t *q31, const int32_t *right) {
    const int taps = p->kh * p->kw, multiplier = p->oc / p->c;
    int8_t buf[NAS_CHUNK];
    int32_t acc[NAS_CHUNK];
    int oy, ox, o, t, i, n;
    for (oy = 0; oy < p->oh; oy++) {
        for (ox = 0; ox < p->ow; ox++) {
            int8_t *dst = out + (oy * p->ow + ox) * p->oc;
            const int iy = oy * p->stride - p->pad_h, ix = ox * p->stride - p->pad_w;
            const int inside = iy >= 0 && iy < p->h && ix >= 0 && ix < p->w;
            if (scratch != 0) gather(in, scratch, p, oy, ox, 0, p->c);
            for (o = 0; o < p->oc; o += n) {
                n = p->oc - o < NAS_CHUNK ? p->oc - o : NAS_CHUNK;
                for (i = 0; i < n; i++) acc[i] = bias[o + i];
                if (scratch != 0) {
                    for (t = 0; t < taps; t++) {
                        const int8_t *row = weight_run(w, p->bits, (long)t * p->oc + o, n, buf);
                        const int16_t *x = scratch + t * p->c;
                        if (multiplier == 1) {
                            for (i = 0; i < n; i++) acc[i] += (int32_t)x[o + i] * row[i];
                        } else {
                            for (i = 0; i < n; i++) acc[i] += (int32_t)x[(o + i) / multiplier] * row[i];
                        }
                    }
                } else if (inside) {
                    const int8_t *row = weight_run(w, p->bits, o, n, buf), *x = in + (iy * p->w + ix) * p->c;
                    for (i = 0; i < n; i++) acc[i] += (int32_t)(x[(o + i) / multiplier] - p->q.in_zero) * row[i];
                }
                for (i = 0; i < n; i++) dst[o + i] = requantize(acc[i], q31[o + i], right[o + i], &p->q);
            }
        }
    }
}

/* Weights: [channels][features], each row read in runs (the whole row when 8-bit). */
void nas_fully_connected(const int8_t *in, int8_t *out, int features, int channels, const nas_quant *q,
                         const void *w, int bits, const int32_t *bias, const int32_t *q31, const int32_t *right) {
    const int run = bits == 8 ? features : NAS_CHUNK;
    int8_t buf[NAS_CHUNK];
    int o, i, start, n;
    for (o = 0; o < channels; o++) {
        int32_t acc = bias[o];
        for (start = 0; start < features; start += n) {
            const int8_t *row;
            n = features - start < run ? features - start : run;
            row = weight_run(w, bits, (long)o * features + start, n, buf);
            for (i = 0; i < n; i++) acc += (int32_t)(in[start + i] - q->in_zero) * row[i];
        }
        out[o] = requantize(acc, q31[o], right[o], q);
    }
}

void nas_max_pool(const int8_t *in, int8_t *out, const nas_pool_params *p) {
    int oy, ox, ch, ky, kx;
    for (oy = 0; oy < p->oh; oy++) {
        for (ox = 0; ox < p->ow; ox++) {
            for (ch = 0; ch < p->c; ch++) {
                int32_t v = -128;
                for (ky = 0; ky < p->size_h; ky++) {
                    for (kx = 0; kx < p->size_w; kx++) {
                        int32_t x = in[((oy * p->stride_h + ky) * p->w + ox * p->stride_w + kx) * p->c + ch];
                        if (x > v) v = x;
                    }
                }
                out[(oy * p->ow + ox) * p->c + ch] =
                    p->right == 0 ? clamp(v, &p->q) : requantize(v - p->q.in_zero, p->q31, p->right, &p->q);
            }
        }
    }
}

void nas_avg_pool(const int8_t *in, int8_t *out, const nas_pool_params *p) {
    int oy, ox, ch, ky, kx;
    for (oy = 0; oy < p->oh; oy++) {
        for (ox = 0; ox < p->ow; ox++) {
            for (ch = 0; ch < p->c; ch++) {
                int64_t sum = 0;
                for (ky = 0; ky < p->size_h; ky++)
                    for (kx = 0; kx < p->size_w; kx++)
                        sum += in[((oy * p->stride_h + ky) * p->w + ox * p->stride_w + kx) * p->c + ch] - p->q.in_zero;
                out[(oy * p->ow + ox) * p->c + ch] = requantize(sum, p->q31, p->right, &p->q);
            }
        }
    }
}

void nas_mean(const int8_t *in, int8_t *out, int positions, int channels, int32_t q31, int32_t right, const nas_quant *q) {
    int ch, i;
    for (ch = 0; ch < channels; ch++) {
        int64_t sum = 0;
        for (i = 0; i < positions; i++) sum += in[i * channels + ch] - q->in_zero;
        out[ch] = requantize(sum, q31, right, q);
    }
}

void nas_add(const int8_t *a, const int8_t *b, int8_t *out, int n, int32_t a_zero, int32_t a_q31, int32_t a_right,
             int32_t b_zero, int32_t b_q31, int32_t b_right, const nas_quant *q) {
    int i;
    for (i = 0; i < n; i++)
        out[i] = clamp(q->out_zero + scale(a[i] - a_zero, a_q31, a_right) + scale(b[i] - b_zero, b_q31, b_right), q);
}

/* b broadcasts over a's positions: b[i % b_count] (a squeeze-excite gate per channel). */
void nas_mul(const int8_t *a, const int8_t *b, int8_t *out, int n, int b_count, int32_t a_zero, int32_t b_zero,
             int32_t q31, int32_t right, const nas_quant *q) {
    int i;
    for (i = 0; i < n; i++)
        out[i] = requantize((int64_t)(a[i] - a_zero) * (b[i % b_count] - b_zero), q31, right, q);
}

void nas_lookup(const int8_t *in, int8_t *out, int n, const int8_t *table) {
    int i;
    for (i = 0; i < n; i++) out[i] = table[in[i] + 128];
}
"""#
}
