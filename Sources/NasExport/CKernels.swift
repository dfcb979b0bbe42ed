import NasCost

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
///
/// On cores with the DSP extension (the `NAS_DSP` section of the source) every convolution runs
/// a 2 x 2 register block (two output channels x two output pixels) with SMLAD; a 1x1
/// convolution gathers its two pixels into a 512-byte stack buffer, and a layer with few
/// sub-byte weights (a first convolution, most depthwise ones) has them decoded to int8 into a
/// stack buffer once per call, so the M4's and M7's kernels need more stack than the M0+'s.
enum CKernels {
    /// Bytes of stack each kernel entry point needs with everything it calls, per core: the
    /// deepest path in gcc's call graph (-fcallgraph-info=su, the call-graph form of
    /// -fstack-usage) of nas_kernels.c built by arm-none-eabi-gcc 12.2.1 with
    /// `CortexMCore.commonFlags`. EmbeddedTests recomputes them from the toolchain and fails when
    /// the kernels change and this table does not.
    static let stackBytes: [String: [String: Int]] = [
        "Cortex-M0+": ["nas_conv": 448, "nas_depthwise_conv": 640, "nas_fully_connected": 344, "nas_max_pool": 96,
                       "nas_avg_pool": 120, "nas_mean": 104, "nas_add": 120, "nas_mul": 80, "nas_lookup": 12,
                       "nas_conv_sparse": 304, "nas_depthwise_conv_sparse": 240, "nas_fully_connected_sparse": 120],
        "Cortex-M4": ["nas_conv": 1488, "nas_depthwise_conv": 928, "nas_fully_connected": 432, "nas_max_pool": 56,
                      "nas_avg_pool": 72, "nas_mean": 56, "nas_add": 64, "nas_mul": 64, "nas_lookup": 0,
                      "nas_conv_sparse": 240, "nas_depthwise_conv_sparse": 208, "nas_fully_connected_sparse": 88],
        "Cortex-M7": ["nas_conv": 1496, "nas_depthwise_conv": 944, "nas_fully_connected": 432, "nas_max_pool": 56,
                      "nas_avg_pool": 72, "nas_mean": 64, "nas_add": 64, "nas_mul": 64, "nas_lookup": 0,
                      "nas_conv_sparse": 240, "nas_depthwise_conv_sparse": 208, "nas_fully_connected_sparse": 88],
    ]

    /// A bound on model_invoke's own frame: saved registers and the stack-passed arguments of its
    /// widest kernel call (nas_add's eleven); EmbeddedTests checks it holds.
    static let invokeFrameBytes = 96

    /// The kernel entry point an op calls; with `sparse`, the bitmap kernel of a conv,
    /// depthwise or dense op stored sparse (`SparseKernels`), which the writer and the stack
    /// table name the same way.
    static func function(_ kind: DeploymentGraph.OpKind, sparse: Bool = false) -> String {
        sparse ? denseFunction(kind) + "_sparse" : denseFunction(kind)
    }

    private static func denseFunction(_ kind: DeploymentGraph.OpKind) -> String {
        switch kind {
        case .conv: "nas_conv"
        case .depthwiseConv: "nas_depthwise_conv"
        case .fullyConnected: "nas_fully_connected"
        case .maxPool: "nas_max_pool"
        case .avgPool: "nas_avg_pool"
        case .mean: "nas_mean"
        case .add: "nas_add"
        case .mul: "nas_mul"
        case .hardSwish, .hardSigmoid, .logistic, .batchNorm: "nas_lookup"
        }
    }

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

/* ==== DSP kernels: Cortex-M4/M7 (ARMv7E-M DSP extension) ====================================
   Where the core has the DSP extension, convolutions, depthwise convolutions and dense layers
   multiply two int16 pairs per instruction (SMLAD) or accumulate 16x16 products (SMLAxy), with
   weights widened in registers, a word at a time, never with a branch per weight:
   - 8-bit weights: SXTB16 widens bytes 0 and 2 of a word (rotated by 8: bytes 1 and 3).
   - 4- and 2-bit weights: a word of the packed stream holds G = 32 / bits values; XOR with
     2^(bits-1) in every field turns each two's complement v into v + 2^(bits-1) >= 0, and one
     AND with a shifted operand moves fields j and j + G/2 into the two halves, which SMLAD
     multiplies; the sum is corrected by 2^(bits-1) times the sum of the column's values.
   Convolution columns (im2col) are therefore stored in groups of G values (4 at 8 bits), pairs
   (j, j + G/2) side by side; at 4 and 2 bits a column's last k % G values stay in order and
   are multiplied one by one, at 8 bits the last group is padded with zeros and the two pixels'
   columns are interleaved word by word (see "The 8-bit 2 x 2 block"). Widths 3, 5, 6 and 7
   are decoded to int8 as on other cores and multiplied as 8-bit.
   Every convolution, 1x1 included (its two columns then on the stack), runs CMSIS-NN's 2 x 2
   block: two output channels' rows against two output pixels' columns, so each loaded weight
   word and each loaded column word feeds two SMLADs (at 8 bits: 34 instructions for 32 MACs,
   one LDRD for both pixels' column words). Where a layer's sub-byte weights are few (a first
   layer, a small depthwise), they are decoded to int8 on the stack once per call and the 8-bit
   kernel runs. Requantization of the 8-bit block is one SMLAL, one shift and SSAT per output
   where every channel's shift allows (see dsp_requant_mode_of); elsewhere the high word of one
   UMULL (dsp_requantize) or the general path.
   Integer sums in another order are the same sums: results are bit for bit the plain kernels'. */
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#include <string.h>
#define NAS_DSP 1

static inline int32_t dsp_load32(const void *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline void dsp_store32(void *p, int32_t v) { memcpy(p, &v, 4); }

/* SXTB16 of x rotated right by 8: bytes 1 and 3 sign-extended into the two halves. */
static inline int32_t dsp_sxtb16_ror8(int32_t x) {
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}

/* 32 bits of a packed weight stream from bit `bit` (rows need not start on a byte). Reads the
   fifth byte only when the bits reach into it. */
static inline uint32_t dsp_stream32(const uint8_t *w, long bit) {
    const uint8_t *p = w + (bit >> 3);
    const int shift = (int)(bit & 7);
    uint32_t v = (uint32_t)dsp_load32(p);
    if (shift) v = (v >> shift) | ((uint32_t)p[4] << (32 - shift));
    return v;
}

/* Values per SMLAD group of a column for a weight width. */
static int dsp_group(int bits) { return bits == 4 ? 8 : bits == 2 ? 16 : 4; }

/* An op's output zero point and clamp, copied out of its nas_quant so that they stay in
   registers across the output stores (an int8_t store may alias the struct). */
typedef struct {
    int32_t zero, lo, hi;
    const nas_quant *q;
} dsp_output;

static inline dsp_output dsp_output_of(const nas_quant *q) {
    dsp_output o;
    o.zero = q->out_zero;
    o.lo = q->act_min;
    o.hi = q->act_max;
    o.q = q;
    return o;
}

/* The general requantize(), out of line: the kernels' loops keep only the fast path inline. */
__attribute__((noinline)) static int8_t dsp_requantize_general(int32_t x, int32_t q31, int32_t right, const nas_quant *q) {
    return requantize(x, q31, right, q);
}

/* x * q31 / 2^(32 + shift), rounded half away from zero, for shift >= 1: requantize()'s scale
   bit for bit when its shift right = 32 + shift (then only the high word of |x| * q31 matters:
   (hi + 2^(shift - 1)) >> shift). */
static inline int32_t dsp_scale_high(int32_t x, uint32_t q31, int shift) {
    const uint32_t sign = (uint32_t)(x >> 31), magnitude = ((uint32_t)x ^ sign) - sign;
    uint32_t low, high;
    __asm__("umull %0, %1, %2, %3" : "=r"(low), "=r"(high) : "r"(magnitude), "r"(q31)); /* gcc adds a sign fix-up */
    (void)low;
    const uint32_t scaled = (high + (1u << (shift - 1))) >> shift;
    return (int32_t)((scaled ^ sign) - sign);
}

static inline int8_t dsp_clamp(int32_t v, dsp_output o) {
    v = v < o.lo ? o.lo : v;
    return (int8_t)(v > o.hi ? o.hi : v);
}

/* requantize() of an int32 sum, bit for bit: a few instructions where the shift is at least 33
   (multipliers below 1/2, the usual case), the general path otherwise. */
static inline int8_t dsp_requantize(int32_t x, int32_t q31, int32_t right, dsp_output o) {
    if (right >= 33 && q31 >= 0) return dsp_clamp(o.zero + dsp_scale_high(x, (uint32_t)q31, right - 32), o);
    return dsp_requantize_general(x, q31, right, o.q);
}

/* Two sums of one output channel (two pixels) requantized and stored. */
static inline void dsp_store2(int32_t a, int32_t b, int32_t q31, int32_t right, dsp_output o, int8_t *da, int8_t *db) {
    if (right >= 33 && q31 >= 0) {
        *da = dsp_clamp(o.zero + dsp_scale_high(a, (uint32_t)q31, right - 32), o);
        *db = dsp_clamp(o.zero + dsp_scale_high(b, (uint32_t)q31, right - 32), o);
    } else {
        *da = dsp_requantize_general(a, q31, right, o.q);
        *db = dsp_requantize_general(b, q31, right, o.q);
    }
}

/* n (a multiple of 4) inputs minus the zero point as int16 pairs (0, 2), (1, 3) of each four. */
static void dsp_widen_pairs4(const int8_t *src, int16_t *dst, int n, int32_t zeros) {
    const int8_t *end = src + n;
    for (; src < end; src += 4, dst += 4) {
        const int32_t v = dsp_load32(src);
        const int32_t a = __ssub16(__sxtb16(v), zeros), b = __ssub16(dsp_sxtb16_ror8(v), zeros);
        memcpy(dst, &a, 4);
        memcpy(dst + 2, &b, 4);
    }
}

/* n inputs minus the zero point as int16, in order. */
static int16_t *dsp_widen(const int8_t *src, int16_t *dst, int n, int32_t zero) {
    const int8_t *end = src + n;
    while (src < end) *dst++ = (int16_t)(*src++ - zero);
    return dst;
}

/* Puts each whole group of g values of a column into pair order (j, j + g/2); returns the sum
   of those values, for the correction of offset weights (only 4- and 2-bit use it). */
static int32_t dsp_pair_column(int16_t *column, int k, int g) {
    int16_t group[16];
    int32_t sum = 0;
    int q, j;
    if (g == 4) {
        /* (0, 2), (1, 3): swap the middle two. */
        for (q = 0; q + 4 <= k; q += 4) {
            const int16_t t = column[q + 1];
            column[q + 1] = column[q + 2];
            column[q + 2] = t;
        }
        return 0;
    }
    for (q = 0; q + g <= k; q += g) {
        for (j = 0; j < g; j++) {
            group[j] = column[q + j];
            sum += group[j];
        }
        for (j = 0; j < g / 2; j++) {
            column[q + 2 * j] = group[j];
            column[q + 2 * j + 1] = group[j + g / 2];
        }
    }
    return sum;
}

/* gather() for any channel count, a kernel row of taps at a time where it lies inside the
   input and the convolution has one group (its kw * c values are then contiguous). */
static void dsp_gather(const int8_t *in, int16_t *column, const nas_conv_params *p, int oy, int ox, int c0, int gc) {
    const int32_t zero = p->q.in_zero;
    const int ix0 = ox * p->stride - p->pad_w, row = p->kw * gc;
    int ky, kx;
    for (ky = 0; ky < p->kh; ky++, column += row) {
        const int iy = oy * p->stride - p->pad_h + ky;
        if (iy < 0 || iy >= p->h) {
            memset(column, 0, (size_t)row * 2);
        } else if (gc == p->c && ix0 >= 0 && ix0 + p->kw <= p->w) {
            dsp_widen(in + (iy * p->w + ix0) * p->c, column, row, zero);
        } else {
            int16_t *dst = column;
            for (kx = 0; kx < p->kw; kx++, dst += gc) {
                const int ix = ix0 + kx;
                if (ix < 0 || ix >= p->w) memset(dst, 0, (size_t)gc * 2);
                else dsp_widen(in + (iy * p->w + ix) * p->c + c0, dst, gc, zero);
            }
        }
    }
}

/* Gathers the receptive field of output pixel (oy, ox) like gather(), already in pair order for
   groups of g values (4, 8 or 16; gc a multiple of g): SXTB16 widens four inputs at a time,
   SSUB16 removes the zero point from two, PKHBT/PKHTB pair values g/2 apart. Returns the sum
   of the column's values when g > 4 (offset weights need it). */
static int32_t dsp_gather_pairs(const int8_t *in, int16_t *column, const nas_conv_params *p, int oy, int ox, int c0, int gc, int g) {
    const int32_t zeros = (int32_t)(((uint32_t)p->q.in_zero & 0xFFFFu) * 0x00010001u), ones = 0x00010001;
    int32_t sum = 0;
    int ky, kx, i, h;
    for (ky = 0; ky < p->kh; ky++) {
        const int iy = oy * p->stride - p->pad_h + ky;
        for (kx = 0; kx < p->kw; kx++) {
            const int ix = ox * p->stride - p->pad_w + kx;
            int16_t *dst = column + (ky * p->kw + kx) * gc;
            if (iy < 0 || iy >= p->h || ix < 0 || ix >= p->w) {
                memset(dst, 0, (size_t)gc * 2);
                continue;
            }
            {
                const int8_t *src = in + (iy * p->w + ix) * p->c + c0;
                if (g == 4) {
                    dsp_widen_pairs4(src, dst, gc, zeros);
                    continue;
                }
                for (i = 0; i < gc; i += g, src += g, dst += g) {
                    for (h = 0; h < g / 2; h += 4) {
                        const int32_t l = dsp_load32(src + h), u = dsp_load32(src + h + g / 2);
                        const uint32_t l0 = (uint32_t)__ssub16(__sxtb16(l), zeros), l1 = (uint32_t)__ssub16(dsp_sxtb16_ror8(l), zeros);
                        const uint32_t u0 = (uint32_t)__ssub16(__sxtb16(u), zeros), u1 = (uint32_t)__ssub16(dsp_sxtb16_ror8(u), zeros);
                        const int32_t p0 = (int32_t)((l0 & 0xFFFFu) | (u0 << 16)), p1 = (int32_t)((l1 & 0xFFFFu) | (u1 << 16));
                        const int32_t p2 = (int32_t)((u0 & 0xFFFF0000u) | (l0 >> 16)), p3 = (int32_t)((u1 & 0xFFFF0000u) | (l1 >> 16));
                        memcpy(dst + 2 * h, &p0, 4);
                        memcpy(dst + 2 * h + 2, &p1, 4);
                        memcpy(dst + 2 * h + 4, &p2, 4);
                        memcpy(dst + 2 * h + 6, &p3, 4);
                        sum = __smlad(__sadd16(p0, p1), ones, sum);
                        sum = __smlad(__sadd16(p2, p3), ones, sum);
                    }
                }
            }
        }
    }
    return sum;
}

/* Four weights of rows r0, r1 against two pairs of columns c0, c1: eight SMLADs, each loaded
   weight word used for both columns and each column word for both rows. */
#define DSP_S8_STEP                                 \
    "ldr %[a], [%[r0]], #4\n\t"                     \
    "ldr %[b], [%[r1]], #4\n\t"                     \
    "ldr %[x], [%[c0]], #4\n\t"                     \
    "ldr %[y], [%[c1]], #4\n\t"                     \
    "sxtb16 %[t], %[a]\n\t"                         \
    "smlad %[s00], %[x], %[t], %[s00]\n\t"          \
    "smlad %[s01], %[y], %[t], %[s01]\n\t"          \
    "sxtb16 %[t], %[b]\n\t"                         \
    "smlad %[s10], %[x], %[t], %[s10]\n\t"          \
    "smlad %[s11], %[y], %[t], %[s11]\n\t"          \
    "ldr %[x], [%[c0]], #4\n\t"                     \
    "ldr %[y], [%[c1]], #4\n\t"                     \
    "sxtb16 %[t], %[a], ror #8\n\t"                 \
    "smlad %[s00], %[x], %[t], %[s00]\n\t"          \
    "smlad %[s01], %[y], %[t], %[s01]\n\t"          \
    "sxtb16 %[t], %[b], ror #8\n\t"                 \
    "smlad %[s10], %[x], %[t], %[s10]\n\t"          \
    "smlad %[s11], %[y], %[t], %[s11]\n\t"
#define DSP_S8_OPERANDS                                                                                        \
    : [r0] "+r"(row0), [r1] "+r"(row1), [c0] "+r"(col0), [c1] "+r"(col1), [s00] "+r"(s00), [s01] "+r"(s01), \
      [s10] "+r"(s10), [s11] "+r"(s11), [a] "=&r"(a), [b] "=&r"(b), [x] "=&r"(x), [y] "=&r"(y), [t] "=&r"(t)

/* acc[2 * r + c] += row r . column c over n values, int8 rows, paired columns: eight values a
   loop turn (38 instructions for 32 MACs), then four, then the last n % 4 one by one. In
   assembly because compilers spill the 14 live registers this needs. */
static inline void dsp_rows_s8(const int8_t *row0, const int8_t *row1, const int16_t *col0,
                               const int16_t *col1, int n, int32_t acc[4]) {
    int32_t s00 = acc[0], s01 = acc[1], s10 = acc[2], s11 = acc[3];
    int32_t a, b, x, y, t;
    const int8_t *end = row0 + (n & ~7);
    if (row0 < end) {
        __asm__ volatile("1:\n\t" DSP_S8_STEP DSP_S8_STEP "cmp %[r0], %[end]\n\tbne 1b"
                         DSP_S8_OPERANDS : [end] "r"(end) : "cc", "memory");
    }
    if (n & 4) __asm__ volatile(DSP_S8_STEP DSP_S8_OPERANDS : : "memory");
    for (n &= 3; n > 0; n--, row0++, row1++, col0++, col1++) {
        const int32_t u = *col0, v = *col1, p = *row0, q = *row1;
        s00 += u * p; s01 += v * p;
        s10 += u * q; s11 += v * q;
    }
    acc[0] = s00; acc[1] = s01; acc[2] = s10; acc[3] = s11;
}

/* One group of G values of two packed rows (a, b already XORed to offset form) against two
   paired columns: field pairs (j, j + G/2) picked by an AND with shift `bits * j`. */
#define DSP_PAIR(j, shift)                                                                           \
    do {                                                                                             \
        const int32_t x = dsp_load32(col0 + 2 * (j)), y = dsp_load32(col1 + 2 * (j));              \
        const int32_t wa = (int32_t)((a >> (shift)) & mask), wb = (int32_t)((b >> (shift)) & mask); \
        s00 = __smlad(x, wa, s00); s01 = __smlad(y, wa, s01);                                        \
        s10 = __smlad(x, wb, s10); s11 = __smlad(y, wb, s11);                                        \
    } while (0)

/* acc[2 * r + c] += row r . column c for 4-bit rows starting at weight start0 / start1 of the
   packed stream, over the first `grouped` (a multiple of 8) values; sums: the columns' sums. */
__attribute__((noinline)) static void dsp_rows_4bit(const uint8_t *w, long start0, long start1, const int16_t *col0,
                                                    const int16_t *col1, const int32_t sum[2], int grouped, int32_t acc[4]) {
    const uint32_t mask = 0x000F000Fu;
    int32_t s00 = acc[0], s01 = acc[1], s10 = acc[2], s11 = acc[3];
    long bit0 = start0 * 4, bit1 = start1 * 4;
    const long end = bit0 + (long)grouped * 4;
    if ((bit0 & 7) == 0 && (bit1 & 7) == 0) {
        /* Rows on byte boundaries (an even row length): whole words, no shifts. */
        const uint8_t *p0 = w + (bit0 >> 3), *p1 = w + (bit1 >> 3), *e = w + (end >> 3);
        for (; p0 < e; p0 += 4, p1 += 4, col0 += 8, col1 += 8) {
            const uint32_t a = (uint32_t)dsp_load32(p0) ^ 0x88888888u, b = (uint32_t)dsp_load32(p1) ^ 0x88888888u;
            DSP_PAIR(0, 0); DSP_PAIR(1, 4); DSP_PAIR(2, 8); DSP_PAIR(3, 12);
        }
    } else {
        for (; bit0 < end; bit0 += 32, bit1 += 32, col0 += 8, col1 += 8) {
            const uint32_t a = dsp_stream32(w, bit0) ^ 0x88888888u, b = dsp_stream32(w, bit1) ^ 0x88888888u;
            DSP_PAIR(0, 0); DSP_PAIR(1, 4); DSP_PAIR(2, 8); DSP_PAIR(3, 12);
        }
    }
    acc[0] = s00 - 8 * sum[0]; acc[1] = s01 - 8 * sum[1]; acc[2] = s10 - 8 * sum[0]; acc[3] = s11 - 8 * sum[1];
}

/* The same for 2-bit rows, groups of 16. */
__attribute__((noinline)) static void dsp_rows_2bit(const uint8_t *w, long start0, long start1, const int16_t *col0,
                                                    const int16_t *col1, const int32_t sum[2], int grouped, int32_t acc[4]) {
    const uint32_t mask = 0x00030003u;
    int32_t s00 = acc[0], s01 = acc[1], s10 = acc[2], s11 = acc[3];
    long bit0 = start0 * 2, bit1 = start1 * 2;
    const long end = bit0 + (long)grouped * 2;
    if ((bit0 & 7) == 0 && (bit1 & 7) == 0) {
        const uint8_t *p0 = w + (bit0 >> 3), *p1 = w + (bit1 >> 3), *e = w + (end >> 3);
        for (; p0 < e; p0 += 4, p1 += 4, col0 += 16, col1 += 16) {
            const uint32_t a = (uint32_t)dsp_load32(p0) ^ 0xAAAAAAAAu, b = (uint32_t)dsp_load32(p1) ^ 0xAAAAAAAAu;
            DSP_PAIR(0, 0); DSP_PAIR(1, 2); DSP_PAIR(2, 4); DSP_PAIR(3, 6);
            DSP_PAIR(4, 8); DSP_PAIR(5, 10); DSP_PAIR(6, 12); DSP_PAIR(7, 14);
        }
    } else {
        for (; bit0 < end; bit0 += 32, bit1 += 32, col0 += 16, col1 += 16) {
            const uint32_t a = dsp_stream32(w, bit0) ^ 0xAAAAAAAAu, b = dsp_stream32(w, bit1) ^ 0xAAAAAAAAu;
            DSP_PAIR(0, 0); DSP_PAIR(1, 2); DSP_PAIR(2, 4); DSP_PAIR(3, 6);
            DSP_PAIR(4, 8); DSP_PAIR(5, 10); DSP_PAIR(6, 12); DSP_PAIR(7, 14);
        }
    }
    acc[0] = s00 - 2 * sum[0]; acc[1] = s01 - 2 * sum[1]; acc[2] = s10 - 2 * sum[0]; acc[3] = s11 - 2 * sum[1];
}
#undef DSP_PAIR

/* Output channels [o, o_end) of two pixels (out0, out1; the same pixel twice at an odd end)
   from their paired columns (col0, col1), two channels' rows at a time, for 4- and 2-bit rows
   multiplied in offset form (sum: the columns' sums), and for 3-, 5-, 6- and 7-bit rows, decoded NAS_CHUNK weights at a time. */
__attribute__((noinline)) static void dsp_channels_packed(const void *w, int bits, int k, const int16_t *col0, const int16_t *col1,
                                                          const int32_t sum[2], int o, int o_end, const int32_t *bias,
                                                          const int32_t *q31, const int32_t *right, dsp_output out_q,
                                                          int8_t *out0, int8_t *out1) {
    const int group = dsp_group(bits), grouped = k - k % group;
    int8_t buf0[NAS_CHUNK], buf1[NAS_CHUNK];
    int i, start, n;
    for (; o < o_end; o += 2) {
        const int o1 = o + 1 < o_end ? o + 1 : o;
        int32_t acc[4];
        acc[0] = acc[1] = bias[o];
        acc[2] = acc[3] = bias[o1];
        if (bits == 4 || bits == 2) {
            if (bits == 4) dsp_rows_4bit((const uint8_t *)w, (long)o * k, (long)o1 * k, col0, col1, sum, grouped, acc);
            else dsp_rows_2bit((const uint8_t *)w, (long)o * k, (long)o1 * k, col0, col1, sum, grouped, acc);
            for (i = grouped; i < k; i++) {
                const int32_t wa = packed_weight((const uint8_t *)w, bits, (long)o * k + i);
                const int32_t wb = packed_weight((const uint8_t *)w, bits, (long)o1 * k + i);
                acc[0] += col0[i] * wa; acc[1] += col1[i] * wa;
                acc[2] += col0[i] * wb; acc[3] += col1[i] * wb;
            }
        } else {
            for (start = 0; start < k; start += n) {
                n = k - start < NAS_CHUNK ? k - start : NAS_CHUNK;
                dsp_rows_s8(weight_run(w, bits, (long)o * k + start, n, buf0),
                            weight_run(w, bits, (long)o1 * k + start, n, buf1), col0 + start, col1 + start, n, acc);
            }
        }
        dsp_store2(acc[0], acc[1], q31[o], right[o], out_q, out0 + o, out1 + o);
        dsp_store2(acc[2], acc[3], q31[o1], right[o1], out_q, out0 + o1, out1 + o1);
    }
}

/* ---- The 8-bit 2 x 2 block ----------------------------------------------------------------
   Its two output pixels' columns are interleaved word by word, so that one LDRD loads a pair
   word of each: a column's values are in SMLAD pair order per group of four, (0, 2) then
   (1, 3), the last group padded with zeros, and pair word w of pixel j is word 2w + j of the
   block's columns. Both pixels take 2 * k4 halfwords (k4: k rounded up to a multiple of 4),
   which the arena's scratch holds (the planner rounds buffers up to 16 bytes, 4 * k4 bytes
   at most) and a 1x1 convolution's stack columns too. */

/* Input values up to which a column of an 8-bit convolution whose channels per group are not
   a multiple of 4 (a first layer) is staged as int8 on the stack before it is widened. */
#define NAS_STAGED_VALUES 128

/* Halfword of value t (t < k4) of pixel j in the interleaved columns. */
static inline int dsp_block_index(int t, int j) { return 8 * (t >> 2) + 4 * (t & 1) + 2 * j + ((t >> 1) & 1); }

/* Pixel j's column of input (oy, ox), channels [c0, c0 + gc), into the interleaved columns
   `cols` (x - in_zero, padding 0). Channel runs that are whole words are widened four values
   at a time into place; other columns (a few input channels) are first staged in natural
   order as int8, padding as the zero point, so that the widening never branches per tap. */
static void dsp_gather_s8(const int8_t *in, int16_t *cols, const nas_conv_params *p, int oy, int ox, int c0, int gc, int j) {
    const int32_t zero = p->q.in_zero, zeros = (int32_t)(((uint32_t)zero & 0xFFFFu) * 0x00010001u);
    const int iy0 = oy * p->stride - p->pad_h, ix0 = ox * p->stride - p->pad_w, k = p->kh * p->kw * gc, k4 = (k + 3) & ~3;
    int ky, kx, i, t;
    if (gc % 4 == 0) {
        int16_t *dst = cols + 2 * j;
        for (ky = 0; ky < p->kh; ky++) {
            const int iy = iy0 + ky;
            for (kx = 0; kx < p->kw; kx++) {
                const int ix = ix0 + kx;
                if (iy < 0 || iy >= p->h || ix < 0 || ix >= p->w) {
                    for (i = 0; i < gc; i += 4, dst += 8) {
                        dsp_store32(dst, 0);
                        dsp_store32(dst + 4, 0);
                    }
                } else {
                    const int8_t *src = in + (iy * p->w + ix) * p->c + c0, *end = src + gc;
                    for (; src < end; src += 4, dst += 8) {
                        const int32_t v = dsp_load32(src);
                        dsp_store32(dst, __ssub16(__sxtb16(v), zeros));
                        dsp_store32(dst + 4, __ssub16(dsp_sxtb16_ror8(v), zeros));
                    }
                }
            }
        }
        return;
    }
    if (k4 > NAS_STAGED_VALUES) {
        /* A long column with few channels: value by value, each to its place. */
        for (t = 0; t < k4; t++) {
            const int tap = t / gc, iy = iy0 + tap / p->kw, ix = ix0 + tap % p->kw;
            const int outside = t >= k || iy < 0 || iy >= p->h || ix < 0 || ix >= p->w;
            cols[dsp_block_index(t, j)] = (int16_t)(outside ? 0 : in[(iy * p->w + ix) * p->c + c0 + t % gc] - zero);
        }
        return;
    }
    {
        const int row = p->kw * gc;
        int8_t stage[NAS_STAGED_VALUES];
        int16_t *dst = cols + 2 * j;
        /* The padding of the last group first (the rows overwrite what is theirs). */
        dsp_store32(stage + k4 - 4, (int32_t)(((uint32_t)zero & 0xFFu) * 0x01010101u));
        for (ky = 0; ky < p->kh; ky++) {
            const int iy = iy0 + ky;
            int8_t *s = stage + ky * row;
            if (iy < 0 || iy >= p->h) {
                for (i = 0; i < row; i++) s[i] = (int8_t)zero;
            } else if (gc == p->c && ix0 >= 0 && ix0 + p->kw <= p->w) {
                const int8_t *src = in + (iy * p->w + ix0) * p->c;
                for (i = 0; i + 4 <= row; i += 4) {
                    int32_t v = dsp_load32(src + i);
                    __asm__("" : "+r"(v)); /* a word copy, not a call to the library's byte-wise memcpy */
                    dsp_store32(s + i, v);
                }
                for (; i < row; i++) {
                    int32_t v = src[i];
                    __asm__("" : "+r"(v));
                    s[i] = (int8_t)v;
                }
            } else {
                for (kx = 0; kx < p->kw; kx++, s += gc) {
                    const int ix = ix0 + kx;
                    const int8_t *src = in + (iy * p->w + ix) * p->c + c0;
                    for (i = 0; i < gc; i++) s[i] = ix < 0 || ix >= p->w ? (int8_t)zero : src[i];
                }
            }
        }
        for (t = 0; t < k4; t += 4, dst += 8) {
            const int32_t v = dsp_load32(stage + t);
            dsp_store32(dst, __ssub16(__sxtb16(v), zeros));
            dsp_store32(dst + 4, __ssub16(dsp_sxtb16_ror8(v), zeros));
        }
    }
}

/* Four weights of rows r0, r1 against the interleaved columns: eight SMLADs, each loaded
   weight word used for both pixels, each LDRD of the columns for both rows. */
#define DSP_BLOCK_STEP                              \
    "ldr %[a], [%[r0]], #4\n\t"                     \
    "ldr %[b], [%[r1]], #4\n\t"                     \
    "ldrd %[x], %[y], [%[c]], #8\n\t"               \
    "sxtb16 %[t], %[a]\n\t"                         \
    "smlad %[s00], %[x], %[t], %[s00]\n\t"          \
    "smlad %[s01], %[y], %[t], %[s01]\n\t"          \
    "sxtb16 %[t], %[b]\n\t"                         \
    "smlad %[s10], %[x], %[t], %[s10]\n\t"          \
    "smlad %[s11], %[y], %[t], %[s11]\n\t"          \
    "ldrd %[x], %[y], [%[c]], #8\n\t"               \
    "sxtb16 %[t], %[a], ror #8\n\t"                 \
    "smlad %[s00], %[x], %[t], %[s00]\n\t"          \
    "smlad %[s01], %[y], %[t], %[s01]\n\t"          \
    "sxtb16 %[t], %[b], ror #8\n\t"                 \
    "smlad %[s10], %[x], %[t], %[s10]\n\t"          \
    "smlad %[s11], %[y], %[t], %[s11]\n\t"
#define DSP_BLOCK_OPERANDS                                                                                 \
    : [r0] "+r"(row0), [r1] "+r"(row1), [c] "+r"(c), [s00] "+r"(s00), [s01] "+r"(s01), [s10] "+r"(s10), \
      [s11] "+r"(s11), [a] "=&r"(a), [b] "=&r"(b), [x] "=&r"(x), [y] "=&r"(y), [t] "=&r"(t)

/* Requantization where it is cheap, every channel of the call: a multiplier q31 >= 0 and a
   shift right = 32 + s with 1 <= s <= 22 (multipliers below 1/2, the usual case). Then the
   rounding of requantize(), halves away from zero, is floor((x * q31 + 2^(right - 1) - [x < 0])
   / 2^right), and with the output zero point folded in, one SMLAL onto a 64-bit start value
   lo = -[x < 0], hi = c - [x < 0] (c = 2^(s - 1) + zero * 2^s, per channel) and one shift of
   the high word give zero + scale(x) (s <= 22 keeps hi + c inside 32 bits); SSAT clamps to
   int8, and the fused activation's tighter bounds, where it has them, follow. */
typedef enum { DSP_REQUANT_GENERAL, DSP_REQUANT_SSAT, DSP_REQUANT_CLAMP } dsp_requant_mode;

static dsp_requant_mode dsp_requant_mode_of(const int32_t *q31, const int32_t *right, int o, int o_end, const nas_quant *q) {
    for (; o < o_end; o++)
        if (q31[o] < 0 || right[o] < 33 || right[o] > 54) return DSP_REQUANT_GENERAL;
    return q->act_min == -128 && q->act_max == 127 ? DSP_REQUANT_SSAT : DSP_REQUANT_CLAMP;
}

/* zero + scale(x) for the fast path: see dsp_requant_mode_of. */
static inline int32_t dsp_scale_fast(int32_t x, int32_t q31, int32_t c, int s) {
    int32_t lo = x >> 31, hi = c + lo;
    __asm__("smlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(x), "r"(q31));
    return hi >> s;
}

/* One requantized output of the fast path: SSAT to int8, and the fused activation's bounds
   where `clamp` says they are tighter. */
static inline int8_t dsp_output_fast(int32_t x, int32_t q31, int32_t c, int s, int clamp, dsp_output out_q) {
    const int32_t v = __ssat(dsp_scale_fast(x, q31, c, s), 8);
    return clamp ? dsp_clamp(v, out_q) : (int8_t)v;
}

/* Rows row0 and row1 (channels o and o + 1, or o twice when `one`) against the interleaved
   columns: the four sums, requantized into d0[0], d1[0] (row0) and d0[1], d1[1] (row1, unless
   `one`). The rows' last group, padded in the columns, is read as a whole word unless `last`
   (the weights' last rows, whose padding bytes lie past the array): then value by value.
   Always inlined: with constant mode, one and last in the SSAT loop, which then has no test
   per output, and once with them as arguments (dsp_pair_s8_any). */
static inline __attribute__((always_inline)) void dsp_pair_s8(const int8_t *row0, const int8_t *row1, int k, const int16_t *cols,
                                                              const int32_t *bias, const int32_t *q31, const int32_t *right,
                                                              dsp_output out_q, int mode, int one, int last, int8_t *d0, int8_t *d1) {
    const int words = last ? k & ~3 : (k + 3) & ~3;
    const int8_t *end = row0 + (words & ~15);
    const int16_t *c = cols;
    int32_t s00 = bias[0], s01 = s00, s10 = bias[one ? 0 : 1], s11 = s10;
    int32_t a, b, x, y, t;
    if (row0 < end) {
        __asm__ volatile("1:\n\t" DSP_BLOCK_STEP DSP_BLOCK_STEP DSP_BLOCK_STEP DSP_BLOCK_STEP "cmp %[r0], %[end]\n\tbne 1b"
                         DSP_BLOCK_OPERANDS : [end] "r"(end) : "cc", "memory");
    }
    if (words & 8) __asm__ volatile(DSP_BLOCK_STEP DSP_BLOCK_STEP DSP_BLOCK_OPERANDS : : "memory");
    if (words & 4) __asm__ volatile(DSP_BLOCK_STEP DSP_BLOCK_OPERANDS : : "memory");
    if (last) {
        int i;
        for (i = 0; i < (k & 3); i++) {
            const int h = dsp_block_index(words + i, 0);
            const int32_t u = row0[i], v = row1[i];
            s00 += cols[h] * u; s01 += cols[h + 2] * u;
            s10 += cols[h] * v; s11 += cols[h + 2] * v;
        }
    }
    if (mode == DSP_REQUANT_GENERAL) {
        d0[0] = dsp_requantize_general(s00, q31[0], right[0], out_q.q);
        d1[0] = dsp_requantize_general(s01, q31[0], right[0], out_q.q);
        if (!one) {
            d0[1] = dsp_requantize_general(s10, q31[1], right[1], out_q.q);
            d1[1] = dsp_requantize_general(s11, q31[1], right[1], out_q.q);
        }
    } else {
        const int32_t zero2 = 2 * out_q.zero + 1, clamp = mode == DSP_REQUANT_CLAMP;
        const int sa = right[0] - 32;
        const int32_t qa = q31[0], ca = zero2 * (1 << (sa - 1));
        d0[0] = dsp_output_fast(s00, qa, ca, sa, clamp, out_q);
        d1[0] = dsp_output_fast(s01, qa, ca, sa, clamp, out_q);
        if (!one) {
            const int sb = right[1] - 32;
            const int32_t qb = q31[1], cb = zero2 * (1 << (sb - 1));
            d0[1] = dsp_output_fast(s10, qb, cb, sb, clamp, out_q);
            d1[1] = dsp_output_fast(s11, qb, cb, sb, clamp, out_q);
        }
    }
}

/* dsp_pair_s8 with its variant chosen at run time: one copy for the pairs outside the SSAT
   loop (each layer's last pair, and every pair of the rarer modes), so that the kernels' code
   holds two instances of the block, not one per variant. */
__attribute__((noinline)) static void dsp_pair_s8_any(const int8_t *row0, const int8_t *row1, int k, const int16_t *cols,
                                                      const int32_t *bias, const int32_t *q31, const int32_t *right,
                                                      dsp_output out_q, int mode, int one, int last, int8_t *d0, int8_t *d1) {
    dsp_pair_s8(row0, row1, k, cols, bias, q31, right, out_q, mode, one, last, d0, d1);
}

/* Output channels [o, o_end) of two pixels (out0, out1; the same pixel twice at an odd end)
   from their interleaved columns, 8-bit rows: two channels at a time against both pixels,
   four accumulators in registers, requantized as `mode` says; an odd last channel alone. The
   last pair (or channel) reads its rows' last group value by value (see dsp_pair_s8). The
   common mode, SSAT, runs its pairs inline; the other modes, and an odd last channel,
   dsp_pair_s8_any. */
__attribute__((noinline)) static void dsp_block_s8(const int8_t *w, int k, const int16_t *cols, int o, int o_end,
                                                   const int32_t *bias, const int32_t *q31, const int32_t *right,
                                                   dsp_output out_q, dsp_requant_mode mode, int8_t *out0, int8_t *out1) {
    const int8_t *row = w + (long)o * k;
    const long step = 2 * (long)k;
    if (mode == DSP_REQUANT_SSAT) {
        for (; o + 2 < o_end; o += 2, row += step)
            dsp_pair_s8(row, row + k, k, cols, bias + o, q31 + o, right + o, out_q, DSP_REQUANT_SSAT, 0, 0, out0 + o, out1 + o);
        if (o + 2 == o_end) {
            dsp_pair_s8(row, row + k, k, cols, bias + o, q31 + o, right + o, out_q, DSP_REQUANT_SSAT, 0, 1, out0 + o, out1 + o);
            return;
        }
    } else {
        for (; o + 2 < o_end; o += 2, row += step)
            dsp_pair_s8_any(row, row + k, k, cols, bias + o, q31 + o, right + o, out_q, mode, 0, 0, out0 + o, out1 + o);
    }
    if (o + 2 == o_end) dsp_pair_s8_any(row, row + k, k, cols, bias + o, q31 + o, right + o, out_q, mode, 0, 1, out0 + o, out1 + o);
    else dsp_pair_s8_any(row, row, k, cols, bias + o, q31 + o, right + o, out_q, mode, 1, 1, out0 + o, out1 + o);
}

/* nas_conv on a DSP core: two output pixels' columns (paired for the weight width) against two
   output channels' rows at a time, four accumulators in registers (CMSIS-NN's
   arm_nn_mat_mult_kernel_s8_s16 blocking). `scratch` holds the two columns: the arena's im2col
   buffer, or for a 1x1 convolution the caller's stack buffer. */
static void dsp_conv(const int8_t *in, int8_t *out, int16_t *scratch, const nas_conv_params *p, const void *w, int bits,
                     const int32_t *bias, const int32_t *q31, const int32_t *right) {
    const int gc = p->c / p->groups, goc = p->oc / p->groups, k = p->kh * p->kw * gc;
    const int pixels = p->oh * p->ow, group = dsp_group(bits);
    const dsp_output out_q = dsp_output_of(&p->q);
    int pixel, g, j;
    if (bits == 8) {
        const dsp_requant_mode mode = dsp_requant_mode_of(q31, right, 0, p->oc, &p->q);
        for (pixel = 0; pixel < pixels; pixel += 2) {
            const int last = pixels - pixel < 2 ? pixel : pixel + 1;
            for (g = 0; g < p->groups; g++) {
                dsp_gather_s8(in, scratch, p, pixel / p->ow, pixel % p->ow, g * gc, gc, 0);
                dsp_gather_s8(in, scratch, p, last / p->ow, last % p->ow, g * gc, gc, 1);
                dsp_block_s8((const int8_t *)w, k, scratch, g * goc, (g + 1) * goc, bias, q31, right, out_q, mode,
                             out + pixel * p->oc, out + last * p->oc);
            }
        }
        return;
    }
    for (pixel = 0; pixel < pixels; pixel += 2) {
        const int count = pixels - pixel < 2 ? 1 : 2;
        const int16_t *col0 = scratch, *col1 = count == 2 ? scratch + k : scratch;
        int8_t *out0 = out + pixel * p->oc, *out1 = out + (pixel + count - 1) * p->oc;
        for (g = 0; g < p->groups; g++) {
            int32_t sum[2] = {0, 0};
            for (j = 0; j < count; j++) {
                const int oy = (pixel + j) / p->ow, ox = (pixel + j) % p->ow;
                if (gc % group == 0) {
                    sum[j] = dsp_gather_pairs(in, scratch + j * k, p, oy, ox, g * gc, gc, group);
                } else {
                    dsp_gather(in, scratch + j * k, p, oy, ox, g * gc, gc);
                    sum[j] = dsp_pair_column(scratch + j * k, k, group);
                }
            }
            if (count == 1) sum[1] = sum[0];
            dsp_channels_packed(w, bits, k, col0, col1, sum, g * goc, (g + 1) * goc, bias, q31, right, out_q, out0, out1);
        }
    }
}

/* Input channels per group up to which a 1x1 convolution gathers two pixels into int16
   columns on the stack and runs dsp_conv; wider ones run dsp_pointwise. */
#define NAS_POINTWISE_CHANNELS \#(KernelWork.pointwiseColumnChannels)

/* Weights up to which a convolution through scratch or a depthwise convolution with sub-byte
   weights decodes them to int8 on the stack once per call and runs the 8-bit kernel. */
#define NAS_DECODED_WEIGHTS \#(KernelWork.decodedWeightLimit)

/* s[r] += (x - zero) . row r over n int8 values (dense rows, wide 1x1 convolutions): the inputs
   widened and offset once per word for both rows. */
__attribute__((noinline)) static void dsp_dot_s8(const int8_t *x, int32_t zero, const int8_t *row0, const int8_t *row1, int n, int32_t s[2]) {
    const int32_t zeros = (int32_t)(((uint32_t)zero & 0xFFFFu) * 0x00010001u);
    int32_t s0 = s[0], s1 = s[1];
    int i;
    for (i = 0; i + 4 <= n; i += 4) {
        const int32_t v = dsp_load32(x + i), a = dsp_load32(row0 + i), b = dsp_load32(row1 + i);
        const int32_t x0 = __ssub16(__sxtb16(v), zeros), x1 = __ssub16(dsp_sxtb16_ror8(v), zeros);
        s0 = __smlad(x0, __sxtb16(a), s0); s0 = __smlad(x1, dsp_sxtb16_ror8(a), s0);
        s1 = __smlad(x0, __sxtb16(b), s1); s1 = __smlad(x1, dsp_sxtb16_ror8(b), s1);
    }
    for (; i < n; i++) {
        s0 += (x[i] - zero) * row0[i];
        s1 += (x[i] - zero) * row1[i];
    }
    s[0] = s0; s[1] = s1;
}

/* nas_conv without scratch (1x1, stride 1) with 8-bit weights and more than
   NAS_POINTWISE_CHANNELS channels per group: each pixel's input is the dot products' vector,
   two output channels at a time. */
static void dsp_pointwise(const int8_t *in, int8_t *out, const nas_conv_params *p, const int8_t *w,
                          const int32_t *bias, const int32_t *q31, const int32_t *right) {
    const int gc = p->c / p->groups, goc = p->oc / p->groups, pixels = p->oh * p->ow;
    const dsp_output out_q = dsp_output_of(&p->q);
    int pixel, g, o;
    for (pixel = 0; pixel < pixels; pixel++) {
        const int iy = pixel / p->ow * p->stride - p->pad_h, ix = pixel % p->ow * p->stride - p->pad_w;
        const int inside = iy >= 0 && iy < p->h && ix >= 0 && ix < p->w;
        for (g = 0; g < p->groups; g++) {
            for (o = g * goc; o < (g + 1) * goc; o += 2) {
                const int o1 = o + 1 < (g + 1) * goc ? o + 1 : o;
                int32_t s[2];
                s[0] = bias[o];
                s[1] = bias[o1];
                if (inside) dsp_dot_s8(in + (iy * p->w + ix) * p->c + g * gc, p->q.in_zero, w + (long)o * gc, w + (long)o1 * gc, gc, s);
                out[pixel * p->oc + o] = dsp_requantize(s[0], q31[o], right[o], out_q);
                if (o1 != o) out[pixel * p->oc + o1] = dsp_requantize(s[1], q31[o1], right[o1], out_q);
            }
        }
    }
}

/* a[0..3] += (x - zero) * w of four channels over a rows x cols window of taps: x steps by
   x_row a row and c a tap, the weights by t_row and oc. Not inlined, for its registers. */
__attribute__((noinline)) static void dsp_depthwise4(const int8_t *x, const int8_t *t, int rows, int cols, int x_row, int t_row,
                                                     int c, int oc, int32_t zeros, int32_t a[4]) {
    int32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    int r, i;
    for (r = 0; r < rows; r++, x += x_row, t += t_row) {
        const int8_t *xp = x, *tp = t;
        for (i = 0; i < cols; i++, xp += c, tp += oc) {
            const int32_t v = dsp_load32(xp), u = dsp_load32(tp);
            const int32_t x02 = __ssub16(__sxtb16(v), zeros), x13 = __ssub16(dsp_sxtb16_ror8(v), zeros);
            const int32_t w02 = __sxtb16(u), w13 = dsp_sxtb16_ror8(u);
            a0 = __smlabb(x02, w02, a0); a2 = __smlatt(x02, w02, a2);
            a1 = __smlabb(x13, w13, a1); a3 = __smlatt(x13, w13, a3);
        }
    }
    a[0] = a0; a[1] = a1; a[2] = a2; a[3] = a3;
}

/* nas_depthwise_conv with 8-bit weights, one input channel per output channel: four channels
   at a time, their accumulators in registers across the taps, inputs read in place (taps in
   the padding are skipped: they add zero); the last oc % 4 channels one by one. */
static void dsp_depthwise(const int8_t *in, int8_t *out, const nas_conv_params *p, const int8_t *w,
                          const int32_t *bias, const int32_t *q31, const int32_t *right) {
    const int32_t zeros = (int32_t)(((uint32_t)p->q.in_zero & 0xFFFFu) * 0x00010001u);
    const dsp_output out_q = dsp_output_of(&p->q);
    int oy, ox, o, ky, kx, j;
    for (oy = 0; oy < p->oh; oy++) {
        const int iy = oy * p->stride - p->pad_h;
        const int ky0 = iy < 0 ? -iy : 0, ky1 = p->h - iy < p->kh ? p->h - iy : p->kh;
        for (ox = 0; ox < p->ow; ox++) {
            const int ix = ox * p->stride - p->pad_w;
            const int kx0 = ix < 0 ? -ix : 0, kx1 = p->w - ix < p->kw ? p->w - ix : p->kw;
            const int8_t *x = in + ((iy + ky0) * p->w + ix + kx0) * p->c;
            const int8_t *t = w + (ky0 * p->kw + kx0) * p->oc;
            int8_t *dst = out + (oy * p->ow + ox) * p->oc;
            for (o = 0; o + 4 <= p->oc; o += 4) {
                int32_t a[4];
                for (j = 0; j < 4; j++) a[j] = bias[o + j];
                if (ky1 > ky0 && kx1 > kx0)
                    dsp_depthwise4(x + o, t + o, ky1 - ky0, kx1 - kx0, p->w * p->c, p->kw * p->oc, p->c, p->oc, zeros, a);
                for (j = 0; j < 4; j++) dst[o + j] = dsp_requantize(a[j], q31[o + j], right[o + j], out_q);
            }
            for (; o < p->oc; o++) {
                int32_t acc = bias[o];
                for (ky = ky0; ky < ky1; ky++)
                    for (kx = kx0; kx < kx1; kx++)
                        acc += (in[((iy + ky) * p->w + ix + kx) * p->c + o] - p->q.in_zero) * w[(ky * p->kw + kx) * p->oc + o];
                dst[o] = dsp_requantize(acc, q31[o], right[o], out_q);
            }
        }
    }
}
#endif /* DSP kernels */

/* Weights: [oc][kh][kw][c / groups], each row read in runs (the whole row when 8-bit). With
   scratch, two output pixels' columns at a time, each weight run read once for both
   (CMSIS-NN's arm_convolve_s8 scheme); without (1x1, stride 1), straight from the input. */
void nas_conv(const int8_t *in, int8_t *out, int16_t *scratch, const nas_conv_params *p,
              const void *w, const int32_t *bias, const int32_t *q31, const int32_t *right) {
    const int gc = p->c / p->groups, goc = p->oc / p->groups, k = p->kh * p->kw * gc;
    const int pixels = p->oh * p->ow, run = p->bits == 8 ? k : NAS_CHUNK;
    int8_t buf[NAS_CHUNK];
    int pixel, g, o, i, j, start, n;
#ifdef NAS_DSP
    if (scratch == 0 && gc > NAS_POINTWISE_CHANNELS) {
        if (p->bits == 8) {
            dsp_pointwise(in, out, p, (const int8_t *)w, bias, q31, right);
            return;
        }
    } else {
        /* Columns in the arena's scratch, or for a 1x1 convolution on the stack; a small
           layer's sub-byte weights decoded to int8 once, here, instead of per pixel pair. */
        union {
            int32_t align; /* the 8-bit block loads its columns with LDRD */
            int16_t columns[2 * NAS_POINTWISE_CHANNELS];
            int8_t weights[NAS_DECODED_WEIGHTS];
        } stack;
        if (scratch != 0 && p->bits != 8 && p->oc * k <= NAS_DECODED_WEIGHTS) {
            for (start = 0; start < p->oc * k; start += n) {
                n = p->oc * k - start < NAS_CHUNK ? p->oc * k - start : NAS_CHUNK;
                memcpy(stack.weights + start, weight_run(w, p->bits, start, n, buf), (size_t)n);
            }
            dsp_conv(in, out, scratch, p, stack.weights, 8, bias, q31, right);
        } else {
            dsp_conv(in, out, scratch != 0 ? scratch : stack.columns, p, w, p->bits, bias, q31, right);
        }
        return;
    }
#endif
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
#ifdef NAS_DSP
    if (p->oc == p->c && (p->bits == 8 || taps * p->oc <= NAS_DECODED_WEIGHTS)) {
        /* Sub-byte weights of a small layer decoded to int8 once, here. */
        int8_t weights[NAS_DECODED_WEIGHTS];
        if (p->bits != 8) {
            for (o = 0; o < taps * p->oc; o += n) {
                n = taps * p->oc - o < NAS_CHUNK ? taps * p->oc - o : NAS_CHUNK;
                memcpy(weights + o, weight_run(w, p->bits, o, n, buf), (size_t)n);
            }
        }
        dsp_depthwise(in, out, p, p->bits == 8 ? (const int8_t *)w : weights, bias, q31, right);
        return;
    }
#endif
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
#ifdef NAS_DSP
    {
        /* Two rows at a time against the input, widened once per word for both; sub-byte rows
           decoded NAS_CHUNK weights at a time (each weight is used once). */
        const dsp_output out_q = dsp_output_of(q);
        int8_t buf1[NAS_CHUNK];
        for (o = 0; o < channels; o += 2) {
            const int o1 = o + 1 < channels ? o + 1 : o;
            int32_t s[2];
            s[0] = bias[o];
            s[1] = bias[o1];
            for (start = 0; start < features; start += n) {
                n = features - start < run ? features - start : run;
                dsp_dot_s8(in + start, q->in_zero, weight_run(w, bits, (long)o * features + start, n, buf),
                           weight_run(w, bits, (long)o1 * features + start, n, buf1), n, s);
            }
            out[o] = dsp_requantize(s[0], q31[o], right[o], out_q);
            out[o1] = dsp_requantize(s[1], q31[o1], right[o1], out_q);
        }
        return;
    }
#endif
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
