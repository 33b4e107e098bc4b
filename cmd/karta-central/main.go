// Command karta-central is central: it collects every tap exactly once and
// keeps the device registry. One machine by default (embedded broker,
// SQLite); an external broker and PostgreSQL when a region outgrows it.
//
//	karta-central serve [--db PATH|postgres://…] [--listen ADDR] [--secret-file F] [--mqtt-url URL]
//	karta-central device-password --secret-file F --id DEVICE
//	karta-central mosquitto-conf --dir DIR --port 8883 --ca F --cert F --key F
//	karta-central stats [--db PATH|postgres://…]    devices and the taps stored
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

var commands = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) int{
	"serve":           serve,
	"device-password": devicePassword,
	"mosquitto-conf":  mosquittoConf,
	"stats":           stats,
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if cmd, ok := commands[args[0]]; ok {
			return cmd(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintln(stderr, "usage: karta-central serve|device-password|mosquitto-conf|stats [flags]")
	return 2
}
