package fleet

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// cutAndRestore cuts a random share of the devices' links every
// OutageEvery while tapping lasts, and brings them back after OutageFor
// (or when ctx ends): their backlogs build up, then drain.
func (f *Fleet) cutAndRestore(tapping, ctx context.Context) {
	if f.opts.OutageEvery <= 0 {
		return
	}
	r := rand.New(rand.NewPCG(f.opts.Seed, 2<<32))
	t := time.NewTicker(f.opts.OutageEvery)
	defer t.Stop()
	for {
		select {
		case <-tapping.Done():
			return
		case <-t.C:
		}
		cut := f.pick(r)
		f.setCut(cut, true)
		f.outages.Add(1)
		sleep(ctx, f.opts.OutageFor)
		f.setCut(cut, false)
	}
}

// pick chooses OutageShare of the devices, at least one.
func (f *Fleet) pick(r *rand.Rand) []*Device {
	n := max(1, int(f.opts.OutageShare*float64(len(f.devices))+0.5))
	var out []*Device
	for _, i := range r.Perm(len(f.devices))[:n] {
		out = append(out, f.devices[i])
	}
	return out
}

// setCut cuts or restores the devices' links, in parallel: closing a
// connection waits for its DISCONNECT to go out.
func (f *Fleet) setCut(devices []*Device, cut bool) {
	var wg sync.WaitGroup
	for _, d := range devices {
		if cut {
			wg.Go(d.gate.Cut)
		} else {
			d.gate.Restore()
		}
	}
	wg.Wait()
	if cut {
		f.cut.Add(int64(len(devices)))
	} else {
		f.cut.Add(-int64(len(devices)))
	}
}
