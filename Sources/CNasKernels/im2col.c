#include "nas_kernels.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NAS_X86 1
#endif

/* im2col and col2im move a few channels at a time (3 to a few hundred floats). As library
   calls those copies cost more in call overhead than in bytes (memcpy was 7% of a ResNet-8
   training step on AVX2), so the AVX-512 and AVX2 builds copy with vector loads and stores
   inline, the last partial vector through a lane mask; other CPUs use memcpy. The adds of
   col2im are single additions in every build, so all of them round alike. The loop bodies
   are written once, as macros, and instantiated per instruction set. */

static inline void copy_generic(float *dst, const float *src, int n) {
    memcpy(dst, src, (size_t)n * sizeof(float));
}

static inline void add_generic(float *restrict dst, const float *restrict src, int n) {
    for (int i = 0; i < n; i++) dst[i] += src[i];
}

#ifdef NAS_X86
__attribute__((target("avx512f"), always_inline))
static inline void copy_avx512(float *dst, const float *src, int n) {
    int i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(dst + i, _mm512_loadu_ps(src + i));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        _mm512_mask_storeu_ps(dst + i, m, _mm512_maskz_loadu_ps(m, src + i));
    }
}

__attribute__((target("avx512f"), always_inline))
static inline void add_avx512(float *dst, const float *src, int n) {
    int i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(dst + i, _mm512_add_ps(_mm512_loadu_ps(dst + i), _mm512_loadu_ps(src + i)));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        _mm512_mask_storeu_ps(dst + i, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, dst + i), _mm512_maskz_loadu_ps(m, src + i)));
    }
}

__attribute__((target("avx2"), always_inline))
static inline __m256i avx2_lanes_below(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

__attribute__((target("avx2"), always_inline))
static inline void copy_avx2(float *dst, const float *src, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, _mm256_loadu_ps(src + i));
    if (i < n) {
        __m256i m = avx2_lanes_below(n - i);
        _mm256_maskstore_ps(dst + i, m, _mm256_maskload_ps(src + i, m));
    }
}

__attribute__((target("avx2"), always_inline))
static inline void add_avx2(float *dst, const float *src, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, _mm256_add_ps(_mm256_loadu_ps(dst + i), _mm256_loadu_ps(src + i)));
    if (i < n) {
        __m256i m = avx2_lanes_below(n - i);
        _mm256_maskstore_ps(dst + i, m, _mm256_add_ps(_mm256_maskload_ps(dst + i, m), _mm256_maskload_ps(src + i, m)));
    }
}
#endif

/* When the group spans all channels, the KW taps of a kernel row are one contiguous run of the
   input row and move at once. */
#define NAS_IM2COL_BODY(COPY)                                                                   \
    const long row = (long)KH * KW * gc;                                                        \
    const int whole = gc == cx;                                                                 \
    for (int oy = 0; oy < OH; oy++) {                                                           \
        for (int ox = 0; ox < OW; ox++) {                                                       \
            float *out = cols + ((long)oy * OW + ox) * row;                                     \
            const int ix0 = ox * stride - pad_w;                                                \
            const int inside_x = ix0 >= 0 && ix0 + KW <= W;                                     \
            for (int ky = 0; ky < KH; ky++) {                                                   \
                int iy = oy * stride - pad_h + ky;                                              \
                float *dst = out + (long)ky * KW * gc;                                          \
                if (iy < 0 || iy >= H) {                                                        \
                    memset(dst, 0, (size_t)KW * gc * sizeof(float));                            \
                    continue;                                                                   \
                }                                                                               \
                const float *src_row = x + (long)iy * W * cx + c0;                              \
                if (whole && inside_x) {                                                        \
                    COPY(dst, src_row + (long)ix0 * cx, KW * gc);                               \
                    continue;                                                                   \
                }                                                                               \
                for (int kx = 0; kx < KW; kx++) {                                               \
                    int ix = ix0 + kx;                                                          \
                    if (ix < 0 || ix >= W) {                                                    \
                        memset(dst + kx * gc, 0, (size_t)gc * sizeof(float));                   \
                    } else {                                                                    \
                        COPY(dst + kx * gc, src_row + (long)ix * cx, gc);                       \
                    }                                                                           \
                }                                                                               \
            }                                                                                   \
        }                                                                                       \
    }

#define NAS_COL2IM_BODY(ADD)                                                                    \
    const long row = (long)KH * KW * gc;                                                        \
    const int whole = gc == cx;                                                                 \
    for (int oy = 0; oy < OH; oy++) {                                                           \
        for (int ox = 0; ox < OW; ox++) {                                                       \
            const float *in = cols + ((long)oy * OW + ox) * row;                                \
            const int ix0 = ox * stride - pad_w;                                                \
            const int inside_x = ix0 >= 0 && ix0 + KW <= W;                                     \
            for (int ky = 0; ky < KH; ky++) {                                                   \
                int iy = oy * stride - pad_h + ky;                                              \
                if (iy < 0 || iy >= H) continue;                                                \
                const float *src = in + (long)ky * KW * gc;                                     \
                float *dst_row = dx + (long)iy * W * cx + c0;                                   \
                if (whole && inside_x) {                                                        \
                    ADD(dst_row + (long)ix0 * cx, src, KW * gc);                                \
                    continue;                                                                   \
                }                                                                               \
                for (int kx = 0; kx < KW; kx++) {                                               \
                    int ix = ix0 + kx;                                                          \
                    if (ix < 0 || ix >= W) continue;                                            \
                    ADD(dst_row + (long)ix * cx, src + kx * gc, gc);                            \
                }                                                                               \
            }                                                                                   \
        }                                                                                       \
    }

#define NAS_IM2COL_PARAMS const float *x, int H, int W, int cx, int c0, int gc, int KH, int KW, \
    int stride, int pad_h, int pad_w, int OH, int OW, float *cols
#define NAS_COL2IM_PARAMS const float *cols, int H, int W, int cx, int c0, int gc, int KH, int KW, \
    int stride, int pad_h, int pad_w, int OH, int OW, float *dx

static void im2col_generic(NAS_IM2COL_PARAMS) { NAS_IM2COL_BODY(copy_generic) }
static void col2im_generic(NAS_COL2IM_PARAMS) { NAS_COL2IM_BODY(add_generic) }

#ifdef NAS_X86
__attribute__((target("avx512f"))) static void im2col_avx512(NAS_IM2COL_PARAMS) { NAS_IM2COL_BODY(copy_avx512) }
__attribute__((target("avx512f"))) static void col2im_avx512(NAS_COL2IM_PARAMS) { NAS_COL2IM_BODY(add_avx512) }
__attribute__((target("avx2"))) static void im2col_avx2(NAS_IM2COL_PARAMS) { NAS_IM2COL_BODY(copy_avx2) }
__attribute__((target("avx2"))) static void col2im_avx2(NAS_COL2IM_PARAMS) { NAS_COL2IM_BODY(add_avx2) }

/* The vector width the GEMM kernels were chosen for (NASBOOK_ISA or nas_kernels_select can
   force a narrower one): 512, 256, or 0 for the portable build. */
static int vector_bits(void) {
    const char *isa = nas_kernels_isa();
    if (strcmp(isa, "avx512") == 0) return 512;
    if (strcmp(isa, "avx2") == 0) return 256;
    return 0;
}
#endif

void nas_im2col(NAS_IM2COL_PARAMS) {
#ifdef NAS_X86
    switch (vector_bits()) {
    case 512: im2col_avx512(x, H, W, cx, c0, gc, KH, KW, stride, pad_h, pad_w, OH, OW, cols); return;
    case 256: im2col_avx2(x, H, W, cx, c0, gc, KH, KW, stride, pad_h, pad_w, OH, OW, cols); return;
    }
#endif
    im2col_generic(x, H, W, cx, c0, gc, KH, KW, stride, pad_h, pad_w, OH, OW, cols);
}

void nas_col2im(NAS_COL2IM_PARAMS) {
#ifdef NAS_X86
    switch (vector_bits()) {
    case 512: col2im_avx512(cols, H, W, cx, c0, gc, KH, KW, stride, pad_h, pad_w, OH, OW, dx); return;
    case 256: col2im_avx2(cols, H, W, cx, c0, gc, KH, KW, stride, pad_h, pad_w, OH, OW, dx); return;
    }
#endif
    col2im_generic(cols, H, W, cx, c0, gc, KH, KW, stride, pad_h, pad_w, OH, OW, dx);
}
