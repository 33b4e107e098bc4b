package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"karta/central/store"
	"karta/central/web/password"
	"karta/internal/cli"
)

// stdin is where user add and passwd read a password without
// --password-file (a variable for the tests).
var stdin io.Reader = os.Stdin

// userCmd is karta-central user add|list|passwd|disable|enable: who may
// log in to the ops UI.
func userCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return cli.Dispatch(ctx, args, stdout, stderr, map[string]cli.Command{
		"add": userAdd, "list": userList, "passwd": userPasswd, "disable": userDisable(true), "enable": userDisable(false)},
		"usage: karta-central user add|list|passwd|disable|enable [flags] (karta-central user add -h)")
}

func userAdd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, db := dbFlags("user add", stderr)
	name := fs.String("name", "", "the user's `NAME` (1-64 of a-z A-Z 0-9 . _ - @)")
	role := fs.String("role", "", "viewer, technician or admin")
	pwFile := fs.String("password-file", "", "`FILE` whose first line is the password; without it, the first line of stdin")
	iter := fs.Int("iterations", password.DefaultIterations, "PBKDF2 iterations of the hash")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *name == "" || *role == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "karta-central user add: --name and --role are required")
		return 2
	}
	hash, err := hashFrom(*pwFile, *iter)
	if err != nil {
		fmt.Fprintln(stderr, "karta-central user add:", err)
		return 1
	}
	return withStore(ctx, *db, "user add", stderr, func(st *store.Store) error {
		if err := st.AddUser(ctx, store.User{Name: *name, Role: *role, Hash: hash}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s (%s) added\n", *name, *role)
		return nil
	})
}

func userPasswd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, db := dbFlags("user passwd", stderr)
	name := fs.String("name", "", "the user's `NAME`")
	pwFile := fs.String("password-file", "", "`FILE` whose first line is the new password; without it, the first line of stdin")
	iter := fs.Int("iterations", password.DefaultIterations, "PBKDF2 iterations of the hash")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *name == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "karta-central user passwd: --name is required")
		return 2
	}
	hash, err := hashFrom(*pwFile, *iter)
	if err != nil {
		fmt.Fprintln(stderr, "karta-central user passwd:", err)
		return 1
	}
	return withStore(ctx, *db, "user passwd", stderr, func(st *store.Store) error {
		if err := st.SetPassword(ctx, *name, hash); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s: password changed, sessions ended\n", *name)
		return nil
	})
}

func userDisable(disable bool) cli.Command {
	verb := map[bool]string{true: "disable", false: "enable"}[disable]
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		fs, db := dbFlags("user "+verb, stderr)
		name := fs.String("name", "", "the user's `NAME`")
		if err := fs.Parse(args); err != nil {
			return 2
		}
		if *name == "" || fs.NArg() > 0 {
			fmt.Fprintf(stderr, "karta-central user %s: --name is required\n", verb)
			return 2
		}
		return withStore(ctx, *db, "user "+verb, stderr, func(st *store.Store) error {
			if err := st.SetUserDisabled(ctx, *name, disable); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "user %s %sd\n", *name, verb)
			return nil
		})
	}
}

func userList(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, db := dbFlags("user list", stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	return withStore(ctx, *db, "user list", stderr, func(st *store.Store) error {
		us, err := st.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tSTATE\tCREATED\tFAILED LOGINS")
		for _, u := range us {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", u.Name, u.Role, state, when(u.Created), u.Failures)
		}
		return tw.Flush()
	})
}

// hashFrom reads a password — the first line of file, or of stdin — and
// hashes it.
func hashFrom(file string, iterations int) (string, error) {
	var r io.Reader = stdin
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return "", fmt.Errorf("password: %w", err)
		}
		defer f.Close()
		r = f
	}
	line, err := bufio.NewReader(io.LimitReader(r, password.MaxLength+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("password: %w", err)
	}
	return password.Hash(strings.TrimRight(line, "\r\n"), iterations)
}
