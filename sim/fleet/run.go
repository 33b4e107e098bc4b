package fleet

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// Run starts the links, taps, cuts links and brings them back, waits for
// the backlogs to drain and stops the links. It ends by itself (see
// Options); when ctx ends first it stops early and says so in the
// Summary. The journals are closed when it returns.
func (f *Fleet) Run(ctx context.Context) (Summary, error) {
	start := time.Now()
	f.started.Store(start.UnixNano())
	links, stopLinks := f.startLinks(ctx)
	monitor, stopMonitor := f.startMonitor(ctx)

	tapCtx, stopTapping := context.WithCancel(ctx)
	if f.opts.Duration > 0 {
		tapCtx, stopTapping = context.WithTimeout(ctx, f.opts.Duration)
	}
	var outages sync.WaitGroup
	outages.Go(func() { f.cutAndRestore(tapCtx, ctx) })
	f.tap(tapCtx)
	stopTapping()
	tapped := time.Now()
	drained := f.drain(ctx)
	drain := time.Since(tapped)
	outages.Wait()

	stopLinks()
	links.Wait()
	stopMonitor()
	monitor.Wait()
	s := Summary{Progress: f.Progress(), Outages: int(f.outages.Load()),
		Tapping: tapped.Sub(start), Drain: drain, Drained: drained, Interrupted: ctx.Err() != nil}
	return s, f.close()
}

// startLinks runs every device's link, each after its stagger.
func (f *Fleet) startLinks(ctx context.Context) (*sync.WaitGroup, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	r := rand.New(rand.NewPCG(f.opts.Seed, 1))
	wg := &sync.WaitGroup{}
	for _, d := range f.devices {
		wait := time.Duration(r.Int64N(int64(f.opts.Stagger) + 1))
		wg.Go(func() {
			sleep(ctx, wait)
			if ctx.Err() == nil {
				d.link.Run(ctx)
			}
		})
	}
	return wg, cancel
}

// tap runs every device's tapping until ctx ends or each made its taps.
func (f *Fleet) tap(ctx context.Context) {
	if f.opts.Rate <= 0 {
		return
	}
	var wg sync.WaitGroup
	for i, d := range f.devices {
		r := rand.New(rand.NewPCG(f.opts.Seed, uint64(i)+2))
		wg.Go(func() { d.tapLoop(ctx, f.opts.Rate, f.opts.Jitter, f.opts.Taps, r) })
	}
	wg.Wait()
}

// drain waits until every tap is acked, DrainTimeout has passed or ctx
// ended; it reports whether the backlog is empty.
func (f *Fleet) drain(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, f.opts.DrainTimeout)
	defer cancel()
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for f.backlog() > 0 {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
	return true
}

func (f *Fleet) backlog() int64 { return f.total.journaled.Load() - f.total.acked.Load() }

// startMonitor samples the backlog for its maximum and reports progress
// until stopped.
func (f *Fleet) startMonitor(ctx context.Context) (*sync.WaitGroup, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	wg := &sync.WaitGroup{}
	wg.Go(func() {
		sample, report := time.NewTicker(50*time.Millisecond), time.NewTicker(f.opts.ProgressEvery)
		defer sample.Stop()
		defer report.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-sample.C:
				f.sampleBacklog()
			case <-report.C:
				if f.opts.Progress != nil {
					f.opts.Progress(f.Progress())
				}
			}
		}
	})
	return wg, cancel
}

func (f *Fleet) sampleBacklog() {
	b := f.backlog()
	for m := f.maxBacklog.Load(); b > m && !f.maxBacklog.CompareAndSwap(m, b); m = f.maxBacklog.Load() {
	}
}
