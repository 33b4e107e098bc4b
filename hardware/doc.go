// Package hardware drives what a person sees and hears at a device: the
// green/red/amber indicator, the buzzer, the gate relay and the text
// display. Interfaces live here with a periph.io GPIO implementation, a
// console one for demos, and fakes in hardware/hardwaretest.
package hardware
