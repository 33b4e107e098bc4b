package cli_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"karta/internal/cli"
)

func TestDispatch(t *testing.T) {
	cmds := map[string]cli.Command{"hello": func(_ context.Context, args []string, out, _ io.Writer) int {
		io.WriteString(out, strings.Join(args, ","))
		return 7
	}}
	var out, errOut bytes.Buffer
	if code := cli.Dispatch(context.Background(), []string{"hello", "a", "b"}, &out, &errOut, cmds, "usage: x"); code != 7 || out.String() != "a,b" {
		t.Errorf("hello: %d %q", code, out.String())
	}
	for _, args := range [][]string{nil, {"nope"}} {
		errOut.Reset()
		if code := cli.Dispatch(context.Background(), args, &out, &errOut, cmds, "usage: x"); code != 2 || errOut.String() != "usage: x\n" {
			t.Errorf("%v: %d %q", args, code, errOut.String())
		}
	}
}
