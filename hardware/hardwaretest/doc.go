// Package hardwaretest provides fakes of the hardware interfaces for tests:
// an Indicator, Buzzer, Relay and Display that record what they were asked,
// a Board bundling one of each for agent tests, and a Clock for the GPIO
// drivers that moves only when a test says so.
//
// The fakes are small real implementations with exported knobs, in the
// spirit of periph's gpiotest: no mock generator, no expectations to
// declare. A test hands &board.Relay to the code under test, runs it and
// then looks at board.Relay.Pulses or board.Relay.Last().
//
// # Faults
//
// Set Err on a fake to make every call fail with it (errors.Is finds it);
// a failed call is not recorded, since the device did not do it. Faults of
// a single pin belong in a type that embeds gpiotest.Pin and overrides Out,
// as the hardware/gpio tests do with their failPin.
//
// # Caveats
//
//   - Each fake embeds a sync.Mutex, like gpiotest.Pin: hold it to read the
//     exported fields or change Err while the code under test may run, or
//     use the Last accessors, which take it for you.
//   - Clock.Sleep and Clock.Advance run due AfterFunc callbacks in the
//     calling goroutine, in deadline order, without the clock's lock held.
//   - Nothing here sleeps or starts a goroutine.
package hardwaretest
