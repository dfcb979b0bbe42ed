#include "nas_kernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define NAS_X86 1
#endif

/* Goto-style blocking: B is packed into NR-wide column panels and A into MR-tall row panels
   for each KC-deep slice, so the micro-kernel streams both from L1/L2 with unit stride. */
enum { KC = NAS_GEMM_DEPTH_BLOCK, MC = 144 };

typedef void (*micro_kernel)(int kc, const float *a, const float *b, float *c, long ldc, int accumulate);
/* A kernel that reads A in place (A(i,k) = a[i*rsa + k*csa]) and stores partial tiles itself. */
typedef void (*edge_kernel)(int kc, const float *a, long rsa, long csa, const float *b, float *c, long ldc,
                            int accumulate, int rows, int cols);

static _Thread_local float *pack_a_buffer, *pack_b_buffer;
static _Thread_local size_t pack_a_size, pack_b_size;

static float *grow(float **buffer, size_t *size, size_t need) {
    if (*size < need) {
        free(*buffer);
        *buffer = aligned_alloc(64, ((need * sizeof(float)) + 63) / 64 * 64);
        *size = need;
    }
    return *buffer;
}

/* Packs rows i0..i0+mc of A's k0..k0+kc slice into MR-row panels, zero-padding the last one. */
static void pack_a(const float *A, long rsa, long csa, int i0, int mc, int k0, int kc, int mr, float *out) {
    if (csa == 1) {
        /* Row-major A: read each row contiguously and scatter into the panel. */
        for (int ip = 0; ip < mc; ip += mr) {
            int rows = mc - ip < mr ? mc - ip : mr;
            for (int r = 0; r < rows; r++) {
                const float *row = A + (long)(i0 + ip + r) * rsa + k0;
                for (int k = 0; k < kc; k++) out[k * mr + r] = row[k];
            }
            for (int r = rows; r < mr; r++)
                for (int k = 0; k < kc; k++) out[k * mr + r] = 0.0f;
            out += (long)kc * mr;
        }
        return;
    }
    for (int ip = 0; ip < mc; ip += mr) {
        int rows = mc - ip < mr ? mc - ip : mr;
        for (int k = 0; k < kc; k++) {
            const float *col = A + (long)(k0 + k) * csa + (long)(i0 + ip) * rsa;
            int r = 0;
            for (; r < rows; r++) out[r] = col[(long)r * rsa];
            for (; r < mr; r++) out[r] = 0.0f;
            out += mr;
        }
    }
}

/* Packs columns j0..j0+nc of B's k0..k0+kc slice into NR-column panels, zero-padding the last.
   Full panels of a row-major B are fixed-size copies, which the compiler inlines: a weight
   gradient's B is dY with K in the thousands, and a memcpy call per k row cost a third of
   the multiply for 16-column panels. */
static void pack_b(const float *B, long rsb, long csb, int j0, int nc, int k0, int kc, int nr, float *out) {
    for (int jp = 0; jp < nc; jp += nr) {
        int cols = nc - jp < nr ? nc - jp : nr;
        if (csb == 1 && cols == nr && (nr == 8 || nr == 16 || nr == 32)) {
            const float *row = B + (long)k0 * rsb + j0 + jp;
            for (int k = 0; k < kc; k++, row += rsb, out += nr) {
                switch (nr) {
                case 8: memcpy(out, row, 8 * sizeof(float)); break;
                case 16: memcpy(out, row, 16 * sizeof(float)); break;
                default: memcpy(out, row, 32 * sizeof(float)); break;
                }
            }
            continue;
        }
        for (int k = 0; k < kc; k++) {
            const float *row = B + (long)(k0 + k) * rsb + (long)(j0 + jp) * csb;
            int c = 0;
            if (csb == 1) {
                memcpy(out, row, (size_t)cols * sizeof(float));
                c = cols;
            } else {
                for (; c < cols; c++) out[c] = row[(long)c * csb];
            }
            for (; c < nr; c++) out[c] = 0.0f;
            out += nr;
        }
    }
}

/* Portable kernel: 4x8 tile. */
static void kernel_scalar(int kc, const float *a, const float *b, float *c, long ldc, int accumulate) {
    float acc[4][8] = {{0}};
    for (int k = 0; k < kc; k++) {
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 8; j++) acc[i][j] += a[i] * b[j];
        a += 4;
        b += 8;
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) c[i * ldc + j] = accumulate ? c[i * ldc + j] + acc[i][j] : acc[i][j];
}

#ifdef NAS_X86
/* The in-place kernels (AVX-512, and AVX2 below) read A through row pointers (a row-major A
   steps 1 per k, an im2col matrix read transposed steps by its row length), so A is never
   packed: for the narrow N of small networks, packing A cost more than the multiply itself.
   Rows past `rows` repeat the last valid row and are not stored. */
#define NAS_ROW_POINTERS(MR)                                                        \
    const float *p[MR];                                                             \
    for (int i = 0; i < MR; i++) p[i] = a + (long)(i < rows ? i : rows - 1) * rsa;

/* AVX2: 6x16 tile, 12 accumulators, A read in place. Each element of C is a fused multiply-add
   chain over k from zero, then added to C: the arithmetic of the packed AVX2 kernel this
   replaced, so results did not change. Partial tiles load and store C through lane masks. */
__attribute__((target("avx2"), always_inline))
static inline __m256i lanes_below(int cols) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

__attribute__((target("avx2,fma")))
static void kernel_avx2_inplace(int kc, const float *a, long rsa, long csa, const float *b, float *c, long ldc,
                                int accumulate, int rows, int cols) {
    NAS_ROW_POINTERS(6)
    const float *p0 = p[0], *p1 = p[1], *p2 = p[2], *p3 = p[3], *p4 = p[4], *p5 = p[5];
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    for (long k = 0, ka = 0; k < kc; k++, ka += csa) {
        __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
        __m256 a0 = _mm256_broadcast_ss(p0 + ka);
        c00 = _mm256_fmadd_ps(a0, b0, c00); c01 = _mm256_fmadd_ps(a0, b1, c01);
        __m256 a1 = _mm256_broadcast_ss(p1 + ka);
        c10 = _mm256_fmadd_ps(a1, b0, c10); c11 = _mm256_fmadd_ps(a1, b1, c11);
        __m256 a2 = _mm256_broadcast_ss(p2 + ka);
        c20 = _mm256_fmadd_ps(a2, b0, c20); c21 = _mm256_fmadd_ps(a2, b1, c21);
        __m256 a3 = _mm256_broadcast_ss(p3 + ka);
        c30 = _mm256_fmadd_ps(a3, b0, c30); c31 = _mm256_fmadd_ps(a3, b1, c31);
        __m256 a4 = _mm256_broadcast_ss(p4 + ka);
        c40 = _mm256_fmadd_ps(a4, b0, c40); c41 = _mm256_fmadd_ps(a4, b1, c41);
        __m256 a5 = _mm256_broadcast_ss(p5 + ka);
        c50 = _mm256_fmadd_ps(a5, b0, c50); c51 = _mm256_fmadd_ps(a5, b1, c51);
        b += 16;
    }
    __m256 acc[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    if (cols >= 16) {
        for (int i = 0; i < rows; i++) {
            float *out = c + i * ldc;
            if (accumulate) {
                acc[i][0] = _mm256_add_ps(acc[i][0], _mm256_loadu_ps(out));
                acc[i][1] = _mm256_add_ps(acc[i][1], _mm256_loadu_ps(out + 8));
            }
            _mm256_storeu_ps(out, acc[i][0]);
            _mm256_storeu_ps(out + 8, acc[i][1]);
        }
        return;
    }
    const __m256i m0 = lanes_below(cols), m1 = lanes_below(cols - 8);
    for (int i = 0; i < rows; i++) {
        float *out = c + i * ldc;
        if (accumulate) {
            acc[i][0] = _mm256_add_ps(acc[i][0], _mm256_maskload_ps(out, m0));
            acc[i][1] = _mm256_add_ps(acc[i][1], _mm256_maskload_ps(out + 8, m1));
        }
        _mm256_maskstore_ps(out, m0, acc[i][0]);
        _mm256_maskstore_ps(out + 8, m1, acc[i][1]);
    }
}

/* AVX-512 kernels store partial tiles themselves with masks, so no edge tile goes through
   scratch memory; rows beyond `rows` are computed on zero padding and not stored. */
static inline __mmask16 column_mask(int cols) {
    return cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (cols > 0 ? cols : 0)) - 1u);
}


/* 12x32 tile, 24 accumulators: for N > 16. */
__attribute__((target("avx512f")))
static void kernel_avx512_wide(int kc, const float *a, long rsa, long csa, const float *b, float *c, long ldc,
                               int accumulate, int rows, int cols) {
    NAS_ROW_POINTERS(12)
    __m512 acc[12][2];
    for (int i = 0; i < 12; i++) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    for (long k = 0, ka = 0; k < kc; k++, ka += csa) {
        __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
        for (int i = 0; i < 12; i++) {
            __m512 ai = _mm512_set1_ps(p[i][ka]);
            acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
        }
        b += 32;
    }
    __mmask16 m0 = column_mask(cols), m1 = column_mask(cols - 16);
    for (int i = 0; i < rows; i++) {
        float *out = c + i * ldc;
        if (accumulate) {
            acc[i][0] = _mm512_add_ps(acc[i][0], _mm512_maskz_loadu_ps(m0, out));
            acc[i][1] = _mm512_add_ps(acc[i][1], _mm512_maskz_loadu_ps(m1, out + 16));
        }
        _mm512_mask_storeu_ps(out, m0, acc[i][0]);
        _mm512_mask_storeu_ps(out + 16, m1, acc[i][1]);
    }
}

/* 24x16 tile, 24 accumulators: for N <= 16 (narrow layers waste half of a 32-wide tile). */
__attribute__((target("avx512f")))
static void kernel_avx512_narrow(int kc, const float *a, long rsa, long csa, const float *b, float *c, long ldc,
                                 int accumulate, int rows, int cols) {
    NAS_ROW_POINTERS(24)
    __m512 acc[24];
    for (int i = 0; i < 24; i++) acc[i] = _mm512_setzero_ps();
    for (long k = 0, ka = 0; k < kc; k++, ka += csa) {
        __m512 b0 = _mm512_load_ps(b);
        for (int i = 0; i < 24; i++) acc[i] = _mm512_fmadd_ps(_mm512_set1_ps(p[i][ka]), b0, acc[i]);
        b += 16;
    }
    __mmask16 m0 = column_mask(cols);
    for (int i = 0; i < rows; i++) {
        float *out = c + i * ldc;
        if (accumulate) acc[i] = _mm512_add_ps(acc[i], _mm512_maskz_loadu_ps(m0, out));
        _mm512_mask_storeu_ps(out, m0, acc[i]);
    }
}
#endif

typedef struct {
    micro_kernel kernel;     /* full tiles only; edges go through scratch */
    edge_kernel wide, narrow; /* when set: handle edges themselves, narrow for N <= 16 */
    int mr, nr, narrow_mr, narrow_nr;
    const char *name;
} kernel_choice;

static kernel_choice choose(const char *forced) {
#ifdef NAS_X86
    __builtin_cpu_init();
    int allow512 = !forced || strcmp(forced, "avx2") != 0;
    int allow2 = !forced || strcmp(forced, "scalar") != 0;
    if (allow512 && allow2 && __builtin_cpu_supports("avx512f"))
        return (kernel_choice){NULL, kernel_avx512_wide, kernel_avx512_narrow, 12, 32, 24, 16, "avx512"};
    if (allow2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return (kernel_choice){NULL, kernel_avx2_inplace, kernel_avx2_inplace, 6, 16, 6, 16, "avx2"};
#else
    (void)forced;
#endif
    return (kernel_choice){kernel_scalar, NULL, NULL, 4, 8, 4, 8, "scalar"};
}

static kernel_choice chosen;
static int chosen_ready;

static kernel_choice current(void) {
    /* A benign race: every thread computes the same answer. */
    if (!__atomic_load_n(&chosen_ready, __ATOMIC_ACQUIRE)) {
        chosen = choose(getenv("NASBOOK_ISA"));
        __atomic_store_n(&chosen_ready, 1, __ATOMIC_RELEASE);
    }
    return chosen;
}

int nas_kernels_select(const char *isa) {
    kernel_choice choice = choose(isa);
    if (isa && strcmp(choice.name, isa) != 0) return 0;
    chosen = choice;
    __atomic_store_n(&chosen_ready, 1, __ATOMIC_RELEASE);
    return 1;
}

const char *nas_kernels_isa(void) { return current().name; }

void nas_sgemm(int M, int N, int K,
               const float *A, long rsa, long csa,
               const float *B, long rsb, long csb,
               float *C, long ldc, int accumulate) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {
        if (!accumulate)
            for (int i = 0; i < M; i++) memset(C + (long)i * ldc, 0, (size_t)N * sizeof(float));
        return;
    }
    kernel_choice kc_choice = current();
    const int narrow = N <= 16 && kc_choice.narrow;
    const int mr = narrow ? kc_choice.narrow_mr : kc_choice.mr, nr = narrow ? kc_choice.narrow_nr : kc_choice.nr;
    edge_kernel edges = narrow ? kc_choice.narrow : kc_choice.wide;
    const int n_padded = (N + nr - 1) / nr * nr;
    float *packed_b = grow(&pack_b_buffer, &pack_b_size, (size_t)KC * n_padded);
    float *packed_a = grow(&pack_a_buffer, &pack_a_size, (size_t)KC * ((MC + mr - 1) / mr * mr));
    float edge[4 * 8]; /* the scalar kernel's tile */

    for (int k0 = 0; k0 < K; k0 += KC) {
        int kc = K - k0 < KC ? K - k0 : KC;
        int acc = accumulate || k0 > 0;
        pack_b(B, rsb, csb, 0, N, k0, kc, nr, packed_b);
        if (edges) {
            for (int i0 = 0; i0 < M; i0 += mr) {
                int rows = M - i0 < mr ? M - i0 : mr;
                const float *ap = A + (long)i0 * rsa + (long)k0 * csa;
                for (int jp = 0; jp < N; jp += nr) {
                    int cols = N - jp < nr ? N - jp : nr;
                    edges(kc, ap, rsa, csa, packed_b + (long)(jp / nr) * kc * nr, C + (long)i0 * ldc + jp, ldc, acc, rows, cols);
                }
            }
            continue;
        }
        for (int i0 = 0; i0 < M; i0 += MC) {
            int mc = M - i0 < MC ? M - i0 : MC;
            pack_a(A, rsa, csa, i0, mc, k0, kc, mr, packed_a);
            for (int jp = 0; jp < N; jp += nr) {
                int cols = N - jp < nr ? N - jp : nr;
                const float *bp = packed_b + (long)(jp / nr) * kc * nr;
                for (int ip = 0; ip < mc; ip += mr) {
                    int rows = mc - ip < mr ? mc - ip : mr;
                    const float *ap = packed_a + (long)(ip / mr) * kc * mr;
                    float *out = C + (long)(i0 + ip) * ldc + jp;
                    if (rows == mr && cols == nr) {
                        kc_choice.kernel(kc, ap, bp, out, ldc, acc);
                    } else {
                        /* Edge tile: compute into a full scratch tile, copy the valid part. */
                        kc_choice.kernel(kc, ap, bp, edge, nr, 0);
                        for (int r = 0; r < rows; r++)
                            for (int c = 0; c < cols; c++)
                                out[(long)r * ldc + c] = acc ? out[(long)r * ldc + c] + edge[r * nr + c] : edge[r * nr + c];
                    }
                }
            }
        }
    }
}
