#include "nas_kernels.h"

#include <string.h>

/* Copies of a few channels are loops, not memcpy calls: at 3-16 floats the call costs more
   than the copy. When the group spans all channels, the KW taps of a kernel row are one
   contiguous run of the input row, copied at once. */
static inline void copy_floats(float *dst, const float *src, int n) {
    if (n >= 64) {
        memcpy(dst, src, (size_t)n * sizeof(float));
    } else {
        for (int i = 0; i < n; i++) dst[i] = src[i];
    }
}

void nas_im2col(const float *x, int H, int W, int cx, int c0, int gc,
                int KH, int KW, int stride, int pad_h, int pad_w, int OH, int OW, float *cols) {
    const long row = (long)KH * KW * gc;
    const int whole = gc == cx;
    for (int oy = 0; oy < OH; oy++) {
        for (int ox = 0; ox < OW; ox++) {
            float *out = cols + ((long)oy * OW + ox) * row;
            const int ix0 = ox * stride - pad_w;
            const int inside_x = ix0 >= 0 && ix0 + KW <= W;
            for (int ky = 0; ky < KH; ky++) {
                int iy = oy * stride - pad_h + ky;
                float *dst = out + (long)ky * KW * gc;
                if (iy < 0 || iy >= H) {
                    memset(dst, 0, (size_t)KW * gc * sizeof(float));
                    continue;
                }
                const float *src_row = x + (long)iy * W * cx + c0;
                if (whole && inside_x) {
                    copy_floats(dst, src_row + (long)ix0 * cx, KW * gc);
                    continue;
                }
                for (int kx = 0; kx < KW; kx++) {
                    int ix = ix0 + kx;
                    if (ix < 0 || ix >= W) {
                        for (int c = 0; c < gc; c++) dst[kx * gc + c] = 0.0f;
                    } else {
                        copy_floats(dst + kx * gc, src_row + (long)ix * cx, gc);
                    }
                }
            }
        }
    }
}

void nas_col2im(const float *cols, int H, int W, int cx, int c0, int gc,
                int KH, int KW, int stride, int pad_h, int pad_w, int OH, int OW, float *dx) {
    const long row = (long)KH * KW * gc;
    const int whole = gc == cx;
    for (int oy = 0; oy < OH; oy++) {
        for (int ox = 0; ox < OW; ox++) {
            const float *in = cols + ((long)oy * OW + ox) * row;
            const int ix0 = ox * stride - pad_w;
            const int inside_x = ix0 >= 0 && ix0 + KW <= W;
            for (int ky = 0; ky < KH; ky++) {
                int iy = oy * stride - pad_h + ky;
                if (iy < 0 || iy >= H) continue;
                const float *src = in + (long)ky * KW * gc;
                float *dst_row = dx + (long)iy * W * cx + c0;
                if (whole && inside_x) {
                    float *dst = dst_row + (long)ix0 * cx;
                    const int n = KW * gc;
                    for (int i = 0; i < n; i++) dst[i] += src[i];
                    continue;
                }
                for (int kx = 0; kx < KW; kx++) {
                    int ix = ix0 + kx;
                    if (ix < 0 || ix >= W) continue;
                    float *dst = dst_row + (long)ix * cx;
                    const float *s = src + kx * gc;
                    for (int c = 0; c < gc; c++) dst[c] += s[c];
                }
            }
        }
    }
}
