package strm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	projects "github.com/strmprivacy/api-definitions-go/v3/api/projects/v1"
)

const activeProjectsFile = "active_projects.json"

// Project is a STRM project.
type Project struct {
	ID   string
	Name string
}

// activeProjects is the strm CLI's active_projects.json.
type activeProjects struct {
	Users []struct {
		Email         string `json:"email"`
		ActiveProject string `json:"active_project"`
	} `json:"users"`
}

// ActiveProject returns the project name the strm CLI has active for email,
// from active_projects.json in the config dir.
func ActiveProject(opts Options, email string) (string, error) {
	const op = "find active project"
	dir, err := opts.configDir()
	if err != nil {
		return "", &Error{Kind: KindNotFound, Op: op, Err: err, Detail: "no project given, and no config directory to read " + activeProjectsFile + " from"}
	}
	path := filepath.Join(dir, activeProjectsFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", &Error{Kind: KindNotFound, Op: op, Err: err, Detail: fmt.Sprintf("no project given, and %s does not exist; pass the project name, or run `strm activate project NAME`", path)}
	}
	if err != nil {
		return "", &Error{Kind: KindUnknown, Op: op, Err: err, Detail: fmt.Sprintf("cannot read %s: %v", path, err)}
	}
	var ap activeProjects
	if err := json.Unmarshal(raw, &ap); err != nil {
		return "", &Error{Kind: KindUnknown, Op: op, Err: err, Detail: fmt.Sprintf("%s is not valid JSON: %v", path, err)}
	}
	if email == "" {
		return "", &Error{Kind: KindNotFound, Op: op, Detail: fmt.Sprintf("no project given, and the access token names no e-mail to look up in %s; pass the project name", path)}
	}
	for _, u := range ap.Users {
		if strings.EqualFold(u.Email, email) && u.ActiveProject != "" {
			return u.ActiveProject, nil
		}
	}
	return "", &Error{Kind: KindNotFound, Op: op, Detail: fmt.Sprintf("no project given, and %s has no active project for %s; pass the project name, or run `strm activate project NAME`", path, email)}
}

// resolveProject finds the project called name (or, when name is empty, the
// user's active project) with ProjectsService/ListProjects.
func resolveProject(ctx context.Context, opts Options, client projects.ProjectsServiceClient, name, email string) (Project, error) {
	if name == "" {
		active, err := ActiveProject(opts, email)
		if err != nil {
			return Project{}, err
		}
		name = active
	}
	resp, err := client.ListProjects(ctx, &projects.ListProjectsRequest{})
	if err != nil {
		return Project{}, classify("list projects", err)
	}
	names := make([]string, 0, len(resp.GetProjects()))
	for _, p := range resp.GetProjects() {
		if p.GetName() == name || p.GetId() == name {
			return Project{ID: p.GetId(), Name: p.GetName()}, nil
		}
		names = append(names, p.GetName())
	}
	sort.Strings(names)
	available := "you have no projects"
	if len(names) > 0 {
		available = "available: " + strings.Join(names, ", ")
	}
	return Project{}, &Error{Kind: KindNotFound, Op: "resolve project", Detail: fmt.Sprintf("project %q not found; %s", name, available)}
}
