package synctest

import (
	"testing"

	"karta/offline/bundle"
	tapsync "karta/sync"
)

// Lists publishes list versions as central does: the offer retained on
// the list's manifest topic, each chunk retained on its own topic, and
// empty retained messages to clear the chunks of a version no longer
// offered.
type Lists struct {
	T    testing.TB
	Conn tapsync.Conn
}

// Offer retains an offer of list made of the bundles' signed manifests.
func (p Lists) Offer(list string, bs ...*bundle.Bundle) {
	p.T.Helper()
	var signed [][]byte
	for _, b := range bs {
		signed = append(signed, b.Signed)
	}
	p.OfferSigned(list, signed...)
}

// OfferSigned retains an offer of list made of signed manifests as they
// are, forged or not.
func (p Lists) OfferSigned(list string, signed ...[]byte) {
	p.T.Helper()
	b, err := tapsync.Encode(tapsync.ListOffer{V: tapsync.V, List: list, Manifests: signed})
	if err != nil {
		p.T.Fatal(err)
	}
	p.publish(tapsync.ManifestTopic(list), b)
}

// Chunks retains the chunks of b: those named by only, or all.
func (p Lists) Chunks(b *bundle.Bundle, only ...int) {
	p.T.Helper()
	m := p.manifest(b)
	if len(only) == 0 {
		for i := range b.Chunks {
			only = append(only, i)
		}
	}
	for _, i := range only {
		p.publish(tapsync.ChunkTopic(m.List, m.Version, m.Base, i), b.Chunks[i])
	}
}

// Chunk retains payload as chunk i of b, whatever it holds.
func (p Lists) Chunk(b *bundle.Bundle, i int, payload []byte) {
	p.T.Helper()
	m := p.manifest(b)
	p.publish(tapsync.ChunkTopic(m.List, m.Version, m.Base, i), payload)
}

// Clear removes the retained chunks of b.
func (p Lists) Clear(b *bundle.Bundle) {
	p.T.Helper()
	for i := range b.Chunks {
		p.Chunk(b, i, nil)
	}
}

func (p Lists) manifest(b *bundle.Bundle) *bundle.Manifest {
	p.T.Helper()
	m, err := bundle.PeekManifest(b.Signed)
	if err != nil {
		p.T.Fatal(err)
	}
	return m
}

func (p Lists) publish(topic string, payload []byte) {
	p.T.Helper()
	if err := p.Conn.Publish(topic, 1, true, payload); err != nil {
		p.T.Fatalf("publish %s: %v", topic, err)
	}
}
