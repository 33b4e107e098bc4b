// Package readertest provides fakes of the readers interfaces for tests: a
// Card that answers through a function and a Reader that hands out the cards
// a test presents to it.
//
// The fakes are small real implementations with exported knobs, in the spirit
// of periph's gpiotest: no mock generator, no expectations to declare. A test
// builds a Card around a Respond function, presents it to a Reader, runs the
// code under test and then inspects Commands to see what was sent.
//
// # Faults
//
// Card.RemoveAfter makes the card leave the field after a given number of
// APDUs, the way a person pulls a card away mid-read; Card.Remove does it at
// once. Reader.Unplug makes the reader disappear. Other faults (a Transmit that
// times out, a card that answers garbage) belong in the Respond function, or
// in a type that embeds Card and overrides one method.
//
// # Caveats
//
//   - Respond is called without the card's lock held, so it may call back
//     into the card (Remove, Commands). It must be safe for concurrent use if
//     the code under test transmits from several goroutines.
//   - The fakes never sleep and never start goroutines; anything that blocks
//     (WaitCard, WaitRemoved) returns as soon as its context is done.
package readertest
