#ifndef NAS_KERNELS_H
#define NAS_KERNELS_H

/* Hot loops of the training engine, in C so they can use AVX-512/AVX2 with runtime dispatch.
   Everything here is single-threaded except nas_parallel_for, the pool the engine splits its
   work across threads with (Parallel.chunks). */

#include <stddef.h>

/* C[M,N] (row-major, leading dimension ldc) = (accumulate ? C : 0) + A[M,K] * B[K,N].
   A(i,k) is A[i*rsa + k*csa] and B(k,j) is B[k*rsb + j*csb], so transposed operands need no copy. */
void nas_sgemm(int M, int N, int K,
               const float *A, long rsa, long csa,
               const float *B, long rsb, long csb,
               float *C, long ldc, int accumulate);

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
/* d = (lo < y < hi) ? g : 0: the gradient through a fused clamp, from its output. */
void nas_clamp_gradient(float *d, const float *g, const float *y, long n, float lo, float hi);
/* Max pooling of one [H, W, C] image; argmax (may be NULL) gets the input index of each max. */
void nas_maxpool_forward(const float *x, int W, int C, int KH, int KW, int stride_h, int stride_w,
                         int OH, int OW, float *y, int *argmax);
/* Its gradient for one image: dx[argmax[i]] += g[i] over the n outputs, in order. */
void nas_maxpool_backward(const float *g, const int *argmax, long n, float *dx);
void nas_channel_moments(const float *x, long rows, int C, double *sum, double *square);
/* Batch norm. xhat = (x - mean) * inv is recomputed from the input x where needed. */
void nas_channel_dot(const float *g, const float *x, const float *mean, const float *inv, long rows, int C,
                     double *sum_g, double *sum_gh);
void nas_channel_affine(const float *x, long rows, int C, const float *scale, const float *shift, float *y,
                        float lo, float hi);
void nas_bn_input_gradient(const float *g, const float *x, const float *mean, const float *inv, long rows, int C,
                           float m, const float *k, const float *sum_g, const float *sum_gh, float *dx);

/* The same two with a fused ReLU/ReLU6 in front: g counts only where lo < y < hi. */
void nas_channel_dot_masked(const float *g, const float *x, const float *mean, const float *inv, const float *y,
                            float lo, float hi, long rows, int C, double *sum_g, double *sum_gh);
void nas_bn_input_gradient_masked(const float *g, const float *x, const float *mean, const float *inv, const float *y,
                                  float lo, float hi, long rows, int C, float m, const float *k, const float *sum_g,
                                  const float *sum_gh, float *dx);

/* y = clamp(y + b, lo, hi) per channel (b NULL: clamp only): a convolution's bias with its ReLU
   fused; and db += the column sums of g, row after row. */
void nas_add_bias(float *y, const float *b, long rows, int C, float lo, float hi);
void nas_bias_gradient(const float *g, long rows, int C, float *db);
/* dst = clamp(src + b, lo, hi) per channel (b NULL: clamp only), from a scratch layout. */
void nas_copy_bias(float *dst, const float *src, long rows, int C, const float *b, float lo, float hi);

/* Fake quantization (FakeQuant): the range of a tensor, and its values rounded to the int8
   grid of `scale` and `zero` (a zero point), with a 0/1 mask of the values inside the range. */
void nas_min_max(const float *x, long n, float *lo, float *hi);
void nas_fake_quant(const float *x, float *y, float *mask, long n, float scale, float zero);
/* y = x * m, elementwise (straight-through gradients and masks). */
void nas_multiply(const float *x, const float *m, float *y, long n);

/* One chunk of a parallel region. */
typedef void (*nas_task)(void *ctx, int chunk);

/* Runs fn(ctx, c) once for each c in 0 ..< chunks, on up to `threads` threads (the caller's
   included) of a persistent pool whose workers spin briefly between regions, then sleep. Each
   chunk runs on exactly one thread; the call returns when all have run. A call made while
   another region runs (nested, or from a second thread) runs its chunks on the calling thread. */
void nas_parallel_for(int chunks, int threads, nas_task fn, void *ctx);

/* Which instruction set nas_sgemm chose: "avx512", "avx2" or "scalar". NASBOOK_ISA=avx2 or
   NASBOOK_ISA=scalar in the environment caps the choice. */
const char *nas_kernels_isa(void);

/* Switches to "avx512", "avx2" or "scalar" (NULL: the best available); 0 if the CPU lacks it.
   For tests that check every kernel on one machine; not to be called while a GEMM runs. */
int nas_kernels_select(const char *isa);

#endif
