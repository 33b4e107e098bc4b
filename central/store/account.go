package store

import (
	"slices"
	"strings"

	tapsync "karta/sync"
)

// insertOrder is the order to insert batches in: by device, then first
// seq. Every transaction taking the (device, seq) keys in one order keeps
// concurrent instances on PostgreSQL from deadlocking.
func insertOrder(bs []DeviceBatch) []int {
	order := make([]int, len(bs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		if c := strings.Compare(bs[i].Device, bs[j].Device); c != 0 {
			return c
		}
		return cmpUint(firstSeq(bs[i]), firstSeq(bs[j]))
	})
	return order
}

func firstSeq(b DeviceBatch) uint64 {
	if len(b.Taps) == 0 {
		return 0
	}
	return b.Taps[0].Seq
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// devicesOf lists the devices of a round, each once.
func devicesOf(bs []DeviceBatch) []string {
	var ds []string
	for i := range bs {
		ds = append(ds, bs[i].Device)
	}
	slices.Sort(ds)
	return slices.Compact(ds)
}

// account makes the Saved of each batch. A batch's PrevHigh counts the
// batches of its device inserted before it in this round.
func account(bs []DeviceBatch, highs map[string]uint64, added []int) []Saved {
	out := make([]Saved, len(bs))
	for _, i := range insertOrder(bs) {
		b := &bs[i]
		seqs := seqsOf(b)
		out[i] = Saved{Device: b.Device, New: added[i], Dup: len(b.Taps) - added[i],
			Ranges: ranges(seqs), PrevHigh: highs[b.Device]}
		if len(seqs) > 0 {
			highs[b.Device] = max(highs[b.Device], seqs[len(seqs)-1])
		}
	}
	return out
}

func seqsOf(b *DeviceBatch) []uint64 {
	seqs := make([]uint64, len(b.Taps))
	for i := range b.Taps {
		seqs[i] = b.Taps[i].Seq
	}
	slices.Sort(seqs)
	return slices.Compact(seqs)
}

// ranges folds sorted, distinct seqs into inclusive ranges.
func ranges(seqs []uint64) []tapsync.SeqRange {
	var rs []tapsync.SeqRange
	for _, q := range seqs {
		if n := len(rs); n > 0 && rs[n-1].To+1 == q {
			rs[n-1].To = q
			continue
		}
		rs = append(rs, tapsync.SeqRange{From: q, To: q})
	}
	return rs
}
