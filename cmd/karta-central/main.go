// Command karta-central is central: it collects every tap exactly once and
// keeps the device registry. One machine by default (embedded broker,
// SQLite); an external broker and PostgreSQL when a region outgrows it.
//
//	karta-central serve [--db PATH|postgres://…] [--listen ADDR] [--secret-file F] [--mqtt-url URL]
//	karta-central device-password --secret-file F --id DEVICE
//	karta-central mosquitto-conf --dir DIR --port 8883 --ca F --cert F --key F
//	karta-central stats [--db PATH|postgres://…]    devices and the taps stored
//	karta-central import [--db …] [--token-key F] [--partial] FILE...   registry exports into the entitlements
//	karta-central lists build [--db …] --signing-key F [--expires 720h] [--refresh]
//	karta-central lists show [--db …] [--list NAME]
package main

import (
	"context"
	"io"

	"karta/internal/cli"
)

func main() { cli.Main(run) }

var commands = map[string]cli.Command{
	"serve":           serve,
	"device-password": devicePassword,
	"mosquitto-conf":  mosquittoConf,
	"stats":           stats,
	"import":          importCmd,
	"lists":           listsCmd,
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return cli.Dispatch(ctx, args, stdout, stderr, commands, "usage: karta-central serve|device-password|mosquitto-conf|stats|import|lists [flags]")
}
