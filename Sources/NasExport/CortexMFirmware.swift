/// The Cortex-M cores an export is cross-compiled for and run on under QEMU, and the minimal
/// bare-metal firmware that runs it there: a vector table and reset handler (startup code), a
/// linker script, and a semihosting main that feeds the model inputs compiled into flash, prints
/// its outputs and counts instructions. No heap (nothing defines `_sbrk`, so a heap use fails to
/// link), no C library start-up, no RTOS.
///
/// Instruction counts: QEMU runs with `-icount shift=0`, so its virtual clock advances exactly
/// 1 ns per guest instruction, and SysTick (clocked from the board's system clock: 25 MHz on
/// MPS2, 16 MHz on the micro:bit) counts that clock. The firmware converts ticks to instructions
/// with a calibration loop of known length (`subs`/`bne`, two instructions an iteration) run
/// first, and subtracts the cost of its own per-op hook, measured the same way. These are
/// instructions executed, not cycles: QEMU models no pipeline, caches or wait states.
public struct CortexMCore: Sendable, Equatable, CustomStringConvertible {
    /// As the cost model's boards name it ("Cortex-M4").
    public let name: String
    /// Compiler flags selecting the core's instruction set and float ABI.
    public let gccFlags: [String]
    /// The QEMU machine that runs it, options that size its memories, and the flash and RAM the
    /// linker script gives it.
    public let machine: String
    public let machineOptions: [String]
    public let flashBytes: Int
    public let ramBytes: Int
    /// Whether the core has the DSP extension (SMLAD, SXTB16): the exported kernels use it then.
    public let dsp: Bool

    public var description: String { name }

    /// Thumb-v6-M. QEMU has no Cortex-M0+ machine; the micro:bit's nRF51 is a Cortex-M0, the same
    /// ARMv6-M instruction set, so code built with -mcpu=cortex-m0plus runs there unchanged. Its
    /// SRAM and flash are enlarged (to 256 KB and 1 MB, an RP2040's class) so networks of real
    /// size fit.
    public static let m0plus = CortexMCore(name: "Cortex-M0+", gccFlags: ["-mcpu=cortex-m0plus", "-mthumb", "-mfloat-abi=soft"],
                                           machine: "microbit", machineOptions: ["-global", "nrf51-soc.sram-size=262144",
                                                                                 "-global", "nrf51-soc.flash-size=1048576"],
                                           flashBytes: 1 << 20, ramBytes: 256 << 10, dsp: false)
    /// ARMv7E-M with DSP and single-precision FPU, on MPS2 AN386.
    public static let m4 = CortexMCore(name: "Cortex-M4", gccFlags: ["-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard"],
                                       machine: "mps2-an386", machineOptions: [], flashBytes: 4 << 20, ramBytes: 4 << 20, dsp: true)
    /// ARMv7E-M with DSP and double-precision FPU, on MPS2 AN500.
    public static let m7 = CortexMCore(name: "Cortex-M7", gccFlags: ["-mcpu=cortex-m7", "-mthumb", "-mfpu=fpv5-d16", "-mfloat-abi=hard"],
                                       machine: "mps2-an500", machineOptions: [], flashBytes: 4 << 20, ramBytes: 4 << 20, dsp: true)
    public static let all = [m0plus, m4, m7]

    /// Optimization and warnings: as strict as the x86 export test, -O2 as firmware builds use.
    public static let commonFlags = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic",
                                     "-ffunction-sections", "-fdata-sections"]

    /// The linker script: flash at 0 (vector table first), RAM at 0x20000000, the stack at RAM's top.
    var linkerScript: String {
        """
        /* nasbook test firmware for \(name) on QEMU \(machine). Generated. */
        MEMORY {
            FLASH (rx) : ORIGIN = 0x00000000, LENGTH = \(flashBytes)
            RAM (rwx) : ORIGIN = 0x20000000, LENGTH = \(ramBytes)
        }
        SECTIONS {
            .text : { KEEP(*(.vectors)) *(.text*) *(.rodata*) . = ALIGN(4); } > FLASH
            .data : { __data_start = .; *(.data*) . = ALIGN(4); __data_end = .; } > RAM AT > FLASH
            __data_load = LOADADDR(.data);
            .bss (NOLOAD) : { __bss_start = .; *(.bss*) *(COMMON) . = ALIGN(4); __bss_end = .; } > RAM
            __stack_top = ORIGIN(RAM) + LENGTH(RAM);
        }

        """
    }
}

/// The firmware's C sources, by file name.
enum CortexMFirmware {
    /// Vector table, reset handler (copies .data, zeroes .bss, calls main, exits through
    /// semihosting with main's status), a fault handler that reports and exits instead of
    /// hanging, and the SysTick wrap counter.
    static let startup = #"""
/* nas_startup.c: vector table and reset handler of nasbook's test firmware. Generated. */
#include <stdint.h>

extern uint32_t __stack_top, __data_load, __data_start, __data_end, __bss_start, __bss_end;
int main(void);

/* ARM semihosting: BKPT 0xAB with the operation in r0 and its argument in r1. */
static int semihost(int op, const void *arg) {
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void nas_write(const char *text) { semihost(0x04, text); } /* SYS_WRITE0 */

void nas_exit(int status) {
    /* SYS_EXIT: ADP_Stopped_ApplicationExit (QEMU exits 0) or ADP_Stopped_RunTimeErrorUnknown (1). */
    semihost(0x18, (const void *)(uintptr_t)(status == 0 ? 0x20026 : 0x20023));
    for (;;) {}
}

volatile uint32_t nas_systick_wraps;
void SysTick_Handler(void) { nas_systick_wraps++; }

void Fault_Handler(void) {
    nas_write("fault\n");
    nas_exit(1);
}

void Reset_Handler(void) {
    uint32_t *src = &__data_load, *dst = &__data_start;
    while (dst < &__data_end) *dst++ = *src++;
    for (dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
#if defined(__ARM_FP)
    /* CPACR: full access to CP10 and CP11, the FPU (hard-float code may use its registers). */
    *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    nas_exit(main());
}

typedef void (*nas_vector)(void);
__attribute__((section(".vectors"), used)) static const nas_vector vectors[16] = {
    (nas_vector)&__stack_top, Reset_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, 0, 0, 0, 0, Fault_Handler, Fault_Handler, 0, Fault_Handler, SysTick_Handler,
};

"""#

    /// Declares the per-op hook model.c calls when NAS_OP_HOOK is defined (the harness passes it
    /// with -include).
    static let hookHeader = """
    /* nas_harness.h: model.c's per-op hook, for the instruction counts. Generated. */
    void nas_op_done(int op);
    #define NAS_OP_HOOK(op) nas_op_done(op)

    """

    /// Runs every compiled-in input through the model and prints, through semihosting:
    /// `ipt N D` (instructions per SysTick tick as N/D from the calibration loop), `hook T`
    /// (ticks of `HOOK_CALLS` back-to-back hook calls), one `out HEX` line per input, `op I T`
    /// (ticks op I took over all inputs) and `total T` (ticks of all model_invoke calls).
    static let main = #"""
/* nas_harness.c: runs the model on the inputs in nas_inputs.c, prints outputs and SysTick
   ticks through semihosting. Generated. */
#include <stdint.h>
#include "model.h"

void nas_write(const char *text);
extern volatile uint32_t nas_systick_wraps;
extern const int8_t nas_inputs[][MODEL_INPUT_SIZE];
extern const int nas_input_count;

#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)
#define NAS_MAX_OPS 512
#define CALIBRATION_LOOPS 1000000
#define HOOK_CALLS 1000

/* SysTick counts down from 2^24 - 1; its interrupt counts the wraps. */
static uint64_t now(void) {
    uint32_t wraps, value;
    do {
        wraps = nas_systick_wraps;
        value = SYST_CVR;
    } while (wraps != nas_systick_wraps);
    return ((uint64_t)wraps << 24) | (0xFFFFFFu - value);
}

static uint64_t op_ticks[NAS_MAX_OPS + 1];
static uint64_t mark;
static int ops;

void nas_op_done(int op) {
    const uint64_t t = now();
    if (op > NAS_MAX_OPS) op = NAS_MAX_OPS;
    op_ticks[op] += t - mark;
    if (op + 1 > ops) ops = op + 1;
    mark = t;
}

static char line[2 * MODEL_OUTPUT_SIZE + 64];

static char *put_text(char *p, const char *text) {
    while (*text) *p++ = *text++;
    return p;
}

static char *put_number(char *p, uint64_t x) {
    char digits[24];
    int n = 0;
    do { digits[n++] = (char)('0' + (int)(x % 10)); x /= 10; } while (x);
    while (n) *p++ = digits[--n];
    return p;
}

static void print_numbers(const char *label, uint64_t a, uint64_t b, int two) {
    char *p = put_text(line, label);
    p = put_number(p, a);
    if (two) { *p++ = ' '; p = put_number(p, b); }
    *p++ = '\n';
    *p = 0;
    nas_write(line);
}

int main(void) {
    static int8_t output[MODEL_OUTPUT_SIZE];
    uint64_t start, total = 0;
    int i, j;
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = 7; /* processor clock, interrupt, enable */
    while (SYST_CVR == 0) {}

    start = now();
    {
        register uint32_t n __asm__("r0") = CALIBRATION_LOOPS;
        __asm__ volatile(".syntax unified\n1: subs %0, %0, #1\n bne 1b" : "+l"(n));
    }
    print_numbers("ipt ", 2u * CALIBRATION_LOOPS, now() - start, 1);

    mark = now();
    for (i = 0; i < HOOK_CALLS; i++) nas_op_done(NAS_MAX_OPS);
    print_numbers("hook ", op_ticks[NAS_MAX_OPS], 0, 0);
    ops = 0;

    for (i = 0; i < nas_input_count; i++) {
        static const char hex[] = "0123456789abcdef";
        char *p;
        mark = start = now();
        model_invoke(nas_inputs[i], output);
        total += now() - start;
        p = put_text(line, "out ");
        for (j = 0; j < MODEL_OUTPUT_SIZE; j++) {
            *p++ = hex[(uint8_t)output[j] >> 4];
            *p++ = hex[(uint8_t)output[j] & 15];
        }
        *p++ = '\n';
        *p = 0;
        nas_write(line);
    }
    for (i = 0; i < ops; i++) print_numbers("op ", (uint64_t)i, op_ticks[i], 1);
    print_numbers("total ", total, 0, 0);
    return 0;
}

"""#
}
