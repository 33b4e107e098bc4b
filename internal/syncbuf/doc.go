// Package syncbuf is a bytes.Buffer that one goroutine may write while
// another reads it: a command's output, a server's log, a browser's
// stderr, watched by a test as it grows.
package syncbuf
