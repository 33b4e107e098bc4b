package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"karta/central/broker"
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
func mosquittoConf(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("karta-central mosquitto-conf", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", ".", "where to write mosquitto.conf and karta.acl")
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
	conf := filepath.Join(*dir, "mosquitto.conf")
	err := os.WriteFile(o.ACLFile, []byte(broker.MosquittoACL(o.Central)), 0o644)
	if err == nil {
		err = os.WriteFile(conf, []byte(broker.MosquittoConf(o)), 0o644)
	}
	if err != nil {
		fmt.Fprintln(stderr, "karta-central:", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s and %s\n", conf, o.ACLFile)
	return 0
}
