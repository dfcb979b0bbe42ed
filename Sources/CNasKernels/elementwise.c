#include "nas_kernels.h"

/* Elementwise and reduction loops of the layers. Swift compiles for baseline x86-64 (SSE2),
   where these loops do not vectorize well; here each is cloned for AVX-512, AVX2 and baseline
   and the loader picks the clone for the CPU it runs on. */
/* No fused multiply-adds: every clone must round exactly alike, so results do not depend on
   the CPU a session is replayed on. */
#pragma clang fp contract(off)

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
void nas_clamp_gradient(float *restrict d, const float *restrict g, const float *restrict y, long n, float lo, float hi) {
    for (long i = 0; i < n; i++) d[i] = (y[i] > lo && y[i] < hi) ? g[i] : 0;
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

/* Per-channel sum and sum of squares of rows x C values, added into double accumulators
   after every 256 rows so float rounding stays small. */
NAS_CLONES
void nas_channel_moments(const float *restrict x, long rows, int C, double *restrict sum, double *restrict square) {
    float s[C], q[C];
    for (int c = 0; c < C; c++) s[c] = q[c] = 0;
    for (long r = 0; r < rows; r++) {
        const float *row = x + r * C;
        for (int c = 0; c < C; c++) {
            s[c] += row[c];
            q[c] += row[c] * row[c];
        }
        if ((r & 255) == 255 || r == rows - 1) {
            for (int c = 0; c < C; c++) {
                sum[c] += s[c];
                square[c] += q[c];
                s[c] = q[c] = 0;
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
    float s[C], q[C];
    for (int c = 0; c < C; c++) s[c] = q[c] = 0;
    for (long r = 0; r < rows; r++) {
        const float *gr = g + r * C, *xr = x + r * C;
        for (int c = 0; c < C; c++) {
            float h = (xr[c] - mean[c]) * inv[c];
            s[c] += gr[c];
            q[c] += gr[c] * h;
        }
        if ((r & 255) == 255 || r == rows - 1) {
            for (int c = 0; c < C; c++) {
                sum_g[c] += s[c];
                sum_gh[c] += q[c];
                s[c] = q[c] = 0;
            }
        }
    }
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
   counts only where the clamped output y was strictly inside (lo, hi). */
NAS_CLONES
void nas_channel_dot_masked(const float *restrict g, const float *restrict x, const float *restrict mean,
                            const float *restrict inv, const float *restrict y, float lo, float hi,
                            long rows, int C, double *restrict sum_g, double *restrict sum_gh) {
    float s[C], q[C];
    for (int c = 0; c < C; c++) s[c] = q[c] = 0;
    for (long r = 0; r < rows; r++) {
        const float *gr = g + r * C, *xr = x + r * C, *yr = y + r * C;
        for (int c = 0; c < C; c++) {
            float h = (xr[c] - mean[c]) * inv[c];
            float gv = (yr[c] > lo && yr[c] < hi) ? gr[c] : 0;
            s[c] += gv;
            q[c] += gv * h;
        }
        if ((r & 255) == 255 || r == rows - 1) {
            for (int c = 0; c < C; c++) {
                sum_g[c] += s[c];
                sum_gh[c] += q[c];
                s[c] = q[c] = 0;
            }
        }
    }
}

NAS_CLONES
void nas_bn_input_gradient_masked(const float *restrict g, const float *restrict x, const float *restrict mean,
                                  const float *restrict inv, const float *restrict y, float lo, float hi,
                                  long rows, int C, float m, const float *restrict k, const float *restrict sum_g,
                                  const float *restrict sum_gh, float *restrict dx) {
    for (long r = 0; r < rows; r++) {
        const float *gr = g + r * C, *xr = x + r * C, *yr = y + r * C;
        float *out = dx + r * C;
        for (int c = 0; c < C; c++) {
            float h = (xr[c] - mean[c]) * inv[c];
            float gv = (yr[c] > lo && yr[c] < hi) ? gr[c] : 0;
            out[c] = k[c] * (m * gv - sum_g[c] - h * sum_gh[c]);
        }
    }
}

/* Smallest and largest of n values (n > 0). Eight independent lanes let the compiler keep the
   loop in vector registers; min and max are exact, so the grouping changes nothing. */
NAS_CLONES
void nas_min_max(const float *restrict x, long n, float *restrict lo, float *restrict hi) {
    float l[8], h[8];
    for (int j = 0; j < 8; j++) l[j] = h[j] = x[0];
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int j = 0; j < 8; j++) {
            float v = x[i + j];
            l[j] = v < l[j] ? v : l[j];
            h[j] = v > h[j] ? v : h[j];
        }
    }
    for (; i < n; i++) {
        l[0] = x[i] < l[0] ? x[i] : l[0];
        h[0] = x[i] > h[0] ? x[i] : h[0];
    }
    float a = l[0], b = h[0];
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

/* FakeQuant's gradient (straight through inside the range): d = g * m with m = 1 where
   round(x / scale) + zero lies in [-128, 127], else 0; recomputed from x, not stored. */
NAS_CLONES
void nas_fake_quant_gradient(const float *restrict x, const float *restrict g, float *restrict d, long n, float scale,
                             float zero) {
    for (long i = 0; i < n; i++) {
        float q = __builtin_roundf(x[i] / scale) + zero;
        d[i] = g[i] * ((q < -128.0f || q > 127.0f) ? 0.0f : 1.0f);
    }
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
NAS_CLONES
void nas_bias_gradient_channels(const float *restrict g, long rows, int C, int c0, int c1, float *restrict db) {
    for (long r = 0; r < rows; r++) {
        const float *gr = g + r * C;
        for (int c = c0; c < c1; c++) db[c] += gr[c];
    }
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
