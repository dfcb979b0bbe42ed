/// The kernels for layers the cost model stores as a bitmap of non-zero weights (see
/// `WeightStorage`): portable C99, bit-exact with `IntegerNetwork` like the dense kernels, and
/// written into `nas_kernels.c`/`.h` only by an export that has such a layer (they use the
/// dense kernels' requantization, packed-weight decoding and column gathering, so they live in
/// the same translation unit, after them).
///
/// A sparse layer is two arrays: `map`, bit j (least significant first) set when weight j is
/// not zero, in the order the kernel reads the weights; and `values`, those non-zero weights
/// alone in the same order, int8 at 8 bits or packed at `bits` bits like dense weights. The
/// kernels read the map 8 weights at a time (a zero byte costs one test) and multiply only at
/// set bits, finding each with a count-trailing-zeros, so they execute non-zero weights x
/// positions MACs, the count the cost model reports. Rows are not indexed: every output pixel
/// walks the rows in order, so the next value is always the one after the last used.
///
/// Orders: convolutions OHWI and dense layers OI, as their dense kernels; depthwise
/// convolutions channel-major, [oc][kh][kw] (the dense kernel's [kh][kw][oc] transposed), so
/// that one channel's taps are one run of the map.
enum SparseKernels {
    static let declarations = #"""

/* Sparse layers: `map` has bit j set where weight j is not zero; `values` holds the non-zero
   weights alone (int8 at 8 bits, else packed at p->bits / bits). See nas_kernels.c. */
void nas_conv_sparse(const int8_t *in, int8_t *out, int16_t *scratch, const nas_conv_params *p, const uint8_t *map,
                     const void *values, const int32_t *bias, const int32_t *q31, const int32_t *right);
void nas_depthwise_conv_sparse(const int8_t *in, int8_t *out, int16_t *scratch, const nas_conv_params *p,
                               const uint8_t *map, const void *values, const int32_t *bias, const int32_t *q31,
                               const int32_t *right);
void nas_fully_connected_sparse(const int8_t *in, int8_t *out, int features, int channels, const nas_quant *q,
                                const uint8_t *map, const void *values, int bits, const int32_t *bias,
                                const int32_t *q31, const int32_t *right);

"""#

    static let source = #"""

/* Sparse layers: a bitmap of the non-zero weights (bit j, least significant first, set when
   weight j in the kernel's read order is not zero), then the non-zero values alone, int8 at 8
   bits or packed like dense weights. The map is read 8 weights at a time and only set bits
   multiply, so a layer executes non-zero weights x positions MACs. Each output pixel walks the
   rows in order, so the next non-zero value is always the one after the last used. */

/* Bits [bit, bit + n) of a map, n <= 8, as the low bits; reads only the bytes they occupy. */
static uint32_t map_bits(const uint8_t *map, long bit, int n) {
    const uint8_t *p = map + (bit >> 3);
    const int shift = (int)(bit & 7);
    uint32_t v = (uint32_t)p[0] >> shift;
    if (shift + n > 8) v |= (uint32_t)p[1] << (8 - shift);
    return v & ((1u << n) - 1u);
}

#if defined(__GNUC__) || defined(__clang__)
#define NAS_LOWEST_BIT(m) __builtin_ctz(m)
#else
static int nas_lowest_bit(uint32_t m) {
    int i = 0;
    while (!(m & 1u)) { m >>= 1; i++; }
    return i;
}
#define NAS_LOWEST_BIT(m) nas_lowest_bit(m)
#endif

/* Runs `body` for each non-zero weight of the n weights from map bit `first` on, with `j` its
   position in that run and `wv` its value taken from values[next++]. Two copies of the loop, so
   that 8-bit values are read straight from their array without a test per weight (about 30%
   fewer instructions than one loop deciding per value). */
#define NAS_NONZERO_LOOP(map, first, n, value, body)                                            \
    for (j0_ = 0; j0_ < (n); j0_ += 8) {                                                        \
        uint32_t m_ = map_bits((map), (first) + j0_, (n) - j0_ < 8 ? (n) - j0_ : 8);              \
        while (m_ != 0) {                                                                       \
            const int j = j0_ + NAS_LOWEST_BIT(m_);                                             \
            const int32_t wv = (value);                                                         \
            body;                                                                               \
            m_ &= m_ - 1u;                                                                      \
        }                                                                                       \
    }
#define NAS_FOR_NONZERO(map, values, bits, first, n, next, body)                                   \
    do {                                                                                        \
        int j0_;                                                                                \
        if ((bits) == 8) {                                                                      \
            const int8_t *v8_ = (const int8_t *)(values);                                       \
            NAS_NONZERO_LOOP(map, first, n, v8_[(next)++], body)                                \
        } else {                                                                                \
            NAS_NONZERO_LOOP(map, first, n, packed_weight((const uint8_t *)(values), (bits), (next)++), body) \
        }                                                                                       \
    } while (0)

/* nas_conv with a sparse OHWI weight map: the same columns (two output pixels at a time when
   there is scratch, straight from the input for 1x1 stride 1), only non-zero weights read. */
void nas_conv_sparse(const int8_t *in, int8_t *out, int16_t *scratch, const nas_conv_params *p, const uint8_t *map,
                     const void *values, const int32_t *bias, const int32_t *q31, const int32_t *right) {
    const int gc = p->c / p->groups, goc = p->oc / p->groups, k = p->kh * p->kw * gc;
    const int pixels = p->oh * p->ow;
    int pixel, g, o, i;
    if (scratch == 0) {
        for (pixel = 0; pixel < pixels; pixel++) {
            const int iy = pixel / p->ow * p->stride - p->pad_h, ix = pixel % p->ow * p->stride - p->pad_w;
            const int inside = iy >= 0 && iy < p->h && ix >= 0 && ix < p->w;
            long next = 0;
            for (o = 0; o < p->oc; o++) {
                int32_t acc = bias[o];
                if (inside) {
                    const int8_t *x = in + (iy * p->w + ix) * p->c + o / goc * gc;
                    NAS_FOR_NONZERO(map, values, p->bits, (long)o * k, k, next, acc += (int32_t)(x[j] - p->q.in_zero) * wv);
                } else {
                    NAS_FOR_NONZERO(map, values, p->bits, (long)o * k, k, next, (void)j; (void)wv);
                }
                out[pixel * p->oc + o] = requantize(acc, q31[o], right[o], &p->q);
            }
        }
        return;
    }
    for (pixel = 0; pixel < pixels; pixel += 2) {
        const int count = pixels - pixel < 2 ? 1 : 2;
        const int16_t *col0 = scratch, *col1 = scratch + k;
        long next = 0;
        for (g = 0; g < p->groups; g++) {
            for (i = 0; i < count; i++) gather(in, scratch + i * k, p, (pixel + i) / p->ow, (pixel + i) % p->ow, g * gc, gc);
            for (o = g * goc; o < (g + 1) * goc; o++) {
                int32_t acc0 = bias[o], acc1 = bias[o];
                if (count == 2) {
                    NAS_FOR_NONZERO(map, values, p->bits, (long)o * k, k, next,
                                    acc0 += (int32_t)col0[j] * wv; acc1 += (int32_t)col1[j] * wv);
                    out[(pixel + 1) * p->oc + o] = requantize(acc1, q31[o], right[o], &p->q);
                } else {
                    NAS_FOR_NONZERO(map, values, p->bits, (long)o * k, k, next, acc0 += (int32_t)col0[j] * wv);
                }
                out[pixel * p->oc + o] = requantize(acc0, q31[o], right[o], &p->q);
            }
        }
    }
}

/* nas_depthwise_conv with a sparse channel-major ([oc][kh][kw]) map: one pixel's taps
   gathered for every channel, then per output channel only its non-zero taps. */
void nas_depthwise_conv_sparse(const int8_t *in, int8_t *out, int16_t *scratch, const nas_conv_params *p,
                               const uint8_t *map, const void *values, const int32_t *bias, const int32_t *q31,
                               const int32_t *right) {
    const int taps = p->kh * p->kw, multiplier = p->oc / p->c;
    int oy, ox, o;
    for (oy = 0; oy < p->oh; oy++) {
        for (ox = 0; ox < p->ow; ox++) {
            int8_t *dst = out + (oy * p->ow + ox) * p->oc;
            const int iy = oy * p->stride - p->pad_h, ix = ox * p->stride - p->pad_w;
            const int inside = iy >= 0 && iy < p->h && ix >= 0 && ix < p->w;
            long next = 0;
            if (scratch != 0) gather(in, scratch, p, oy, ox, 0, p->c);
            for (o = 0; o < p->oc; o++) {
                const int ch = o / multiplier;
                int32_t acc = bias[o];
                if (scratch != 0) {
                    NAS_FOR_NONZERO(map, values, p->bits, (long)o * taps, taps, next, acc += (int32_t)scratch[j * p->c + ch] * wv);
                } else if (inside) {
                    const int8_t *x = in + (iy * p->w + ix) * p->c;
                    NAS_FOR_NONZERO(map, values, p->bits, (long)o * taps, taps, next, acc += (int32_t)(x[ch + j] - p->q.in_zero) * wv);
                } else {
                    NAS_FOR_NONZERO(map, values, p->bits, (long)o * taps, taps, next, (void)j; (void)wv);
                }
                dst[o] = requantize(acc, q31[o], right[o], &p->q);
            }
        }
    }
}

/* nas_fully_connected with a sparse OI map. */
void nas_fully_connected_sparse(const int8_t *in, int8_t *out, int features, int channels, const nas_quant *q,
                                const uint8_t *map, const void *values, int bits, const int32_t *bias,
                                const int32_t *q31, const int32_t *right) {
    long next = 0;
    int o;
    for (o = 0; o < channels; o++) {
        int32_t acc = bias[o];
        NAS_FOR_NONZERO(map, values, bits, (long)o * features, features, next, acc += (int32_t)(in[j] - q->in_zero) * wv);
        out[o] = requantize(acc, q31[o], right[o], q);
    }
}

#undef NAS_FOR_NONZERO
#undef NAS_NONZERO_LOOP
"""#
}
