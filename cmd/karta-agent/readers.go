package main

import (
	"errors"
	"fmt"

	"karta/agent"
	"karta/readers"
	"karta/readers/pcsc"
	"karta/readers/pn532"
	"karta/sim"
)

// errOutOfCards: a simulated reader presented all the cards it was given.
var errOutOfCards = sim.ErrOutOfCards

type configuredReader struct {
	reader    readers.Reader
	direction string
	retry     agent.Duration
}

// openReaders makes the configured readers; close releases what they hold
// (the PC/SC context). Only cmd/ knows drivers by name.
func openReaders(cfg *agent.Config) (out []configuredReader, close func(), err error) {
	var pc *pcsc.Context
	var errs []error
	for _, rc := range cfg.Readers {
		r, err := openReader(rc, &pc)
		if err != nil {
			errs = append(errs, fmt.Errorf("reader %s: %w", rc.Name, err))
			continue
		}
		out = append(out, configuredReader{reader: named{r, rc.Name}, direction: rc.Direction, retry: rc.Retry})
	}
	close = func() {
		if pc != nil {
			pc.Close()
		}
	}
	return out, close, errors.Join(errs...)
}

func openReader(rc agent.ReaderConfig, pc **pcsc.Context) (readers.Reader, error) {
	switch rc.Driver {
	case "sim":
		return simReader(rc)
	case "pcsc":
		return pcscReader(rc, pc)
	case "pn532":
		return pn532Reader(rc)
	}
	return nil, fmt.Errorf("driver %q: this build knows pcsc, pn532 and sim", rc.Driver)
}

// pcscReader opens the process's PC/SC context on first use.
func pcscReader(rc agent.ReaderConfig, pc **pcsc.Context) (readers.Reader, error) {
	if *pc == nil {
		c, err := pcsc.Open(pcsc.Options{Share: pcsc.Share(rc.Share), Protocol: pcsc.Protocol(rc.Protocol), Disposition: pcsc.Disposition(rc.Disposition)})
		if err != nil {
			return nil, err
		}
		*pc = c
	}
	return (*pc).Reader(rc.Reader), nil
}

// pn532Reader opens a PN532 on a serial line; the driver reopens the same
// path when the device comes back after a disconnect.
func pn532Reader(rc agent.ReaderConfig) (readers.Reader, error) {
	if rc.Path == "" {
		return nil, errors.New("a pn532 reader needs path (the serial device)")
	}
	baud := rc.Baud
	if baud == 0 {
		baud = pn532.DefaultBaud
	}
	open := func() (pn532.Port, error) { return pn532.OpenSerial(rc.Path, baud) }
	port, err := open()
	if err != nil {
		return nil, err
	}
	return pn532.New(port, pn532.Options{Name: rc.Name, Reopen: open, Timeout: rc.Timeout.Duration}), nil
}

func simReader(rc agent.ReaderConfig) (readers.Reader, error) {
	r := &sim.Reader{ReaderName: rc.Name, Every: rc.Every.Duration, Count: rc.Count}
	for _, name := range rc.Cards {
		c, ok := sim.Lookup(name)
		if !ok {
			return nil, fmt.Errorf("no virtual card %q (karta-sim cards lists them)", name)
		}
		r.Cards = append(r.Cards, c)
	}
	if len(r.Cards) == 0 {
		return nil, errors.New("a sim reader needs cards")
	}
	return r, nil
}

// named gives a reader the name its config gives it: the name in the
// journal, the logs and the metrics, whatever the driver calls the device.
type named struct {
	readers.Reader
	name string
}

func (n named) Name() string { return n.name }
