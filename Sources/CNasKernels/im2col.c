#include "nas_kernels.h"

#include <string.h>

void nas_im2col(const float *x, int H, int W, int cx, int c0, int gc,
                int KH, int KW, int stride, int pad, int OH, int OW, float *cols) {
    const long row = (long)KH * KW * gc;
    for (int oy = 0; oy < OH; oy++) {
        for (int ox = 0; ox < OW; ox++) {
            float *out = cols + ((long)oy * OW + ox) * row;
            for (int ky = 0; ky < KH; ky++) {
                int iy = oy * stride - pad + ky;
                for (int kx = 0; kx < KW; kx++) {
                    int ix = ox * stride - pad + kx;
                    float *dst = out + ((long)ky * KW + kx) * gc;
                    if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
                        memset(dst, 0, (size_t)gc * sizeof(float));
                    } else {
                        memcpy(dst, x + ((long)iy * W + ix) * cx + c0, (size_t)gc * sizeof(float));
                    }
                }
            }
        }
    }
}

void nas_col2im(const float *cols, int H, int W, int cx, int c0, int gc,
                int KH, int KW, int stride, int pad, int OH, int OW, float *dx) {
    const long row = (long)KH * KW * gc;
    for (int oy = 0; oy < OH; oy++) {
        for (int ox = 0; ox < OW; ox++) {
            const float *in = cols + ((long)oy * OW + ox) * row;
            for (int ky = 0; ky < KH; ky++) {
                int iy = oy * stride - pad + ky;
                if (iy < 0 || iy >= H) continue;
                for (int kx = 0; kx < KW; kx++) {
                    int ix = ox * stride - pad + kx;
                    if (ix < 0 || ix >= W) continue;
                    const float *src = in + ((long)ky * KW + kx) * gc;
                    float *dst = dx + ((long)iy * W + ix) * cx + c0;
                    for (int c = 0; c < gc; c++) dst[c] += src[c];
                }
            }
        }
    }
}
