package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/strmprivacy/s3-connector-wizard/awsops"
	"github.com/strmprivacy/s3-connector-wizard/steps"
)

// prepare loads the AWS configuration (no network call), fills the region
// from it and validates every input. On bad input it prints every problem,
// naming the flag and the rule, and returns exitBadArgs.
func prepare(ctx context.Context, opts *Options) (steps.Config, *awsops.Clients, int) {
	cfg := opts.Config
	awsCfg, err := awsops.LoadConfig(ctx, awsops.Settings{Profile: cfg.Profile, Region: cfg.Region, EndpointURL: cfg.EndpointURL})
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "wizard: --profile %q: %v\n", cfg.Profile, err)
		return cfg, nil, exitBadArgs
	}
	if cfg.Region == "" {
		cfg.Region = awsCfg.Region
	}
	if cfg.EndpointURL == "" && awsCfg.BaseEndpoint != nil {
		cfg.EndpointURL = *awsCfg.BaseEndpoint
	}
	cfg, warnings, err := cfg.Resolve()
	if err != nil {
		var verr steps.ValidationError
		errors.As(err, &verr)
		fmt.Fprintln(opts.IO.ErrOut, "wizard: invalid input, nothing was created:")
		for _, fe := range verr {
			fmt.Fprintf(opts.IO.ErrOut, "  --%s\n", fe.Error())
		}
		return cfg, nil, exitBadArgs
	}
	for _, w := range warnings {
		fmt.Fprintln(opts.IO.ErrOut, "warning: "+w)
	}
	return cfg, awsops.NewClients(awsCfg), exitOK
}

// runHeadless runs the engine without a UI: text lines or one JSON document.
func runHeadless(ctx context.Context, opts *Options) int {
	cfg, clients, code := prepare(ctx, opts)
	if code != exitOK {
		return code
	}
	all := steps.DefaultSteps()
	if opts.DryRun {
		return printPlan(opts, cfg, all)
	}
	journal, err := steps.OpenJournal(cfg.JournalFile)
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "wizard: --journal: %v\n", err)
		return exitBadArgs
	}
	env := &steps.Env{Config: cfg, AWS: clients, Journal: journal}
	text := opts.Output == "text"
	runner := steps.NewRunner(all, env, func(e steps.Event) {
		switch {
		case e.Kind == steps.EventProgress:
			fmt.Fprintf(opts.IO.ErrOut, "  … %s: %s\n", e.StepID, e.Progress.Message)
		case e.Kind == steps.EventFinished && text:
			printResult(opts.IO.Out, e.StepID, e.Result)
		}
	})
	ok := runner.Run(ctx)
	rep := runner.Report()
	if text {
		printSummary(opts.IO.Out, cfg, rep, journal.Path())
	} else {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	}
	switch {
	case ctx.Err() != nil:
		fmt.Fprintf(opts.IO.ErrOut, "wizard: interrupted; what was created is recorded in %s\n", journal.Path())
		return exitInterrupted
	case !ok:
		return exitFailed
	}
	return exitOK
}

// Symbols shown for each status, shared with the TUI's plain mode.
func symbol(s steps.Status) string {
	switch s {
	case steps.StatusPassed:
		return "✓"
	case steps.StatusReused:
		return "↺"
	case steps.StatusSkipped:
		return "–"
	case steps.StatusManual:
		return "!"
	case steps.StatusFailed:
		return "✗"
	}
	return " "
}

func printResult(w io.Writer, id string, r steps.Result) {
	fmt.Fprintf(w, "%s %-12s %s  %.2fs\n", symbol(r.Status), id, r.Detail, r.Duration.Seconds())
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "    warning: %s\n", warn)
	}
	if r.Output != "" {
		fmt.Fprint(w, indent(strings.TrimRight(r.Output, "\n")+"\n", "    "))
	}
	if r.Status == steps.StatusFailed && r.Diagnosis != nil {
		printDiagnosis(w, r.Diagnosis, r.Detail)
	}
}

func printDiagnosis(w io.Writer, d *steps.Diagnosis, shown string) {
	if d.Title != shown {
		fmt.Fprintf(w, "    %s\n", d.Title)
	}
	fmt.Fprintf(w, "    why: %s\n", d.Why)
	for i, f := range d.Fix {
		label := "fix:"
		if i > 0 {
			label = "    "
		}
		fmt.Fprintf(w, "    %s %s\n", label, f)
	}
	for _, c := range d.Commands {
		fmt.Fprintf(w, "      $ %s\n", c)
	}
	if d.Detail != "" {
		fmt.Fprintf(w, "    aws said: %s\n", d.Detail)
	}
	if d.Edit != "" {
		fmt.Fprintf(w, "    change: --%s\n", d.Edit)
	}
}

func printSummary(w io.Writer, cfg steps.Config, rep steps.Report, journal string) {
	fmt.Fprintln(w)
	if !rep.OK {
		fmt.Fprintf(w, "Stopped. What was created is recorded in %s; run the same command again to continue.\n", journal)
		return
	}
	fmt.Fprintf(w, "Done. Credentials for %s are in %s (mode 0600); what was created is recorded in %s.\n",
		cfg.User, cfg.CredentialsFile, journal)
	if rep.Register == steps.StatusManual {
		fmt.Fprintf(w, "Register the connector with STRM Privacy:\n  %s\n", steps.RegisterCommand(cfg))
	}
	fmt.Fprintf(w, "Next, create a batch exporter that writes to this bucket:\n  %s\n", rep.NextCommand)
	if cfg.Prefix != "" {
		fmt.Fprintf(w, "Its --path-prefix must be %q: the policy only allows writes under it.\n", cfg.Prefix)
	} else {
		fmt.Fprintln(w, "Give it no --path-prefix: the policy allows writes at the bucket root only (*.jsonl).")
	}
}

// planDoc is the --dry-run JSON document.
type planDoc struct {
	DryRun bool            `json:"dry_run"`
	Inputs steps.Inputs    `json:"inputs"`
	Plan   []planEntry     `json:"plan"`
	Policy json.RawMessage `json:"policy"`
}

type planEntry struct {
	Step string `json:"step"`
	steps.Change
}

func printPlan(opts *Options, cfg steps.Config, all []steps.Step) int {
	policy, err := steps.PolicyJSON(cfg)
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "wizard: %v\n", err)
		return exitBadArgs
	}
	if opts.Output == "json" {
		doc := planDoc{DryRun: true, Inputs: steps.InputsOf(cfg), Policy: json.RawMessage(policy)}
		for _, s := range all {
			for _, c := range s.Plan(cfg) {
				doc.Plan = append(doc.Plan, planEntry{Step: s.ID(), Change: c})
			}
		}
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		_ = enc.Encode(doc)
		return exitOK
	}
	w := opts.IO.Out
	fmt.Fprintln(w, "Plan (dry run: nothing is changed, no AWS call is made):")
	for _, s := range all {
		for _, c := range s.Plan(cfg) {
			fmt.Fprintf(w, "  %-12s %s\n", s.ID(), c.Summary)
			if c.Command != "" {
				fmt.Fprintf(w, "  %-12s $ %s\n", "", c.Command)
			}
		}
	}
	fmt.Fprintf(w, "\nPolicy (%s):\n%s", cfg.PolicyFile, indent(policy, "  "))
	return exitOK
}

func indent(s, pad string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "")
}
