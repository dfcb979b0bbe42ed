#include "nas_kernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define NAS_X86 1
#endif

/* Goto-style blocking, without packing A: B is packed into NR-wide column panels for each
   KC-deep slice, and the micro-kernels read A in place through one pointer per tile row (a
   row-major A steps 1 per k, an im2col matrix read transposed steps by its row length), so
   for the narrow N of small networks no time goes into copying A. Row pointers also let a
   caller pick A's and C's rows (and A's and B's depth) from offset tables: nas_sgemm_indexed. */
enum { KC = NAS_GEMM_DEPTH_BLOCK, MAX_MR = 24 };

/* The tile kernel contract: C rows c[0..rows) get columns j0 ..< j0+cols of
   (accumulate ? C : 0) + A B over kc steps, A(i, k) = a[i][k_offset(k)], where k_offset(k) is
   kt[k] with a table and k * csa without. Each C element is a multiply-add chain over k from
   zero (fused on FMA kernels), then added to C. Entries of `a` past `rows` repeat the last
   valid row (they are computed, never stored). C rows are stored one after another, so rows
   that overlap in memory (a convolution's input gradient) add up exactly. */
typedef void (*tile_kernel)(int kc, const float *const *a, const long *kt, long csa, const float *b,
                            float *const *c, int j0, int accumulate, int rows, int cols);

static _Thread_local float *pack_b_buffer;
static _Thread_local size_t pack_b_size;

static float *grow(float **buffer, size_t *size, size_t need) {
    if (*size < need) {
        free(*buffer);
        *buffer = aligned_alloc(64, ((need * sizeof(float)) + 63) / 64 * 64);
        *size = need;
    }
    return *buffer;
}

/* Packs columns 0 ..< nc of B's k0 ..< k0+kc slice into NR-column panels, zero-padding the last;
   B's row k starts at B + (bt ? bt[k] : k * rsb). Full panels of a row-major B are fixed-size
   copies, which the compiler inlines: a weight gradient's B is dY with K in the thousands, and
   a memcpy call per k row cost a third of the multiply for 16-column panels. */
static void pack_b(const float *B, long rsb, const long *bt, long csb, int nc, int k0, int kc, int nr, float *out) {
    for (int jp = 0; jp < nc; jp += nr) {
        int cols = nc - jp < nr ? nc - jp : nr;
        for (int k = 0; k < kc; k++, out += nr) {
            const float *row = B + (bt ? bt[k0 + k] : (long)(k0 + k) * rsb) + (long)jp * csb;
            if (csb == 1 && cols == nr && (nr == 8 || nr == 16 || nr == 32)) {
                switch (nr) {
                case 8: memcpy(out, row, 8 * sizeof(float)); break;
                case 16: memcpy(out, row, 16 * sizeof(float)); break;
                default: memcpy(out, row, 32 * sizeof(float)); break;
                }
                continue;
            }
            int c = 0;
            if (csb == 1) {
                memcpy(out, row, (size_t)cols * sizeof(float));
                c = cols;
            } else {
                for (; c < cols; c++) out[c] = row[(long)c * csb];
            }
            for (; c < nr; c++) out[c] = 0.0f;
        }
    }
}

/* The k loop of every kernel: `ka` is the offset of step k into each A row. Instantiated once
   with a depth table and once with a stride, so the common strided case costs no table load. */
#define NAS_TABLE_LOOP(...) for (int k = 0; k < kc; k++) { const long ka = kt[k]; __VA_ARGS__ }
#define NAS_STRIDE_LOOP(...) for (long k = 0, ka = 0; k < kc; k++, ka += csa) { __VA_ARGS__ }
#define NAS_K_LOOP(...)                                                              \
    if (kt) {                                                                        \
        NAS_TABLE_LOOP(__VA_ARGS__)                                                  \
    } else {                                                                         \
        NAS_STRIDE_LOOP(__VA_ARGS__)                                                 \
    }

/* Portable kernel: 4x8 tile. */
static void kernel_scalar(int kc, const float *const *a, const long *kt, long csa, const float *b,
                          float *const *c, int j0, int accumulate, int rows, int cols) {
    float acc[4][8] = {{0}};
    const float *p0 = a[0], *p1 = a[1], *p2 = a[2], *p3 = a[3];
    NAS_K_LOOP({
        const float av[4] = {p0[ka], p1[ka], p2[ka], p3[ka]};
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 8; j++) acc[i][j] += av[i] * b[j];
        b += 8;
    })
    for (int i = 0; i < rows; i++) {
        float *out = c[i] + j0;
        for (int j = 0; j < cols; j++) out[j] = accumulate ? out[j] + acc[i][j] : acc[i][j];
    }
}

#ifdef NAS_X86
/* AVX2: 6x16 tile, 12 accumulators. Partial tiles load and store C through lane masks. */
__attribute__((target("avx2"), always_inline))
static inline __m256i lanes_below(int cols) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

__attribute__((target("avx2,fma")))
static void kernel_avx2(int kc, const float *const *a, const long *kt, long csa, const float *b,
                        float *const *c, int j0, int accumulate, int rows, int cols) {
    const float *p0 = a[0], *p1 = a[1], *p2 = a[2], *p3 = a[3], *p4 = a[4], *p5 = a[5];
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    NAS_K_LOOP({
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
    })
    __m256 acc[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    if (cols >= 16) {
        for (int i = 0; i < rows; i++) {
            float *out = c[i] + j0;
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
        float *out = c[i] + j0;
        if (accumulate) {
            acc[i][0] = _mm256_add_ps(acc[i][0], _mm256_maskload_ps(out, m0));
            acc[i][1] = _mm256_add_ps(acc[i][1], _mm256_maskload_ps(out + 8, m1));
        }
        _mm256_maskstore_ps(out, m0, acc[i][0]);
        _mm256_maskstore_ps(out + 8, m1, acc[i][1]);
    }
}

/* AVX-512 kernels store partial tiles with masks. */
static inline __mmask16 column_mask(int cols) {
    return cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (cols > 0 ? cols : 0)) - 1u);
}

/* Both AVX-512 kernels keep their accumulators in named variables, as the AVX2 one does, and
   copy them into an array only for the store loop. Accumulating in the array itself (indexed
   by the store loop's runtime row count) kept it in memory: clang stored every accumulator back
   to the stack on every k step, and the kernels ran at half the AVX2 kernel's speed on Zen 4.
   Each kernel is also compiled as two functions, one per k loop (depth table or stride): with
   both loops in one function, the register allocator joined their accumulators and moved and
   spilled zmm registers on every k step of the wide kernel (14 stack accesses per step on a
   Zen 5, where the wide kernel is 40% of a ResNet-8 training step). */
#define NAS_REP12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define NAS_REP24(X) NAS_REP12(X) X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23)
#define NAS_TILE_PARAMETERS int kc, const float *const *a, const long *kt, long csa, const float *b, \
                            float *const *c, int j0, int accumulate, int rows, int cols
#define NAS_TILE_ARGUMENTS kc, a, kt, csa, b, c, j0, accumulate, rows, cols
/* A tile kernel from its body (given the k loop): one function per k loop and the dispatcher. */
#define NAS_TILE_KERNEL(name, target_isa, BODY)                                                 \
    __attribute__((target(target_isa), noinline)) static void name##_table(NAS_TILE_PARAMETERS) { \
        (void)csa; BODY(NAS_TABLE_LOOP)                                                         \
    }                                                                                           \
    __attribute__((target(target_isa), noinline)) static void name##_stride(NAS_TILE_PARAMETERS) { \
        (void)kt; BODY(NAS_STRIDE_LOOP)                                                         \
    }                                                                                           \
    static void name(NAS_TILE_PARAMETERS) {                                                     \
        if (kt) name##_table(NAS_TILE_ARGUMENTS); else name##_stride(NAS_TILE_ARGUMENTS);        \
    }

/* 12x32 tile, 24 accumulators: for N > 16. Each row's step is one asm block (broadcast, two
   FMAs): from intrinsics, clang's scheduler issued all 12 broadcasts of a k step ahead of their
   FMAs, and 12 broadcasts + 2 B vectors + 24 accumulators do not fit in 32 zmm registers. The
   FMAs are the ones the intrinsics emit (vfmadd231ps: c = b a + c, rounded once). */
#define NAS_WIDE_ZERO(i) __m512 c##i##_0 = _mm512_setzero_ps(), c##i##_1 = _mm512_setzero_ps();
#define NAS_WIDE_POINTER(i) const float *const p##i = a[i];
#define NAS_WIDE_STEP(i)                                                                        \
    {                                                                                           \
        __m512 t;                                                                               \
        __asm__("vbroadcastss %[m], %[t]\n\t"                                                   \
                "vfmadd231ps %[t], %[b0], %[c0]\n\t"                                            \
                "vfmadd231ps %[t], %[b1], %[c1]"                                                \
                : [c0] "+v"(c##i##_0), [c1] "+v"(c##i##_1), [t] "=&v"(t)                        \
                : [m] "m"(p##i[ka]), [b0] "v"(b0), [b1] "v"(b1));                               \
    }
#define NAS_WIDE_ROW(i) {c##i##_0, c##i##_1},
#define NAS_WIDE_BODY(LOOP)                                                                     \
    NAS_REP12(NAS_WIDE_ZERO)                                                                    \
    NAS_REP12(NAS_WIDE_POINTER)                                                                 \
    LOOP({                                                                                      \
        const __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);                       \
        NAS_REP12(NAS_WIDE_STEP)                                                                \
        b += 32;                                                                                \
    })                                                                                          \
    __m512 acc[12][2] = {NAS_REP12(NAS_WIDE_ROW)};                                              \
    __mmask16 m0 = column_mask(cols), m1 = column_mask(cols - 16);                              \
    for (int i = 0; i < rows; i++) {                                                            \
        float *out = c[i] + j0;                                                                 \
        if (accumulate) {                                                                       \
            acc[i][0] = _mm512_add_ps(acc[i][0], _mm512_maskz_loadu_ps(m0, out));               \
            acc[i][1] = _mm512_add_ps(acc[i][1], _mm512_maskz_loadu_ps(m1, out + 16));          \
        }                                                                                       \
        _mm512_mask_storeu_ps(out, m0, acc[i][0]);                                              \
        _mm512_mask_storeu_ps(out + 16, m1, acc[i][1]);                                         \
    }
NAS_TILE_KERNEL(kernel_avx512_wide, "avx512f", NAS_WIDE_BODY)

/* 24x16 tile, 24 accumulators: for N <= 16 (narrow layers waste half of a 32-wide tile). */
#define NAS_NARROW_ZERO(i) __m512 c##i = _mm512_setzero_ps();
#define NAS_NARROW_STEP(i) c##i = _mm512_fmadd_ps(_mm512_set1_ps(a[i][ka]), b0, c##i);
#define NAS_NARROW_ROW(i) c##i,
#define NAS_NARROW_BODY(LOOP)                                                                   \
    NAS_REP24(NAS_NARROW_ZERO)                                                                  \
    LOOP({                                                                                      \
        const __m512 b0 = _mm512_load_ps(b);                                                    \
        NAS_REP24(NAS_NARROW_STEP)                                                              \
        b += 16;                                                                                \
    })                                                                                          \
    __m512 acc[24] = {NAS_REP24(NAS_NARROW_ROW)};                                               \
    __mmask16 m0 = column_mask(cols);                                                           \
    for (int i = 0; i < rows; i++) {                                                            \
        float *out = c[i] + j0;                                                                 \
        if (accumulate) acc[i] = _mm512_add_ps(acc[i], _mm512_maskz_loadu_ps(m0, out));         \
        _mm512_mask_storeu_ps(out, m0, acc[i]);                                                 \
    }
NAS_TILE_KERNEL(kernel_avx512_narrow, "avx512f", NAS_NARROW_BODY)
#endif

typedef struct {
    tile_kernel wide, narrow; /* narrow for N <= 16 */
    int mr, nr, narrow_mr, narrow_nr;
    const char *name;
} kernel_choice;

#ifdef NAS_X86
/* Whether 512-bit FMAs run at half rate here, so a 512-bit tile buys no arithmetic and costs
   more A loads per FMA than the AVX2 one: AMD's Zen 4 (family 19h, the only 19h parts with
   AVX-512) executes each as two 256-bit halves. Measured on a Zen 4 EPYC, one thread, release
   training throughput, AVX2 against AVX-512 kernels: smallcnn b64 4,061 vs 3,273 images/s,
   b32 3,864 vs 3,527; resnet8 b64 915 vs 831, b32 891 vs 825; cnn1d b64 21,989 vs 19,606
   (cnn1d b32 alone favoured AVX-512, 18,799 vs 17,705). Both round identically (the kernel
   contract), so the choice changes speed only. */
static int halves_512bit_fma(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return 0;
    const int amd = ebx == 0x68747541u && edx == 0x69746e65u && ecx == 0x444d4163u; /* "AuthenticAMD" */
    if (!amd || !__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    unsigned family = (eax >> 8) & 0xF;
    if (family == 0xF) family += (eax >> 20) & 0xFF;
    return family == 0x19;
}
#endif

static kernel_choice choose(const char *forced) {
#ifdef NAS_X86
    __builtin_cpu_init();
    /* Asked for by name, AVX-512 is used wherever it exists (tests compare every kernel). */
    int allow512 = forced ? strcmp(forced, "avx512") == 0 : !halves_512bit_fma();
    int allow2 = !forced || strcmp(forced, "scalar") != 0;
    if (allow512 && allow2 && __builtin_cpu_supports("avx512f"))
        return (kernel_choice){kernel_avx512_wide, kernel_avx512_narrow, 12, 32, 24, 16, "avx512"};
    if (allow2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return (kernel_choice){kernel_avx2, kernel_avx2, 6, 16, 6, 16, "avx2"};
#else
    (void)forced;
#endif
    return (kernel_choice){kernel_scalar, kernel_scalar, 4, 8, 4, 8, "scalar"};
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

/* The one driver behind nas_sgemm and nas_sgemm_indexed (tables NULL: plain strides). */
static void gemm(int M, int N, int K, const float *A, const long *a_row, long rsa, const long *a_k, long csa,
                 const float *B, const long *b_k, long rsb, long csb, float *C, const long *c_row, long ldc,
                 int accumulate) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {
        if (!accumulate)
            for (int i = 0; i < M; i++) memset(C + (c_row ? c_row[i] : (long)i * ldc), 0, (size_t)N * sizeof(float));
        return;
    }
    kernel_choice choice = current();
    const int narrow = N <= 16;
    const int mr = narrow ? choice.narrow_mr : choice.mr, nr = narrow ? choice.narrow_nr : choice.nr;
    tile_kernel kernel = narrow ? choice.narrow : choice.wide;
    const int n_padded = (N + nr - 1) / nr * nr;
    float *packed_b = grow(&pack_b_buffer, &pack_b_size, (size_t)KC * n_padded);
    const float *a[MAX_MR];
    float *c[MAX_MR];

    for (int k0 = 0; k0 < K; k0 += KC) {
        int kc = K - k0 < KC ? K - k0 : KC;
        int acc = accumulate || k0 > 0;
        const long *kt = a_k ? a_k + k0 : NULL;
        pack_b(B, rsb, b_k, csb, N, k0, kc, nr, packed_b);
        for (int i0 = 0; i0 < M; i0 += mr) {
            int rows = M - i0 < mr ? M - i0 : mr;
            for (int r = 0; r < mr; r++) {
                int i = i0 + (r < rows ? r : rows - 1);
                a[r] = A + (a_row ? a_row[i] : (long)i * rsa) + (a_k ? 0 : (long)k0 * csa);
                c[r] = C + (c_row ? c_row[i] : (long)i * ldc);
            }
            for (int jp = 0; jp < N; jp += nr) {
                int cols = N - jp < nr ? N - jp : nr;
                kernel(kc, a, kt, csa, packed_b + (long)(jp / nr) * kc * nr, c, jp, acc, rows, cols);
            }
        }
    }
}

void nas_sgemm(int M, int N, int K,
               const float *A, long rsa, long csa,
               const float *B, long rsb, long csb,
               float *C, long ldc, int accumulate) {
    gemm(M, N, K, A, NULL, rsa, NULL, csa, B, NULL, rsb, csb, C, NULL, ldc, accumulate);
}

void nas_sgemm_indexed(int M, int N, int K,
                       const float *A, const long *a_row, long rsa, const long *a_k, long csa,
                       const float *B, const long *b_k, long rsb, long csb,
                       float *C, const long *c_row, long ldc, int accumulate) {
    gemm(M, N, K, A, a_row, rsa, a_k, csa, B, b_k, rsb, csb, C, c_row, ldc, accumulate);
}
