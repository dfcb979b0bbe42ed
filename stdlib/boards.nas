# Target boards for nasbook. Figures are the on-chip SRAM and flash of each board's MCU as
# given by the vendor's datasheet (external QSPI flash where the MCU has none on chip).
# use "boards" to get them:  target = boards.nucleo_f746zg

nucleo_l4r5zi = board(name: "NUCLEO-L4R5ZI", mcu: "STM32L4R5ZI", core: "Cortex-M4F",
                      clock: 120 MHz, ram: 640 KB, flash: 2 MB, fpu: true, dsp: true)

nucleo_f746zg = board(name: "NUCLEO-F746ZG", mcu: "STM32F746ZG", core: "Cortex-M7",
                      clock: 216 MHz, ram: 320 KB, flash: 1 MB, fpu: true, dsp: true)

nucleo_h743zi = board(name: "NUCLEO-H743ZI", mcu: "STM32H743ZI", core: "Cortex-M7",
                      clock: 480 MHz, ram: 1 MB, flash: 2 MB, fpu: true, dsp: true)

# Arduino Nano 33 BLE
nano33_ble = board(name: "Arduino Nano 33 BLE", mcu: "nRF52840", core: "Cortex-M4F",
                   clock: 64 MHz, ram: 256 KB, flash: 1 MB, fpu: true, dsp: true)

# ESP32-DevKitC (ESP32-WROOM-32 module, 4 MB external flash)
esp32_devkitc = board(name: "ESP32-DevKitC", mcu: "ESP32", core: "Xtensa LX6", cores: 2,
                      clock: 240 MHz, ram: 520 KB, flash: 4 MB, fpu: true)

# Raspberry Pi Pico (RP2040, 2 MB external QSPI flash)
rpi_pico = board(name: "Raspberry Pi Pico", mcu: "RP2040", core: "Cortex-M0+", cores: 2,
                 clock: 133 MHz, ram: 264 KB, flash: 2 MB)

# The chips' names, for users who think in MCUs rather than boards.
nrf52840 = nano33_ble
esp32 = esp32_devkitc
rp2040 = rpi_pico

all = [nucleo_l4r5zi, nucleo_f746zg, nucleo_h743zi, nano33_ble, esp32_devkitc, rpi_pico]
