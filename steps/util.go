package steps

import (
	"fmt"

	"github.com/strmprivacy/s3-connector-wizard/internal/shell"
)

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// ShellQuote quotes s for a POSIX shell when it needs quoting, so that
// commands shown to the user can be pasted as they are.
func ShellQuote(s string) string { return shell.Quote(s) }

// command joins a program and its arguments, quoting each argument.
func command(args ...string) string { return shell.Join(args...) }
