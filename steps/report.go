package steps

import "encoding/json"

// Inputs is the part of Config a report shows. It holds no secret.
type Inputs struct {
	Profile         string `json:"profile,omitempty"`
	Region          string `json:"region"`
	EndpointURL     string `json:"endpoint_url,omitempty"`
	Bucket          string `json:"bucket"`
	Prefix          string `json:"prefix"`
	User            string `json:"user"`
	PolicyName      string `json:"policy_name"`
	PolicyFile      string `json:"policy_file"`
	CredentialsFile string `json:"credentials_file"`
	Journal         string `json:"journal"`
	Connector       string `json:"connector"`
	STRMProject     string `json:"strm_project,omitempty"`
}

// InputsOf returns the reportable inputs of cfg.
func InputsOf(cfg Config) Inputs {
	return Inputs{
		Profile: cfg.Profile, Region: cfg.Region, EndpointURL: cfg.EndpointURL, Bucket: cfg.Bucket,
		Prefix: cfg.Prefix, User: cfg.User, PolicyName: cfg.PolicyName, PolicyFile: cfg.PolicyFile,
		CredentialsFile: cfg.CredentialsFile, Journal: cfg.JournalFile, Connector: cfg.Connector,
		STRMProject: cfg.STRMProject,
	}
}

// StepReport is one step's outcome in a report.
type StepReport struct {
	ID         string     `json:"id"`
	Title      string     `json:"title"`
	Status     Status     `json:"status"`
	Detail     string     `json:"detail,omitempty"`
	DurationMS int64      `json:"duration_ms"`
	Warnings   []string   `json:"warnings,omitempty"`
	Diagnosis  *Diagnosis `json:"diagnosis,omitempty"`
}

// Report is the outcome of a run, as the headless face prints it.
type Report struct {
	OK          bool            `json:"ok"`
	Inputs      Inputs          `json:"inputs"`
	Account     string          `json:"account,omitempty"`
	Steps       []StepReport    `json:"steps"`
	Register    Status          `json:"register"`
	AccessKeyID string          `json:"access_key_id,omitempty"`
	TestObject  string          `json:"test_object,omitempty"`
	Connector   json.RawMessage `json:"connector,omitempty"`
	NextCommand string          `json:"next_command,omitempty"`
}

// Report summarises the run so far. OK means no step failed and none is
// pending: "manual" and "skipped" count as done.
func (r *Runner) Report() Report {
	rep := Report{OK: true, Inputs: InputsOf(r.env.Config), Account: r.env.State.Identity.Account}
	for _, s := range r.steps {
		res := r.Result(s.ID())
		rep.Steps = append(rep.Steps, StepReport{
			ID: s.ID(), Title: s.Title(), Status: res.Status, Detail: res.Detail,
			DurationMS: res.Duration.Milliseconds(), Warnings: res.Warnings, Diagnosis: res.Diagnosis,
		})
		if !res.Status.Done() {
			rep.OK = false
		}
		if s.ID() == "register" {
			rep.Register = res.Status
		}
	}
	rep.AccessKeyID = r.env.State.Key.ID
	rep.TestObject = r.env.State.TestObjectKey
	if c := r.env.State.Connector; c != "" && json.Valid([]byte(c)) {
		rep.Connector = json.RawMessage(c)
	}
	if rep.OK {
		rep.NextCommand = NextCommand(r.env.Config)
	}
	return rep
}
