package main

import (
	"context"
	"fmt"
)

// runTUI runs the interactive wizard.
func runTUI(ctx context.Context, opts *Options) int {
	fmt.Fprintln(opts.IO.ErrOut, "wizard: the interactive wizard is not available in this build yet; use --non-interactive.")
	return exitBadArgs
}
