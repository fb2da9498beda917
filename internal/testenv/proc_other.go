//go:build !unix

// Process handling for moto_server where process groups are not available:
// only the moto_server process itself is stopped.

package testenv

import "os/exec"

func setProcessGroup(*exec.Cmd) {}

func terminateProcessGroup(cmd *exec.Cmd) { _ = cmd.Process.Kill() }

func killProcessGroup(cmd *exec.Cmd) { _ = cmd.Process.Kill() }
