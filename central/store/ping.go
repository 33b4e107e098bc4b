package store

import "context"

// Ping tells whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return wrap(s.db.PingContext(ctx), "ping") }
