// Package strm registers an AWS S3 data connector with STRM Privacy.
//
// It talks to the STRM Privacy API over gRPC (the generated stubs from
// github.com/strmprivacy/api-definitions-go/v3), finds an access token the way
// the strm CLI stores it, resolves the project name to its id, and falls back
// to running the strm CLI itself, or to a command the user runs by hand, when
// no token is available.
//
// Everything that touches the process environment, the file system outside
// explicitly given paths, the network for token refresh, or other programs
// goes through Environment, so tests never read the real home directory.
//
// The entry point is Register; FindToken, ManualCommand, ValidateConnectorName
// and Connector are the pieces a UI shows on their own.
package strm
