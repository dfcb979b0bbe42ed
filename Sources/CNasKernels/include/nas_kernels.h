#ifndef NAS_KERNELS_H
#define NAS_KERNELS_H

/* Hot loops of the training engine and of batched inference (scoring), in C so they can use
   AVX-512/AVX2 with runtime dispatch. Everything here is single-threaded except
   nas_parallel_for, the pool the engine splits its work across threads with (Parallel.chunks). */

#include <stddef.h>

/* C[M,N] (row-major, leading dimension ldc) = (accumulate ? C : 0) + A[M,K] * B[K,N].
   A(i,k) is A[i*rsa + k*csa] and B(k,j) is B[k*rsb + j*csb], so transposed operands need no copy.
   Rounding: K is taken in blocks of NAS_GEMM_DEPTH_BLOCK; each C element is a multiply-add
   chain over one block from zero (fused on FMA kernels), added to C block after block. So a
   caller may split K at multiples of the block into accumulating calls without changing a bit. */
#define NAS_GEMM_DEPTH_BLOCK 256
void nas_sgemm(int M, int N, int K,
               const float *A, long rsa, long csa,
               const float *B, long rsb, long csb,
               float *C, long ldc, int accumulate);

/* nas_sgemm with rows and depth picked by offset tables, each optional (NULL: the stride):
   A(i,k) = A[(a_row ? a_row[i] : i*rsa) + (a_k ? a_k[k] : k*csa)],
   B(k,j) = B[(b_k ? b_k[k] : k*rsb) + j*csb], C(i,j) = C[(c_row ? c_row[i] : i*ldc) + j].
   Same kernels and the same rounding as nas_sgemm. A convolution over a zero-padded image
   reads its input through such tables without an im2col copy: only the real output rows,
   only the real positions of a weight gradient's depth. C rows may overlap in memory (an
   input gradient's taps); rows are added in order, so the sums are exact. */
void nas_sgemm_indexed(int M, int N, int K,
                       const float *A, const long *a_row, long rsa, const long *a_k, long csa,
                       const float *B, const long *b_k, long rsb, long csb,
                       float *C, const long *c_row, long ldc, int accumulate);

/* im2col for one NHWC image: cols[(oy*OW+ox), (ky*KW+kx)*C + c] = x[iy, ix, c], zero outside.
   Only the channels of one group (c0 .. c0+gc) are gathered; cx is the image's channel count. */
void nas_im2col(const float *x, int H, int W, int cx, int c0, int gc,
                int KH, int KW, int stride, int pad_h, int pad_w, int OH, int OW, float *cols);

/* The adjoint of nas_im2col: adds cols back into dx (which must be zeroed by the caller). */
void nas_col2im(const float *cols, int H, int W, int cx, int c0, int gc,
                int KH, int KW, int stride, int pad_h, int pad_w, int OH, int OW, float *dx);

/* Elementwise and per-channel loops (channels last: `rows` rows of C values). */
void nas_relu_forward(const float *x, float *y, long n, float cap);              /* min(max(x, 0), cap) */
void nas_relu_backward(const float *x, const float *g, float *d, long n, float cap);
/* y = clamp(y + x, lo, hi): a residual add with its ReLU fused (lo = 0), or +-inf for none. */
void nas_add(float *y, const float *x, long n, float lo, float hi);
/* d = (lo < y < hi) ? g * f : 0: the gradient through a fused clamp, from its output, where f is
   the straight-through factor of a fake-quant of y (1 inside [qa, qb], its nas_fake_quant_range,
   0 outside: nas_fake_quant_gradient folded into this pass; qa = -inf, qb = +inf when none). */
void nas_clamp_gradient(float *d, const float *g, const float *y, long n, float lo, float hi, float qa, float qb);
/* Max pooling of one [H, W, C] image; argmax (may be NULL) gets the input index of each max. */
void nas_maxpool_forward(const float *x, int W, int C, int KH, int KW, int stride_h, int stride_w,
                         int OH, int OW, float *y, int *argmax);
/* Its gradient for one image: dx[argmax[i]] += g[i] over the n outputs, in order. */
void nas_maxpool_backward(const float *g, const int *argmax, long n, float *dx);
/* The same, then the mask of a clamp fused into the layer before applied at the argmax positions
   only (pooled: this image's pooled values, the maxima): dx where lo < max < hi, else +0. That
   is the whole gradient nas_clamp_gradient would give without a fake-quant (qa = -inf, qb =
   +inf: its factor is 1), since every other position is +0 either way. */
void nas_maxpool_backward_masked(const float *g, const int *argmax, long n, const float *pooled, float lo, float hi,
                                 float *dx);
void nas_channel_moments(const float *x, long rows, int C, double *sum, double *square);
void nas_channel_moments_resume(const float *x, long rows, int C, long phase, int last, float *s, float *q,
                                double *sum, double *square);
/* Batch norm. xhat = (x - mean) * inv is recomputed from the input x where needed. */
void nas_channel_dot(const float *g, const float *x, const float *mean, const float *inv, long rows, int C,
                     double *sum_g, double *sum_gh);
void nas_channel_affine(const float *x, long rows, int C, const float *scale, const float *shift, float *y,
                        float lo, float hi);
void nas_bn_input_gradient(const float *g, const float *x, const float *mean, const float *inv, long rows, int C,
                           float m, const float *k, const float *sum_g, const float *sum_gh, float *dx);

/* The same two with a fused ReLU/ReLU6 in front: g counts only where lo < y < hi, times the
   straight-through factor of a fake-quant of y as in nas_clamp_gradient. */
void nas_channel_dot_masked(const float *g, const float *x, const float *mean, const float *inv, const float *y,
                            float lo, float hi, float qa, float qb, long rows, int C, double *sum_g, double *sum_gh);
void nas_bn_input_gradient_masked(const float *g, const float *x, const float *mean, const float *inv, const float *y,
                                  float lo, float hi, float qa, float qb, long rows, int C, float m, const float *k,
                                  const float *sum_g, const float *sum_gh, float *dx);

/* y = clamp(y + b, lo, hi) per channel (b NULL: clamp only): a convolution's bias with its ReLU
   fused; and db += the column sums of g, row after row, for channels c0 ..< c1 of C. */
void nas_add_bias(float *y, const float *b, long rows, int C, float lo, float hi);
void nas_bias_gradient_channels(const float *g, long rows, int C, int c0, int c1, float *db);
/* dst = clamp(src + b, lo, hi) per channel (b NULL: clamp only), from a scratch layout. */
void nas_copy_bias(float *dst, const float *src, long rows, int C, const float *b, float lo, float hi);

/* Fake quantization (FakeQuant): the range of a tensor, and its values rounded to the int8
   grid of `scale` and `zero` (a zero point). */
void nas_min_max(const float *x, long n, float *lo, float *hi);
void nas_fake_quant(const float *x, float *y, long n, float scale, float zero);
/* The inputs nas_fake_quant keeps inside the grid (does not clamp) are exactly [lo, hi]. */
void nas_fake_quant_range(float scale, float zero, float *lo, float *hi);
/* Its gradient: d = g times 1 where lo <= x <= hi (that range; NaN counts inside), 0 outside. */
void nas_fake_quant_gradient(const float *x, const float *g, float *d, long n, float lo, float hi);
/* Per-output-channel symmetric weight quantization to +-levels, dequantized (w is rows x C;
   `scale` receives the C scales). */
void nas_fake_quant_weights(const float *w, long rows, int C, float levels, float *scale, float *out);

/* One chunk of a parallel region. */
typedef void (*nas_task)(void *ctx, int chunk);

/* Runs fn(ctx, c) once for each c in 0 ..< chunks, on up to `threads` threads (the caller's
   included) of a persistent pool whose workers spin briefly (50 us) between regions, then
   sleep; the caller waits for a region's last chunks the same way. Each chunk runs on exactly
   one thread; the call returns when all have run. A call made while another region runs
   (nested, or from a second thread) runs its chunks on the calling thread. */
void nas_parallel_for(int chunks, int threads, nas_task fn, void *ctx);

/* Which instruction set nas_sgemm chose: "avx512", "avx2" or "scalar". NASBOOK_ISA=avx2 or
   NASBOOK_ISA=scalar in the environment caps the choice. */
const char *nas_kernels_isa(void);

/* Switches to "avx512", "avx2" or "scalar" (NULL: the best available); 0 if the CPU lacks it.
   For tests that check every kernel on one machine; not to be called while a GEMM runs. */
int nas_kernels_select(const char *isa);

/* ---- Batched inference (NasQuant's scoring path) -------------------------------------------
   `count` samples stored one after another (NHWC; sequences as height 1). Results are
   bit-identical to the scalar Swift reference (FoldedNetwork / IntegerNetwork), on every
   instruction set. Single-threaded: callers split the samples across threads. */

#include <stdint.h>

/* Fused activations. */
#define NAS_ACTIVATION_NONE 0
#define NAS_ACTIVATION_RELU 1
#define NAS_ACTIVATION_RELU6 2

typedef struct {
    int h, w, c;          /* input */
    int oh, ow, oc;       /* output */
    int kh, kw, stride, pad_h, pad_w, groups;
} nas_conv_shape;

typedef struct {
    int h, w, c, oh, ow;  /* channels pass through */
    int window_h, window_w, stride_h, stride_w;
} nas_pool_shape;

/* Requantization of an op: out = clamp(zero_out + round(x * q31[i] / 2^(31 - shift[i])), lo, hi),
   rounding halves away from zero (FixedPointMultiplier.apply). i is the output channel for
   weighted ops; pooling and mean use entry 0, add entries 0 and 1 (one per input). */
typedef struct {
    const int64_t *q31;
    const int32_t *shift;
    int64_t zero_out, lo, hi;
} nas_requant;

/* 1 when the inference kernels use AVX2 (nas_kernels_isa() is "avx2" or "avx512"), 0 for the
   portable C path. */
int nas_inference_vectorized(void);

/* 1 when a convolution has one input and one output channel per group (depthwise with
   multiplier 1, or a single-channel convolution): its int8 weights stay unpacked. */
int nas_conv_is_depthwise(const nas_conv_shape *s);

/* Float: y = act(sum of taps (ky, kx, ci order, padding skipped) + bias); weights HWIO. The
   scratch holds nas_conv_f32_scratch floats. */
long nas_conv_f32_scratch(const nas_conv_shape *s);
void nas_conv_f32(const float *x, long count, const nas_conv_shape *s, const float *w, const float *bias,
                  int activation, float *y, float *scratch);
/* Float: y = act(bias + sum_i x[i] * w[i][o]); weights IO. */
long nas_dense_f32_scratch(int outputs);
void nas_dense_f32(const float *x, long count, int features, int outputs, const float *w, const float *bias,
                   int activation, float *y, float *scratch);
/* Float max (first of equal values kept) or average pooling; windows never leave the input. */
void nas_pool_f32(const float *x, long count, const nas_pool_shape *s, int max, int activation, float *y);
/* Float mean over `positions` of each channel. */
void nas_mean_f32(const float *x, long count, int positions, int channels, int activation, float *y);
void nas_add_f32(const float *a, const float *b, long n, int activation, float *y);
/* y = act(a * b), b per sample one value per channel (`size` a multiple of `channels`). */
void nas_mul_f32(const float *a, const float *b, long count, long size, int channels, int activation, float *y);
/* Widens [*lo, *hi] to x's values like Swift.min/Swift.max do (NaN ignored). */
void nas_range_f32(const float *x, long n, float *lo, float *hi);

/* int8 weights of a convolution (HWIO, depth = kh * kw * channels per group) or a dense layer
   (IO, depth = features) as int16 pairs along depth, per group, channels padded to 8. */
long nas_packed_weights_size(int depth, int channels, int groups);
void nas_pack_weights_s8(const int8_t *w, int depth, int channels, int groups, int16_t *packed);

/* int8 convolution: acc = bias + sum (x - zi) * w (int32, wrapping), then requantized. `packed`
   comes from nas_pack_weights_s8, except for depthwise shapes (one input and one output channel
   per group), which take the plain [kh * kw][oc] weights widened to int16. */
long nas_conv_s8_scratch(const nas_conv_shape *s);
void nas_conv_s8(const int8_t *x, long count, const nas_conv_shape *s, int32_t zi, const int16_t *packed,
                 const int32_t *bias, const nas_requant *r, int8_t *y, int16_t *scratch);
long nas_dense_s8_scratch(long count, int features, int outputs);
void nas_dense_s8(const int8_t *x, long count, int features, int outputs, int32_t zi, const int16_t *packed,
                  const int32_t *bias, const nas_requant *r, int8_t *y, int16_t *scratch);
/* int8 pooling: max (passthrough: the output shares the input's parameters, so only the clamp
   applies) or average (sum of x - zi, requantized with the window folded into r). */
void nas_pool_s8(const int8_t *x, long count, const nas_pool_shape *s, int max, int32_t zi, int passthrough,
                 const nas_requant *r, int8_t *y);
void nas_mean_s8(const int8_t *x, long count, int positions, int channels, int32_t zi, const nas_requant *r, int8_t *y);
void nas_add_s8(const int8_t *a, const int8_t *b, long n, int32_t za, int32_t zb, const nas_requant *r, int8_t *y);
void nas_mul_s8(const int8_t *a, const int8_t *b, long count, long size, int channels, int32_t za, int32_t zb,
                const nas_requant *r, int8_t *y);
/* y = table[x + 128]: hard-swish, hard-sigmoid and logistic as 256-entry tables. */
void nas_lut_s8(const int8_t *x, long n, const int8_t *table, int8_t *y);

#endif
