package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"karta/central/broker"
	"karta/central/store"
	"karta/internal/atomicfile"
	tapsync "karta/sync"
)

// devicePassword prints the MQTT password of a device (for its config's
// password_file), derived from central's secret.
func devicePassword(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("karta-central device-password", flag.ContinueOnError)
	fs.SetOutput(stderr)
	secretFile := fs.String("secret-file", "var/central.secret", "central's secret `FILE`")
	id := fs.String("id", "", "device `ID`")
	if err := fs.Parse(args); err != nil || !tapsync.ValidDeviceID(*id) {
		fmt.Fprintln(stderr, "usage: karta-central device-password --secret-file F --id DEVICE (ids: a-z, 0-9, -)")
		return 2
	}
	secret, err := broker.LoadSecret(*secretFile)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintln(stdout, broker.Passwords{Secret: secret}.For(*id))
	return 0
}

// mosquittoConf writes mosquitto.conf and its ACL for an mTLS deployment.
// With --db the ACL has a user block for each device in service and none
// for the decommissioned, so that writing it again (--acl-only) and
// reloading Mosquitto shuts a decommissioned device out; without, it is
// the pattern ACL, which admits every certificate of the fleet CA.
func mosquittoConf(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("karta-central mosquitto-conf", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", ".", "where to write mosquitto.conf and karta.acl")
	db := fs.String("db", "", "the registry: SQLite `PATH` or a postgres:// DSN; an ACL by device, without the decommissioned (none: a pattern ACL for every certificate of the fleet CA)")
	aclOnly := fs.Bool("acl-only", false, "write karta.acl only, and only if it changed (after registering or decommissioning devices)")
	var o broker.MosquittoOptions
	fs.IntVar(&o.Port, "port", 8883, "TLS listener port")
	fs.StringVar(&o.CAFile, "ca", "/etc/mosquitto/certs/ca.pem", "fleet CA `FILE`")
	fs.StringVar(&o.CertFile, "cert", "/etc/mosquitto/certs/server.pem", "broker certificate `FILE`")
	fs.StringVar(&o.KeyFile, "key", "/etc/mosquitto/certs/server.key", "broker key `FILE`")
	fs.StringVar(&o.Central, "central", "karta-central", "central's certificate common name")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	o.ACLFile = filepath.Join(*dir, "karta.acl")
	if *db == "" {
		fmt.Fprintln(stderr, "karta-central: no --db: the ACL admits every certificate of the fleet CA, decommissioned devices too (docs/OPERATIONS.md)")
	}
	err := writeACL(ctx, *db, o, stdout)
	if err == nil && !*aclOnly {
		conf := filepath.Join(*dir, "mosquitto.conf")
		if err = os.WriteFile(conf, []byte(broker.MosquittoConf(o)), 0o644); err == nil {
			fmt.Fprintln(stdout, "wrote", conf)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "karta-central:", err)
		return 1
	}
	return 0
}

// writeACL writes o.ACLFile, whole (Mosquitto may reload it at any
// moment), if it changed, and says which: "wrote …" or "… unchanged".
func writeACL(ctx context.Context, db string, o broker.MosquittoOptions, stdout io.Writer) error {
	acl, what, err := mosquittoACL(ctx, db, o.Central)
	if err != nil {
		return err
	}
	if old, err := os.ReadFile(o.ACLFile); err == nil && string(old) == acl {
		fmt.Fprintf(stdout, "%s unchanged (%s)\n", o.ACLFile, what)
		return nil
	}
	if err := atomicfile.WriteBytes(o.ACLFile, 0o644, []byte(acl)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%s)\n", o.ACLFile, what)
	return nil
}

// mosquittoACL is the ACL by device of the registry at db, or with db ""
// the pattern ACL; what says which.
func mosquittoACL(ctx context.Context, db, central string) (acl, what string, err error) {
	if db == "" {
		return broker.MosquittoACL(central), "every certificate of the fleet CA", nil
	}
	if path, ok := strings.CutPrefix(db, "sqlite:"); ok || !strings.Contains(db, "://") {
		if _, err := os.Stat(path); err != nil {
			return "", "", fmt.Errorf("--db: %w (mosquitto-conf reads the registry, it makes none)", err)
		}
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return "", "", err
	}
	defer st.Close()
	devices, err := st.Devices(ctx)
	if err != nil {
		return "", "", err
	}
	var ids []string
	for _, d := range devices {
		if !d.Revoked {
			ids = append(ids, d.ID)
		}
	}
	acl, err = broker.MosquittoDeviceACL(central, ids)
	return acl, fmt.Sprintf("%d devices in service, %d decommissioned left out", len(ids), len(devices)-len(ids)), err
}
