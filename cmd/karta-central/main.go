// Command karta-central is central: it collects every tap exactly once and
// keeps the device registry. One machine by default (embedded broker,
// SQLite); an external broker and PostgreSQL when a region outgrows it.
//
//	karta-central serve [--db PATH|postgres://…] [--listen ADDR] [--secret-file F] [--mqtt-url URL] [--api ADDR] [--token-key F] [--signing-key F]
//	karta-central device-password --secret-file F --id DEVICE
//	karta-central mosquitto-conf --dir DIR --db … --port 8883 --ca F --cert F --key F [--acl-only]
//	karta-central stats [--db PATH|postgres://…]    devices and the taps stored
//	karta-central import [--db …] [--token-key F] [--partial] FILE...   registry exports into the entitlements
//	karta-central lists build [--db …] --signing-key F [--expires 720h] [--refresh]
//	karta-central lists show [--db …] [--list NAME]
//	karta-central device add [--db …] --id ID --role bus|turnstile|canteen [--route R] [--school S]
//	karta-central device list|revoke [--db …] [--id ID]
//	karta-central config set [--db …] --signing-key F --device ID --rules FILE.toml
//	karta-central command send [--db …] --signing-key F --device ID --kind resync|selftest|diagnostics [--ttl 10m]
//	karta-central command list [--db …] [--device ID]
//	karta-central alerts [--db …] [--open] [--resolve ID]
//	karta-central user add [--db …] --name NAME --role viewer|technician|admin [--password-file F]
//	karta-central user list|passwd|disable|enable [--db …] [--name NAME] [--password-file F]
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
	"device":          deviceCmd,
	"config":          configCmd,
	"command":         commandCmd,
	"alerts":          alertsCmd,
	"user":            userCmd,
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return cli.Dispatch(ctx, args, stdout, stderr, commands, "usage: karta-central serve|device-password|mosquitto-conf|stats|import|lists|device|config|command|alerts|user [flags]")
}
