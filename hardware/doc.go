// Package hardware drives what a person sees and hears at a device: the
// indicator (green, red, amber), the buzzer, the gate relay and the text
// display. Each is a one-method interface here; implementations are
//
//   - GPIO, on periph.io (hardware/gpio): pins are looked up by name in
//     cmd/ and handed in as gpio.PinOut;
//   - console, for demos and `make run` (hardware/console);
//   - fakes that record what they were asked, for tests
//     (hardware/hardwaretest).
//
// # Caveats
//
//   - Nothing here blocks the tap path: Pulse and Beep return at once and
//     finish in the background; Close stops that work and leaves every
//     output in its safe state (relay released, buzzer silent, light off).
//   - A failed write is returned, never retried here: the agent logs it,
//     counts it and carries on (a broken LED must not stop the fare).
package hardware
