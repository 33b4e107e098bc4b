package main

import (
	"errors"
	"fmt"

	"karta/agent"
	"karta/readers"
	"karta/sim"
)

// errOutOfCards: a simulated reader presented all the cards it was given.
var errOutOfCards = readers.ErrReaderGone

type configuredReader struct {
	reader    readers.Reader
	direction string
}

// openReaders makes the configured readers. Only cmd/ knows drivers by name.
func openReaders(cfg *agent.Config) ([]configuredReader, error) {
	var out []configuredReader
	var errs []error
	for _, rc := range cfg.Readers {
		r, err := openReader(rc)
		if err != nil {
			errs = append(errs, fmt.Errorf("reader %s: %w", rc.Name, err))
			continue
		}
		out = append(out, configuredReader{reader: r, direction: rc.Direction})
	}
	return out, errors.Join(errs...)
}

func openReader(rc agent.ReaderConfig) (readers.Reader, error) {
	switch rc.Driver {
	case "sim":
		return simReader(rc)
	}
	return nil, fmt.Errorf("driver %q: this build knows sim", rc.Driver)
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
