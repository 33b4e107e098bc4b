// Package gpio drives the device's indicator, buzzer, gate relay and
// character display through periph.io GPIO pins.
//
// # Model
//
// Every driver is built from gpio.PinOut values that cmd/ looked up by name
// (gpioreg.ByName("GPIO17")); nothing in this package knows a pin name or a
// board. Options come as a struct whose zero value is sensible:
//
//   - a pin is "on" when High, unless the options say ActiveLow (a relay
//     board or LED wired to 3V3 through the pin is on when Low);
//   - time comes from a Clock: SystemClock on a device, a fake in tests
//     (hardwaretest.Clock), so no test waits for a beep to end.
//
// Indicator drives two or three LEDs (amber is green and red together on a
// two-LED light). Buzzer plays a Tone as a pattern of on/off steps in one
// goroutine it owns. Relay energises the gate coil and a timer releases it.
// HD44780 is a 4-bit-bus driver for the common 16×2 and 20×4 character
// LCDs, with a Charset for Russian text.
//
// # Caveats
//
//   - Pulse and Beep return at once; a pin error that happens later, in the
//     background, is returned by the next call (or by Close) of that driver.
//   - Close leaves the safe state (light off, buzzer silent, relay released,
//     display cleared) and makes every later call fail with ErrClosed.
//   - HD44780.Show is synchronous: it writes every cell of every row and
//     waits the controller's execution time after each byte, about 1.5 ms for
//     16×2 on SystemClock, which spins for such short waits rather than sleep.
//   - The display bus has no R/W line (tie it to ground): the driver cannot
//     read the busy flag, so it waits the datasheet's worst-case times.
//   - A fake clock runs due AfterFunc callbacks in the goroutine that
//     advances it, which for the display's Sleep is one holding the
//     display's lock. Callbacks therefore take only their own driver's lock,
//     and the display, the one driver that sleeps, has no callbacks.
package gpio
