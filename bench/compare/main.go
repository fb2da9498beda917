// Command compare measures the wizard against the benchmark floor (rawsix)
// and the documented aws CLI path, against a running moto_server, and prints
// a table: medians, min/max, ratios, API calls per run, peak RSS, binary
// sizes. Runs alternate (A B A B ...) so drift hits both sides alike, and
// every run uses fresh names so each does the full work. `make bench` starts
// moto and calls it.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

type sample struct {
	wall  time.Duration
	rssKB int64
	calls int
}

type options struct {
	endpoint, motoLog, wizard, raw, dir string
	pairs, cliRuns                      int
}

func main() {
	var o options
	flag.StringVar(&o.endpoint, "endpoint", "", "moto URL")
	flag.StringVar(&o.motoLog, "moto-log", "", "moto's request log, to count calls")
	flag.StringVar(&o.wizard, "wizard", "", "wizard binary")
	flag.StringVar(&o.raw, "raw", "", "rawsix binary")
	flag.StringVar(&o.dir, "dir", os.TempDir(), "scratch directory")
	flag.IntVar(&o.pairs, "pairs", 10, "wizard/raw pairs to run")
	flag.IntVar(&o.cliRuns, "cli-runs", 3, "runs of the aws CLI path")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func countCalls(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return -1
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		for _, m := range []string{`"GET `, `"PUT `, `"POST `, `"HEAD `, `"DELETE `} {
			if strings.Contains(line, m) {
				n++
				break
			}
		}
	}
	return n
}

func measure(o options, dir string, name string, args ...string) (sample, error) {
	before := countCalls(o.motoLog)
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, stderr.String())
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	return sample{wall: wall, rssKB: rss, calls: countCalls(o.motoLog) - before}, nil
}

func run(o options) error {
	var wiz, raw, cli, ver []sample
	for i := 0; i < o.pairs; i++ {
		dir, err := os.MkdirTemp(o.dir, "run")
		if err != nil {
			return err
		}
		w, err := measure(o, dir, o.wizard, "--non-interactive", "--skip-register", "--endpoint-url", o.endpoint,
			"--bucket", fmt.Sprintf("bench-wiz-%d-%d", time.Now().UnixNano(), i), "--prefix", "events", "-o", "json")
		if err != nil {
			return err
		}
		r, err := measure(o, dir, o.raw, "--bucket", fmt.Sprintf("bench-raw-%d-%d", time.Now().UnixNano(), i))
		if err != nil {
			return err
		}
		v, err := measure(o, dir, o.wizard, "version")
		if err != nil {
			return err
		}
		wiz, raw, ver = append(wiz, w), append(raw, r), append(ver, v)
	}
	for i := 0; i < o.cliRuns; i++ {
		s, err := cliPath(o, i)
		if err != nil {
			return err
		}
		cli = append(cli, s)
	}
	size := func(p string) string {
		fi, err := os.Stat(p)
		if err != nil {
			return "?"
		}
		return fmt.Sprintf("%.1f MiB", float64(fi.Size())/(1<<20))
	}
	mw, mr, mc := median(wiz), median(raw), median(cli)
	fmt.Printf("| run | n | median | min | max | API calls | peak RSS |\n|---|---|---|---|---|---|---|\n")
	row := func(name string, s []sample) {
		lo, hi := minmax(s)
		fmt.Printf("| %s | %d | %s | %s | %s | %d | %.1f MiB |\n", name, len(s), ms(median(s)), ms(lo), ms(hi), s[0].calls, float64(maxRSS(s))/1024)
	}
	row("wizard headless setup (preflight..validate)", wiz)
	row("raw six-call program", raw)
	row("aws CLI, four documented commands", cli)
	row("wizard version", ver)
	fmt.Printf("\nwizard / raw = %.2fx (target <= 2.0x); aws CLI / wizard = %.1fx (target >= 30x)\n",
		float64(mw)/float64(mr), float64(mc)/float64(mw))
	fmt.Printf("binary sizes: wizard %s, rawsix %s\n", size(o.wizard), size(o.raw))
	return nil
}

// cliPath runs the four commands of STRM's manual page with the aws CLI.
func cliPath(o options, i int) (sample, error) {
	dir, err := os.MkdirTemp(o.dir, "cli")
	if err != nil {
		return sample{}, err
	}
	bucket := fmt.Sprintf("bench-cli-%d-%d", time.Now().UnixNano(), i)
	user := "strm-export-" + bucket
	policy := filepath.Join(dir, "policy.json")
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetBucketLocation"],"Resource":"arn:aws:s3:::%s"},{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::%s/events/*.jsonl"]}]}`, bucket, bucket)
	if err := os.WriteFile(policy, []byte(doc), 0o644); err != nil {
		return sample{}, err
	}
	script := fmt.Sprintf(`set -e
aws --endpoint-url %[1]s s3 mb s3://%[2]s >/dev/null
aws --endpoint-url %[1]s iam create-user --user-name %[3]s >/dev/null
aws --endpoint-url %[1]s iam put-user-policy --user-name %[3]s --policy-name strm-bucket-write-access --policy-document file://%[4]s
aws --endpoint-url %[1]s iam create-access-key --user-name %[3]s > s3.json`, o.endpoint, bucket, user, policy)
	return measure(o, dir, "bash", "-c", script)
}

func median(s []sample) time.Duration {
	d := make([]time.Duration, len(s))
	for i, x := range s {
		d[i] = x.wall
	}
	slices.Sort(d)
	if len(d)%2 == 1 {
		return d[len(d)/2]
	}
	return (d[len(d)/2-1] + d[len(d)/2]) / 2
}

func minmax(s []sample) (time.Duration, time.Duration) {
	lo, hi := s[0].wall, s[0].wall
	for _, x := range s {
		lo, hi = min(lo, x.wall), max(hi, x.wall)
	}
	return lo, hi
}

func maxRSS(s []sample) int64 {
	var m int64
	for _, x := range s {
		m = max(m, x.rssKB)
	}
	return m
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
