package offline

import bolt "go.etcd.io/bbolt"

// RawGet is a plain bbolt Get in the list's bucket, for benchmarks to
// measure the store against the raw file. Tests only.
func RawGet(l *Lists, list, token string) bool {
	s, _ := l.State(list)
	found := false
	l.db.View(func(tx *bolt.Tx) error {
		found = tx.Bucket([]byte(s.Bucket)).Get([]byte(token)) != nil
		return nil
	})
	return found
}
