// Package console is a device without hardware: one Console plays the
// indicator, buzzer, gate relay and display by writing a line per call to
// an io.Writer, for demos (make run) and for watching an agent on a laptop:
//
//	[device bus-0042] ● GREEN
//	[device bus-0042] ♪ ok
//	[device bus-0042] ⟰ gate 3s
//	[device bus-0042] │ Льготный проезд │ Бесплатно
//
// # Caveats
//
//   - Nothing happens in the background: Pulse prints the pulse and
//     returns, it does not print the release.
//   - Calls from several goroutines are safe; each line is written whole,
//     with one Write, so lines never interleave.
//   - A failed Write is returned, wrapped, from the call that made it.
package console
