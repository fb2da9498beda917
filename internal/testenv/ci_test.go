package testenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMissingMotoFailsInCI: with CI set and no moto_server on PATH, a test
// that needs moto fails (it never skips silently) and says what to install.
func TestMissingMotoFailsInCI(t *testing.T) {
	if os.Getenv("TESTENV_CHILD") == "1" {
		StartMoto(t)
		return
	}
	for _, ci := range []string{"true", ""} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMissingMotoFailsInCI$", "-test.v")
		cmd.Env = append(os.Environ(), "TESTENV_CHILD=1", "PATH="+t.TempDir(), "CI="+ci)
		out, err := cmd.CombinedOutput()
		text := string(out)
		if ci != "" {
			if err == nil || !strings.Contains(text, "--- FAIL") || !strings.Contains(text, "moto_server not found") || !strings.Contains(text, "pip install") {
				t.Errorf("CI set, moto missing: err=%v\n%s", err, text)
			}
		} else if err != nil || !strings.Contains(text, "--- SKIP") {
			t.Errorf("CI unset, moto missing: want a skip, got err=%v\n%s", err, text)
		}
	}
}
