#ifndef NAS_KERNELS_H
#define NAS_KERNELS_H

/* Hot loops of the training engine, in C so they can use AVX-512/AVX2 with runtime dispatch.
   Everything here is single-threaded; the engine splits work across threads above this level. */

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
/* g = (lo < y < hi) ? g : 0: the gradient through a fused clamp, from its output. */
void nas_clamp_gradient(float *g, const float *y, long n, float lo, float hi);
/* Max pooling of one [H, W, C] image; argmax (may be NULL) gets the input index of each max. */
void nas_maxpool_forward(const float *x, int W, int C, int KH, int KW, int stride_h, int stride_w,
                         int OH, int OW, float *y, int *argmax);
void nas_channel_moments(const float *x, long rows, int C, double *sum, double *square);
void nas_channel_dot(const float *g, const float *h, long rows, int C, double *sum_g, double *sum_gh);
void nas_channel_affine(const float *x, long rows, int C, const float *scale, const float *shift, float *y,
                        const float *mean, const float *inv, float *xhat, float lo, float hi);
void nas_bn_input_gradient(const float *g, const float *h, long rows, int C, float m, const float *k,
                           const float *sum_g, const float *sum_gh, float *dx);

/* The same two with a fused ReLU/ReLU6 in front: g counts only where lo < y < hi. */
void nas_channel_dot_masked(const float *g, const float *h, const float *y, float lo, float hi, long rows, int C,
                            double *sum_g, double *sum_gh);
void nas_bn_input_gradient_masked(const float *g, const float *h, const float *y, float lo, float hi, long rows, int C,
                                  float m, const float *k, const float *sum_g, const float *sum_gh, float *dx);

/* Which instruction set nas_sgemm chose: "avx512", "avx2" or "scalar". NASBOOK_ISA=avx2 or
   NASBOOK_ISA=scalar in the environment caps the choice. */
const char *nas_kernels_isa(void);

/* Switches to "avx512", "avx2" or "scalar" (NULL: the best available); 0 if the CPU lacks it.
   For tests that check every kernel on one machine; not to be called while a GEMM runs. */
int nas_kernels_select(const char *isa);

#endif
